"""Reporting ideas and comments, and the moderators' answer: ONE rule for both, and its use for ideas.

The rule (shared with app/comments/services.py, which applies it to comments): an active member reports a thing
with a reason, once (a second report by the same person is ignored); when REPORTS_TO_HIDE different people's
reports are open, the thing is hidden (hidden_at set, hidden_by_id empty: "awaiting review") until a moderator
of its centre restores it or keeps it hidden with a reason, which closes the open reports. A moderator may also
hide it directly, always with a reason.

An idea that is hidden is not public (Idea.is_public): only its author and the centre's moderators see it.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app import permissions
from app.accounts.models import moderator_centres
from app.audit.services import record_audit
from app.errors import AlreadyDone, InvalidTransition, NotAllowed
from app.extensions import db
from app.forms import strip
from app.ideas.forms import REASON_MAX
from app.ideas.models import REPORTS_TO_HIDE, Idea, IdeaReport, awaiting_review
from app.notifications.services import notify
from app.timeutil import utcnow

REASON_NEEDED = _l("Please give a reason.")


# --- the rule, for ideas and comments ---------------------------------------------------------------


def clean_reason(reason):
    """The reason trimmed and cut to REASON_MAX; InvalidTransition when there is none."""
    reason = strip(reason or "")
    if not reason:
        raise InvalidTransition(str(REASON_NEEDED))
    return reason[:REASON_MAX]


def add_report(report_model, subject_column, thing, user, reason, now):
    """Record the person's report on the (locked) thing and count it as open; None when they reported it before.

    report_model is CommentReport or IdeaReport, subject_column its column naming the thing ("comment_id", "idea_id").
    """
    subject = getattr(report_model, subject_column)
    earlier = select(report_model.id).where(subject == thing.id, report_model.reporter_id == user.id)
    if db.session.scalar(earlier) is not None:
        return None
    try:
        with db.session.begin_nested():
            report = report_model(**{subject_column: thing.id}, reporter_id=user.id, reason=reason, created_at=now)
            db.session.add(report)
    except IntegrityError:
        return None  # the same person, twice at the same instant
    thing.open_report_count += 1
    return report


def hide_after_reports(thing, now):
    """Hide the thing, awaiting review, once REPORTS_TO_HIDE people's reports are open; whether it was hidden now."""
    if thing.open_report_count < REPORTS_TO_HIDE or thing.hidden_at is not None:
        return False
    thing.hidden_at = now
    thing.hidden_by_id = None
    thing.hidden_reason = ""
    return True


def close_reports(report_model, subject_column, thing, now):
    """Close the thing's open reports at the given time, and set its open-report count to zero."""
    db.session.execute(
        update(report_model)
        .where(getattr(report_model, subject_column) == thing.id, report_model.resolved_at.is_(None))
        .values(resolved_at=now)
        .execution_options(synchronize_session=False)
    )
    thing.open_report_count = 0


def hidden_by_moderator(thing, moderator, reason, now):
    """Mark the thing hidden by the moderator with the reason (keeping when it was first hidden)."""
    if thing.hidden_at is None:
        thing.hidden_at = now
    thing.hidden_by_id = moderator.id
    thing.hidden_reason = reason


def shown_again(thing):
    """Mark the thing as not hidden."""
    thing.hidden_at = None
    thing.hidden_by_id = None
    thing.hidden_reason = ""


# --- ideas ------------------------------------------------------------------------------------------


def lock(idea):
    """Read the idea's row again, locked until the transaction ends (PostgreSQL), with its current state."""
    return db.session.scalars(
        select(Idea).where(Idea.id == idea.id).with_for_update().execution_options(populate_existing=True)
    ).one()


def report_idea(user, idea, reason):
    """Report a public idea with a reason (active members, not their own idea). One report per person: another
    one by the same person is ignored. Returns the report, or None when it was ignored.

    When REPORTS_TO_HIDE different people's reports are open, the idea is hidden until a moderator restores it
    or confirms the hiding.
    """
    if not permissions.can_report_idea(user, idea):
        raise NotAllowed()
    reason = clean_reason(reason)
    idea = lock(idea)
    if idea.hidden_at is not None and not awaiting_review(idea):
        return None  # a moderator hid it already
    now = utcnow()
    report = add_report(IdeaReport, "idea_id", idea, user, reason, now)
    if report is None:
        return None
    record_audit("idea.reported", actor=user, subject=idea, centre_id=idea.centre_id, reason=reason)
    if hide_after_reports(idea, now):
        record_audit("idea.hidden_by_reports", subject=idea, centre_id=idea.centre_id, reports=idea.open_report_count)
    return report


def moderated(moderator, idea):
    """The idea locked, for a moderator of its centre; otherwise NotAllowed."""
    if not permissions.can_moderate_idea_reports(moderator, idea):
        raise NotAllowed()
    return lock(idea)


def hide_idea(moderator, idea, reason):
    """A moderator hides a public idea with a reason the author is told; open reports are closed."""
    reason = clean_reason(reason)
    idea = moderated(moderator, idea)
    if not idea.in_public_state:
        raise InvalidTransition()
    if idea.hidden_at is not None and not awaiting_review(idea):
        raise AlreadyDone()
    keep_hidden(moderator, idea, reason, "idea.hidden")
    return idea


def confirm_hidden(moderator, idea, reason):
    """After reports: keep the idea hidden, now with the moderator's reason (the author is told), and close the reports."""
    reason = clean_reason(reason)
    idea = moderated(moderator, idea)
    if not awaiting_review(idea) and idea.open_report_count == 0:
        raise AlreadyDone()
    keep_hidden(moderator, idea, reason, "idea.hide_confirmed")
    return idea


def keep_hidden(moderator, idea, reason, action):
    """Hide the idea by the moderator, close its reports, record it and tell the author why."""
    now = utcnow()
    hidden_by_moderator(idea, moderator, reason, now)
    close_reports(IdeaReport, "idea_id", idea, now)
    record_audit(action, actor=moderator, subject=idea, centre_id=idea.centre_id, reason=reason)
    notify("idea_hidden", [idea.author], actor=moderator, idea=idea, reason=reason)


def restore_idea(moderator, idea, reason):
    """Show the idea again (or keep it shown when the reports were unfounded) and close the reports."""
    reason = clean_reason(reason)
    idea = moderated(moderator, idea)
    if idea.hidden_at is None and idea.open_report_count == 0:
        raise AlreadyDone()
    shown_again(idea)
    close_reports(IdeaReport, "idea_id", idea, utcnow())
    record_audit("idea.restored", actor=moderator, subject=idea, centre_id=idea.centre_id, reason=reason)
    return idea


# --- reading ----------------------------------------------------------------------------------------


def waiting_for_review():
    """SQL: the idea has open reports, or is hidden by reports and no moderator has looked yet."""
    return or_(
        Idea.open_report_count > 0,
        and_(Idea.hidden_at.is_not(None), Idea.hidden_by_id.is_(None), Idea.hidden_reason == ""),
    )


def reported_ideas(moderator, limit=200):
    """Ideas with open reports or hidden by reports in the centres the person moderates, the one waiting longest
    first, each as (idea, open reports oldest first with their reporters). Two SQL statements."""
    if not permissions.can_moderate(moderator):
        return []
    first_open_report = (
        select(func.min(IdeaReport.created_at))
        .where(IdeaReport.idea_id == Idea.id, IdeaReport.resolved_at.is_(None))
        .correlate(Idea)
        .scalar_subquery()
    )
    query = (
        select(Idea)
        .options(joinedload(Idea.author), joinedload(Idea.centre))
        .where(waiting_for_review())
        .order_by(func.coalesce(first_open_report, Idea.hidden_at), Idea.id)
        .limit(limit)
    )
    if not moderator.is_admin:
        mine = select(moderator_centres.c.centre_id).where(moderator_centres.c.user_id == moderator.id)
        query = query.where(Idea.centre_id.in_(mine))
    ideas = db.session.scalars(query).all()
    if not ideas:
        return []
    by_idea = {}
    for report in db.session.scalars(
        select(IdeaReport)
        .options(joinedload(IdeaReport.reporter))
        .where(IdeaReport.idea_id.in_([idea.id for idea in ideas]), IdeaReport.resolved_at.is_(None))
        .order_by(IdeaReport.created_at, IdeaReport.id)
    ):
        by_idea.setdefault(report.idea_id, []).append(report)
    return [(idea, by_idea.get(idea.id, [])) for idea in ideas]


def open_reports(idea):
    """The idea's reports not yet resolved, oldest first, with their reporters."""
    return db.session.scalars(
        select(IdeaReport)
        .options(joinedload(IdeaReport.reporter))
        .where(IdeaReport.idea_id == idea.id, IdeaReport.resolved_at.is_(None))
        .order_by(IdeaReport.created_at, IdeaReport.id)
    ).all()
