"""What can happen to volunteer roles and sign-ups. Places are taken and freed with conditional UPDATEs."""

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app import permissions
from app.accounts.models import User
from app.audit.services import record_audit
from app.errors import AlreadyDone, CapacityReached, InvalidTransition, NotAllowed
from app.extensions import db
from app.notifications.services import notify
from app.timeutil import utcnow
from app.transitions import move_state
from app.volunteering.models import SignUp, SignUpState, VolunteerRole

VOLUNTEER = "volunteer"
MANAGER = "manager"

#: action → (the states it may start from, the state it leads to, who may do it)
TRANSITIONS = {
    "accept": ({SignUpState.APPLIED}, SignUpState.ACCEPTED, MANAGER),
    "decline": ({SignUpState.APPLIED}, SignUpState.DECLINED, MANAGER),
    "withdraw": ({SignUpState.APPLIED, SignUpState.ACCEPTED}, SignUpState.WITHDRAWN, VOLUNTEER),
}
EVENTS = {"accept": "signup_accepted", "decline": "signup_declined"}
ROLE_FIELDS = ("name", "description", "skills", "places", "starts_at", "ends_at", "auto_accept")


# Roles -------------------------------------------------------------------------------------------------------


def audit_role_action(action, actor, volunteer_role, subject, **details):
    """Coordinators' actions on activities, and moderators' on someone else's idea, go to the audit log."""
    if volunteer_role.activity_id is not None:
        record_audit(action, actor=actor, subject=subject, centre_id=volunteer_role.activity.centre_id, **details)
    elif volunteer_role.idea.author_id != actor.id:
        record_audit(action, actor=actor, subject=subject, centre_id=volunteer_role.idea.centre_id, **details)


def new_role(actor, fields, idea=None, activity=None):
    """Make the role on the idea or the activity (callers check who may); audited unless an idea's author adds it."""
    role = VolunteerRole(
        idea_id=idea.id if idea else None,
        activity_id=activity.id if activity else None,
        accepted_count=0,
        created_at=utcnow(),
        **{key: fields[key] for key in ROLE_FIELDS if key in fields},
    )
    db.session.add(role)
    db.session.flush()
    audit_role_action("volunteer_role.add", actor, role, role, name=role.name)
    return role


def add_role(actor, idea, **fields):
    """A new volunteer role on a published idea (its author or a moderator of its centre)."""
    if not permissions.can_manage_volunteer_roles(actor, idea):
        raise NotAllowed()
    return new_role(actor, fields, idea=idea)


def add_activity_role(actor, activity, **fields):
    """A new volunteer role on a planned or open activity (its coordinators)."""
    if not permissions.can_add_activity_roles(actor, activity):
        raise NotAllowed()
    return new_role(actor, fields, activity=activity)


def update_role(actor, role, **fields):
    """Change a role; its places never drop below the people already accepted."""
    if not permissions.can_manage_role(actor, role):
        raise NotAllowed()
    db.session.refresh(role)  # the accepted count as it is now, not as it was read
    places = fields.get("places", role.places)
    if places < role.accepted_count:
        raise InvalidTransition(_places_taken_message(role.accepted_count))
    for key in ROLE_FIELDS:
        if key in fields:
            setattr(role, key, fields[key])
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:  # a volunteer was accepted between the check and the write
        raise InvalidTransition(_places_taken_message(places + 1)) from error
    audit_role_action("volunteer_role.update", actor, role, role, name=role.name)
    return role


def _places_taken_message(count):
    return ngettext(
        "%(num)d person is already accepted: there must be at least as many places.",
        "%(num)d people are already accepted: there must be at least as many places.",
        count,
    )


def remove_role(actor, role):
    """Delete a role with its sign-ups; the people who had applied or were accepted are told."""
    if not permissions.can_manage_role(actor, role):
        raise NotAllowed()
    audit_role_action("volunteer_role.remove", actor, role, role, name=role.name)
    applicants = db.session.scalars(
        select(User)
        .join(SignUp, SignUp.user_id == User.id)
        .where(SignUp.role_id == role.id, SignUp.state.in_(SignUpState.ACTIVE))
    ).all()
    notify(
        "role_removed",
        applicants,
        actor=actor,
        idea=role.idea if role.activity_id is None else None,
        activity=role.activity,
        role=role.name,
    )
    db.session.delete(role)


def carry_over_to_activity(idea, activity):
    """When an idea becomes an activity, its volunteer roles (with their sign-ups) go with it."""
    db.session.execute(
        update(VolunteerRole)
        .where(VolunteerRole.idea_id == idea.id, VolunteerRole.activity_id.is_(None))
        .values(activity_id=activity.id)
        .execution_options(synchronize_session=False)
    )


# Sign-ups ----------------------------------------------------------------------------------------------------


def take_place(role):
    """Take one free place of the role, or return False when none is free.

    One conditional UPDATE: the database checks and increments in the same step, so however many
    people are accepted at the same instant, accepted_count never passes places.
    """
    taken = db.session.execute(
        update(VolunteerRole)
        .where(VolunteerRole.id == role.id, VolunteerRole.accepted_count < VolunteerRole.places)
        .values(accepted_count=VolunteerRole.accepted_count + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    return taken == 1


def free_place(role):
    """Give one accepted place of the role back with one UPDATE (never below zero)."""
    db.session.execute(
        update(VolunteerRole)
        .where(VolunteerRole.id == role.id, VolunteerRole.accepted_count > 0)
        .values(accepted_count=VolunteerRole.accepted_count - 1)
        .execution_options(synchronize_session=False)
    )


def apply_for_role(user, role, message=""):
    """The person offers to help; accepted at once when the role accepts automatically.

    A full role takes no new offers: CapacityReached (automatic roles too: the place is taken with a
    conditional UPDATE, so of two people at once for the last place one gets it). One active sign-up per
    person and role (the unique index uq_signups_active): a second one, e.g. a double-submitted form,
    raises AlreadyDone. Either way nothing is added (the savepoint is rolled back).
    """
    if not permissions.can_volunteer_for_role(user, role):
        raise NotAllowed()
    signup = SignUp(
        role_id=role.id, user_id=user.id, message=(message or "").strip(), state=SignUpState.APPLIED, created_at=utcnow()
    )
    try:
        with db.session.begin_nested():
            db.session.add(signup)
            db.session.flush()
            db.session.refresh(role, ["accepted_count"])  # the places as they are now, not as they were read
            if role.is_full or (role.auto_accept and not take_place(role)):
                raise CapacityReached(full_role_message())
    except IntegrityError as error:
        raise AlreadyDone() from error
    if role.auto_accept:
        signup.state = SignUpState.ACCEPTED
        signup.decided_by_id = user.id
        signup.decided_at = utcnow()
        db.session.flush()
        db.session.expire(role, ["accepted_count"])
    if role.activity_id is not None:
        notify("signup_new_activity", [role.activity.created_by], actor=user, activity=role.activity, role=role.name)
    else:
        notify("signup_new", [role.idea.author], actor=user, idea=role.idea, role=role.name)
    return signup


def full_role_message():
    """What a person offering to help in a full role is told."""
    return _l("All places in this role are taken, so it takes no more offers of help.")


def move_activity_shifts(activity, new_start):
    """The activity moves to new_start: its roles' shifts move by as much, in the caller's transaction."""
    if new_start is None or new_start == activity.starts_at:
        return
    delta = new_start - activity.starts_at
    for role in db.session.scalars(select(VolunteerRole).where(VolunteerRole.activity_id == activity.id)):
        role.starts_at = role.starts_at + delta if role.starts_at else None
        role.ends_at = role.ends_at + delta if role.ends_at else None


def may_act(actor, signup, who):
    """Whether the person may make a move meant for `who`: the volunteer themselves, or those managing the role."""
    if who == VOLUNTEER:
        return permissions.is_signed_in(actor) and signup.user_id == actor.id
    return permissions.can_manage_role(actor, signup.role)


def allowed_actions(actor, signup):
    """The moves this person may make on this sign-up now (for buttons)."""
    return [
        action
        for action, (sources, _target, who) in TRANSITIONS.items()
        if signup.state in sources and may_act(actor, signup, who)
    ]


def transition(signup, action, actor):
    """Move the sign-up one step along TRANSITIONS, or refuse with a domain error.

    The state changes with a conditional UPDATE (two deciders at once: one wins, the other gets
    InvalidTransition); accepting takes a place in the same transaction (none free: CapacityReached,
    and the caller's rollback undoes the state change too); withdrawing an acceptance frees it.
    """
    sources, target, who = TRANSITIONS[action]
    if not may_act(actor, signup, who):
        raise NotAllowed()
    if signup.state not in sources:
        raise InvalidTransition()
    from_state = signup.state
    decision = {"decided_by_id": actor.id, "decided_at": utcnow()} if who == MANAGER else {}
    move_state(signup, target, from_state, **decision)  # someone else moved it first: InvalidTransition
    role = signup.role
    if target == SignUpState.ACCEPTED and not take_place(role):
        raise CapacityReached(_no_place_message())
    if from_state == SignUpState.ACCEPTED:
        free_place(role)
    db.session.expire(role, ["accepted_count"])
    if who == MANAGER:
        audit_role_action(f"signup.{action}", actor, role, signup, role=role.name)
    if action in EVENTS and role.activity_id is not None:
        notify(f"{EVENTS[action]}_activity", [signup.user], actor=actor, activity=role.activity, role=role.name)
    elif action in EVENTS:
        notify(EVENTS[action], [signup.user], actor=actor, idea=role.idea, role=role.name)
    return signup


def _no_place_message():
    return _l("All places of this role are taken. Someone has to withdraw before another person can be accepted.")


def accept_signup(actor, signup):
    """The author or a moderator accepts an application, if a place is free."""
    return transition(signup, "accept", actor)


def decline_signup(actor, signup):
    """The author or a moderator declines an application."""
    return transition(signup, "decline", actor)


def withdraw_signup(user, signup):
    """The volunteer takes back an application or an acceptance (which frees the place)."""
    return transition(signup, "withdraw", user)


# Attendance and hours (roles on activities) -------------------------------------------------------------------

#: sign-ups whose attendance can be recorded (and corrected)
ATTENDANCE_SOURCES = (SignUpState.ACCEPTED, SignUpState.ATTENDED, SignUpState.NO_SHOW)
MAX_MINUTES = 24 * 60


def record_volunteer_attendance(actor, signup, attended, minutes=None):
    """The coordinator confirms that an accepted volunteer came (with the hours they gave) or did not.

    Can be corrected later. The volunteer's place stays counted either way. The volunteer is told
    when their hours are confirmed or changed.
    """
    role = signup.role
    if role.activity_id is None or not permissions.can_record_attendance(actor, role.activity):
        raise NotAllowed()
    if signup.state not in ATTENDANCE_SOURCES:
        raise InvalidTransition()
    if attended and (minutes is None or not 0 <= minutes <= MAX_MINUTES):
        raise InvalidTransition(_l("Please give the hours (from 0 to 24)."))
    target = SignUpState.ATTENDED if attended else SignUpState.NO_SHOW
    minutes = minutes if attended else None
    if signup.state == target and signup.minutes == minutes:
        return signup
    # withdrawn a moment ago: InvalidTransition
    move_state(signup, target, ATTENDANCE_SOURCES, minutes=minutes, attendance_by_id=actor.id, attendance_at=utcnow())
    audit_role_action("signup.attendance", actor, role, signup, role=role.name, state=target, minutes=minutes)
    if attended:
        notify("hours_recorded", [signup.user], actor=actor, activity=role.activity, role=role.name, hours=round(minutes / 60, 2))
    return signup
