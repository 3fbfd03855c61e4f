"""The idea lifecycle without HTTP: the transition table, who may move an idea, reasons, races, supports,
follows, notifications, and the seeded categories and demo ideas."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.errors import AlreadyDone, InvalidTransition, NotAllowed
from app.extensions import db
from app.ideas import services
from app.ideas.models import Category, Follow, Idea, IdeaEvent, IdeaKind, IdeaState, Support
from app.ideas.services import (
    TRANSITIONS,
    create_idea,
    follow_idea,
    support_idea,
    transition,
    unfollow_idea,
    update_idea,
    withdraw_support,
)
from app.notifications.models import Notification
from app.timeutil import utcnow
from tests.factories import make_category, make_follow, make_idea, make_idea_event, make_user
from tests.helpers import count, reloaded, run_at_once

#: the design's lifecycle, written out here on its own so that a wrong edit of TRANSITIONS fails:
#: (action, from state) → the state it leads to; every pair not listed must be refused
EXPECTED_MOVES = {
    ("submit", "draft"): "submitted",
    ("submit", "changes_requested"): "submitted",
    ("withdraw", "submitted"): "draft",
    ("publish", "submitted"): "published",
    ("request_changes", "submitted"): "changes_requested",
    ("decline", "submitted"): "declined",
    ("promote", "published"): "promoted",
    ("archive", "published"): "archived",
}
AUTHOR_ACTIONS = {"submit", "withdraw"}
MODERATOR_ACTIONS = {"publish", "request_changes", "decline", "promote", "archive"}
#: a state each action may start from (for the "who may" table)
START_STATE = {action: state for (action, state) in EXPECTED_MOVES}


@pytest.fixture
def centres_and_people(preili, aglona, author, resident, preili_moderator, aglona_moderator, admin):
    """Preiļi and Aglona, a category, an author, a resident, a moderator of each centre and an admin."""
    return SimpleNamespace(
        centre=preili,
        other_centre=aglona,
        category=make_category(slug="vide", name_lv="Vide", name_en="Environment"),
        author=author,
        resident=resident,
        moderator=preili_moderator,
        other_moderator=aglona_moderator,
        admin=admin,
    )


def idea_in(centres_and_people, state, **fields):
    return make_idea(
        author=centres_and_people.author,
        centre=centres_and_people.centre,
        category=centres_and_people.category,
        state=state,
        **fields,
    )


def events_of(idea):
    db.session.expire_all()
    return db.session.scalars(select(IdeaEvent).where(IdeaEvent.idea_id == idea.id).order_by(IdeaEvent.id)).all()


def notifications(user=None, event=None):
    db.session.expire_all()
    query = select(Notification).order_by(Notification.id)
    if user is not None:
        query = query.where(Notification.user_id == user.id)
    if event is not None:
        query = query.where(Notification.event == event)
    return db.session.scalars(query).all()


def actor_for(centres_and_people, action):
    return centres_and_people.author if action in AUTHOR_ACTIONS else centres_and_people.moderator


# --- the transition table -------------------------------------------------------------------------------------


def test_the_table_has_exactly_the_designed_actions():
    assert set(TRANSITIONS) == AUTHOR_ACTIONS | MODERATOR_ACTIONS
    for action, (sources, target, _who) in TRANSITIONS.items():
        assert {(action, state) for state in sources} == {key for key in EXPECTED_MOVES if key[0] == action}
        assert {EXPECTED_MOVES[(action, state)] for state in sources} == {target}


@pytest.mark.parametrize("action", sorted(AUTHOR_ACTIONS | MODERATOR_ACTIONS))
def test_every_action_from_every_state(centres_and_people, action):
    actor = actor_for(centres_and_people, action)
    for state in IdeaState.ALL:
        idea = idea_in(centres_and_people, state)
        target = EXPECTED_MOVES.get((action, state))
        before = utcnow()

        if target is None:
            # A draft is its author's alone: to a moderator it is as if it were not there.
            refusal = NotAllowed if action in MODERATOR_ACTIONS and state == "draft" else InvalidTransition
            with pytest.raises(refusal):
                transition(idea, action, actor, reason="Tāpēc, ka tā vajag.")
            db.session.rollback()
            assert reloaded(idea).state == state, f"{action} from {state} changed the state"
            assert events_of(idea) == [], f"{action} from {state} recorded a step"
            continue

        transition(idea, action, actor, reason="Tāpēc, ka tā vajag.")
        db.session.commit()
        assert reloaded(idea).state == target, f"{action} from {state}"
        [event] = events_of(idea)
        assert (event.actor_id, event.from_state, event.to_state, event.reason) == (
            actor.id,
            state,
            target,
            "Tāpēc, ka tā vajag.",
        )
        assert before <= event.created_at <= utcnow()


def test_submitting_and_publishing_set_their_dates(centres_and_people):
    idea = create_idea(
        centres_and_people.author,
        title="Soliņi",
        summary="Soliņi parkā",
        description="Teksts",
        kind=IdeaKind.LOCAL_IMPROVEMENT,
        category_id=centres_and_people.category.id,
        centre_id=centres_and_people.centre.id,
    )
    db.session.commit()
    assert idea.submitted_at is None and idea.published_at is None
    transition(idea, "submit", centres_and_people.author)
    db.session.commit()
    assert reloaded(idea).submitted_at is not None
    transition(reloaded(idea), "publish", centres_and_people.moderator)
    db.session.commit()
    idea = reloaded(idea)
    assert idea.published_at is not None and idea.published_at >= idea.submitted_at
    assert [(e.from_state, e.to_state) for e in events_of(idea)] == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "published"),
    ]


# --- who may ------------------------------------------------------------------------------------------------

WHO = ["author", "resident", "moderator", "other_moderator", "admin", "suspended_author", "unconfirmed_author"]


def person(centres_and_people, who):
    """The acting person; the author's account is put back to normal unless the role says otherwise."""
    centres_and_people.author.suspended_at = None
    centres_and_people.author.email_confirmed_at = centres_and_people.author.email_confirmed_at or utcnow()
    db.session.commit()
    if who == "suspended_author":
        centres_and_people.author.suspended_at = utcnow()
        db.session.commit()
        return centres_and_people.author
    if who == "unconfirmed_author":
        centres_and_people.author.email_confirmed_at = None
        db.session.commit()
        return centres_and_people.author
    return getattr(centres_and_people, who)


@pytest.mark.parametrize("action", sorted(AUTHOR_ACTIONS | MODERATOR_ACTIONS))
def test_who_may_make_each_move(centres_and_people, action):
    state = START_STATE[action]
    for who in WHO:
        idea = idea_in(centres_and_people, state)
        actor = person(centres_and_people, who)
        allowed = who == "author" if action in AUTHOR_ACTIONS else who in ("moderator", "admin")
        assert (action in services.allowed_actions(actor, idea)) == allowed, f"the button of {action} for {who}"

        if allowed:
            transition(idea, action, actor, reason="Iemesls")
            db.session.commit()
            assert reloaded(idea).state == EXPECTED_MOVES[(action, state)], f"{action} by {who}"
        else:
            with pytest.raises(NotAllowed):
                transition(idea, action, actor, reason="Iemesls")
            db.session.rollback()
            assert reloaded(idea).state == state, f"{action} by {who} changed the state"
            assert events_of(idea) == [], f"{action} by {who} recorded a step"


def test_moderator_decisions_are_in_the_audit_log(centres_and_people):
    idea = idea_in(centres_and_people, "submitted")
    transition(idea, "request_changes", centres_and_people.moderator, reason="Lūdzu, precizējiet vietu.")
    db.session.commit()
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "idea.request_changes")).all()
    assert (entry.actor_id, entry.subject_type, entry.subject_id, entry.centre_id, entry.reason) == (
        centres_and_people.moderator.id,
        "Idea",
        idea.id,
        centres_and_people.centre.id,
        "Lūdzu, precizējiet vietu.",
    )


# --- reasons ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action,state", [("request_changes", "submitted"), ("decline", "submitted"), ("archive", "published")])
@pytest.mark.parametrize("reason", ["", "   \n "])
def test_decisions_against_the_author_need_a_reason(centres_and_people, action, state, reason):
    idea = idea_in(centres_and_people, state)
    with pytest.raises(InvalidTransition) as refused:
        transition(idea, action, centres_and_people.moderator, reason=reason)
    db.session.rollback()
    assert refused.value.message  # a message saying why, not the generic "someone changed it"
    assert reloaded(idea).state == state
    assert events_of(idea) == []
    assert notifications() == []


def test_publishing_needs_no_reason(centres_and_people):
    idea = idea_in(centres_and_people, "submitted")
    transition(idea, "publish", centres_and_people.moderator)
    db.session.commit()
    assert reloaded(idea).state == "published"


@pytest.mark.parametrize("to_state", ["declined", "changes_requested"])
def test_the_database_refuses_a_decision_without_a_reason(centres_and_people, to_state):
    idea = idea_in(centres_and_people, "submitted")
    with pytest.raises(IntegrityError):
        make_idea_event(idea, to_state, centres_and_people.moderator, from_state="submitted", reason="")
    db.session.rollback()
    assert events_of(idea) == []


# --- two moderators at once ----------------------------------------------------------------------------------


def race(app, idea_id, attempts):
    """Each (user id, action, reason) at the same moment, each in a thread of its own (run_at_once), as two requests.

    Every thread first loads the idea and the moderator and ends that read, keeping the loaded (soon stale)
    objects; then all decide at the same moment. Returns "ok", "refused" or the unexpected error's name, per attempt.
    """

    def deciding(user_id, action, reason):
        def job():
            actor = db.session.get(User, user_id)
            assert actor.moderated_centres or actor.is_admin
            idea = db.session.get(Idea, idea_id)
            assert idea.state == "submitted" and idea.author is not None
            return lambda: transition(idea, action, actor, reason)

        return job

    results = run_at_once(app, [deciding(*attempt) for attempt in attempts], outcome=lambda _: "ok", keep_loaded=True)
    return ["refused" if result == "InvalidTransition" else result for result in results]


@pytest.mark.real_commits
def test_two_moderators_deciding_at_once_one_wins_and_the_other_is_refused(ctx, centres_and_people):
    second = make_user(email="second-moderator@example.com", display_name="Ilze", moderates=[centres_and_people.centre])
    for _round in range(3):
        idea = idea_in(centres_and_people, "submitted")
        attempts = [(centres_and_people.moderator.id, "publish", ""), (second.id, "decline", "Pašvaldības budžeta jautājums.")]
        idea_id = idea.id
        db.session.commit()  # the test's own session holds no transaction (nor SQLite's lock) during the race

        results = race(ctx, idea_id, attempts)

        assert sorted(results) == ["ok", "refused"], results
        idea = reloaded(idea)
        won = "publish" if results[0] == "ok" else "decline"
        assert idea.state == {"publish": "published", "decline": "declined"}[won]
        [decision] = events_of(idea)
        assert decision.to_state == idea.state
        assert decision.actor_id == (centres_and_people.moderator.id if won == "publish" else second.id)
        assert len(notifications(centres_and_people.author)) == 1  # the author hears of one decision only
        db.session.execute(Notification.__table__.delete())
        db.session.commit()


# --- supports --------------------------------------------------------------------------------------------------


def test_a_person_supports_an_idea_once(centres_and_people):
    idea = idea_in(centres_and_people, "published")
    support_idea(centres_and_people.resident, idea)
    db.session.commit()
    with pytest.raises(AlreadyDone):
        support_idea(centres_and_people.resident, idea)
    db.session.rollback()
    assert reloaded(idea).support_count == 1
    assert count(Support) == 1


def test_the_author_cannot_support_their_own_idea(centres_and_people):
    idea = idea_in(centres_and_people, "published")
    with pytest.raises(NotAllowed):
        support_idea(centres_and_people.author, idea)
    db.session.rollback()
    assert reloaded(idea).support_count == 0


@pytest.mark.parametrize("state", [s for s in IdeaState.ALL if s != "published"])
def test_only_open_ideas_can_be_supported(centres_and_people, state):
    idea = idea_in(centres_and_people, state)
    with pytest.raises(NotAllowed):
        support_idea(centres_and_people.resident, idea)
    db.session.rollback()
    assert count(Support) == 0


def test_unconfirmed_or_suspended_people_cannot_support(centres_and_people):
    idea = idea_in(centres_and_people, "published")
    for user in (make_user(confirmed=False), make_user(suspended=True)):
        with pytest.raises(NotAllowed):
            support_idea(user, idea)
        db.session.rollback()
    assert count(Support) == 0


def test_the_counter_stays_right_through_support_withdraw_support(centres_and_people):
    idea = idea_in(centres_and_people, "published")
    others = [make_user(email=f"supporter{n}@example.com") for n in range(3)]
    for user in others:
        support_idea(user, idea)
    db.session.commit()
    withdraw_support(others[0], idea)
    withdraw_support(others[0], idea)  # twice: nothing more happens
    db.session.commit()
    assert reloaded(idea).support_count == 2
    support_idea(others[0], reloaded(idea))
    db.session.commit()
    assert reloaded(idea).support_count == 3 == count(Support)
    withdraw_support(centres_and_people.resident, idea)  # never supported: the counter does not go below the rows
    db.session.commit()
    assert reloaded(idea).support_count == 3


# --- follows ---------------------------------------------------------------------------------------------------


def test_follow_and_unfollow_are_idempotent(centres_and_people):
    idea = idea_in(centres_and_people, "published")
    follow_idea(centres_and_people.resident, idea)
    follow_idea(centres_and_people.resident, idea)
    db.session.commit()
    assert count(Follow) == 1
    unfollow_idea(centres_and_people.resident, idea)
    unfollow_idea(centres_and_people.resident, idea)
    db.session.commit()
    assert count(Follow) == 0


@pytest.mark.parametrize("state", ["draft", "submitted", "changes_requested", "declined"])
def test_ideas_that_are_not_public_cannot_be_followed(centres_and_people, state):
    idea = idea_in(centres_and_people, state)
    with pytest.raises(NotAllowed):
        follow_idea(centres_and_people.resident, idea)
    db.session.rollback()
    assert count(Follow) == 0


# --- writing ----------------------------------------------------------------------------------------------------


def new_idea(centres_and_people, author=None, **fields):
    values = dict(
        title="Kopienas dārzs",
        summary="Dobes pie skolas",
        description="Audzēsim **dārzeņus**.",
        kind=IdeaKind.LOCAL_IMPROVEMENT,
        category_id=centres_and_people.category.id,
        centre_id=centres_and_people.centre.id,
    )
    values.update(fields)
    return create_idea(author or centres_and_people.author, **values)


def test_a_new_idea_is_a_draft_its_author_follows(centres_and_people):
    idea = new_idea(centres_and_people, title="Ēdnīca Preiļos")
    db.session.commit()
    idea = reloaded(idea)
    assert idea.state == "draft" and idea.author_id == centres_and_people.author.id
    assert [(e.from_state, e.to_state, e.actor_id) for e in events_of(idea)] == [("", "draft", centres_and_people.author.id)]
    assert db.session.scalars(select(Follow.user_id).where(Follow.idea_id == idea.id)).all() == [centres_and_people.author.id]
    assert {"ednic", "preil"} <= set(idea.search_title.split())  # indexed as search finds it (stemmed, folded)


def test_unconfirmed_people_cannot_write_ideas(centres_and_people):
    with pytest.raises(NotAllowed):
        new_idea(centres_and_people, author=make_user(confirmed=False))
    db.session.rollback()
    assert count(Idea) == 0


@pytest.mark.parametrize("state", IdeaState.ALL)
def test_only_the_author_edits_and_only_drafts_or_ideas_with_changes_requested(centres_and_people, state):
    idea = idea_in(centres_and_people, state)
    editable = state in ("draft", "changes_requested")
    for actor in (centres_and_people.resident, centres_and_people.moderator, centres_and_people.admin):
        with pytest.raises(NotAllowed):
            update_idea(actor, idea, title="Cits nosaukums")
        db.session.rollback()
    if editable:
        update_idea(centres_and_people.author, idea, title="Jauns nosaukums", description="Ar ūdeni")
        db.session.commit()
        assert reloaded(idea).title == "Jauns nosaukums"
        assert "uden" in reloaded(idea).search_body.split()
    else:
        with pytest.raises(NotAllowed):
            update_idea(centres_and_people.author, idea, title="Cits nosaukums")
        db.session.rollback()
        assert reloaded(idea).title != "Cits nosaukums"


# --- notifications ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action,event", [("publish", "idea_published"), ("request_changes", "idea_changes_requested"), ("decline", "idea_declined")]
)
def test_the_author_is_notified_of_a_decision_with_its_reason(centres_and_people, action, event):
    idea = idea_in(centres_and_people, "submitted")
    transition(idea, action, centres_and_people.moderator, reason="Paldies, viss skaidrs.")
    db.session.commit()
    [note] = notifications()
    assert (note.user_id, note.event, note.idea_id, note.actor_id) == (
        centres_and_people.author.id,
        event,
        idea.id,
        centres_and_people.moderator.id,
    )
    assert note.data.get("reason") == "Paldies, viss skaidrs."


def test_archiving_tells_the_author_the_supporters_and_the_followers_but_not_the_moderator(centres_and_people):
    idea = idea_in(centres_and_people, "published")
    supporter, follower = centres_and_people.resident, make_user(email="follower@example.com")
    support_idea(supporter, idea)
    follow_idea(follower, idea)
    follow_idea(centres_and_people.moderator, idea)
    make_follow(idea, centres_and_people.author)

    transition(reloaded(idea), "archive", centres_and_people.moderator, reason="Īstenots.")
    db.session.commit()

    notified = sorted(note.user_id for note in notifications(event="idea_archived"))
    assert notified == sorted([centres_and_people.author.id, supporter.id, follower.id])


def test_submitting_notifies_nobody_and_the_author_gets_nothing_for_their_own_steps(centres_and_people):
    idea = idea_in(centres_and_people, "draft")
    transition(idea, "submit", centres_and_people.author)
    transition(idea, "withdraw", centres_and_people.author)
    db.session.commit()
    assert notifications(centres_and_people.author) == []


# --- seeding -------------------------------------------------------------------------------------------------


def test_seed_categories_adds_the_defaults_once_in_both_languages(ctx):
    make_category(slug="environment", name_lv="Daba", name_en="Nature")  # renamed by an admin: left alone
    assert services.seed_categories() == 9
    db.session.commit()
    assert services.seed_categories() == 0
    categories = {c.slug: c for c in db.session.scalars(select(Category))}
    assert set(categories) >= {
        "environment",
        "culture",
        "education",
        "social-care",
        "sport",
        "infrastructure",
        "youth",
        "seniors",
        "heritage",
        "entrepreneurship",
    }
    assert (categories["social-care"].name_lv, categories["social-care"].name_en) == ("Sociālā aprūpe", "Social care")
    assert categories["environment"].name_lv == "Daba"


def test_flask_seed_categories_command(ctx):
    runner = ctx.test_cli_runner()
    assert "10 categories added" in runner.invoke(args=["seed-categories"]).output
    assert "0 categories added" in runner.invoke(args=["seed-categories"]).output
    assert count(Category) == 10


def test_seed_demo_adds_demo_ideas_in_different_states_through_the_lifecycle(ctx):
    runner = ctx.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    ideas = db.session.scalars(select(Idea)).all()
    assert len(ideas) >= 6
    assert {"draft", "submitted", "published", "changes_requested", "declined", "archived"} <= {i.state for i in ideas}
    assert len({idea.centre_id for idea in ideas}) >= 3
    for idea in ideas:
        steps = events_of(idea)
        assert steps[0].to_state == "draft" and steps[-1].to_state == idea.state
        assert idea.support_count == len(db.session.scalars(select(Support).where(Support.idea_id == idea.id)).all())
    assert count(Category) == 10

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0, again.output
    assert "0 demo idea(s) added" in again.output
    assert count(Idea) == len(ideas)
