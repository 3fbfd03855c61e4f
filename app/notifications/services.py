"""Creating notifications, marking them read, and turning them into e-mail.

Every service that changes something people care about calls notify(). The mail worker
(`flask send-mail`) calls queue_immediate_notification_mail() before delivering the outbox;
`flask send-digests` (daily) calls send_digest() for everybody in digest_recipients().
"""

import logging

from jinja2 import TemplateError
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.extensions import db
from app.notifications import unsubscribing
from app.notifications.models import EmailFrequency, Notification
from app.outbox.services import queue_mail
from app.timeutil import utcnow
from app.urls import external_url

log = logging.getLogger(__name__)

#: Every kind of notification, and who gets it. The sender chooses the recipients; the texts are in
#: notifications/messages.py (one per event, a test checks). Add new events here and there.
EVENTS = {
    "idea_published": "the author (moderator published the idea)",
    "idea_changes_requested": "the author (data: reason)",
    "idea_declined": "the author (data: reason)",
    "idea_hidden": "the author (a moderator hid the idea or kept it hidden after reports; data: reason)",
    "idea_archived": "the author, supporters and followers",
    "idea_promoted": "the author, supporters and followers (the idea became a centre activity)",
    "comment_new": "the idea's author and followers (comment = the new comment)",
    "comment_reply": "the person replied to (comment = the reply; on an idea or an activity)",
    "comment_new_activity": "the activity's creator and the people who commented on it before (comment = the new comment)",
    "signup_new": "the idea's author (someone applied for a volunteer role; data: role)",
    "signup_accepted": "the volunteer (data: role)",
    "signup_declined": "the volunteer (data: role)",
    "role_removed": "people who had applied or were accepted for a role that was removed (data: role)",
    "signup_new_activity": "the activity's coordinator (someone applied for a role on it; data: role)",
    "signup_accepted_activity": "the volunteer (data: role)",
    "signup_declined_activity": "the volunteer (data: role)",
    "hours_recorded": "the volunteer (the coordinator confirmed attendance; data: role, hours)",
    "activity_changed": "people registered and volunteers (the time or place changed)",
    "activity_cancelled": "people registered or waiting, and volunteers (data: reason)",
    "registration_promoted": "the person moved up from the waiting list",
    "registration_moved_to_waiting": "the person moved to the waiting list when places were reduced",
    "activity_reminder": "people registered and volunteers, the day before",
    "representation_requested": "the organisation's representatives, or its centre's moderators (data: organisation)",
    "representation_approved": "the person who asked to represent the organisation (data: organisation)",
    "representation_declined": "the person who asked to represent the organisation (data: organisation)",
    "organisation_needs_verification": "the centre's moderators: a verified organisation's name or website changed, "
    "so it lost the badge (data: organisation)",
    "partnership_offered": "the idea's author / the activity's coordinator (data: organisation)",
    "partnership_invited": "the organisation's representatives (an idea's author asks them; data: organisation)",
    "partnership_accepted": "the side that proposed the partnership (data: organisation)",
    "partnership_declined": "the side that proposed the partnership (data: organisation)",
    "partnership_withdrawn": "the side that was to decide, or the partners (data: organisation)",
    "volunteer_message": "the accepted volunteers an idea's author or a coordinator wrote to (data: role, message_id, text)",
}
EMAIL_STATUS_FOR = {
    EmailFrequency.IMMEDIATELY: Notification.EMAIL_IMMEDIATE,
    EmailFrequency.DAILY: Notification.EMAIL_DIGEST,
    EmailFrequency.OFF: Notification.EMAIL_NONE,
}
#: Urgent events: mailed at once even to people who chose a daily digest (only "off" stops them), because
#: news that changes where a person has to be, or what they must do soon, is stale by the next day's digest.
URGENT_EVENTS = frozenset(
    {
        "registration_promoted",  # a place freed up: the person now has one and should plan to come
        "registration_moved_to_waiting",  # the person lost their place and should not turn up counting on it
        "activity_changed",  # the time or place moved: people would come at the old time or place
        "activity_cancelled",  # people would come to something that does not take place
        "activity_reminder",  # it is tomorrow
        "signup_accepted",  # the volunteer was accepted and is expected to help
        "signup_accepted_activity",
        "signup_declined_activity",  # the volunteer should not turn up for the activity
        "role_removed",  # an accepted volunteer should not turn up for a role that is gone
        "idea_changes_requested",  # the author has to act before the idea can go on
        "idea_declined",  # a decision the author waits for
        "volunteer_message",  # the organiser writes to people already helping: practical instructions they wait for
    }
)
# Not urgent (the digest is soon enough): comments, published/archived/promoted ideas, a hidden idea (nothing the
# author must do by tomorrow; the idea's page tells them why meanwhile), new sign-ups for the
# organiser, a declined sign-up for an idea's role (nothing to attend yet), hours recorded, organisation and
# partnership news (partnership_accepted too: nobody has to be anywhere because of it).


def is_urgent(event):
    """Whether notifications of this event are mailed at once even to people who chose a daily digest."""
    return event in URGENT_EVENTS


def email_status(event, frequency):
    """How a notification of this event is mailed to a person with this e-mail frequency: immediate, digest or none."""
    if is_urgent(event) and frequency == EmailFrequency.DAILY:
        frequency = EmailFrequency.IMMEDIATELY
    return EMAIL_STATUS_FOR.get(frequency, Notification.EMAIL_NONE)


#: when one comment concerns a person in several ways, the more specific event wins (one notification)
MORE_SPECIFIC = {"comment_reply": {"comment_new", "comment_new_activity"}}

#: events whose mail has a template of its own (templates/email/<name>.txt); the rest use "notification"
MAIL_TEMPLATES = {"volunteer_message": "volunteer_message"}

#: immediate notifications loaded at a time by the mail worker
IMMEDIATE_BATCH = 200
#: errors of one notification's mail (a bad address, a template that cannot render it)
UNMAILABLE = (ValueError, KeyError, TypeError, TemplateError)


def notify(event, recipients, actor=None, idea=None, comment=None, activity=None, **data):
    """Add one notification per recipient for the event; never to the actor, never twice to one person.

    Whether and when it is mailed follows the recipient's settings: e-mail about their own idea uses
    email_own_ideas, everything else email_other. Nothing is mailed here: the mail worker
    (`flask send-mail`) mails the immediate ones, `flask send-digests` the daily ones.
    A person who already has a notification about the same comment (e.g. a reply to their comment on
    an idea they follow: comment_reply and comment_new) keeps one, of the more specific event.
    An urgent event (URGENT_EVENTS) is mailed at once to those who chose a daily digest.
    Returns the notifications added.
    """
    if event not in EVENTS:
        log.warning("notification event %r is not in EVENTS (no text for it)", event)
    recipients = [user for user in recipients if user is not None]
    comment_id = comment.id if comment is not None else None
    earlier_about_comment = {}
    if comment_id is not None and recipients:
        # by user_id first: that column is indexed (ix_notifications_user_unread)
        earlier_about_comment = {
            n.user_id: n
            for n in db.session.scalars(
                select(Notification).where(
                    Notification.user_id.in_({user.id for user in recipients}), Notification.comment_id == comment_id
                )
            )
        }
    added = []
    seen = set()
    for user in recipients:
        if user.id in seen or (actor is not None and user.id == actor.id) or not user.is_active:
            continue
        seen.add(user.id)
        earlier = earlier_about_comment.get(user.id)
        if earlier is not None:
            if earlier.event in MORE_SPECIFIC.get(event, ()):
                earlier.event = event
            continue
        own_idea = idea is not None and idea.author_id == user.id
        frequency = user.email_own_ideas if own_idea else user.email_other
        notification = Notification(
            user_id=user.id,
            event=event,
            actor_id=actor.id if actor is not None else None,
            idea_id=idea.id if idea is not None else None,
            comment_id=comment_id,
            activity_id=activity.id if activity is not None else None,
            data=data,
            email_status=email_status(event, frequency),
            created_at=utcnow(),
        )
        db.session.add(notification)
        added.append(notification)
    return added


# Reading and marking read --------------------------------------------------------------------------


def count_unread(user):
    """How many notifications the person has not marked read (one statement)."""
    return db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def mark_read(notification):
    """Mark one notification read (nothing happens when it already is)."""
    if notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(user):
    """Mark every unread notification of the person read; return how many there were."""
    return db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount


def update_settings(user, email_own_ideas, email_other):
    """Save how the person wants e-mail: about answers to their own ideas, and about everything else.

    Applies to notifications made from now on; those already waiting keep their way.
    """
    if email_own_ideas not in EmailFrequency.ALL or email_other not in EmailFrequency.ALL:
        raise ValueError("unknown e-mail frequency")
    user.email_own_ideas = email_own_ideas
    user.email_other = email_other


# E-mail ----------------------------------------------------------------------------------------------


def may_be_mailed(user):
    """Suspended people and unconfirmed addresses get no notification mail."""
    return user.is_active and user.is_confirmed


def mail_context(user, kind):
    """What every notification mail's template needs: the recipient, the text helpers, the settings link and the
    one-click unsubscribe link for this kind of mail (unsubscribing.KINDS)."""
    from app.notifications import messages

    return {
        "unsubscribe_url": unsubscribing.unsubscribe_url(user, kind),
        "user": user,
        "describe": messages.describe,
        "link": messages.link,
        "details": messages.details,
        "settings_url": external_url("notifications.settings"),
    }


def queue_immediate_notification_mail(batch=IMMEDIATE_BATCH):
    """Turn notifications waiting to be mailed immediately into outbox mail, one per notification.

    Each mail is in the recipient's language; the notification is marked done in the same
    transaction (the caller commits), so it is mailed once. Returns how many mails were queued.
    """
    queued = 0
    while True:
        notifications = db.session.scalars(
            select(Notification)
            .where(Notification.email_status == Notification.EMAIL_IMMEDIATE)
            .order_by(Notification.id)
            .limit(batch)
            .options(
                selectinload(Notification.user),
                selectinload(Notification.actor),
                selectinload(Notification.idea),
                selectinload(Notification.comment),
                selectinload(Notification.activity),
            )
            # two workers at once: each takes other rows (PostgreSQL); SQLite commands hold the write lock
            .with_for_update(skip_locked=True, of=Notification)
        ).all()
        for notification in notifications:
            user = notification.user
            if not may_be_mailed(user):
                notification.email_status = Notification.EMAIL_NONE
                continue
            try:
                template = MAIL_TEMPLATES.get(notification.event, "notification")
                queue_mail(
                    user.email,
                    template,
                    user.language,
                    notification=notification,
                    **mail_context(user, unsubscribing.kind_of(notification)),
                )
            except UNMAILABLE as error:
                # One broken notification must not hold up everybody else's mail.
                log.error("notification %s could not be mailed: %s", notification.id, error)
                notification.email_status = Notification.EMAIL_NONE
                continue
            notification.email_status = Notification.EMAIL_DONE
            queued += 1
        db.session.flush()  # the next batch leaves these out
        if len(notifications) < batch:
            return queued


def digest_recipients():
    """Ids of the people with notifications waiting for their daily digest."""
    return db.session.scalars(
        select(Notification.user_id)
        .where(Notification.email_status == Notification.EMAIL_DIGEST)
        .distinct()
        .order_by(Notification.user_id)
    ).all()


def digest_key(notification):
    """What the item is about: a comment (whatever event it came with), else the event on the idea."""
    if notification.comment_id is not None:
        return ("comment", notification.comment_id)
    return (notification.event, notification.idea_id, notification.activity_id)


def group_by_project(notifications):
    """[(the idea or activity, or None; [notifications])] in the order they first appear; each item only once.

    A notification about an idea goes under the idea (also when it names the activity the idea became); one about
    an activity alone (a comment on it, a change of time) under the activity; the rest under "Other news".
    """
    groups = {}
    seen = set()
    for notification in notifications:
        key = digest_key(notification)
        if key in seen:
            continue
        seen.add(key)
        if notification.idea_id is not None:
            group, project = ("idea", notification.idea_id), notification.idea
        elif notification.activity_id is not None:
            group, project = ("activity", notification.activity_id), notification.activity
        else:
            group, project = None, None
        groups.setdefault(group, (project, []))[1].append(notification)
    return list(groups.values())


def send_digest(user_id):
    """Queue one mail with everything waiting for the person's digest, grouped by idea or activity; mark it done.

    Returns True when a mail was queued. The caller commits (one person per transaction).
    """
    # Lock the person's row first: two digest runs at once do not both mail the same notifications.
    user = db.session.scalar(select(User).where(User.id == user_id).with_for_update())
    if user is None:
        return False
    notifications = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user_id, Notification.email_status == Notification.EMAIL_DIGEST)
        .order_by(Notification.id)
        .options(
            selectinload(Notification.actor),
            selectinload(Notification.idea),
            selectinload(Notification.comment),
            selectinload(Notification.activity),
        )
    ).all()
    if not notifications:
        return False
    mailed = may_be_mailed(user)
    if mailed:
        groups = group_by_project(notifications)
        queue_mail(
            user.email,
            "digest",
            user.language,
            groups=groups,
            count=sum(len(items) for _idea, items in groups),
            **mail_context(user, unsubscribing.DIGEST),
        )
        user.last_digest_at = utcnow()
    for notification in notifications:
        notification.email_status = Notification.EMAIL_DONE if mailed else Notification.EMAIL_NONE
    return mailed
