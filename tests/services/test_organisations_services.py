"""Organisations, their representatives and their partner calls without HTTP: who may do what, the
request → decision lifecycle, the badge, the partner call states, notifications and the audit log."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app import permissions
from app.audit.models import AuditEntry
from app.errors import AlreadyDone, InvalidTransition, NotAllowed
from app.extensions import db
from app.notifications.models import Notification
from app.organisations import services
from app.organisations.models import Organisation, Representative
from app.partnerships import call_services
from app.partnerships.models import PartnerCall, PartnerCallState
from tests.factories import make_organisation, make_partner_call, make_user
from tests.helpers import count, reloaded

#: the design's partner call lifecycle written out on its own: (action, from state) → the state it leads to;
#: every other pair must be refused
EXPECTED_CALL_MOVES = {
    ("mark_matched", "open"): "matched",
    ("close", "open"): "closed",
    ("close", "matched"): "closed",
    ("reopen", "matched"): "open",
    ("reopen", "closed"): "open",
}


@pytest.fixture
def schools_and_people(preili, aglona, resident, preili_moderator, aglona_moderator, admin):
    """A school in Preiļi and one in Aglona with a representative each, a resident, a moderator of each centre and an
    admin."""
    representative = make_user(email="ilze@example.com", display_name="Ilze")
    other_representative = make_user(email="peteris@example.com", display_name="Pēteris")
    return SimpleNamespace(
        centre=preili,
        other_centre=aglona,
        representative=representative,
        other_representative=other_representative,
        resident=resident,
        moderator=preili_moderator,
        other_moderator=aglona_moderator,
        admin=admin,
        school=make_organisation(representative=representative, centre=preili, name="Preiļu 1. pamatskola"),
        other_school=make_organisation(representative=other_representative, centre=aglona, name="Aglonas vidusskola"),
    )


def notes(user=None, event=None):
    query = select(Notification).order_by(Notification.id)
    if user is not None:
        query = query.where(Notification.user_id == user.id)
    if event is not None:
        query = query.where(Notification.event == event)
    return db.session.scalars(query).all()


def audited(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def asking(schools_and_people, who="resident", organisation=None):
    request = services.ask_to_represent(
        getattr(schools_and_people, who), organisation or schools_and_people.school, "Klases audzinātāja"
    )
    db.session.commit()
    return request


# --- organisations --------------------------------------------------------------------------------------------


def test_creating_an_organisation_makes_the_creator_its_approved_representative(schools_and_people):
    organisation = services.create_organisation(
        schools_and_people.resident,
        name="Biedrība Zaļie",
        kind="ngo",
        centre_id=schools_and_people.centre.id,
        description="Mēs stādām.",
        website="https://zalie.example.com",
        contact_email="info@zalie.example.com",
        contact_phone="+371 20000000",
    )
    db.session.commit()
    organisation = reloaded(organisation)
    assert (organisation.name, organisation.kind, organisation.centre_id) == (
        "Biedrība Zaļie",
        "ngo",
        schools_and_people.centre.id,
    )
    assert organisation.created_by_id == schools_and_people.resident.id
    assert not organisation.is_verified  # a moderator verifies it later
    [representative] = db.session.scalars(select(Representative).where(Representative.organisation_id == organisation.id)).all()
    assert (representative.user_id, representative.state, representative.decided_by_id) == (
        schools_and_people.resident.id,
        "approved",
        schools_and_people.resident.id,
    )
    assert permissions.represents(schools_and_people.resident, organisation)
    [entry] = audited("organisation.create")
    assert (entry.actor_id, entry.subject_id, entry.centre_id) == (
        schools_and_people.resident.id,
        organisation.id,
        schools_and_people.centre.id,
    )


@pytest.mark.parametrize("who", ["unconfirmed", "suspended"])
def test_who_may_not_create_an_organisation(schools_and_people, who):
    person = make_user(email=f"{who}@example.com", confirmed=who != "unconfirmed", suspended=who == "suspended")
    with pytest.raises(NotAllowed):
        services.create_organisation(person, name="X", kind="ngo", centre_id=schools_and_people.centre.id)
    db.session.rollback()
    assert count(Organisation) == 2


@pytest.mark.parametrize(
    "who, may",
    [("representative", True), ("admin", True), ("other_representative", False), ("moderator", False), ("resident", False)],
)
def test_who_may_change_an_organisation(schools_and_people, who, may):
    if not may:
        with pytest.raises(NotAllowed):
            services.update_organisation(getattr(schools_and_people, who), schools_and_people.school, name="Pārņemta skola")
        db.session.rollback()
        assert reloaded(schools_and_people.school).name == "Preiļu 1. pamatskola"
        assert audited("organisation.update") == []
        return
    services.update_organisation(
        getattr(schools_and_people, who),
        schools_and_people.school,
        name="Preiļu 2. pamatskola",
        contact_email="skola@example.com",
        created_by_id=schools_and_people.resident.id,
    )
    db.session.commit()
    school = reloaded(schools_and_people.school)
    assert (school.name, school.contact_email) == ("Preiļu 2. pamatskola", "skola@example.com")
    assert school.created_by_id is None  # only the profile's own fields are taken
    [entry] = audited("organisation.update")
    assert entry.actor_id == getattr(schools_and_people, who).id


@pytest.mark.parametrize(
    "who, may", [("moderator", True), ("admin", True), ("other_moderator", False), ("representative", False), ("resident", False)]
)
def test_who_may_verify_and_unverify(schools_and_people, who, may):
    actor = getattr(schools_and_people, who)
    if not may:
        for verified in (True, False):
            with pytest.raises(NotAllowed):
                services.verify_organisation(actor, schools_and_people.school, verified=verified)
            db.session.rollback()
        assert not reloaded(schools_and_people.school).is_verified
        assert count(AuditEntry, AuditEntry.action.like("organisation.%verify")) == 0
        return
    services.verify_organisation(actor, schools_and_people.school)
    db.session.commit()
    school = reloaded(schools_and_people.school)
    assert school.is_verified and school.verified_by_id == actor.id
    services.verify_organisation(actor, school, verified=False)
    db.session.commit()
    school = reloaded(schools_and_people.school)
    assert (school.verified_at, school.verified_by_id) == (None, None)
    assert [
        entry.action
        for entry in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("organisation.%verify")).order_by(AuditEntry.id)
        )
    ] == ["organisation.verify", "organisation.unverify"]


def verified_school(schools_and_people):
    services.verify_organisation(schools_and_people.moderator, schools_and_people.school)
    db.session.commit()
    return schools_and_people.school


@pytest.mark.parametrize(
    "change, old",
    [
        ({"name": "Preiļu novada pašvaldība (oficiālais konts)"}, {"old_name": "Preiļu 1. pamatskola"}),
        ({"website": "https://preili-pasvaldiba.example.com"}, {"old_website": "https://www.preiluskola.lv"}),
    ],
)
def test_a_new_name_or_website_takes_the_badge_away_until_a_moderator_verifies_again(schools_and_people, change, old):
    school = verified_school(schools_and_people)
    school.website = "https://www.preiluskola.lv"
    db.session.commit()

    services.update_organisation(schools_and_people.representative, school, description="Skola Preiļos.", **change)
    db.session.commit()

    school = reloaded(school)
    assert not school.is_verified and school.verified_by_id is None
    [entry] = audited("organisation.unverify")
    assert (entry.actor_id, entry.subject_id, entry.centre_id, entry.reason) == (
        schools_and_people.representative.id,
        school.id,
        schools_and_people.centre.id,
        "name/website changed",
    )
    assert entry.details == {"changed": sorted(change), **old}
    [note] = notes(event="organisation_needs_verification")
    assert (note.user_id, note.data["organisation_id"]) == (schools_and_people.moderator.id, school.id)
    assert notes(schools_and_people.other_moderator) == []

    services.verify_organisation(schools_and_people.moderator, school)  # the moderator checks the new name and verifies again
    db.session.commit()
    assert reloaded(school).is_verified


def test_other_changes_keep_the_badge(schools_and_people):
    school = verified_school(schools_and_people)
    services.update_organisation(
        schools_and_people.representative,
        school,
        name=school.name,
        website=school.website,
        kind="kindergarten",
        description="Jauns apraksts.",
        contact_email="info@example.com",
        contact_phone="+371 20000000",
        logo_name="0" * 32 + ".jpg",
    )
    db.session.commit()

    assert reloaded(school).is_verified
    assert audited("organisation.unverify") == []
    assert notes(event="organisation_needs_verification") == []


def test_renaming_an_unverified_organisation_tells_nobody(schools_and_people):
    services.update_organisation(schools_and_people.representative, schools_and_people.school, name="Preiļu 2. pamatskola")
    db.session.commit()

    assert audited("organisation.unverify") == [] and notes() == []


# --- asking to represent --------------------------------------------------------------------------------------


def test_asking_tells_the_representatives_only(schools_and_people):
    request = asking(schools_and_people)
    request = reloaded(request)
    assert (request.state, request.message, request.user_id) == (
        "requested",
        "Klases audzinātāja",
        schools_and_people.resident.id,
    )
    [note] = notes(event="representation_requested")
    assert note.user_id == schools_and_people.representative.id
    assert note.data["organisation"] == "Preiļu 1. pamatskola"
    assert note.data["organisation_id"] == schools_and_people.school.id
    assert not permissions.represents(schools_and_people.resident, schools_and_people.school)  # not until someone decides


def test_asking_an_organisation_without_representatives_tells_its_centres_moderators(schools_and_people):
    lonely = make_organisation(centre=schools_and_people.centre, name="Preiļu bērnudārzs", kind="kindergarten")
    asking(schools_and_people, organisation=lonely)
    assert [note.user_id for note in notes(event="representation_requested")] == [schools_and_people.moderator.id]


def test_asking_twice_is_already_done(schools_and_people):
    asking(schools_and_people)
    with pytest.raises(AlreadyDone):
        services.ask_to_represent(schools_and_people.resident, schools_and_people.school, "Vēlreiz")
    db.session.rollback()
    assert count(Representative, Representative.user_id == schools_and_people.resident.id) == 1
    assert len(notes(event="representation_requested")) == 1


@pytest.mark.parametrize("who", ["representative", "unconfirmed"])
def test_who_may_not_ask(schools_and_people, who):
    person = schools_and_people.representative if who == "representative" else make_user(email="new@example.com", confirmed=False)
    with pytest.raises(NotAllowed):
        services.ask_to_represent(person, schools_and_people.school)
    db.session.rollback()
    assert count(Representative, Representative.organisation_id == schools_and_people.school.id) == 1


# --- deciding ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["representative", "moderator", "admin"])
@pytest.mark.parametrize("approve", [True, False], ids=["approve", "decline"])
def test_a_representative_or_a_moderator_decides(schools_and_people, who, approve):
    request = asking(schools_and_people)
    decider = getattr(schools_and_people, who)
    assert not permissions.represents(
        schools_and_people.resident, schools_and_people.school
    )  # loads the representations, as a page would
    services.decide_representative(decider, request, approve)
    # the person's representations are read again: what they may do changes at once
    assert permissions.represents(schools_and_people.resident, schools_and_people.school) is approve
    db.session.commit()
    request = reloaded(request)
    assert (request.state, request.decided_by_id) == ("approved" if approve else "declined", decider.id)
    assert request.decided_at is not None
    [note] = notes(user=schools_and_people.resident)
    assert note.event == ("representation_approved" if approve else "representation_declined")
    [entry] = audited("representative.approve" if approve else "representative.decline")
    assert (entry.actor_id, entry.subject_id) == (decider.id, request.id)


@pytest.mark.parametrize("second", [True, False], ids=["then_approve", "then_decline"])
@pytest.mark.parametrize("first", [True, False], ids=["approve", "decline"])
def test_deciding_twice_is_an_invalid_transition(schools_and_people, first, second):
    request = asking(schools_and_people)
    services.decide_representative(schools_and_people.representative, request, first)
    db.session.commit()
    with pytest.raises(InvalidTransition):
        services.decide_representative(schools_and_people.moderator, reloaded(request), second)
    db.session.rollback()
    assert reloaded(request).state == ("approved" if first else "declined")
    assert reloaded(request).decided_by_id == schools_and_people.representative.id


@pytest.mark.parametrize("who", ["resident", "other_representative", "other_moderator"])
def test_nobody_else_decides(schools_and_people, who):
    request = asking(schools_and_people, who="admin")
    for approve in (True, False):
        with pytest.raises(NotAllowed):
            services.decide_representative(getattr(schools_and_people, who), request, approve)
        db.session.rollback()
    assert reloaded(request).state == "requested"
    assert notes(user=schools_and_people.admin) == []


def test_the_asker_cannot_approve_themselves(schools_and_people):
    request = asking(schools_and_people)
    with pytest.raises(NotAllowed):
        services.decide_representative(schools_and_people.resident, request, True)
    db.session.rollback()
    assert reloaded(request).state == "requested"


def test_after_a_decline_one_may_ask_again(schools_and_people):
    request = asking(schools_and_people)
    services.decide_representative(schools_and_people.representative, request, False)
    db.session.commit()
    again = asking(schools_and_people)
    assert again.id != request.id and reloaded(again).state == "requested"


# --- ending a representation ------------------------------------------------------------------------------------


def a_second_representative(schools_and_people):
    request = asking(schools_and_people)
    services.decide_representative(schools_and_people.representative, request, True)
    db.session.commit()
    return reloaded(request)


@pytest.mark.parametrize("who", ["resident", "representative", "moderator"])
def test_ending_a_representation(schools_and_people, who):
    """The person themselves, another representative or a moderator of the centre."""
    representative = a_second_representative(schools_and_people)
    assert permissions.represents(schools_and_people.resident, schools_and_people.school)
    services.end_representation(getattr(schools_and_people, who), representative)
    assert not permissions.represents(schools_and_people.resident, schools_and_people.school)
    db.session.commit()
    assert reloaded(representative).state == "left"
    [entry] = audited("representative.end")
    assert entry.actor_id == getattr(schools_and_people, who).id
    with pytest.raises(InvalidTransition):
        services.end_representation(schools_and_people.moderator, reloaded(representative))
    db.session.rollback()
    asking(schools_and_people)  # and they may ask again
    assert count(Representative, Representative.user_id == schools_and_people.resident.id) == 2


@pytest.mark.parametrize("who", ["other_representative", "other_moderator"])
def test_nobody_else_ends_a_representation(schools_and_people, who):
    representative = a_second_representative(schools_and_people)
    with pytest.raises(NotAllowed):
        services.end_representation(getattr(schools_and_people, who), representative)
    db.session.rollback()
    assert reloaded(representative).state == "approved"


def test_a_pending_request_may_be_taken_back(schools_and_people):
    request = asking(schools_and_people)
    services.end_representation(schools_and_people.resident, request)
    db.session.commit()
    assert reloaded(request).state == "left"


def test_representatives_of_lists_the_approved_only(schools_and_people):
    asking(schools_and_people)
    assert [user.id for user in services.representatives_of(schools_and_people.school)] == [schools_and_people.representative.id]


# --- partner calls ----------------------------------------------------------------------------------------------


def test_a_representative_posts_a_partner_call(schools_and_people):
    call = call_services.create_partner_call(
        schools_and_people.representative,
        schools_and_people.school,
        title="6. klase meklē projektu par atkritumiem",
        description="Pavasarī.",
        age_groups="10-12",
        subjects="environment,science",
        contact_person="Ilze Liepa",
        state="closed",
        organisation_id=schools_and_people.other_school.id,
    )
    db.session.commit()
    call = reloaded(call)
    assert (call.state, call.organisation_id, call.centre_id) == (
        "open",
        schools_and_people.school.id,
        schools_and_people.centre.id,
    )
    assert (call.age_group_codes, call.subject_codes) == (["10-12"], ["environment", "science"])
    assert call.created_by_id == schools_and_people.representative.id
    [entry] = audited("partner_call.create")
    assert (entry.actor_id, entry.subject_id) == (schools_and_people.representative.id, call.id)


@pytest.mark.parametrize("who", ["other_representative", "moderator", "admin", "resident"])
def test_only_its_representatives_post_and_change_calls(schools_and_people, who):
    actor = getattr(schools_and_people, who)
    with pytest.raises(NotAllowed):
        call_services.create_partner_call(actor, schools_and_people.school, title="Svešs")
    db.session.rollback()
    call = make_partner_call(schools_and_people.school)
    with pytest.raises(NotAllowed):
        call_services.update_partner_call(actor, call, title="Pārņemts")
    db.session.rollback()
    for action in call_services.CALL_TRANSITIONS:
        with pytest.raises(NotAllowed):
            call_services.change_call_state(actor, call, action)
        db.session.rollback()
    assert call_services.call_actions(actor, call) == []
    call = reloaded(call)
    assert (call.title, call.state) == ("6. klase meklē projektu par atkritumu šķirošanu", "open")
    assert count(PartnerCall) == 1


def test_a_representative_changes_a_call(schools_and_people):
    call = make_partner_call(schools_and_people.school)
    call_services.update_partner_call(
        schools_and_people.representative,
        call,
        title="Jauns nosaukums",
        subjects="arts",
        organisation_id=schools_and_people.other_school.id,
        state="closed",
    )
    db.session.commit()
    call = reloaded(call)
    assert (call.title, call.subjects, call.organisation_id, call.state) == (
        "Jauns nosaukums",
        "arts",
        schools_and_people.school.id,
        "open",
    )


@pytest.mark.parametrize("state", PartnerCallState.ALL)
@pytest.mark.parametrize("action", ["mark_matched", "close", "reopen"])
def test_every_call_action_from_every_state(schools_and_people, action, state):
    call = make_partner_call(schools_and_people.school, state=state)
    expected = EXPECTED_CALL_MOVES.get((action, state))
    assert (action in call_services.call_actions(schools_and_people.representative, call)) is (expected is not None)
    if expected is None:
        with pytest.raises(InvalidTransition):
            call_services.change_call_state(schools_and_people.representative, call, action)
        db.session.rollback()
        assert reloaded(call).state == state
        assert audited(f"partner_call.{state}") == []
        return
    call_services.change_call_state(schools_and_people.representative, call, action)
    assert call.state == expected
    db.session.commit()
    assert reloaded(call).state == expected
    [entry] = audited(f"partner_call.{expected}")
    assert (entry.actor_id, entry.subject_id) == (schools_and_people.representative.id, call.id)


def test_the_call_table_in_the_code_is_the_design():
    moves = {
        (action, source): target for action, (sources, target) in call_services.CALL_TRANSITIONS.items() for source in sources
    }
    assert moves == EXPECTED_CALL_MOVES
