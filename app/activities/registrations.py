"""Registrations to take part in an activity, and its waiting list. Places are taken and freed with conditional UPDATEs.

The waiting-list rule: a registration gets places when all its people fit in the free places; when
places become free (a cancellation, more capacity) the waiting list is offered them in the order people
registered, the first who fit moving up.
"""

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app import permissions
from app.activities.models import Activity, Registration, RegistrationState
from app.errors import AlreadyDone, InvalidTransition, NotAllowed
from app.extensions import db
from app.ideas.models import AGE_GROUPS
from app.notifications.services import notify
from app.timeutil import utcnow
from app.transitions import move_state, try_move_state

#: a registration brings at most this many other people
MAX_COMPANIONS = 8
COMPANION_NAME_LENGTH = 40
#: a school class: at most this many pupils (their teacher takes one place more)
MAX_PUPILS = 60
TEACHER_NAME_LENGTH = 120
CLASS_LABEL_LENGTH = 40
CLASS_ALREADY_REGISTERED = _l(
    "This class is already registered for the activity. To register another class, give it its own label, e.g. 6.b."
)


@dataclass(frozen=True)
class SchoolClass:
    """A class a school's representative registers (app/organisations/class_registrations.py checks who may)."""

    organisation_id: int
    pupils: int
    teacher: str
    label: str = ""


def take_places(activity, count):
    """Take count places of the activity at once, or return False when they are not all free.

    One conditional UPDATE: the database checks and adds in the same step, so however many people
    register at the same instant, registered_count never passes capacity.
    """
    taken = db.session.execute(
        update(Activity)
        .where(Activity.id == activity.id, Activity.registered_count + count <= Activity.capacity)
        .values(registered_count=Activity.registered_count + count)
        .execution_options(synchronize_session=False)
    ).rowcount
    return taken == 1


def free_places(activity, count):
    """Give count places of the activity back with one UPDATE (none when fewer are taken, so never below zero)."""
    db.session.execute(
        update(Activity)
        .where(Activity.id == activity.id, Activity.registered_count >= count)
        .values(registered_count=Activity.registered_count - count)
        .execution_options(synchronize_session=False)
    )


def move_to_waiting_list(activity, registration):
    """Give a registration's places back and put it on the waiting list (it keeps its place in the order)."""
    if try_move_state(registration, RegistrationState.WAITING, RegistrationState.REGISTERED, promoted_at=None):
        free_places(activity, registration.places)


def one_line_text(value, limit):
    """The text on one line (runs of spaces and line breaks made one space), control characters dropped, cut to limit."""
    text = " ".join(str(value or "").split())
    return "".join(char for char in text if unicodedata.category(char) != "Cc")[:limit].rstrip()


def clean_companions(companions):
    """Each person brought as {"name": first name, "age_group": a code of AGE_GROUPS}; rows with neither are dropped.

    A name without an age group, or an age group without a name, is refused (InvalidTransition).
    """
    cleaned = []
    for companion in companions or ():
        if not isinstance(companion, Mapping):
            raise InvalidTransition(_l("Please give the first name and the age group of each person you bring."))
        name = one_line_text(companion.get("name"), COMPANION_NAME_LENGTH)
        age_group = companion.get("age_group") or ""
        if not name and not age_group:
            continue
        if not name:
            raise InvalidTransition(_l("Please write the first name of each person you bring."))
        if age_group not in AGE_GROUPS:
            raise InvalidTransition(_l("Please choose the age group of each person you bring."))
        cleaned.append({"name": name, "age_group": age_group})
    return cleaned


def personal_fields(includes_self, companions):
    """The columns of a person's own registration: themselves (or not) and the people they bring."""
    companions = clean_companions(companions)
    if len(companions) > MAX_COMPANIONS:
        raise InvalidTransition(_l("You can bring at most %(num)d people.", num=MAX_COMPANIONS))
    places = int(bool(includes_self)) + len(companions)
    if places < 1:
        raise InvalidTransition(_l("Register yourself or at least one person you bring."))
    return {"includes_self": bool(includes_self), "companions": companions, "places": places}


def class_fields(school_class):
    """The columns of a school class: its pupils and their teacher take pupils + 1 places."""
    pupils = school_class.pupils
    if not isinstance(pupils, int) or not 1 <= pupils <= MAX_PUPILS:
        raise InvalidTransition(_l("A class can have from 1 to %(max)d pupils.", max=MAX_PUPILS))
    teacher = one_line_text(school_class.teacher, TEACHER_NAME_LENGTH)
    if not teacher:
        raise InvalidTransition(_l("Please name the teacher responsible for the class."))
    return {
        "includes_self": False,
        "companions": [],
        "places": pupils + 1,
        "organisation_id": school_class.organisation_id,
        "pupils": pupils,
        "responsible_teacher": teacher,
        "class_label": one_line_text(school_class.label, CLASS_LABEL_LENGTH),
    }


def register(user, activity, includes_self=True, companions=(), school_class=None):
    """Register the person (and/or the people they bring), or a school class, to take part.

    They are registered when all their places are free, else they join the waiting list. One active
    registration per person and activity (the unique index uq_registrations_active), and per class of a school
    (uq_registrations_active_class): a second one, e.g. a double-submitted form, raises AlreadyDone and adds
    nothing. Whoever calls it with a school_class has checked that the person represents that school.
    """
    if not permissions.can_register_for_activity(user, activity):
        raise NotAllowed()
    fields = class_fields(school_class) if school_class is not None else personal_fields(includes_self, companions)
    # Lock the activity's row first (PostgreSQL; SQLite's writers queue anyway): a cancellation at the same
    # moment then either frees its places before this looks for them, or waits and sees this waiting
    # registration when it offers them to the list. Without it a place could stay free while this one waits.
    db.session.execute(select(Activity.id).where(Activity.id == activity.id).with_for_update())
    registration = Registration(
        activity_id=activity.id, user_id=user.id, state=RegistrationState.WAITING, created_at=utcnow(), **fields
    )
    try:
        with db.session.begin_nested():
            db.session.add(registration)
            db.session.flush()
    except IntegrityError as error:
        if school_class is not None:
            raise AlreadyDone(CLASS_ALREADY_REGISTERED) from error
        raise AlreadyDone() from error
    if take_places(activity, registration.places):
        registration.state = RegistrationState.REGISTERED
        db.session.flush()
    db.session.expire(activity, ["registered_count"])
    return registration


def cancel_registration(user, registration):
    """The person cancels their registration (or leaves the waiting list, or takes back a class they registered)
    before the activity starts.

    Freed places go to the waiting list in order; the people who move up are told.
    """
    activity = registration.activity
    if not (permissions.is_signed_in(user) and registration.user_id == user.id):
        raise NotAllowed()
    if not activity.open_for_people:
        raise InvalidTransition(_l("This activity has already started or ended."))
    from_state = registration.state
    if not registration.is_active:
        raise InvalidTransition()
    move_state(registration, RegistrationState.CANCELLED, from_state, cancelled_at=utcnow())
    if from_state == RegistrationState.REGISTERED:
        free_places(activity, registration.places)
        promote_from_waiting_list(activity)
    return registration


def remove_companion(user, registration, index, name):
    """The person takes one person they bring off their registration; the others keep their places.

    index and name are those the page showed: when they no longer match (a stale page, a second click) nothing
    changes (InvalidTransition). The freed place goes to the waiting list in order. With nobody left (no one
    else brought, the person not taking part) the whole registration is cancelled.
    """
    activity = registration.activity
    if not (permissions.is_signed_in(user) and registration.user_id == user.id):
        raise NotAllowed()
    if not activity.open_for_people:
        raise InvalidTransition(_l("This activity has already started or ended."))
    companions = list(registration.companions or ())
    if not registration.is_active or registration.is_class or not 0 <= index < len(companions):
        raise InvalidTransition()
    removed = companions[index]
    if not isinstance(removed, Mapping) or removed.get("name") != name:
        raise InvalidTransition()
    if not registration.includes_self and len(companions) == 1:
        return cancel_registration(user, registration)
    from_state = registration.state
    # One conditional UPDATE: only when the row still has the places (and state) this page was built on, so
    # two clicks or two tabs cannot take the same person off twice or free two places for one.
    changed = db.session.execute(
        update(Registration)
        .where(
            Registration.id == registration.id,
            Registration.places == registration.places,
            Registration.state == from_state,
        )
        .values(companions=companions[:index] + companions[index + 1 :], places=Registration.places - 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise InvalidTransition()
    db.session.expire(registration, ["companions", "places"])
    if from_state == RegistrationState.REGISTERED:
        free_places(activity, 1)
    promote_from_waiting_list(activity)  # a freed place, or a smaller waiting registration that now fits
    return registration


def promote_from_waiting_list(activity, passing_over=()):
    """Offer the free places to the waiting list in order; each registration that fits moves up and is told.

    Runs in the transaction that freed the places. The places are taken with the same conditional
    UPDATE as a new registration, and each registration moves with a conditional UPDATE too, so a
    cancellation at the same moment cannot make anyone move up twice or the count pass the capacity.
    Registrations in passing_over (ids) are left waiting this time.
    """
    promoted = []
    while True:
        free = db.session.execute(
            select(Activity.capacity - Activity.registered_count).where(Activity.id == activity.id)
        ).scalar_one()
        if free <= 0:
            break
        candidate = db.session.scalar(
            select(Registration)
            .where(
                Registration.activity_id == activity.id,
                Registration.state == RegistrationState.WAITING,
                Registration.places <= free,
                Registration.id.not_in(list(passing_over)),
            )
            .order_by(Registration.created_at, Registration.id)
            .limit(1)
        )
        if candidate is None or not take_places(activity, candidate.places):
            break
        if not try_move_state(candidate, RegistrationState.REGISTERED, RegistrationState.WAITING, promoted_at=utcnow()):
            free_places(activity, candidate.places)  # cancelled a moment ago: give the places back and look again
            continue
        promoted.append(candidate)
    db.session.expire(activity, ["registered_count"])
    notify("registration_promoted", [registration.user for registration in promoted], activity=activity)
    return promoted
