"""Activities without HTTP: the lifecycle table, creating and promoting, registration and the waiting list,
changing capacity and time, cancelling, attendance and volunteer hours. After every scenario the places
held by registrations add up to the activity's registered_count."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.activities import registrations as registration_services
from app.activities import services
from app.activities.models import Activity, ActivityState, Registration, RegistrationState
from app.audit.models import AuditEntry
from app.errors import AlreadyDone, CapacityReached, InvalidTransition, NotAllowed
from app.extensions import db
from app.ideas.models import Idea
from app.notifications.models import Notification
from app.promotion.services import promote_idea
from app.timeutil import utcnow
from app.volunteering import services as volunteering
from app.volunteering.models import SignUp
from tests.factories import (
    make_activity,
    make_follow,
    make_idea,
    make_people,
    make_registration,
    make_role,
    make_signup,
    make_support,
    make_user,
)
from tests.factories_children import children
from tests.helpers import count, reloaded

#: the design's activity lifecycle written out on its own: (action, from state) → the state it leads to;
#: every other pair must be refused
EXPECTED_MOVES = {
    ("open", "planned"): "open",
    ("complete", "planned"): "completed",
    ("complete", "open"): "completed",
    ("cancel", "planned"): "cancelled",
    ("cancel", "open"): "cancelled",
}
STARTED = -0.1  # starts_in_days: it began about two and a half hours ago


@pytest.fixture
def activity_people(preili, aglona, preili_moderator, aglona_moderator, admin, resident):
    """Preiļi and Aglona, Preiļi's coordinator, Aglona's moderator, an admin and a resident."""
    return SimpleNamespace(
        centre=preili,
        other=aglona,
        coordinator=preili_moderator,
        other_moderator=aglona_moderator,
        admin=admin,
        resident=resident,
    )


def an_activity(activity_people, state="open", capacity=10, starts_in_days=7, **fields):
    return make_activity(
        centre=activity_people.centre,
        creator=activity_people.coordinator,
        state=state,
        capacity=capacity,
        starts_in_days=starts_in_days,
        **fields,
    )


def registration_in(activity, user, state, places=1):
    """A registration already in the given state, for the person and places - 1 children (written directly)."""
    return make_registration(activity, user, state, companions=children(*(f"Bērns {n}" for n in range(places - 1))))


def register(user, activity, companions=(), includes_self=True):
    registration = registration_services.register(user, activity, includes_self=includes_self, companions=companions)
    db.session.commit()
    return registration


def notes(user=None, event=None):
    db.session.expire_all()
    query = select(Notification).order_by(Notification.id)
    if user is not None:
        query = query.where(Notification.user_id == user.id)
    if event is not None:
        query = query.where(Notification.event == event)
    return db.session.scalars(query).all()


def told(event):
    """The ids of the people who got the event, one entry per notification."""
    return sorted(note.user_id for note in notes(event=event))


def states(*registrations):
    db.session.expire_all()
    return [db.session.get(Registration, registration.id).state for registration in registrations]


def assert_places_add_up(activity):
    """registered_count is exactly the places of the registrations that hold places, and within capacity."""
    activity = reloaded(activity)
    held = db.session.scalar(
        select(func.coalesce(func.sum(Registration.places), 0)).where(
            Registration.activity_id == activity.id, Registration.state.in_(RegistrationState.HOLDING_PLACES)
        )
    )
    assert activity.registered_count == held
    assert 0 <= activity.registered_count <= activity.capacity
    return activity.registered_count


# --- the lifecycle -------------------------------------------------------------------------------------------


def test_the_table_in_the_code_is_the_design():
    moves = {(action, source): target for action, (sources, target) in services.TRANSITIONS.items() for source in sources}
    assert moves == EXPECTED_MOVES


@pytest.mark.parametrize("state", ActivityState.ALL)
@pytest.mark.parametrize("action", ["open", "complete", "cancel"])
def test_every_action_from_every_state(activity_people, action, state):
    activity = an_activity(activity_people, state=state, starts_in_days=STARTED)  # started: completing is possible
    expected = EXPECTED_MOVES.get((action, state))
    reason = "Vadītāja saslima." if action == "cancel" else ""
    if expected is None:
        with pytest.raises(InvalidTransition):
            services.transition(activity, action, activity_people.coordinator, reason)
        db.session.rollback()
        assert reloaded(activity).state == state
        assert count(AuditEntry) == 0
        return
    services.transition(activity, action, activity_people.coordinator, reason)
    db.session.commit()
    activity = reloaded(activity)
    assert activity.state == expected
    assert (activity.completed_at is not None) == (expected == "completed")
    assert (activity.cancelled_at is not None) == (expected == "cancelled")
    [entry] = db.session.scalars(select(AuditEntry)).all()
    assert (entry.action, entry.actor_id, entry.subject_id) == (f"activity.{action}", activity_people.coordinator.id, activity.id)
    assert entry.centre_id == activity_people.centre.id and entry.reason == reason


@pytest.mark.parametrize("state", ["planned", "open"])
def test_completing_is_refused_before_the_start(activity_people, state):
    activity = an_activity(activity_people, state=state, starts_in_days=1)
    assert "complete" not in services.allowed_actions(activity_people.coordinator, activity)
    with pytest.raises(InvalidTransition):
        services.complete_activity(activity_people.coordinator, activity)
    db.session.rollback()
    assert reloaded(activity).state == state


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_cancelling_needs_a_reason(activity_people, reason):
    activity = an_activity(activity_people)
    with pytest.raises(InvalidTransition):
        services.cancel_activity(activity_people.coordinator, activity, reason)
    db.session.rollback()
    assert reloaded(activity).state == "open"


def test_the_database_refuses_a_cancellation_without_reason(activity_people):
    activity = an_activity(activity_people)
    activity.state, activity.cancel_reason = "cancelled", ""
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("who", ["resident", "other_moderator"])
@pytest.mark.parametrize("action", ["open", "complete", "cancel"])
def test_only_the_coordinators_move_an_activity(activity_people, who, action):
    activity = an_activity(activity_people, state="planned", starts_in_days=STARTED)
    assert services.allowed_actions(getattr(activity_people, who), activity) == []
    with pytest.raises(NotAllowed):
        services.transition(activity, action, getattr(activity_people, who), "Iemesls")
    db.session.rollback()
    assert reloaded(activity).state == "planned"
    assert count(AuditEntry) == 0


def test_admins_move_any_activity(activity_people):
    activity = an_activity(activity_people, state="planned")
    services.open_registration(activity_people.admin, activity)
    db.session.commit()
    assert reloaded(activity).state == "open"


def test_allowed_actions(activity_people):
    assert services.allowed_actions(activity_people.coordinator, an_activity(activity_people, state="planned")) == [
        "open",
        "cancel",
    ]
    assert services.allowed_actions(
        activity_people.coordinator, an_activity(activity_people, state="open", starts_in_days=STARTED)
    ) == [
        "complete",
        "cancel",
    ]
    assert services.allowed_actions(activity_people.coordinator, an_activity(activity_people, state="cancelled")) == []


def test_completing_with_an_outcome_and_writing_it_later(activity_people):
    activity = an_activity(activity_people, starts_in_days=STARTED)
    with pytest.raises(NotAllowed):  # only once it took place
        services.write_outcome(activity_people.coordinator, activity, "Par agru")
    db.session.rollback()
    services.complete_activity(activity_people.coordinator, reloaded(activity), outcome="  Izveidojām 12 podus.  ")
    db.session.commit()
    assert reloaded(activity).outcome == "Izveidojām 12 podus."
    services.write_outcome(activity_people.coordinator, reloaded(activity), "Izveidojām **14** podus.")
    db.session.commit()
    assert reloaded(activity).outcome == "Izveidojām **14** podus."
    with pytest.raises(NotAllowed):
        services.write_outcome(activity_people.other_moderator, reloaded(activity), "Nē")
    db.session.rollback()
    assert count(AuditEntry, AuditEntry.action == "activity.outcome") == 1


# --- creating and promoting ------------------------------------------------------------------------------------


def activity_fields(activity_people, centre=None, **fields):
    starts_at = (utcnow() + timedelta(days=5)).replace(second=0, microsecond=0)
    return {
        "title": "Talka parkā",
        "description": "Sakopsim parku.",
        "centre_id": (centre or activity_people.centre).id,
        "place": "Raiņa parks",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=3),
        "leader_name": "Dace",
        "capacity": 20,
        **fields,
    }


@pytest.mark.parametrize("open_registration, state", [(False, "planned"), (True, "open")])
def test_a_coordinator_creates_an_activity_of_their_centre(activity_people, open_registration, state):
    activity = services.create_activity(
        activity_people.coordinator, open_registration=open_registration, **activity_fields(activity_people)
    )
    db.session.commit()
    activity = reloaded(activity)
    assert (activity.state, activity.title, activity.capacity, activity.registered_count) == (state, "Talka parkā", 20, 0)
    assert activity.created_by_id == activity_people.coordinator.id and activity.idea_id is None
    assert count(AuditEntry, AuditEntry.action == "activity.create", AuditEntry.centre_id == activity_people.centre.id) == 1


@pytest.mark.parametrize("who, centre", [("resident", "centre"), ("other_moderator", "centre"), ("coordinator", "other")])
def test_activities_only_for_centres_one_moderates(activity_people, who, centre):
    with pytest.raises(NotAllowed):
        services.create_activity(
            getattr(activity_people, who), **activity_fields(activity_people, getattr(activity_people, centre))
        )
    db.session.rollback()
    assert count(Activity) == 0


def test_admins_create_activities_for_any_centre(activity_people):
    services.create_activity(activity_people.admin, **activity_fields(activity_people, activity_people.other))
    db.session.commit()
    assert count(Activity, Activity.centre_id == activity_people.other.id) == 1


@pytest.fixture
def promotable_idea(activity_people, author):
    """A published idea with an author, supporters, followers (some of them several of these at once), and a
    volunteer role with an accepted, an applied and a declined sign-up."""
    supporter, follower, accepted, applied, declined = make_people(5, "idea")
    idea = make_idea(author=author, centre=activity_people.centre, state="published")
    for user in (supporter, accepted):
        make_support(idea, user)
    for user in (author, follower, supporter, activity_people.coordinator):
        make_follow(idea, user)
    role = make_role(idea=idea, name="Palīgs", places=3)
    for user, state in ((accepted, "accepted"), (applied, "applied"), (declined, "declined")):
        make_signup(role, user, state, decided_by=author)
    return SimpleNamespace(
        idea=idea,
        author=author,
        supporter=supporter,
        follower=follower,
        accepted=accepted,
        applied=applied,
        declined=declined,
        role=role,
    )


def promote(activity_people, promotable_idea, actor=None):
    fields = activity_fields(activity_people)
    del fields["centre_id"]
    activity = promote_idea(actor or activity_people.coordinator, promotable_idea.idea, **fields)
    db.session.commit()
    return activity


def test_promoting_an_idea(activity_people, promotable_idea):
    activity = reloaded(promote(activity_people, promotable_idea))
    assert activity.idea_id == promotable_idea.idea.id and activity.centre_id == activity_people.centre.id
    assert activity.state == "planned"
    assert reloaded(promotable_idea.idea).state == "promoted"
    # the role moved to the activity, with its sign-ups
    role = reloaded(promotable_idea.role)
    assert (role.activity_id, role.idea_id, role.accepted_count) == (activity.id, promotable_idea.idea.id, 1)
    assert count(SignUp, SignUp.role_id == role.id) == 3
    # author, supporter, follower and the active volunteers: one notification each; not the coordinator
    # (who promoted it), not the declined volunteer
    expected = sorted(
        user.id
        for user in (
            promotable_idea.author,
            promotable_idea.supporter,
            promotable_idea.follower,
            promotable_idea.accepted,
            promotable_idea.applied,
        )
    )
    assert told("idea_promoted") == expected
    assert all(
        (note.activity_id, note.idea_id) == (activity.id, promotable_idea.idea.id) for note in notes(event="idea_promoted")
    )
    assert count(AuditEntry, AuditEntry.action == "idea.promote") == 1
    assert count(AuditEntry, AuditEntry.action == "activity.create") == 1


def test_the_promoted_roles_are_managed_on_the_activity(activity_people, promotable_idea):
    activity = promote(activity_people, promotable_idea)
    role = reloaded(promotable_idea.role)
    volunteering.update_role(activity_people.coordinator, role, places=5)
    db.session.commit()
    assert reloaded(role).places == 5
    with pytest.raises(NotAllowed):  # the idea's author no longer manages it
        volunteering.update_role(promotable_idea.author, reloaded(role), places=6)
    db.session.rollback()
    assert reloaded(activity).id == role.activity_id


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_promoting_twice_is_refused(activity_people, promotable_idea, who):
    promote(activity_people, promotable_idea, getattr(activity_people, who))
    with pytest.raises((NotAllowed, InvalidTransition)):
        promote(activity_people, promotable_idea, getattr(activity_people, who))
    db.session.rollback()
    assert count(Activity) == 1
    assert len(notes(promotable_idea.author, "idea_promoted")) == 1


@pytest.mark.parametrize("who", ["resident", "other_moderator"])
def test_who_may_not_promote(activity_people, promotable_idea, who):
    with pytest.raises(NotAllowed):
        promote(activity_people, promotable_idea, getattr(activity_people, who))
    db.session.rollback()
    assert count(Activity) == 0
    assert reloaded(promotable_idea.idea).state == "published"


@pytest.mark.parametrize("state", ["submitted", "archived", "promoted"])
def test_only_published_ideas_are_promoted(activity_people, state):
    idea = make_idea(centre=activity_people.centre, state=state)
    fields = activity_fields(activity_people)
    del fields["centre_id"]
    with pytest.raises(NotAllowed):
        promote_idea(activity_people.coordinator, idea, **fields)
    db.session.rollback()
    assert count(Activity) == 0 and reloaded(idea).state == state


def test_an_activity_links_to_one_idea_only(activity_people):
    idea = make_idea(centre=activity_people.centre, state="published")
    services.create_activity(activity_people.coordinator, idea=idea, **activity_fields(activity_people))
    db.session.commit()
    with pytest.raises(InvalidTransition):  # e.g. promoted by someone else a moment ago
        services.create_activity(activity_people.coordinator, idea=reloaded(idea), **activity_fields(activity_people))
    db.session.rollback()
    assert count(Activity, Activity.idea_id == idea.id) == 1
    assert isinstance(reloaded(idea), Idea)


# --- registration --------------------------------------------------------------------------------------------------


def test_registered_while_places_are_free_then_waiting(activity_people):
    activity = an_activity(activity_people, capacity=5)
    mother, father, grandmother = make_people(3)
    first = register(mother, activity, companions=children("Jānis", "Marta"))
    second = register(father, activity, companions=children("Pēteris"))
    third = register(grandmother, activity)
    assert states(first, second, third) == ["registered", "registered", "waiting"]
    assert [reloaded(r).places for r in (first, second, third)] == [3, 2, 1]
    assert reloaded(activity).free_places == 0
    assert assert_places_add_up(activity) == 5


def test_a_group_bigger_than_the_free_places_waits(activity_people):
    activity = an_activity(activity_people, capacity=3)
    single, parent = make_people(2)
    register(single, activity)
    group = register(parent, activity, companions=children("A", "B"))
    assert states(group) == ["waiting"]
    assert assert_places_add_up(activity) == 1


def test_companions_are_cleaned(activity_people):
    activity = an_activity(activity_people)
    sent = [
        {"name": "  Jānis ", "age_group": "7-9"},
        {"name": "", "age_group": ""},
        {"name": "   ", "age_group": ""},
        {"name": "Anna\n  Marija", "age_group": "10-12"},
        {"name": "x" * 60, "age_group": "adults"},
        {"name": "Lī\x00va\x07", "age_group": "preschool"},
    ]
    registration = reloaded(register(activity_people.resident, activity, companions=sent))
    assert registration.companions == [
        {"name": "Jānis", "age_group": "7-9"},
        {"name": "Anna Marija", "age_group": "10-12"},
        {"name": "x" * 40, "age_group": "adults"},
        {"name": "Līva", "age_group": "preschool"},
    ]
    assert registration.places == 1 + len(registration.companions)
    assert assert_places_add_up(activity) == registration.places


def test_a_name_cut_at_forty_characters_has_no_trailing_space(activity_people):
    activity = an_activity(activity_people)
    registration = register(activity_people.resident, activity, companions=children("a" * 39 + " Bērziņa"))
    assert reloaded(registration).companions == children("a" * 39)


@pytest.mark.parametrize(
    "companion",
    [
        {"name": "Līva", "age_group": ""},
        {"name": "Līva", "age_group": "toddlers"},
        {"name": "", "age_group": "7-9"},
        {"name": "  ", "age_group": "7-9"},
        "Līva",
    ],
)
def test_each_companion_needs_a_first_name_and_a_known_age_group(activity_people, companion):
    activity = an_activity(activity_people)
    with pytest.raises(InvalidTransition):
        registration_services.register(activity_people.resident, activity, companions=[companion])
    db.session.rollback()
    assert count(Registration) == 0
    assert assert_places_add_up(activity) == 0


def test_a_parent_registers_only_their_children(activity_people):
    activity = an_activity(activity_people)
    registration = register(activity_people.resident, activity, companions=children("Jānis", "Marta"), includes_self=False)
    registration = reloaded(registration)
    assert (registration.includes_self, registration.places, registration.state) == (False, 2, "registered")
    assert assert_places_add_up(activity) == 2


def test_at_most_max_companions(activity_people):
    activity = an_activity(activity_people, capacity=20)
    too_many = children(*(f"Bērns {n}" for n in range(registration_services.MAX_COMPANIONS + 1)))
    with pytest.raises(InvalidTransition):
        registration_services.register(activity_people.resident, activity, companions=too_many)
    db.session.rollback()
    assert count(Registration) == 0
    registration = register(activity_people.resident, activity, companions=too_many[:-1])
    assert reloaded(registration).places == registration_services.MAX_COMPANIONS + 1
    assert assert_places_add_up(activity) == registration_services.MAX_COMPANIONS + 1


@pytest.mark.parametrize("companions", [[], [{"name": "", "age_group": ""}, {"name": "  ", "age_group": ""}]])
def test_registering_nobody_is_refused(activity_people, companions):
    activity = an_activity(activity_people)
    with pytest.raises(InvalidTransition):
        registration_services.register(activity_people.resident, activity, includes_self=False, companions=companions)
    db.session.rollback()
    assert count(Registration) == 0
    assert assert_places_add_up(activity) == 0


def test_a_second_active_registration_is_already_done(activity_people):
    activity = an_activity(activity_people, capacity=1)
    register(activity_people.resident, activity)
    with pytest.raises(AlreadyDone):
        registration_services.register(activity_people.resident, activity, companions=children("Jānis"))
    db.session.rollback()
    assert count(Registration) == 1
    assert assert_places_add_up(activity) == 1


def test_a_second_registration_while_waiting_is_already_done(activity_people):
    activity = an_activity(activity_people, capacity=1)
    register(make_user(), activity)
    register(activity_people.resident, activity)
    with pytest.raises(AlreadyDone):
        registration_services.register(activity_people.resident, activity)
    db.session.rollback()
    assert count(Registration, Registration.user_id == activity_people.resident.id) == 1
    assert assert_places_add_up(activity) == 1


def test_after_cancelling_one_may_register_again(activity_people):
    activity = an_activity(activity_people)
    registration = register(activity_people.resident, activity)
    registration_services.cancel_registration(activity_people.resident, registration)
    db.session.commit()
    register(activity_people.resident, activity, companions=children("Jānis"))
    assert count(Registration, Registration.state == "registered") == 1 and count(Registration) == 2
    assert assert_places_add_up(activity) == 2


def test_the_database_allows_one_active_registration_per_person(activity_people):
    activity = an_activity(activity_people)
    registration_in(activity, activity_people.resident, "waiting")
    with pytest.raises(IntegrityError):
        make_registration(activity, activity_people.resident, "registered")
    db.session.rollback()


def test_the_database_refuses_more_registered_than_capacity(activity_people):
    activity = an_activity(activity_people, capacity=2)
    activity.registered_count = 3
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("state, starts_in_days", [("planned", 7), ("completed", STARTED), ("cancelled", 7), ("open", STARTED)])
def test_registration_only_while_open_and_not_started(activity_people, state, starts_in_days):
    activity = an_activity(activity_people, state=state, starts_in_days=starts_in_days)
    with pytest.raises(NotAllowed):
        registration_services.register(activity_people.resident, activity)
    db.session.rollback()
    assert count(Registration) == 0


@pytest.mark.parametrize("who", ["unconfirmed", "suspended"])
def test_who_may_not_register(activity_people, who):
    person = make_user(email=f"{who}@example.com", confirmed=who != "unconfirmed", suspended=who == "suspended")
    with pytest.raises(NotAllowed):
        registration_services.register(person, an_activity(activity_people))
    db.session.rollback()
    assert count(Registration) == 0


@pytest.mark.parametrize("who", ["other", "coordinator"])
def test_only_the_person_cancels_their_registration(activity_people, who):
    activity = an_activity(activity_people)
    registration = register(activity_people.resident, activity)
    actor = make_user() if who == "other" else activity_people.coordinator
    with pytest.raises(NotAllowed):
        registration_services.cancel_registration(actor, registration)
    db.session.rollback()
    assert states(registration) == ["registered"]
    assert assert_places_add_up(activity) == 1


def test_cancelling_after_the_start_is_refused(activity_people):
    activity = an_activity(activity_people, starts_in_days=STARTED)
    registration = registration_in(activity, activity_people.resident, "registered")
    with pytest.raises(InvalidTransition):
        registration_services.cancel_registration(activity_people.resident, registration)
    db.session.rollback()
    assert states(registration) == ["registered"]


def test_cancelling_twice_is_refused(activity_people):
    activity = an_activity(activity_people)
    registration = register(activity_people.resident, activity)
    registration_services.cancel_registration(activity_people.resident, registration)
    db.session.commit()
    with pytest.raises(InvalidTransition):
        registration_services.cancel_registration(activity_people.resident, reloaded(registration))
    db.session.rollback()
    assert assert_places_add_up(activity) == 0


def test_cancelling_frees_places_for_the_first_who_fit(activity_people):
    activity = an_activity(activity_people, capacity=4)
    leaving, staying, group, single, another = make_people(5)
    leaving_registration = register(leaving, activity, companions=children("Jānis"))  # 2 places
    register(staying, activity, companions=children("Marta"))  # 2 places: full
    group_registration = register(group, activity, companions=children("A", "B"))  # 3: waits
    single_registration = register(single, activity)  # 1: waits
    another_registration = register(another, activity)  # 1: waits
    assert states(group_registration, single_registration, another_registration) == ["waiting"] * 3

    registration_services.cancel_registration(leaving, leaving_registration)
    db.session.commit()

    # 2 free places: the group of 3 does not fit and does not block the two singles behind it
    assert states(leaving_registration, group_registration, single_registration, another_registration) == [
        "cancelled",
        "waiting",
        "registered",
        "registered",
    ]
    assert reloaded(single_registration).promoted_at is not None
    assert told("registration_promoted") == sorted([single.id, another.id])
    assert all(note.activity_id == activity.id for note in notes(event="registration_promoted"))
    assert assert_places_add_up(activity) == 4


def test_the_waiting_list_is_served_in_order(activity_people):
    activity = an_activity(activity_people, capacity=1)
    leaving, first, second = make_people(3)
    leaving_registration = register(leaving, activity)
    first_registration = register(first, activity)
    second_registration = register(second, activity)
    registration_services.cancel_registration(leaving, leaving_registration)
    db.session.commit()
    assert states(first_registration, second_registration) == ["registered", "waiting"]
    assert told("registration_promoted") == [first.id]
    assert assert_places_add_up(activity) == 1


def test_cancelling_a_waiting_registration_promotes_nobody(activity_people):
    activity = an_activity(activity_people, capacity=1)
    holder, leaving, other = make_people(3)
    register(holder, activity)
    leaving_registration = register(leaving, activity)
    other_registration = register(other, activity)
    registration_services.cancel_registration(leaving, leaving_registration)
    db.session.commit()
    assert states(leaving_registration, other_registration) == ["cancelled", "waiting"]
    assert notes(event="registration_promoted") == []
    assert assert_places_add_up(activity) == 1


# --- changing an activity ------------------------------------------------------------------------------------------


@pytest.fixture
def full(activity_people):
    """An open activity for 6 with three registrations of 2 places each, and a single person waiting."""
    activity = an_activity(activity_people, capacity=6)
    a, b, c, w = make_people(4, "full")
    registrations = [register(user, activity, companions=children("Bērns")) for user in (a, b, c)]
    waiting = register(w, activity)
    assert states(*registrations, waiting) == ["registered"] * 3 + ["waiting"]
    return SimpleNamespace(activity=activity, people=(a, b, c), registrations=registrations, waiter=w, waiting=waiting)


def test_capacity_below_the_registered_is_refused_and_changes_nothing(activity_people, full):
    for moving in ((), (full.registrations[0].id,)):  # nobody, or not enough people, moved
        with pytest.raises(CapacityReached):
            services.update_activity(
                activity_people.coordinator, full.activity, move_to_waiting=moving, capacity=3, title="Cits nosaukums"
            )
        db.session.rollback()
        activity = reloaded(full.activity)
        assert (activity.capacity, activity.title) == (6, "Keramikas darbnīca")
        assert states(*full.registrations) == ["registered"] * 3
        assert assert_places_add_up(activity) == 6
    assert notes() == [] and count(AuditEntry) == 0


def test_capacity_lowered_with_people_moved_to_the_waiting_list(activity_people, full):
    first, second, third = full.registrations
    services.update_activity(activity_people.coordinator, full.activity, move_to_waiting=[first.id, second.id], capacity=3)
    db.session.commit()
    assert reloaded(full.activity).capacity == 3
    # 2 places taken, 1 free: the single person waiting moves up; the moved groups of two do not fit
    assert states(first, second, third, full.waiting) == ["waiting", "waiting", "registered", "registered"]
    assert told("registration_moved_to_waiting") == sorted([full.people[0].id, full.people[1].id])
    assert told("registration_promoted") == [full.waiter.id]
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "activity.update")).all()
    assert sorted(entry.details["moved_to_waiting"]) == sorted([first.id, second.id])
    assert assert_places_add_up(full.activity) == 3


def test_people_moved_to_the_waiting_list_do_not_move_straight_back(activity_people):
    activity = an_activity(activity_people, capacity=4)
    singles = make_people(4)
    registrations = [register(user, activity) for user in singles]
    # more people moved than needed: the place left over is not given back to them in the same change
    services.update_activity(activity_people.coordinator, activity, move_to_waiting=[r.id for r in registrations[:3]], capacity=2)
    db.session.commit()
    assert states(*registrations) == ["waiting", "waiting", "waiting", "registered"]
    assert told("registration_moved_to_waiting") == sorted(user.id for user in singles[:3])
    assert notes(event="registration_promoted") == []
    assert assert_places_add_up(activity) == 1


def test_capacity_not_lowered_below_the_registered_moves_nobody(activity_people, full):
    services.update_activity(activity_people.coordinator, full.activity, move_to_waiting=[full.registrations[0].id], capacity=6)
    db.session.commit()
    assert states(*full.registrations) == ["registered"] * 3
    assert notes(event="registration_moved_to_waiting") == []
    assert assert_places_add_up(full.activity) == 6


def test_registrations_of_another_activity_are_not_moved(activity_people, full):
    other_activity = an_activity(activity_people, capacity=5)
    stranger = register(make_user(), other_activity, companions=children("X", "Y"))
    with pytest.raises(CapacityReached):
        services.update_activity(
            activity_people.coordinator, full.activity, capacity=4, move_to_waiting=[stranger.id, full.waiting.id]
        )
    db.session.rollback()
    assert states(stranger, *full.registrations) == ["registered"] * 4
    assert assert_places_add_up(other_activity) == 3
    assert assert_places_add_up(full.activity) == 6


def test_more_capacity_moves_people_up(activity_people, full):
    late = register(make_user(), full.activity, companions=children("Bērns"))  # 2 places, waiting after the single
    services.update_activity(activity_people.coordinator, full.activity, capacity=8)
    db.session.commit()
    assert states(full.waiting, late) == ["registered", "waiting"]  # 2 new places: 1 for the single, 1 left
    services.update_activity(activity_people.coordinator, reloaded(full.activity), capacity=9)
    db.session.commit()
    assert states(late) == ["registered"]
    assert told("registration_promoted") == sorted([full.waiter.id, reloaded(late).user_id])
    assert assert_places_add_up(full.activity) == 9


def volunteers(activity_people, activity):
    """A role on the activity with an accepted and an applied volunteer."""
    role = volunteering.add_activity_role(activity_people.coordinator, activity, name="Palīgs", places=2)
    accepted, applied = make_people(2, "vol")
    make_signup(role, accepted, "accepted", decided_by=activity_people.coordinator)
    make_signup(role, applied, "applied")
    return SimpleNamespace(role=role, accepted=accepted, applied=applied)


@pytest.mark.parametrize("change", ["starts_at", "ends_at", "place"])
def test_a_new_time_or_place_is_told_to_the_registered_and_the_accepted_volunteers(activity_people, full, change):
    helpers = volunteers(activity_people, full.activity)
    activity = reloaded(full.activity)
    new = {
        "starts_at": {"starts_at": activity.starts_at + timedelta(hours=1)},
        "ends_at": {"ends_at": activity.ends_at + timedelta(hours=1)},
        "place": {"place": "Preiļu pils"},
    }[change]
    services.update_activity(activity_people.coordinator, activity, **new)
    db.session.commit()
    assert getattr(reloaded(activity), change) == new[change]
    assert told("activity_changed") == sorted([*(user.id for user in full.people), helpers.accepted.id])
    assert all(note.activity_id == activity.id for note in notes(event="activity_changed"))
    assert assert_places_add_up(activity) == 6


def test_other_changes_are_not_told(activity_people, full):
    volunteers(activity_people, full.activity)
    activity = reloaded(full.activity)
    services.update_activity(
        activity_people.coordinator, activity, title="Jauns nosaukums", starts_at=activity.starts_at, place=activity.place
    )
    db.session.commit()
    assert reloaded(activity).title == "Jauns nosaukums"
    assert notes(event="activity_changed") == []


@pytest.mark.parametrize("who", ["resident", "other_moderator"])
def test_only_the_coordinators_change_an_activity(activity_people, who):
    activity = an_activity(activity_people)
    with pytest.raises(NotAllowed):
        services.update_activity(getattr(activity_people, who), activity, title="Cits")
    db.session.rollback()
    assert reloaded(activity).title == "Keramikas darbnīca"


def test_an_activity_is_not_moved_to_a_centre_one_does_not_moderate(activity_people):
    activity = an_activity(activity_people)
    with pytest.raises(NotAllowed):
        services.update_activity(activity_people.coordinator, activity, centre_id=activity_people.other.id)
    db.session.rollback()
    assert reloaded(activity).centre_id == activity_people.centre.id


@pytest.mark.parametrize("state", ["completed", "cancelled"])
def test_finished_activities_are_not_changed(activity_people, state):
    activity = an_activity(activity_people, state=state, starts_in_days=STARTED)
    with pytest.raises(NotAllowed):
        services.update_activity(activity_people.coordinator, activity, title="Cits")
    db.session.rollback()


# --- cancelling ----------------------------------------------------------------------------------------------------


def test_cancelling_tells_everyone_registered_waiting_and_volunteering_once(activity_people):
    activity = an_activity(activity_people, capacity=2)
    registered, waiting, cancelled = make_people(3)
    register(registered, activity, companions=children("Bērns"))
    register(waiting, activity)
    registration_services.cancel_registration(cancelled, register(cancelled, activity))
    db.session.commit()
    helpers = volunteers(activity_people, activity)
    # one person both registered and volunteering: one notification
    make_signup(helpers.role, registered, "applied")

    services.cancel_activity(activity_people.coordinator, reloaded(activity), "  Vadītāja saslima.  ")
    db.session.commit()

    activity = reloaded(activity)
    assert (activity.state, activity.cancel_reason) == ("cancelled", "Vadītāja saslima.")
    assert told("activity_cancelled") == sorted([registered.id, waiting.id, helpers.accepted.id, helpers.applied.id])
    assert all(
        note.data["reason"] == "Vadītāja saslima." and note.activity_id == activity.id
        for note in notes(event="activity_cancelled")
    )
    assert assert_places_add_up(activity) == 2


# --- attendance ----------------------------------------------------------------------------------------------------


def test_attendance_only_once_it_has_started(activity_people):
    activity = an_activity(activity_people)
    registration = register(activity_people.resident, activity)
    with pytest.raises(NotAllowed):
        services.record_attendance(activity_people.coordinator, registration, True)
    db.session.rollback()
    assert states(registration) == ["registered"]


@pytest.mark.parametrize("state", ["open", "completed"])
def test_attendance_is_recorded_and_corrected(activity_people, state):
    activity = an_activity(activity_people, state=state, starts_in_days=STARTED)
    registration = registration_in(activity, activity_people.resident, "registered", places=3)
    services.record_attendance(activity_people.coordinator, registration, True)
    db.session.commit()
    assert (reloaded(registration).state, reloaded(registration).attendance_by_id) == ("attended", activity_people.coordinator.id)
    services.record_attendance(activity_people.admin, reloaded(registration), False)
    db.session.commit()
    assert (reloaded(registration).state, reloaded(registration).attendance_by_id) == ("no_show", activity_people.admin.id)
    services.record_attendance(activity_people.coordinator, reloaded(registration), True)
    db.session.commit()
    assert states(registration) == ["attended"]
    assert assert_places_add_up(activity) == 3  # attended and no-show registrations keep their places


@pytest.mark.parametrize("state", ["waiting", "cancelled"])
def test_attendance_only_of_registered_people(activity_people, state):
    activity = an_activity(activity_people, starts_in_days=STARTED)
    registration = registration_in(activity, activity_people.resident, state)
    with pytest.raises(InvalidTransition):
        services.record_attendance(activity_people.coordinator, registration, True)
    db.session.rollback()
    assert states(registration) == [state]


@pytest.mark.parametrize("who", ["resident", "other_moderator"])
def test_only_the_coordinators_record_attendance(activity_people, who):
    activity = an_activity(activity_people, starts_in_days=STARTED)
    registration = registration_in(activity, make_user(), "registered")
    with pytest.raises(NotAllowed):
        services.record_attendance(getattr(activity_people, who), registration, True)
    db.session.rollback()
    assert states(registration) == ["registered"]


def started_volunteer(activity_people, state="open"):
    activity = an_activity(activity_people, state=state, starts_in_days=STARTED)
    role = make_role(activity=activity, name="Palīgs", places=2)
    signup = make_signup(role, activity_people.resident, "accepted", decided_by=activity_people.coordinator)
    return signup


@pytest.mark.parametrize("minutes", [None, -1, 24 * 60 + 1])
def test_volunteer_hours_within_a_day(activity_people, minutes):
    signup = started_volunteer(activity_people)
    with pytest.raises(InvalidTransition):
        volunteering.record_volunteer_attendance(activity_people.coordinator, signup, True, minutes)
    db.session.rollback()
    assert (reloaded(signup).state, reloaded(signup).minutes) == ("accepted", None)
    assert notes() == []


@pytest.mark.parametrize("minutes", [0, 24 * 60])
def test_volunteer_hours_at_the_limits(activity_people, minutes):
    signup = started_volunteer(activity_people)
    volunteering.record_volunteer_attendance(activity_people.coordinator, signup, True, minutes)
    db.session.commit()
    assert (reloaded(signup).state, reloaded(signup).minutes) == ("attended", minutes)


def test_volunteer_attendance_is_recorded_told_and_corrected(activity_people):
    signup = started_volunteer(activity_people, state="completed")
    volunteering.record_volunteer_attendance(activity_people.coordinator, signup, True, 90)
    db.session.commit()
    signup = reloaded(signup)
    assert (signup.state, signup.minutes, signup.hours, signup.attendance_by_id) == (
        "attended",
        90,
        1.5,
        activity_people.coordinator.id,
    )
    [note] = notes(activity_people.resident, "hours_recorded")
    assert (note.data["hours"], note.data["role"], note.activity_id) == (1.5, "Palīgs", signup.role.activity_id)
    # the same again changes nothing and tells nobody again
    volunteering.record_volunteer_attendance(activity_people.coordinator, signup, True, 90)
    db.session.commit()
    assert len(notes(activity_people.resident, "hours_recorded")) == 1
    # corrected: did not come after all (no hours, not told), then came for two hours
    volunteering.record_volunteer_attendance(activity_people.coordinator, reloaded(signup), False, 90)
    db.session.commit()
    assert (reloaded(signup).state, reloaded(signup).minutes) == ("no_show", None)
    volunteering.record_volunteer_attendance(activity_people.coordinator, reloaded(signup), True, 120)
    db.session.commit()
    assert [note.data["hours"] for note in notes(activity_people.resident, "hours_recorded")] == [1.5, 2.0]
    assert reloaded(signup.role).accepted_count == 1  # the place stays counted
    assert count(AuditEntry, AuditEntry.action == "signup.attendance") == 3


def test_volunteer_attendance_only_once_started_and_by_the_coordinators(activity_people):
    activity = an_activity(activity_people)
    role = make_role(activity=activity, name="Palīgs", places=2)
    signup = make_signup(role, activity_people.resident, "accepted", decided_by=activity_people.coordinator)
    with pytest.raises(NotAllowed):  # not started yet
        volunteering.record_volunteer_attendance(activity_people.coordinator, signup, True, 60)
    db.session.rollback()
    started = started_volunteer(activity_people)
    with pytest.raises(NotAllowed):
        volunteering.record_volunteer_attendance(activity_people.other_moderator, started, True, 60)
    db.session.rollback()
    assert reloaded(started).state == "accepted"


def test_volunteer_attendance_not_for_roles_of_ideas(activity_people):
    idea = make_idea(centre=activity_people.centre, state="published")
    role = make_role(idea=idea, name="Palīgs", places=2)
    signup = make_signup(role, activity_people.resident, "accepted", decided_by=idea.author)
    with pytest.raises(NotAllowed):
        volunteering.record_volunteer_attendance(activity_people.coordinator, signup, True, 60)
    db.session.rollback()
    assert reloaded(signup).state == "accepted"


@pytest.mark.parametrize("state", ["applied", "withdrawn", "declined"])
def test_volunteer_attendance_only_of_accepted_volunteers(activity_people, state):
    signup = started_volunteer(activity_people)
    signup.state = state
    db.session.commit()
    with pytest.raises(InvalidTransition):
        volunteering.record_volunteer_attendance(activity_people.coordinator, signup, True, 60)
    db.session.rollback()
    assert reloaded(signup).state == state
