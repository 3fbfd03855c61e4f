"""What can happen to volunteer roles and sign-ups. Places are taken and freed with conditional UPDATEs."""
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from app import permissions
from app.audit.services import record_audit
from app.errors import AlreadyDone, CapacityReached, InvalidTransition, NotAllowed
from app.extensions import db
from app.notifications.services import notify
from app.timeutil import utcnow
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

def check_may_manage(actor, idea):
    if not permissions.can_manage_volunteer_roles(actor, idea):
        raise NotAllowed()


def audit_if_moderator(action, actor, idea, subject, **details):
    """Moderators' decisions on someone else's idea go to the audit log."""
    if idea.author_id != actor.id:
        record_audit(action, actor=actor, subject=subject, centre_id=idea.centre_id, **details)


def add_role(actor, idea, **fields):
    """A new volunteer role on a published idea (its author or a moderator of its centre)."""
    check_may_manage(actor, idea)
    role = VolunteerRole(idea_id=idea.id, accepted_count=0, created_at=utcnow(),
                         **{key: fields[key] for key in ROLE_FIELDS if key in fields})
    db.session.add(role)
    db.session.flush()
    audit_if_moderator("volunteer_role.add", actor, idea, role, name=role.name)
    return role


def update_role(actor, role, **fields):
    """Change a role; its places never drop below the people already accepted."""
    idea = role.idea
    check_may_manage(actor, idea)
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
    audit_if_moderator("volunteer_role.update", actor, idea, role, name=role.name)
    return role


def _places_taken_message(count):
    return ngettext("%(num)d person is already accepted: there must be at least as many places.",
                    "%(num)d people are already accepted: there must be at least as many places.", count)


def remove_role(actor, role):
    """Delete a role with its sign-ups; the people who applied or were accepted are not notified (yet)."""
    idea = role.idea
    check_may_manage(actor, idea)
    audit_if_moderator("volunteer_role.remove", actor, idea, role, name=role.name)
    db.session.delete(role)


# Sign-ups ----------------------------------------------------------------------------------------------------

def take_place(role):
    """Take one free place of the role, or return False when none is free.

    One conditional UPDATE: the database checks and increments in the same step, so however many
    people are accepted at the same instant, accepted_count never passes places.
    """
    taken = db.session.execute(
        update(VolunteerRole).where(VolunteerRole.id == role.id, VolunteerRole.accepted_count < VolunteerRole.places)
        .values(accepted_count=VolunteerRole.accepted_count + 1).execution_options(synchronize_session=False)
    ).rowcount
    return taken == 1


def free_place(role):
    db.session.execute(
        update(VolunteerRole).where(VolunteerRole.id == role.id, VolunteerRole.accepted_count > 0)
        .values(accepted_count=VolunteerRole.accepted_count - 1).execution_options(synchronize_session=False)
    )


def apply_for_role(user, role, message=""):
    """The person offers to help; accepted at once when the role accepts automatically and a place is free.

    One active sign-up per person and role (the unique index uq_signups_active): a second one,
    e.g. a double-submitted form, raises AlreadyDone and adds nothing.
    """
    idea = role.idea
    if not permissions.can_volunteer(user, idea):
        raise NotAllowed()
    signup = SignUp(role_id=role.id, user_id=user.id, message=(message or "").strip(),
                    state=SignUpState.APPLIED, created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(signup)
            db.session.flush()
    except IntegrityError as error:
        raise AlreadyDone() from error
    if role.auto_accept and take_place(role):
        signup.state = SignUpState.ACCEPTED
        signup.decided_by_id = user.id
        signup.decided_at = utcnow()
        db.session.flush()
    notify("signup_new", [idea.author], actor=user, idea=idea, role=role.name)
    return signup


def may_act(actor, signup, who):
    if who == VOLUNTEER:
        return permissions.is_signed_in(actor) and signup.user_id == actor.id
    return permissions.can_manage_volunteer_roles(actor, signup.role.idea)


def allowed_actions(actor, signup):
    """The moves this person may make on this sign-up now (for buttons)."""
    return [action for action, (sources, _target, who) in TRANSITIONS.items()
            if signup.state in sources and may_act(actor, signup, who)]


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
    values = {"state": target}
    if who == MANAGER:
        values.update(decided_by_id=actor.id, decided_at=utcnow())
    changed = db.session.execute(
        update(SignUp).where(SignUp.id == signup.id, SignUp.state == from_state).values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:  # someone else moved it first
        raise InvalidTransition()
    role = signup.role
    if target == SignUpState.ACCEPTED and not take_place(role):
        raise CapacityReached(_no_place_message())
    if from_state == SignUpState.ACCEPTED:
        free_place(role)
    for key, value in values.items():
        set_committed_value(signup, key, value)
    db.session.expire(role, ["accepted_count"])
    idea = role.idea
    if who == MANAGER:
        audit_if_moderator(f"signup.{action}", actor, idea, signup, role=role.name)
    if action in EVENTS:
        notify(EVENTS[action], [signup.user], actor=actor, idea=idea, role=role.name)
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
