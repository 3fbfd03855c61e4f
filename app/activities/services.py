"""What can happen to an activity: created, changed, opened, cancelled, held; attendance, reminders and calendar feeds.

Registrations and the waiting list are in registrations.py.
"""

import secrets
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import permissions
from app.accounts.models import User
from app.activities.models import Activity, ActivityState, CalendarFeed, Registration, RegistrationState
from app.activities.photos import take_photo_off
from app.activities.registrations import move_to_waiting_list, promote_from_waiting_list
from app.audit.services import record_audit
from app.errors import CapacityReached, InvalidTransition, NotAllowed
from app.extensions import db
from app.notifications.services import notify
from app.timeutil import utcnow
from app.transitions import move_state
from app.volunteering.models import SignUp, SignUpState, VolunteerRole
from app.volunteering.services import move_activity_shifts

#: action → (the states it may start from, the state it leads to); every one is the coordinators'
TRANSITIONS = {
    "open": ({ActivityState.PLANNED}, ActivityState.OPEN),
    "complete": ({ActivityState.PLANNED, ActivityState.OPEN}, ActivityState.COMPLETED),
    "cancel": ({ActivityState.PLANNED, ActivityState.OPEN}, ActivityState.CANCELLED),
}
ACTIVITY_FIELDS = (
    "title",
    "description",
    "centre_id",
    "place",
    "latitude",
    "longitude",
    "starts_at",
    "ends_at",
    "leader_name",
    "capacity",
    "seeking_school_partner",
    "partner_age_groups",
    "partner_subjects",
)


# Creating and changing activities ----------------------------------------------------------------------------


def check_centre(actor, centre_id):
    """Refuse (NotAllowed) unless the person moderates that centre: an activity is made or changed only within one's centres."""
    if not permissions.can_moderate_centre(actor, centre_id):
        raise NotAllowed()


def create_activity(actor, open_registration=False, idea=None, **fields):
    """A new activity of a centre the coordinator moderates (planned, or open for registration at once)."""
    if not permissions.can_create_activity(actor):
        raise NotAllowed()
    check_centre(actor, fields["centre_id"])
    now = utcnow()
    activity = Activity(
        state=ActivityState.OPEN if open_registration else ActivityState.PLANNED,
        registered_count=0,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
        idea_id=idea.id if idea is not None else None,
        **{key: fields[key] for key in ACTIVITY_FIELDS if key in fields},
    )
    db.session.add(activity)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:  # the idea was promoted by someone else a moment ago
        raise InvalidTransition() from error
    record_audit("activity.create", actor=actor, subject=activity, centre_id=activity.centre_id, title=activity.title)
    return activity


def volunteers_of(activity, states=SignUpState.ACTIVE):
    """People who applied for or were accepted in the activity's roles."""
    return db.session.scalars(
        select(User)
        .join(SignUp, SignUp.user_id == User.id)
        .join(VolunteerRole, VolunteerRole.id == SignUp.role_id)
        .where(VolunteerRole.activity_id == activity.id, SignUp.state.in_(states))
        .distinct()
    ).all()


def participants_of(activity, states=(RegistrationState.REGISTERED,)):
    """People with a registration in the given states."""
    return db.session.scalars(
        select(User)
        .join(Registration, Registration.user_id == User.id)
        .where(Registration.activity_id == activity.id, Registration.state.in_(states))
        .distinct()
    ).all()


def update_activity(actor, activity, move_to_waiting=(), remove_photo=False, **fields):
    """Change a planned or open activity; remove_photo takes its photo off (the caller deals with the file).

    Capacity never drops below the places registered unless the coordinator chose registrations
    (ids in move_to_waiting) to move to the waiting list; those people are told. More capacity moves
    people up from the waiting list. A new start moves the roles' shifts by as much. A new time or
    place is told to everyone registered and to the volunteers.
    """
    if not permissions.can_edit_activity(actor, activity):
        raise NotAllowed()
    check_centre(actor, fields.get("centre_id", activity.centre_id))
    db.session.refresh(activity)  # registered_count as it is now
    capacity = fields.get("capacity", activity.capacity)
    moved = []
    if capacity < activity.registered_count:
        moved = db.session.scalars(
            select(Registration).where(
                Registration.activity_id == activity.id,
                Registration.id.in_(list(move_to_waiting) or [0]),
                Registration.state == RegistrationState.REGISTERED,
            )
        ).all()
        still = activity.registered_count - sum(registration.places for registration in moved)
        if still > capacity:
            raise CapacityReached(too_many_registered_message(still, capacity))
        for registration in moved:
            move_to_waiting_list(activity, registration)
    changed_when_or_where = any(
        key in fields and fields[key] != getattr(activity, key) for key in ("starts_at", "ends_at", "place")
    )
    move_activity_shifts(activity, fields.get("starts_at"))  # before the new start is set: the shifts move as far
    for key in ACTIVITY_FIELDS:
        if key in fields:
            setattr(activity, key, fields[key])
    photo_removed = remove_photo and take_photo_off(activity)
    activity.updated_at = utcnow()
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:  # someone registered between the check and the write
        raise CapacityReached(_l("Someone registered just now. Please look at the registrations again.")) from error
    # those just moved keep their turn for later places, not for one left over by this same change
    promote_from_waiting_list(activity, passing_over=[registration.id for registration in moved])
    record_audit(
        "activity.update",
        actor=actor,
        subject=activity,
        centre_id=activity.centre_id,
        moved_to_waiting=[registration.id for registration in moved],
        **({"photo_removed": True} if photo_removed else {}),
    )
    notify("registration_moved_to_waiting", [registration.user for registration in moved], actor=actor, activity=activity)
    if changed_when_or_where:
        notify(
            "activity_changed",
            participants_of(activity) + volunteers_of(activity, (SignUpState.ACCEPTED,)),
            actor=actor,
            activity=activity,
        )
    return activity


def too_many_registered_message(registered, capacity):
    """What to say when the new capacity is below the places that would still be taken."""
    return ngettext(
        "%(num)d place would still be taken, more than the new capacity (%(capacity)d). Choose whom "
        "to move to the waiting list, or keep more places.",
        "%(num)d places would still be taken, more than the new capacity (%(capacity)d). Choose whom "
        "to move to the waiting list, or keep more places.",
        registered,
        capacity=capacity,
    )


# The lifecycle ---------------------------------------------------------------------------------------------


def allowed_actions(actor, activity):
    """The moves this person may make on this activity now (for buttons)."""
    if not permissions.can_manage_activity(actor, activity):
        return []
    return [
        action
        for action, (sources, _target) in TRANSITIONS.items()
        if activity.state in sources and (action != "complete" or activity.has_started)
    ]


def transition(activity, action, actor, reason=""):
    """Move the activity one step along TRANSITIONS with a conditional UPDATE, or refuse with a domain error."""
    sources, target = TRANSITIONS[action]
    if not permissions.can_manage_activity(actor, activity):
        raise NotAllowed()
    if activity.state not in sources:
        raise InvalidTransition()
    if action == "complete" and not activity.has_started:
        raise InvalidTransition(_l("An activity can be marked as held only once it has started."))
    reason = (reason or "").strip()
    if action == "cancel" and not reason:
        raise InvalidTransition(_l("Please write a reason: everyone registered is told why."))
    now = utcnow()
    values = {"updated_at": now}
    if action == "cancel":
        values.update(cancel_reason=reason, cancelled_at=now)
    if action == "complete":
        values["completed_at"] = now
    move_state(activity, target, activity.state, **values)
    record_audit(f"activity.{action}", actor=actor, subject=activity, centre_id=activity.centre_id, reason=reason)
    if action == "cancel":
        people = participants_of(activity, RegistrationState.ACTIVE) + volunteers_of(activity)
        notify("activity_cancelled", people, actor=actor, activity=activity, reason=reason)
    return activity


def open_registration(actor, activity):
    """Registration opens: people can now register to take part."""
    return transition(activity, "open", actor)


def cancel_activity(actor, activity, reason):
    """Cancel a planned or open activity; everyone registered or waiting, and the volunteers, are told why."""
    return transition(activity, "cancel", actor, reason)


def complete_activity(actor, activity, outcome=""):
    """Mark an activity as held (once it has started), optionally with its outcome report."""
    transition(activity, "complete", actor)
    if outcome.strip():
        activity.outcome = outcome.strip()
    return activity


def write_outcome(actor, activity, outcome):
    """The outcome report of an activity that took place: what was made, who benefited."""
    if not permissions.can_write_outcome(actor, activity):
        raise NotAllowed()
    activity.outcome = (outcome or "").strip()
    activity.updated_at = utcnow()
    record_audit("activity.outcome", actor=actor, subject=activity, centre_id=activity.centre_id)
    return activity


# Attendance ---------------------------------------------------------------------------------------------

ATTENDANCE_SOURCES = (RegistrationState.REGISTERED, RegistrationState.ATTENDED, RegistrationState.NO_SHOW)


def record_attendance(actor, registration, attended):
    """The coordinator marks whether a registered person (with the people they brought) came; can be corrected."""
    activity = registration.activity
    if not permissions.can_record_attendance(actor, activity):
        raise NotAllowed()
    if registration.state not in ATTENDANCE_SOURCES:
        raise InvalidTransition()
    target = RegistrationState.ATTENDED if attended else RegistrationState.NO_SHOW
    if registration.state == target:
        return registration
    return move_state(registration, target, ATTENDANCE_SOURCES, attendance_by_id=actor.id)


# Reminders and the private calendar feed -------------------------------------------------------------------


def tomorrow_in_utc(now, timezone):
    """The start and end (naive UTC) of the day after now's local date in the given time zone."""
    local_now = now.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone))
    start = datetime.combine(local_now.date() + timedelta(days=1), time(), tzinfo=ZoneInfo(timezone))
    end = datetime.combine(local_now.date() + timedelta(days=2), time(), tzinfo=ZoneInfo(timezone))
    return (start.astimezone(UTC).replace(tzinfo=None), end.astimezone(UTC).replace(tzinfo=None))


def send_reminders(timezone, now=None):
    """Remind everyone registered, and the accepted volunteers, of activities that start tomorrow (local date).

    Run once a day (e.g. by cron in the afternoon); running it again sends nothing twice (reminded_at on
    each registration and sign-up). Reminders are mailed at once, even to people who chose a daily
    digest. Returns how many notifications were made.
    """
    now = now or utcnow()
    day_start, day_end = tomorrow_in_utc(now, timezone)
    activities = db.session.scalars(
        select(Activity)
        .where(
            Activity.state.in_(ActivityState.ACTIVE),
            Activity.starts_at >= day_start,
            Activity.starts_at < day_end,
        )
        .order_by(Activity.starts_at)
    ).all()
    made = 0
    for activity in activities:
        registrations = db.session.scalars(
            select(Registration).where(
                Registration.activity_id == activity.id,
                Registration.state == RegistrationState.REGISTERED,
                Registration.reminded_at.is_(None),
            )
        ).all()
        signups = db.session.scalars(
            select(SignUp)
            .join(VolunteerRole, VolunteerRole.id == SignUp.role_id)
            .where(VolunteerRole.activity_id == activity.id, SignUp.state == SignUpState.ACCEPTED, SignUp.reminded_at.is_(None))
        ).all()
        people = [registration.user for registration in registrations] + [signup.user for signup in signups]
        made += len(notify("activity_reminder", people, activity=activity))
        for row in (*registrations, *signups):
            row.reminded_at = now
    return made


def calendar_feed_token(user):
    """The person's private calendar token, made on first use."""
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        feed = renew_calendar_feed(user)
    return feed.token


def renew_calendar_feed(user):
    """A new secret address for the person's calendar; the old one stops working at once."""
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.token = secrets.token_urlsafe(32)
    feed.created_at = utcnow()
    db.session.flush()
    return feed


def revoke_calendar_feed(user):
    """Stop the person's private calendar address."""
    feed = db.session.get(CalendarFeed, user.id)
    if feed is not None:
        db.session.delete(feed)
