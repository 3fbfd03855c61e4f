"""Partnerships without HTTP: offers and invitations, the lifecycle table (every action from every state by every
side), partner calls marked matched, notifications both ways, the audit log, carrying partnerships over when an
idea is promoted, and one organisation's representatives never touching another's partnerships."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

from app.audit.models import AuditEntry
from app.errors import AlreadyDone, InvalidTransition, NotAllowed
from app.extensions import db
from app.notifications.models import Notification
from app.organisations import services as organisation_services
from app.partnerships import services
from app.partnerships.models import PartnerCall, Partnership, PartnershipState
from app.promotion.services import promote_idea
from app.timeutil import utcnow
from tests.factories import make_activity, make_idea, make_organisation, make_partner_call, make_partnership, make_user
from tests.helpers import count, reloaded

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
def idea_and_schools(preili, author, resident, preili_moderator, aglona_moderator):
    """An idea of Preiļi seeking a school partner, its author, two schools of Preiļi with a representative each, the
    centre's moderator, Aglona's moderator and a resident."""
    representative = make_user(email="ilze@example.com", display_name="Ilze")
    other_representative = make_user(email="peteris@example.com", display_name="Pēteris")
    return SimpleNamespace(
        centre=preili,
        author=author,
        representative=representative,
        other_representative=other_representative,
        moderator=preili_moderator,
        other_moderator=aglona_moderator,
        resident=resident,
        idea=make_idea(author=author, centre=preili, state="published", **SEEKING),
        # both schools are of the same centre: only representing one makes a difference
        school=make_organisation(representative=representative, centre=preili, name="Preiļu 1. pamatskola"),
        other_school=make_organisation(representative=other_representative, centre=preili, name="Preiļu 2. pamatskola"),
    )


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


def partnership_in(idea_and_schools, state, direction="offer", organisation=None, call=None, idea=None):
    """A partnership of the school (or another organisation) with the idea, already in the given state."""
    return make_partnership(
        organisation or idea_and_schools.school,
        idea=idea or idea_and_schools.idea,
        state=state,
        direction=direction,
        message="Palīdzēsim",
        partner_call_id=call.id if call is not None else None,
        offered_by=idea_and_schools.representative if direction == "offer" else idea_and_schools.author,
        decided_by=idea_and_schools.author,
    )


def side(idea_and_schools, direction, which):
    """The person on a side of a partnership of the school with the author's idea."""
    if which in ("decider", "proposer"):
        school_side = (which == "proposer") == (direction == "offer")
        return idea_and_schools.representative if school_side else idea_and_schools.author
    return getattr(idea_and_schools, which)


# --- offering and inviting ----------------------------------------------------------------------------------------


def test_a_representative_offers_the_school_to_an_idea(idea_and_schools):
    partnership = services.offer_partnership(
        idea_and_schools.representative, idea_and_schools.school, idea_and_schools.idea, "  Mūsu 6. klase.  "
    )
    db.session.commit()
    partnership = reloaded(partnership)
    assert (partnership.state, partnership.direction, partnership.message) == ("offered", "offer", "Mūsu 6. klase.")
    assert (partnership.idea_id, partnership.activity_id, partnership.organisation_id) == (
        idea_and_schools.idea.id,
        None,
        idea_and_schools.school.id,
    )
    assert partnership.offered_by_id == idea_and_schools.representative.id
    [note] = notes()  # the author only, once; never the representative who offered
    assert (note.user_id, note.event, note.idea_id) == (
        idea_and_schools.author.id,
        "partnership_offered",
        idea_and_schools.idea.id,
    )
    assert note.data == {"organisation": "Preiļu 1. pamatskola", "organisation_id": idea_and_schools.school.id}
    assert services.allowed_actions(idea_and_schools.author, partnership) == ["accept", "decline"]
    assert services.allowed_actions(idea_and_schools.representative, partnership) == ["withdraw"]


def test_offering_twice_is_already_done_until_withdrawn(idea_and_schools):
    first = services.offer_partnership(idea_and_schools.representative, idea_and_schools.school, idea_and_schools.idea)
    db.session.commit()
    with pytest.raises(AlreadyDone):
        services.offer_partnership(idea_and_schools.representative, idea_and_schools.school, idea_and_schools.idea)
    db.session.rollback()
    assert count(Partnership) == 1 and len(notes()) == 1
    services.withdraw_partnership(idea_and_schools.representative, reloaded(first))
    db.session.commit()
    services.offer_partnership(idea_and_schools.representative, idea_and_schools.school, idea_and_schools.idea)
    db.session.commit()
    assert count(Partnership, Partnership.state == "offered") == 1 and count(Partnership) == 2


def test_an_offer_while_invited_is_already_done(idea_and_schools):
    call = make_partner_call(idea_and_schools.school)
    services.invite_organisation(idea_and_schools.author, call, idea_and_schools.idea)
    db.session.commit()
    with pytest.raises(AlreadyDone):
        services.offer_partnership(idea_and_schools.representative, idea_and_schools.school, idea_and_schools.idea)
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
def test_offers_only_to_ideas_open_for_partners(idea_and_schools, state, seeking, may):
    idea = make_idea(author=idea_and_schools.author, centre=idea_and_schools.centre, state=state, seeking_school_partner=seeking)
    if may:
        services.offer_partnership(idea_and_schools.representative, idea_and_schools.school, idea)
        db.session.commit()
        assert count(Partnership) == 1
        return
    with pytest.raises(NotAllowed):
        services.offer_partnership(idea_and_schools.representative, idea_and_schools.school, idea)
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
def test_offers_only_to_activities_open_for_partners(idea_and_schools, state, seeking, may):
    activity = make_activity(
        centre=idea_and_schools.centre, creator=idea_and_schools.moderator, state=state, seeking_school_partner=seeking
    )
    if not may:
        with pytest.raises(NotAllowed):
            services.offer_partnership(idea_and_schools.representative, idea_and_schools.school, activity)
        db.session.rollback()
        assert count(Partnership) == 0
        return
    partnership = services.offer_partnership(idea_and_schools.representative, idea_and_schools.school, activity, "Nāksim palīgā")
    db.session.commit()
    partnership = reloaded(partnership)
    assert (partnership.activity_id, partnership.idea_id) == (activity.id, None)
    [note] = notes()  # the coordinator who created it
    assert (note.user_id, note.event, note.activity_id) == (idea_and_schools.moderator.id, "partnership_offered", activity.id)


def test_an_offer_to_an_activity_nobody_created_tells_the_centres_moderators(idea_and_schools):
    activity = make_activity(centre=idea_and_schools.centre, creator=None, seeking_school_partner=True)
    services.offer_partnership(idea_and_schools.representative, idea_and_schools.school, activity)
    db.session.commit()
    assert told("partnership_offered") == [idea_and_schools.moderator.id]


@pytest.mark.parametrize("who", ["other_representative", "author", "moderator", "resident"])
def test_only_its_representatives_offer_an_organisation(idea_and_schools, who):
    with pytest.raises(NotAllowed):
        services.offer_partnership(getattr(idea_and_schools, who), idea_and_schools.school, idea_and_schools.idea)
    db.session.rollback()
    assert count(Partnership) == 0


def test_an_offer_cannot_claim_another_organisations_call(idea_and_schools):
    """Accepting it would mark the other school's call as matched."""
    call = make_partner_call(idea_and_schools.other_school)
    with pytest.raises(NotAllowed):
        services.offer_partnership(idea_and_schools.representative, idea_and_schools.school, idea_and_schools.idea, call=call)
    db.session.rollback()
    assert count(Partnership) == 0


def test_the_author_invites_the_school_behind_a_call(idea_and_schools):
    call = make_partner_call(idea_and_schools.school)
    partnership = services.invite_organisation(idea_and_schools.author, call, idea_and_schools.idea, "Vai nāksiet?")
    db.session.commit()
    partnership = reloaded(partnership)
    assert (partnership.direction, partnership.state, partnership.partner_call_id) == ("invitation", "offered", call.id)
    assert (partnership.organisation_id, partnership.idea_id, partnership.offered_by_id) == (
        idea_and_schools.school.id,
        idea_and_schools.idea.id,
        idea_and_schools.author.id,
    )
    [note] = notes()  # the school's representative only, once
    assert (note.user_id, note.event) == (idea_and_schools.representative.id, "partnership_invited")
    assert services.allowed_actions(idea_and_schools.representative, partnership) == ["accept", "decline"]
    assert services.allowed_actions(idea_and_schools.author, partnership) == ["withdraw"]
    assert services.allowed_actions(idea_and_schools.other_representative, partnership) == []


@pytest.mark.parametrize(
    "case", ["matched call", "closed call", "resident", "representative", "other_moderator", "idea not seeking"]
)
def test_who_may_not_invite(idea_and_schools, case):
    call = make_partner_call(
        idea_and_schools.school, state={"matched call": "matched", "closed call": "closed"}.get(case, "open")
    )
    actor = getattr(idea_and_schools, case, idea_and_schools.author)
    if case == "idea not seeking":
        idea_and_schools.idea.seeking_school_partner = False
        db.session.commit()
    with pytest.raises(NotAllowed):
        services.invite_organisation(actor, call, idea_and_schools.idea)
    db.session.rollback()
    assert count(Partnership) == 0 and notes() == []


def test_a_coordinator_invites_a_school_to_an_activity(idea_and_schools):
    activity = make_activity(centre=idea_and_schools.centre, creator=idea_and_schools.moderator, seeking_school_partner=True)
    call = make_partner_call(idea_and_schools.school)
    services.invite_organisation(idea_and_schools.moderator, call, activity)
    db.session.commit()
    assert told("partnership_invited") == [idea_and_schools.representative.id]


# --- the lifecycle: every action from every state by every side -----------------------------------------------------


@pytest.mark.parametrize("who", ["decider", "proposer", "other_representative", "other_moderator", "resident"])
@pytest.mark.parametrize("state", PartnershipState.ALL)
@pytest.mark.parametrize("action", ["accept", "decline", "withdraw"])
@pytest.mark.parametrize("direction", ["offer", "invitation"])
def test_every_action_from_every_state_by_every_side(idea_and_schools, direction, action, state, who):
    partnership = partnership_in(idea_and_schools, state, direction)
    actor = side(idea_and_schools, direction, who)
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
        assert (entry.actor_id, entry.subject_id, entry.centre_id) == (actor.id, partnership.id, idea_and_schools.centre.id)
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
def test_allowed_actions_follow_the_table(idea_and_schools, direction, state):
    partnership = partnership_in(idea_and_schools, state, direction)
    for which in ("decider", "proposer"):
        expected = [
            action
            for action in ("accept", "decline", "withdraw")
            if SIDE_FOR[action] == which and (action, state) in EXPECTED_MOVES
        ]
        assert services.allowed_actions(side(idea_and_schools, direction, which), partnership) == expected
    for which in ("other_representative", "other_moderator", "resident"):
        assert services.allowed_actions(getattr(idea_and_schools, which), partnership) == []


@pytest.mark.parametrize("decider", ["author", "moderator"])
def test_the_centres_moderator_may_decide_an_offer_too(idea_and_schools, decider):
    partnership = partnership_in(idea_and_schools, "offered")
    services.accept_partnership(getattr(idea_and_schools, decider), partnership)
    db.session.commit()
    partnership = reloaded(partnership)
    assert (partnership.state, partnership.decided_by_id) == ("accepted", getattr(idea_and_schools, decider).id)


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
def test_the_other_side_is_told_once(idea_and_schools, direction, action, state):
    # a representative of another organisation of the centre is never told
    colleague = make_user(email="colleague@example.com", display_name="Kolēģe")
    make_organisation(representative=colleague, centre=idea_and_schools.centre, name="Cita")
    partnership = partnership_in(idea_and_schools, state, direction)
    actor = side(idea_and_schools, direction, SIDE_FOR[action])
    services.transition(partnership, action, actor)
    db.session.commit()
    event = f"partnership_{EXPECTED_MOVES[(action, state)]}"
    recipient = getattr(idea_and_schools, TOLD[(direction, action, state)])
    assert [(note.user_id, note.event) for note in notes()] == [(recipient.id, event)]
    [note] = notes()
    assert (note.actor_id, note.idea_id) == (actor.id, idea_and_schools.idea.id)
    assert note.data == {"organisation": "Preiļu 1. pamatskola", "organisation_id": idea_and_schools.school.id}


def test_every_representative_of_the_school_is_told(idea_and_schools):
    colleague = make_user(email="colleague@example.com", display_name="Kolēģe")
    request = organisation_services.ask_to_represent(colleague, idea_and_schools.school)
    organisation_services.decide_representative(idea_and_schools.representative, request, True)
    db.session.commit()
    partnership = partnership_in(idea_and_schools, "offered")
    services.accept_partnership(idea_and_schools.author, partnership)
    db.session.commit()
    assert told("partnership_accepted") == sorted([idea_and_schools.representative.id, colleague.id])


# --- partner calls ------------------------------------------------------------------------------------------------


def test_accepting_an_invitation_marks_the_call_matched(idea_and_schools):
    call = make_partner_call(idea_and_schools.school)
    partnership = services.invite_organisation(idea_and_schools.author, call, idea_and_schools.idea)
    db.session.commit()
    services.accept_partnership(idea_and_schools.representative, reloaded(partnership))
    db.session.commit()
    assert reloaded(call).state == "matched"
    [entry] = audited("partner_call.matched")
    assert (entry.actor_id, entry.subject_id) == (idea_and_schools.representative.id, call.id)
    assert told("partnership_accepted") == [idea_and_schools.author.id]


def test_accepting_an_offer_made_for_the_schools_own_call_marks_it_matched(idea_and_schools):
    call = make_partner_call(idea_and_schools.school)
    services.offer_partnership(idea_and_schools.representative, idea_and_schools.school, idea_and_schools.idea, call=call)
    db.session.commit()
    services.accept_partnership(idea_and_schools.author, db.session.scalar(select(Partnership)))
    db.session.commit()
    assert reloaded(call).state == "matched"


@pytest.mark.parametrize("action", ["decline", "withdraw"])
def test_declining_or_withdrawing_leaves_the_call_open(idea_and_schools, action):
    call = make_partner_call(idea_and_schools.school)
    partnership = services.invite_organisation(idea_and_schools.author, call, idea_and_schools.idea)
    db.session.commit()
    actor = idea_and_schools.representative if action == "decline" else idea_and_schools.author
    services.transition(reloaded(partnership), action, actor)
    db.session.commit()
    assert reloaded(call).state == "open"


@pytest.mark.parametrize("when", ["before", "a moment ago"])
def test_accepting_after_the_call_was_closed_leaves_it_closed(idea_and_schools, when):
    call = make_partner_call(idea_and_schools.school)
    partnership = services.invite_organisation(idea_and_schools.author, call, idea_and_schools.idea)
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
    services.accept_partnership(idea_and_schools.representative, partnership)
    db.session.commit()
    assert reloaded(call).state == "closed"
    assert reloaded(partnership).state == "accepted"


def test_accepted_partners(idea_and_schools):
    third = make_organisation(centre=idea_and_schools.centre, name="Biedrība Zaļie", kind="ngo")
    partnership_in(idea_and_schools, "accepted")
    partnership_in(idea_and_schools, "offered", organisation=idea_and_schools.other_school)
    partnership_in(idea_and_schools, "accepted", organisation=third)
    assert [org.name for org in services.accepted_partners(idea_and_schools.idea)] == ["Biedrība Zaļie", "Preiļu 1. pamatskola"]


# --- promotion ----------------------------------------------------------------------------------------------------


def promote(idea_and_schools):
    starts_at = (utcnow() + timedelta(days=5)).replace(second=0, microsecond=0)
    activity = promote_idea(
        idea_and_schools.moderator,
        idea_and_schools.idea,
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


def test_promotion_carries_the_offered_and_accepted_partnerships_to_the_activity(idea_and_schools):
    third = make_organisation(centre=idea_and_schools.centre, name="Biedrība Zaļie", kind="ngo")
    accepted = partnership_in(idea_and_schools, "accepted")
    offered = partnership_in(idea_and_schools, "offered", organisation=idea_and_schools.other_school)
    declined = partnership_in(idea_and_schools, "declined", organisation=third)
    activity = promote(idea_and_schools)
    assert (activity.seeking_school_partner, activity.partner_age_groups, activity.partner_subjects) == (
        True,
        "10-12",
        "environment",
    )
    assert (reloaded(accepted).activity_id, reloaded(accepted).idea_id) == (activity.id, idea_and_schools.idea.id)
    assert reloaded(offered).activity_id == activity.id
    assert reloaded(declined).activity_id is None
    assert [org.id for org in services.accepted_partners(activity)] == [idea_and_schools.school.id]
    # the activity's coordinators now answer the offer, not the idea's author
    offered = reloaded(offered)
    with pytest.raises(NotAllowed):
        services.accept_partnership(idea_and_schools.author, offered)
    db.session.rollback()
    services.accept_partnership(idea_and_schools.moderator, reloaded(offered))
    db.session.commit()
    assert reloaded(offered).state == "accepted"
    [note] = notes(event="partnership_accepted")
    assert (note.user_id, note.activity_id) == (idea_and_schools.other_representative.id, activity.id)
    assert sorted(org.id for org in services.accepted_partners(activity)) == sorted(
        [idea_and_schools.school.id, idea_and_schools.other_school.id]
    )


def test_after_promotion_the_school_may_offer_itself_again_to_the_activity(idea_and_schools):
    partnership_in(idea_and_schools, "withdrawn")
    activity = promote(idea_and_schools)
    services.offer_partnership(idea_and_schools.representative, idea_and_schools.school, activity)
    db.session.commit()
    assert count(Partnership, Partnership.activity_id == activity.id) == 1


# --- one school never touches another's partnerships ----------------------------------------------------------------


@pytest.mark.parametrize("direction", ["offer", "invitation"])
@pytest.mark.parametrize("state", PartnershipState.ALL)
def test_a_representative_of_one_school_never_decides_or_withdraws_anothers(idea_and_schools, direction, state):
    partnership = partnership_in(idea_and_schools, state, direction, organisation=idea_and_schools.other_school)
    assert services.allowed_actions(idea_and_schools.representative, partnership) == []
    for action in ("accept", "decline", "withdraw"):
        with pytest.raises(NotAllowed):
            services.transition(partnership, action, idea_and_schools.representative)
        db.session.rollback()
    assert reloaded(partnership).state == state
    assert notes() == []
