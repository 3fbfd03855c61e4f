"""Partnerships without HTTP: offers and invitations, the lifecycle table (every action from every state by every
side), partner calls marked matched, notifications both ways, the audit log, carrying partnerships over when an
idea is promoted, and one organisation's representatives never touching another's partnerships."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, update

from app.audit.models import AuditEntry
from app.errors import AlreadyDone, InvalidTransition, NotAllowed
from app.extensions import db
from app.notifications.models import Notification
from app.organisations import services as organisation_services
from app.partnerships import services
from app.partnerships.models import PartnerCall, Partnership, PartnershipState
from app.promotion.services import promote_idea
from app.timeutil import utcnow
from tests.factories import make_activity, make_centre, make_idea, make_organisation, make_partner_call, make_user

#: the design's lifecycle written out on its own: (action, from state) → the state it leads to
EXPECTED_MOVES = {
    ("accept", "offered"): "accepted",
    ("decline", "offered"): "declined",
    ("withdraw", "offered"): "withdrawn",
    ("withdraw", "accepted"): "withdrawn",
}
#: who may make each move: the side that did not propose decides, the side that proposed withdraws
SIDE_FOR = {"accept": "decider", "decline": "decider", "withdraw": "proposer"}
SEEKING = {"seeking_school_partner": True, "partner_age_groups": "10-12", "partner_subjects": "environment"}


@pytest.fixture
def world(ctx):
    centre = make_centre(name="Preiļi", slug="preili")
    other = make_centre(name="Aglona", slug="aglona")
    author = make_user(email="author@example.com", display_name="Anna")
    representative = make_user(email="ilze@example.com", display_name="Ilze")
    other_representative = make_user(email="peteris@example.com", display_name="Pēteris")
    moderator = make_user(email="moderator@example.com", display_name="Dace", moderates=[centre])
    return SimpleNamespace(
        centre=centre,
        author=author,
        representative=representative,
        other_representative=other_representative,
        moderator=moderator,
        other_moderator=make_user(email="other@example.com", display_name="Jānis", moderates=[other]),
        resident=make_user(email="resident@example.com", display_name="Līga"),
        idea=make_idea(author=author, centre=centre, state="published", **SEEKING),
        # both schools are of the same centre: only representing one makes a difference
        school=make_organisation(representative=representative, centre=centre, name="Preiļu 1. pamatskola"),
        other_school=make_organisation(representative=other_representative, centre=centre, name="Preiļu 2. pamatskola"),
    )


def reloaded(thing):
    db.session.expire_all()
    return db.session.get(type(thing), thing.id)


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def notes(user=None, event=None):
    query = select(Notification).order_by(Notification.id)
    if user is not None:
        query = query.where(Notification.user_id == user.id)
    if event is not None:
        query = query.where(Notification.event == event)
    return db.session.scalars(query).all()


def told(event):
    return sorted(note.user_id for note in notes(event=event))


def audited(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def partnership_in(world, state, direction="offer", organisation=None, call=None, idea=None):
    """A partnership of the school (or another organisation) with the idea, already in the given state."""
    organisation = organisation or world.school
    decided = state in ("accepted", "declined")
    partnership = Partnership(
        organisation_id=organisation.id,
        idea_id=(idea or world.idea).id,
        direction=direction,
        state=state,
        message="Palīdzēsim",
        partner_call_id=call.id if call is not None else None,
        offered_by_id=world.representative.id if direction == "offer" else world.author.id,
        decided_by_id=world.author.id if decided else None,
        decided_at=utcnow() if decided else None,
    )
    db.session.add(partnership)
    db.session.commit()
    return partnership


def side(world, direction, which):
    """The person on a side of a partnership of the school with the author's idea."""
    if which in ("decider", "proposer"):
        school_side = (which == "proposer") == (direction == "offer")
        return world.representative if school_side else world.author
    return getattr(world, which)


# --- offering and inviting ----------------------------------------------------------------------------------------


def test_a_representative_offers_the_school_to_an_idea(world):
    partnership = services.offer_partnership(world.representative, world.school, world.idea, "  Mūsu 6. klase.  ")
    db.session.commit()
    partnership = reloaded(partnership)
    assert (partnership.state, partnership.direction, partnership.message) == ("offered", "offer", "Mūsu 6. klase.")
    assert (partnership.idea_id, partnership.activity_id, partnership.organisation_id) == (world.idea.id, None, world.school.id)
    assert partnership.offered_by_id == world.representative.id
    [note] = notes()  # the author only, once; never the representative who offered
    assert (note.user_id, note.event, note.idea_id) == (world.author.id, "partnership_offered", world.idea.id)
    assert note.data == {"organisation": "Preiļu 1. pamatskola", "organisation_id": world.school.id}
    assert services.allowed_actions(world.author, partnership) == ["accept", "decline"]
    assert services.allowed_actions(world.representative, partnership) == ["withdraw"]


def test_offering_twice_is_already_done_until_withdrawn(world):
    first = services.offer_partnership(world.representative, world.school, world.idea)
    db.session.commit()
    with pytest.raises(AlreadyDone):
        services.offer_partnership(world.representative, world.school, world.idea)
    db.session.rollback()
    assert count(Partnership) == 1 and len(notes()) == 1
    services.withdraw_partnership(world.representative, reloaded(first))
    db.session.commit()
    services.offer_partnership(world.representative, world.school, world.idea)
    db.session.commit()
    assert count(Partnership, Partnership.state == "offered") == 1 and count(Partnership) == 2


def test_an_offer_while_invited_is_already_done(world):
    call = make_partner_call(world.school)
    services.invite_organisation(world.author, call, world.idea)
    db.session.commit()
    with pytest.raises(AlreadyDone):
        services.offer_partnership(world.representative, world.school, world.idea)
    db.session.rollback()
    assert count(Partnership) == 1


@pytest.mark.parametrize(
    "state, seeking, may",
    [
        ("published", True, True),
        ("published", False, False),
        ("submitted", True, False),
        ("draft", True, False),
        ("changes_requested", True, False),
        ("declined", True, False),
        ("promoted", True, False),
        ("archived", True, False),
    ],
)
def test_offers_only_to_ideas_open_for_partners(world, state, seeking, may):
    idea = make_idea(author=world.author, centre=world.centre, state=state, seeking_school_partner=seeking)
    if may:
        services.offer_partnership(world.representative, world.school, idea)
        db.session.commit()
        assert count(Partnership) == 1
        return
    with pytest.raises(NotAllowed):
        services.offer_partnership(world.representative, world.school, idea)
    db.session.rollback()
    assert count(Partnership) == 0 and notes() == []


@pytest.mark.parametrize(
    "state, seeking, may",
    [
        ("planned", True, True),
        ("open", True, True),
        ("open", False, False),
        ("completed", True, False),
        ("cancelled", True, False),
    ],
)
def test_offers_only_to_activities_open_for_partners(world, state, seeking, may):
    activity = make_activity(centre=world.centre, creator=world.moderator, state=state, seeking_school_partner=seeking)
    if not may:
        with pytest.raises(NotAllowed):
            services.offer_partnership(world.representative, world.school, activity)
        db.session.rollback()
        assert count(Partnership) == 0
        return
    partnership = services.offer_partnership(world.representative, world.school, activity, "Nāksim palīgā")
    db.session.commit()
    partnership = reloaded(partnership)
    assert (partnership.activity_id, partnership.idea_id) == (activity.id, None)
    [note] = notes()  # the coordinator who created it
    assert (note.user_id, note.event, note.activity_id) == (world.moderator.id, "partnership_offered", activity.id)


def test_an_offer_to_an_activity_nobody_created_tells_the_centres_moderators(world):
    activity = make_activity(centre=world.centre, creator=None, seeking_school_partner=True)
    services.offer_partnership(world.representative, world.school, activity)
    db.session.commit()
    assert told("partnership_offered") == [world.moderator.id]


@pytest.mark.parametrize("who", ["other_representative", "author", "moderator", "resident"])
def test_only_its_representatives_offer_an_organisation(world, who):
    with pytest.raises(NotAllowed):
        services.offer_partnership(getattr(world, who), world.school, world.idea)
    db.session.rollback()
    assert count(Partnership) == 0


def test_an_offer_cannot_claim_another_organisations_call(world):
    """Accepting it would mark the other school's call as matched."""
    call = make_partner_call(world.other_school)
    with pytest.raises(NotAllowed):
        services.offer_partnership(world.representative, world.school, world.idea, call=call)
    db.session.rollback()
    assert count(Partnership) == 0


def test_the_author_invites_the_school_behind_a_call(world):
    call = make_partner_call(world.school)
    partnership = services.invite_organisation(world.author, call, world.idea, "Vai nāksiet?")
    db.session.commit()
    partnership = reloaded(partnership)
    assert (partnership.direction, partnership.state, partnership.partner_call_id) == ("invitation", "offered", call.id)
    assert (partnership.organisation_id, partnership.idea_id, partnership.offered_by_id) == (
        world.school.id,
        world.idea.id,
        world.author.id,
    )
    [note] = notes()  # the school's representative only, once
    assert (note.user_id, note.event) == (world.representative.id, "partnership_invited")
    assert services.allowed_actions(world.representative, partnership) == ["accept", "decline"]
    assert services.allowed_actions(world.author, partnership) == ["withdraw"]
    assert services.allowed_actions(world.other_representative, partnership) == []


@pytest.mark.parametrize(
    "case", ["matched call", "closed call", "resident", "representative", "other_moderator", "idea not seeking"]
)
def test_who_may_not_invite(world, case):
    call = make_partner_call(world.school, state={"matched call": "matched", "closed call": "closed"}.get(case, "open"))
    actor = getattr(world, case, world.author)
    if case == "idea not seeking":
        world.idea.seeking_school_partner = False
        db.session.commit()
    with pytest.raises(NotAllowed):
        services.invite_organisation(actor, call, world.idea)
    db.session.rollback()
    assert count(Partnership) == 0 and notes() == []


def test_a_coordinator_invites_a_school_to_an_activity(world):
    activity = make_activity(centre=world.centre, creator=world.moderator, seeking_school_partner=True)
    call = make_partner_call(world.school)
    services.invite_organisation(world.moderator, call, activity)
    db.session.commit()
    assert told("partnership_invited") == [world.representative.id]


# --- the lifecycle: every action from every state by every side -----------------------------------------------------


@pytest.mark.parametrize("who", ["decider", "proposer", "other_representative", "other_moderator", "resident"])
@pytest.mark.parametrize("state", PartnershipState.ALL)
@pytest.mark.parametrize("action", ["accept", "decline", "withdraw"])
@pytest.mark.parametrize("direction", ["offer", "invitation"])
def test_every_action_from_every_state_by_every_side(world, direction, action, state, who):
    partnership = partnership_in(world, state, direction)
    actor = side(world, direction, who)
    expected = EXPECTED_MOVES.get((action, state))
    if who != SIDE_FOR[action]:
        with pytest.raises(NotAllowed):
            services.transition(partnership, action, actor)
    elif expected is None:
        with pytest.raises(InvalidTransition):
            services.transition(partnership, action, actor)
    else:
        services.transition(partnership, action, actor)
        db.session.commit()
        assert reloaded(partnership).state == expected
        [entry] = audited(f"partnership.{action}")
        assert (entry.actor_id, entry.subject_id, entry.centre_id) == (actor.id, partnership.id, world.centre.id)
        return
    db.session.rollback()
    assert reloaded(partnership).state == state
    assert count(AuditEntry, AuditEntry.action.like("partnership.%")) == 0
    assert notes() == []


def test_the_table_in_the_code_is_the_design():
    moves = {(action, source): target for action, (sources, target, _who) in services.TRANSITIONS.items() for source in sources}
    assert moves == EXPECTED_MOVES
    assert {action: who for action, (_sources, _target, who) in services.TRANSITIONS.items()} == SIDE_FOR


@pytest.mark.parametrize("direction", ["offer", "invitation"])
@pytest.mark.parametrize("state", PartnershipState.ALL)
def test_allowed_actions_follow_the_table(world, direction, state):
    partnership = partnership_in(world, state, direction)
    for which in ("decider", "proposer"):
        expected = [
            action
            for action in ("accept", "decline", "withdraw")
            if SIDE_FOR[action] == which and (action, state) in EXPECTED_MOVES
        ]
        assert services.allowed_actions(side(world, direction, which), partnership) == expected
    for which in ("other_representative", "other_moderator", "resident"):
        assert services.allowed_actions(getattr(world, which), partnership) == []


@pytest.mark.parametrize("decider", ["author", "moderator"])
def test_the_centres_moderator_may_decide_an_offer_too(world, decider):
    partnership = partnership_in(world, "offered")
    services.accept_partnership(getattr(world, decider), partnership)
    db.session.commit()
    partnership = reloaded(partnership)
    assert (partnership.state, partnership.decided_by_id) == ("accepted", getattr(world, decider).id)


# --- notifications both ways ----------------------------------------------------------------------------------------

#: (direction, action, from state) → who is told: the other side, exactly once
TOLD = {
    ("offer", "accept", "offered"): "representative",
    ("offer", "decline", "offered"): "representative",
    ("offer", "withdraw", "offered"): "author",
    ("offer", "withdraw", "accepted"): "author",
    ("invitation", "accept", "offered"): "author",
    ("invitation", "decline", "offered"): "author",
    ("invitation", "withdraw", "offered"): "representative",
    ("invitation", "withdraw", "accepted"): "representative",
}


@pytest.mark.parametrize(("direction", "action", "state"), TOLD)
def test_the_other_side_is_told_once(world, direction, action, state):
    # a representative of another organisation of the centre is never told
    colleague = make_user(email="colleague@example.com", display_name="Kolēģe")
    make_organisation(representative=colleague, centre=world.centre, name="Cita")
    partnership = partnership_in(world, state, direction)
    actor = side(world, direction, SIDE_FOR[action])
    services.transition(partnership, action, actor)
    db.session.commit()
    event = f"partnership_{EXPECTED_MOVES[(action, state)]}"
    recipient = getattr(world, TOLD[(direction, action, state)])
    assert [(note.user_id, note.event) for note in notes()] == [(recipient.id, event)]
    [note] = notes()
    assert (note.actor_id, note.idea_id) == (actor.id, world.idea.id)
    assert note.data == {"organisation": "Preiļu 1. pamatskola", "organisation_id": world.school.id}


def test_every_representative_of_the_school_is_told(world):
    colleague = make_user(email="colleague@example.com", display_name="Kolēģe")
    request = organisation_services.ask_to_represent(colleague, world.school)
    organisation_services.decide_representative(world.representative, request, True)
    db.session.commit()
    partnership = partnership_in(world, "offered")
    services.accept_partnership(world.author, partnership)
    db.session.commit()
    assert told("partnership_accepted") == sorted([world.representative.id, colleague.id])


# --- partner calls ------------------------------------------------------------------------------------------------


def test_accepting_an_invitation_marks_the_call_matched(world):
    call = make_partner_call(world.school)
    partnership = services.invite_organisation(world.author, call, world.idea)
    db.session.commit()
    services.accept_partnership(world.representative, reloaded(partnership))
    db.session.commit()
    assert reloaded(call).state == "matched"
    [entry] = audited("partner_call.matched")
    assert (entry.actor_id, entry.subject_id) == (world.representative.id, call.id)
    assert told("partnership_accepted") == [world.author.id]


def test_accepting_an_offer_made_for_the_schools_own_call_marks_it_matched(world):
    call = make_partner_call(world.school)
    services.offer_partnership(world.representative, world.school, world.idea, call=call)
    db.session.commit()
    services.accept_partnership(world.author, db.session.scalar(select(Partnership)))
    db.session.commit()
    assert reloaded(call).state == "matched"


@pytest.mark.parametrize("action", ["decline", "withdraw"])
def test_declining_or_withdrawing_leaves_the_call_open(world, action):
    call = make_partner_call(world.school)
    partnership = services.invite_organisation(world.author, call, world.idea)
    db.session.commit()
    actor = world.representative if action == "decline" else world.author
    services.transition(reloaded(partnership), action, actor)
    db.session.commit()
    assert reloaded(call).state == "open"


@pytest.mark.parametrize("when", ["before", "a moment ago"])
def test_accepting_after_the_call_was_closed_leaves_it_closed(world, when):
    call = make_partner_call(world.school)
    partnership = services.invite_organisation(world.author, call, world.idea)
    db.session.commit()
    partnership = reloaded(partnership)
    if when == "before":
        partnership.partner_call.state = "closed"
        db.session.commit()
    else:  # by someone else: this session still holds the call as open
        assert partnership.partner_call.state == "open"
        db.session.execute(
            update(PartnerCall)
            .where(PartnerCall.id == call.id)
            .values(state="closed")
            .execution_options(synchronize_session=False)
        )
    services.accept_partnership(world.representative, partnership)
    db.session.commit()
    assert reloaded(call).state == "closed"
    assert reloaded(partnership).state == "accepted"


def test_accepted_partners(world):
    third = make_organisation(centre=world.centre, name="Biedrība Zaļie", kind="ngo")
    partnership_in(world, "accepted")
    partnership_in(world, "offered", organisation=world.other_school)
    partnership_in(world, "accepted", organisation=third)
    assert [org.name for org in services.accepted_partners(world.idea)] == ["Biedrība Zaļie", "Preiļu 1. pamatskola"]


# --- promotion ----------------------------------------------------------------------------------------------------


def promote(world):
    starts_at = (utcnow() + timedelta(days=5)).replace(second=0, microsecond=0)
    activity = promote_idea(
        world.moderator,
        world.idea,
        title="Talka parkā",
        description="Sakopsim parku.",
        place="Raiņa parks",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        leader_name="Dace",
        capacity=20,
    )
    db.session.commit()
    return reloaded(activity)


def test_promotion_carries_the_offered_and_accepted_partnerships_to_the_activity(world):
    third = make_organisation(centre=world.centre, name="Biedrība Zaļie", kind="ngo")
    accepted = partnership_in(world, "accepted")
    offered = partnership_in(world, "offered", organisation=world.other_school)
    declined = partnership_in(world, "declined", organisation=third)
    activity = promote(world)
    assert (activity.seeking_school_partner, activity.partner_age_groups, activity.partner_subjects) == (
        True,
        "10-12",
        "environment",
    )
    assert (reloaded(accepted).activity_id, reloaded(accepted).idea_id) == (activity.id, world.idea.id)
    assert reloaded(offered).activity_id == activity.id
    assert reloaded(declined).activity_id is None
    assert [org.id for org in services.accepted_partners(activity)] == [world.school.id]
    # the activity's coordinators now answer the offer, not the idea's author
    offered = reloaded(offered)
    with pytest.raises(NotAllowed):
        services.accept_partnership(world.author, offered)
    db.session.rollback()
    services.accept_partnership(world.moderator, reloaded(offered))
    db.session.commit()
    assert reloaded(offered).state == "accepted"
    [note] = notes(event="partnership_accepted")
    assert (note.user_id, note.activity_id) == (world.other_representative.id, activity.id)
    assert sorted(org.id for org in services.accepted_partners(activity)) == sorted([world.school.id, world.other_school.id])


def test_after_promotion_the_school_may_offer_itself_again_to_the_activity(world):
    partnership_in(world, "withdrawn")
    activity = promote(world)
    services.offer_partnership(world.representative, world.school, activity)
    db.session.commit()
    assert count(Partnership, Partnership.activity_id == activity.id) == 1


# --- one school never touches another's partnerships ----------------------------------------------------------------


@pytest.mark.parametrize("direction", ["offer", "invitation"])
@pytest.mark.parametrize("state", PartnershipState.ALL)
def test_a_representative_of_one_school_never_decides_or_withdraws_anothers(world, direction, state):
    partnership = partnership_in(world, state, direction, organisation=world.other_school)
    assert services.allowed_actions(world.representative, partnership) == []
    for action in ("accept", "decline", "withdraw"):
        with pytest.raises(NotAllowed):
            services.transition(partnership, action, world.representative)
        db.session.rollback()
    assert reloaded(partnership).state == state
    assert notes() == []
