"""Volunteer roles and sign-ups without HTTP: the lifecycle table, who may do what, automatic acceptance,
places that are never exceeded (50 threads at once on each database), one active sign-up per person."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.errors import AlreadyDone, CapacityReached, InvalidTransition, NotAllowed
from app.extensions import db
from app.notifications.models import Notification
from app.volunteering import services
from app.volunteering.models import SignUp, SignUpState, VolunteerRole
from tests.factories import make_idea, make_signup, make_user
from tests.helpers import count, reloaded, run_at_once

#: the design's sign-up lifecycle written out on its own: (action, from state) → the state it leads to;
#: every other pair must be refused
EXPECTED_MOVES = {
    ("accept", "applied"): "accepted",
    ("decline", "applied"): "declined",
    ("withdraw", "applied"): "withdrawn",
    ("withdraw", "accepted"): "withdrawn",
}


@pytest.fixture
def idea_and_people(preili, author, resident, preili_moderator, aglona_moderator):
    """A published idea of Preiļi, its author, a volunteer, a resident, the centre's moderator and Aglona's."""
    return SimpleNamespace(
        centre=preili,
        author=author,
        volunteer=make_user(email="volunteer@example.com", display_name="Valdis"),
        resident=resident,
        moderator=preili_moderator,
        other_moderator=aglona_moderator,
        idea=make_idea(author=author, centre=preili, state="published"),
    )


def a_role(idea_and_people, places=3, auto_accept=False, idea=None):
    role = services.add_role(
        idea_and_people.author, idea or idea_and_people.idea, name="Palīgs darbnīcā", places=places, auto_accept=auto_accept
    )
    db.session.commit()
    return role


def signup_in(idea_and_people, role, state):
    """A sign-up of the volunteer already in the given state (written directly; accepted ones hold a place)."""
    return make_signup(role, idea_and_people.volunteer, state, decided_by=idea_and_people.author)


def actor_for(idea_and_people, action):
    return idea_and_people.volunteer if action == "withdraw" else idea_and_people.author


# --- the lifecycle -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", SignUpState.ALL)
@pytest.mark.parametrize("action", ["accept", "decline", "withdraw"])
def test_every_action_from_every_state(idea_and_people, action, state):
    role = a_role(idea_and_people)
    signup = signup_in(idea_and_people, role, state)
    places_before = role.accepted_count
    expected = EXPECTED_MOVES.get((action, state))
    if expected is None:
        with pytest.raises(InvalidTransition):
            services.transition(signup, action, actor_for(idea_and_people, action))
        db.session.rollback()
        assert reloaded(signup).state == state
        assert reloaded(role).accepted_count == places_before
        return
    services.transition(signup, action, actor_for(idea_and_people, action))
    db.session.commit()
    assert reloaded(signup).state == expected
    change = {"accepted": 1, "withdrawn": -1 if state == "accepted" else 0}.get(expected, 0)
    assert reloaded(role).accepted_count == places_before + change


def test_the_table_in_the_code_is_the_design(idea_and_people):
    moves = {(action, source): target for action, (sources, target, _who) in services.TRANSITIONS.items() for source in sources}
    assert moves == EXPECTED_MOVES


@pytest.mark.parametrize(
    "who, may", [("author", True), ("moderator", True), ("other_moderator", False), ("resident", False), ("volunteer", False)]
)
@pytest.mark.parametrize("action", ["accept", "decline"])
def test_who_may_accept_and_decline(idea_and_people, who, may, action):
    role = a_role(idea_and_people)
    signup = signup_in(idea_and_people, role, "applied")
    if not may:
        with pytest.raises(NotAllowed):
            services.transition(signup, action, getattr(idea_and_people, who))
        db.session.rollback()
        assert reloaded(signup).state == "applied"
        return
    services.transition(signup, action, getattr(idea_and_people, who))
    db.session.commit()
    signup = reloaded(signup)
    assert signup.state == EXPECTED_MOVES[(action, "applied")]
    assert signup.decided_by_id == getattr(idea_and_people, who).id
    # the volunteer is told; a moderator's decision is in the audit log, the author's own is not
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == idea_and_people.volunteer.id)).all()
    assert note.event == f"signup_{EXPECTED_MOVES[(action, 'applied')]}"
    audited = count(AuditEntry, AuditEntry.action == f"signup.{action}")
    assert audited == (1 if who == "moderator" else 0)


@pytest.mark.parametrize("who", ["author", "moderator", "resident"])
def test_only_the_volunteer_withdraws_their_sign_up(idea_and_people, who):
    role = a_role(idea_and_people)
    signup = signup_in(idea_and_people, role, "accepted")
    with pytest.raises(NotAllowed):
        services.withdraw_signup(getattr(idea_and_people, who), signup)
    db.session.rollback()
    assert reloaded(signup).state == "accepted"


def test_accepting_beyond_the_places_is_refused(idea_and_people):
    role = a_role(idea_and_people, places=1)
    first = services.apply_for_role(idea_and_people.volunteer, role)
    second = services.apply_for_role(idea_and_people.resident, role)
    db.session.commit()
    services.accept_signup(idea_and_people.author, first)
    db.session.commit()
    with pytest.raises(CapacityReached):
        services.accept_signup(idea_and_people.author, second)
    db.session.rollback()
    assert reloaded(second).state == "applied"
    assert reloaded(role).accepted_count == 1
    # withdrawing frees the place: now the second can be accepted
    services.withdraw_signup(idea_and_people.volunteer, reloaded(first))
    db.session.commit()
    assert reloaded(role).accepted_count == 0
    services.accept_signup(idea_and_people.author, reloaded(second))
    db.session.commit()
    assert reloaded(role).accepted_count == 1


def test_the_database_refuses_more_accepted_than_places(idea_and_people):
    role = a_role(idea_and_people, places=1)
    role.accepted_count = 2
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


# --- applying -----------------------------------------------------------------------------------------------------


def test_applying_notifies_the_author_and_waits_for_an_answer(idea_and_people):
    role = a_role(idea_and_people)
    signup = services.apply_for_role(idea_and_people.volunteer, role, "  Man ir pieredze ar mālu.  ")
    db.session.commit()
    signup = reloaded(signup)
    assert (signup.state, signup.message, signup.decided_by_id) == ("applied", "Man ir pieredze ar mālu.", None)
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == idea_and_people.author.id)).all()
    assert note.event == "signup_new" and note.data["role"] == "Palīgs darbnīcā"
    assert reloaded(role).accepted_count == 0


def test_automatic_acceptance_while_places_are_free(idea_and_people):
    role = a_role(idea_and_people, places=1, auto_accept=True)
    first = services.apply_for_role(idea_and_people.volunteer, role)
    db.session.commit()
    with pytest.raises(CapacityReached):  # no place free: a full role takes no more offers
        services.apply_for_role(idea_and_people.resident, role)
    db.session.rollback()
    assert reloaded(first).state == "accepted"
    assert reloaded(first).decided_by_id == idea_and_people.volunteer.id
    assert count(SignUp) == 1
    assert reloaded(role).accepted_count == 1


def test_a_second_active_sign_up_is_already_done_and_adds_no_row(idea_and_people):
    role = a_role(idea_and_people)
    services.apply_for_role(idea_and_people.volunteer, role)
    db.session.commit()
    with pytest.raises(AlreadyDone):
        services.apply_for_role(idea_and_people.volunteer, role)
    db.session.rollback()
    assert count(SignUp) == 1


def test_after_withdrawing_one_may_apply_again(idea_and_people):
    role = a_role(idea_and_people)
    signup = services.apply_for_role(idea_and_people.volunteer, role)
    db.session.commit()
    services.withdraw_signup(idea_and_people.volunteer, signup)
    db.session.commit()
    services.apply_for_role(idea_and_people.volunteer, role)
    db.session.commit()
    assert count(SignUp, SignUp.state == "applied") == 1 and count(SignUp) == 2


def test_the_database_allows_one_active_sign_up_per_person_and_role(idea_and_people):
    role = a_role(idea_and_people)
    make_signup(role, idea_and_people.volunteer, "applied")
    with pytest.raises(IntegrityError):
        make_signup(role, idea_and_people.volunteer, "accepted", decided_by=idea_and_people.author)
    db.session.rollback()


@pytest.mark.parametrize("who", ["author", "unconfirmed", "suspended"])
def test_who_may_not_apply(idea_and_people, who):
    role = a_role(idea_and_people)
    person = {
        "author": idea_and_people.author,
        "unconfirmed": make_user(email="new@example.com", confirmed=False),
        "suspended": make_user(email="gone@example.com", suspended=True),
    }[who]
    with pytest.raises(NotAllowed):
        services.apply_for_role(person, role)
    db.session.rollback()
    assert count(SignUp) == 0


@pytest.mark.parametrize("state", ["promoted", "archived"])
def test_roles_of_ideas_no_longer_published_are_frozen(idea_and_people, state):
    role = a_role(idea_and_people)
    signup = signup_in(idea_and_people, role, "applied")
    idea_and_people.idea.state = state
    db.session.commit()
    for attempt in (
        lambda: services.apply_for_role(idea_and_people.resident, role),
        lambda: services.update_role(idea_and_people.author, role, name="Cits"),
        lambda: services.remove_role(idea_and_people.author, role),
        lambda: services.add_role(idea_and_people.author, idea_and_people.idea, name="Jauna", places=2),
        lambda: services.accept_signup(idea_and_people.author, signup),
    ):
        with pytest.raises(NotAllowed):
            attempt()
        db.session.rollback()


# --- roles ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who, may", [("author", True), ("moderator", True), ("other_moderator", False), ("resident", False)])
def test_who_may_add_change_and_remove_roles(idea_and_people, who, may):
    actor = getattr(idea_and_people, who)
    if not may:
        with pytest.raises(NotAllowed):
            services.add_role(actor, idea_and_people.idea, name="Palīgs", places=2)
        db.session.rollback()
        role = a_role(idea_and_people)
        with pytest.raises(NotAllowed):
            services.update_role(actor, role, name="Cits")
        db.session.rollback()
        with pytest.raises(NotAllowed):
            services.remove_role(actor, role)
        db.session.rollback()
        assert reloaded(role).name == "Palīgs darbnīcā"
        return
    role = services.add_role(actor, idea_and_people.idea, name="Palīgs", places=2)
    db.session.commit()
    services.update_role(actor, role, name="Cits", places=4)
    db.session.commit()
    assert (reloaded(role).name, reloaded(role).places) == ("Cits", 4)
    services.remove_role(actor, reloaded(role))
    db.session.commit()
    assert count(VolunteerRole) == 0
    assert count(AuditEntry, AuditEntry.action.like("volunteer_role.%")) == (3 if who == "moderator" else 0)


def test_places_cannot_drop_below_the_accepted(idea_and_people):
    role = a_role(idea_and_people, places=3)
    signup_in(idea_and_people, role, "accepted")
    with pytest.raises(InvalidTransition):
        services.update_role(idea_and_people.author, role, places=0)
    db.session.rollback()
    services.update_role(idea_and_people.author, reloaded(role), places=1)
    db.session.commit()
    assert reloaded(role).places == 1


# --- races: many people at the same instant, each in its own thread, app context and session ----------------------


def applying(user_id, role_id, action=None):
    """A job for run_at_once: the person applies for the role, or (action = a volunteer's id) accepts that
    volunteer's sign-up. The rows are looked up before the barrier; after it the service does all the rest."""

    def job():
        user = db.session.get(User, user_id)
        role = db.session.get(VolunteerRole, role_id)
        if action is None:
            return lambda: services.apply_for_role(user, role, "")
        signup = db.session.scalar(select(SignUp).where(SignUp.role_id == role_id, SignUp.user_id == action))
        return lambda: services.accept_signup(user, signup)

    return job


@pytest.mark.real_commits
def test_fifty_people_at_once_for_ten_automatic_places(ctx, idea_and_people):
    role = a_role(idea_and_people, places=10, auto_accept=True)
    people = [make_user(email=f"v{n}@example.com", display_name=f"Brīvprātīgais {n}") for n in range(50)]
    role_id, ids = role.id, [person.id for person in people]
    db.session.commit()

    outcomes = run_at_once(ctx, [applying(person_id, role_id) for person_id in ids])

    assert sorted(set(outcomes)) == ["CapacityReached", "accepted"], outcomes  # no OperationalError, nothing else
    assert outcomes.count("accepted") == 10 and outcomes.count("CapacityReached") == 40
    assert reloaded(role).accepted_count == 10
    assert count(SignUp, SignUp.state == "accepted") == 10
    assert count(SignUp) == 10  # a full role took no more offers


@pytest.mark.real_commits
def test_fifty_acceptances_at_once_for_ten_places(ctx, idea_and_people):
    role = a_role(idea_and_people, places=10)
    people = [make_user(email=f"w{n}@example.com", display_name=f"Palīgs {n}") for n in range(50)]
    for person in people:
        make_signup(role, person, "applied")
    role_id, author_id, ids = role.id, idea_and_people.author.id, [person.id for person in people]
    db.session.commit()  # reading the ids began a transaction: end it, or it would hold SQLite's lock

    outcomes = run_at_once(ctx, [applying(author_id, role_id, action=person_id) for person_id in ids])

    assert outcomes.count("accepted") == 10, outcomes
    assert outcomes.count("CapacityReached") == 40, outcomes
    assert reloaded(role).accepted_count == 10
    assert count(SignUp, SignUp.state == "accepted") == 10
    assert count(SignUp, SignUp.state == "applied") == 40  # a refused acceptance left nothing half-done


@pytest.mark.real_commits
def test_five_double_submits_of_one_person_make_one_sign_up(ctx, idea_and_people):
    role = a_role(idea_and_people, places=3, auto_accept=True)
    role_id, volunteer_id = role.id, idea_and_people.volunteer.id
    db.session.commit()

    outcomes = run_at_once(ctx, [applying(volunteer_id, role_id) for _ in range(5)])

    assert sorted(outcomes) == ["AlreadyDone"] * 4 + ["accepted"], outcomes
    assert count(SignUp) == 1
    assert reloaded(role).accepted_count == 1
