"""Moderation actions: saved reason texts, and the daily digest of what waits for the moderators.

Decisions on ideas themselves go through app.ideas.services.transition (one guard for every move).
"""

from zoneinfo import ZoneInfo

from flask import current_app

from app import permissions
from app.audit.services import record_audit
from app.errors import NotAllowed
from app.extensions import db
from app.moderation import queries
from app.moderation.models import ReasonTemplate
from app.outbox.services import queue_mail
from app.timeutil import utcnow
from app.urls import external_url


def check_centre(actor, centre_id):
    """Raise NotAllowed unless the person moderates this centre."""
    if not permissions.can_moderate_centre(actor, centre_id):
        raise NotAllowed()


def create_reason_template(actor, centre_id, decision, title, text):
    """Save a reason text for the centre's moderators to reuse."""
    check_centre(actor, centre_id)
    template = ReasonTemplate(centre_id=centre_id, decision=decision, title=title.strip(), text=text.strip())
    db.session.add(template)
    db.session.flush()
    record_audit(
        "reason_template.created", actor=actor, subject=template, centre_id=centre_id, decision=decision, title=template.title
    )
    return template


def update_reason_template(actor, template, centre_id, decision, title, text):
    """Change a saved reason text (the person must moderate both its old and its new centre)."""
    check_centre(actor, template.centre_id)
    check_centre(actor, centre_id)
    template.centre_id, template.decision = centre_id, decision
    template.title, template.text = title.strip(), text.strip()
    record_audit(
        "reason_template.updated", actor=actor, subject=template, centre_id=centre_id, decision=decision, title=template.title
    )
    return template


def delete_reason_template(actor, template):
    """Remove a saved reason text; decisions already made keep their own copy of the text."""
    check_centre(actor, template.centre_id)
    record_audit("reason_template.deleted", actor=actor, subject=template, centre_id=template.centre_id, title=template.title)
    db.session.delete(template)


def local_date(moment):
    """The calendar date of a stored (naive UTC) time where the centres are."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).date()


def send_moderator_digests(now=None):
    """Queue ONE mail per moderator listing what waits in their centres; return how many were queued.

    Nobody is mailed when nothing waits, and nobody twice on the same (local) day, however often the
    command runs. Links are absolute, on BASE_URL. Admins without centres of their own get no digest: the
    coordinators do the reviewing.
    """
    now = now or utcnow()
    moderators = queries.digest_moderators()
    if not moderators:
        return 0
    ideas = queries.all_waiting_ideas()
    comment_counts = queries.waiting_comment_counts_by_centre()
    idea_report_counts = queries.waiting_reported_idea_counts_by_centre()
    queue_url = external_url("moderation.queue")
    reports_url = external_url("moderation.reports")
    queued = 0
    for moderator in moderators:
        if moderator.last_moderator_digest_at and local_date(moderator.last_moderator_digest_at) == local_date(now):
            continue
        centre_ids = {centre.id for centre in moderator.moderated_centres}
        waiting = [
            {
                "title": idea.title,
                "centre": idea.centre.name,
                "since": idea.submitted_at,
                "url": external_url("moderation.review_idea", idea_id=idea.id),
            }
            for idea in ideas
            if idea.centre_id in centre_ids
        ]
        reported = sum(comment_counts.get(centre_id, 0) for centre_id in centre_ids)
        reported_ideas = sum(idea_report_counts.get(centre_id, 0) for centre_id in centre_ids)
        if not waiting and not reported and not reported_ideas:
            continue
        queue_mail(
            moderator.email,
            "moderator_digest",
            moderator.language,
            moderator=moderator,
            ideas=waiting,
            reported=reported,
            reported_ideas=reported_ideas,
            queue_url=queue_url,
            reports_url=reports_url,
        )
        moderator.last_moderator_digest_at = now
        queued += 1
    return queued
