"""Who sees what: representatives named on an organisation's page only with their own consent, organisation contacts
(and a partner call's contact person) only for its representatives, partners and the centre's coordinators, and an
outcome photo published only after the coordinator confirms the people shown agreed.

The walk of every public page looking for seeded personal data: tests/routes/test_privacy_walk.py.
"""

import os
import re
from io import BytesIO

import pytest
from sqlalchemy import select

from app.activities.models import ActivityPhoto
from app.activities.photos import add_outcome_photo
from app.errors import InvalidTransition, NotAllowed
from app.extensions import db
from app.organisations.models import Representative
from app.organisations.services import set_named_publicly
from app.partnerships.queries import can_see_contacts
from app.timeutil import utcnow
from tests.factories import (
    make_activity,
    make_centre,
    make_idea,
    make_organisation,
    make_partner_call,
    make_partnership,
    make_representative,
    make_user,
)
from tests.helpers import client_for, csrf_token, html, post_form, reloaded
from tests.pictures import picture

EN = {"Accept-Language": "en"}
LV = {"Accept-Language": "lv"}
CONTACTS = ("kanceleja@skola.example.lv", "+371 6530 0000", "Dzintra Kalna, 6. klases audzinātāja")
#: what the others see instead, in English and in Latvian (people see the pages in their own language)
NEUTRAL_LINES = (
    "Contact details are shared with the organisation's partners and the centre's coordinators.",
    "Kontaktinformācija ir pieejama organizācijas partneriem un centra koordinatoriem.",
)


@pytest.fixture
def school(preili, aglona):
    """A Preiļi school with two representatives (neither named yet), a partner call, and the people around it."""
    teacher = make_user(email="ilze@example.com", display_name="Ilze Liepa", language="en")
    colleague = make_user(email="maris@example.com", display_name="Māris Kalns", language="en")
    organisation = make_organisation(representative=teacher, centre=preili, contact_email=CONTACTS[0], contact_phone=CONTACTS[1])
    make_representative(organisation, colleague, "approved")
    call = make_partner_call(organisation, contact_person=CONTACTS[2])
    return {
        "organisation": organisation,
        "call": call,
        "teacher": teacher,
        "colleague": colleague,
        "preili": preili,
        "aglona": aglona,
        "resident": make_user(email="valdis@example.com", display_name="Valdis Ozols"),
    }


def own_membership(organisation, person):
    return db.session.scalar(
        select(Representative).where(Representative.organisation_id == organisation.id, Representative.user_id == person.id)
    )


def representatives_line(page):
    match = re.search(r"<dt>(?:Representatives|Pārstāvji)</dt>\s*<dd>(.*?)</dd>", page, re.S)
    return " ".join(match.group(1).split()) if match else None


# Representatives: named with their consent -------------------------------------------------------------------


def test_by_default_representatives_are_counted_not_named(client, school):
    page = html(client.get(f"/organisations/{school['organisation'].id}", headers=EN))
    assert representatives_line(page) == "2 representatives"
    assert "Ilze Liepa" not in page and "Māris Kalns" not in page
    lv = html(client.get(f"/organisations/{school['organisation'].id}", headers=LV))
    assert representatives_line(lv) == "2 personas"


def test_a_representative_agrees_to_be_named_and_takes_it_back(client, school):
    organisation, teacher = school["organisation"], school["teacher"]
    client_of_teacher = client_for(client.application, teacher)
    path = f"/organisations/{organisation.id}/representatives"
    page = html(client_of_teacher.get(path, headers=EN))
    assert "Show my name on the organisation" in page
    assert page.count('name="named_publicly"') == 1  # only for one's own representation
    membership = own_membership(organisation, teacher)

    for _ in range(2):  # a double click changes nothing more
        response = post_form(
            client_of_teacher, f"/representatives/{membership.id}/named", {"named_publicly": "y"}, token_from=path
        )
        assert response.status_code == 302 and response.headers["Location"].endswith(path)
    assert reloaded(membership).named_publicly is True
    page = html(client.get(f"/organisations/{organisation.id}", headers=EN))
    assert representatives_line(page) == "Ilze Liepa and 1 more person"
    in_latvian = html(client.get(f"/organisations/{organisation.id}", headers=LV))
    assert representatives_line(in_latvian) == "Ilze Liepa un vēl 1 persona"
    checkbox = re.search(r'<input[^>]*name="named_publicly"[^>]*>', html(client_of_teacher.get(path, headers=EN))).group(0)
    assert "checked" in checkbox

    response = post_form(client_of_teacher, f"/representatives/{membership.id}/named", {}, token_from=path)  # unticked
    assert response.status_code == 302
    assert reloaded(membership).named_publicly is False
    assert representatives_line(html(client.get(f"/organisations/{organisation.id}", headers=EN))) == "2 representatives"


def test_a_young_representative_is_named_by_first_name_and_initial(client, school):
    teen = make_user(email="teen@example.com", display_name="Pēteris Zvirbulēns")
    teen.birth_year = utcnow().year - 14
    representation = make_representative(school["organisation"], teen, "approved")
    representation.named_publicly = True
    db.session.commit()
    page = html(client.get(f"/organisations/{school['organisation'].id}", headers=EN))
    assert representatives_line(page) == "Pēteris Z. and 2 more people"
    assert "Zvirbulēns" not in page


def test_only_the_person_may_change_their_own_consent(client, school):
    organisation, teacher, colleague = school["organisation"], school["teacher"], school["colleague"]
    colleague_membership = own_membership(organisation, colleague)
    path = f"/organisations/{organisation.id}/representatives"
    for person in (teacher, school["resident"], make_user(admin=True)):
        other = client_for(client.application, person)
        response = post_form(other, f"/representatives/{colleague_membership.id}/named", {"named_publicly": "y"}, token_from="/")
        assert response.status_code == 404
    assert reloaded(colleague_membership).named_publicly is False
    # a request still waiting is not a representation to name
    waiting = make_representative(organisation, school["resident"], "requested")
    resident = client_for(client.application, school["resident"])
    assert post_form(resident, f"/representatives/{waiting.id}/named", {"named_publicly": "y"}, token_from="/").status_code == 404
    # without the form's token nothing changes
    teacher_client = client_for(client.application, teacher)
    own = own_membership(organisation, teacher)
    assert teacher_client.post(f"/representatives/{own.id}/named", data={"named_publicly": "y"}).status_code == 400
    assert reloaded(own).named_publicly is False
    assert teacher_client.get(f"/representatives/{own.id}/named").status_code == 405
    assert html(teacher_client.get(path, headers=EN))  # the page still opens


def test_the_service_refuses_anyone_but_the_person(school):
    membership = own_membership(school["organisation"], school["colleague"])
    for actor in (None, school["teacher"], school["resident"]):
        with pytest.raises(NotAllowed):
            set_named_publicly(actor, membership, True)
    set_named_publicly(school["colleague"], membership, True)
    assert membership.named_publicly is True


# Contacts: for representatives, partners and the centre's coordinators -----------------------------------------


def partner_people(school):
    """Everyone whose view of the contacts the rule decides, with what they should see."""
    organisation, preili, aglona = school["organisation"], school["preili"], school["aglona"]
    idea_partner = make_user(email="author@example.com", display_name="Anna Bērziņa")
    make_partnership(organisation, idea=make_idea(author=idea_partner, centre=preili), state="accepted")
    offered_only = make_user(email="offered@example.com", display_name="Juris")
    make_partnership(organisation, idea=make_idea(author=offered_only, centre=preili), state="offered")
    declined = make_user(email="declined@example.com", display_name="Laura")
    make_partnership(organisation, idea=make_idea(author=declined, centre=preili), state="declined")
    aglona_coordinator = make_user(email="aglona@example.com", display_name="Jānis", moderates=[aglona])
    make_partnership(
        organisation, activity=make_activity(aglona, aglona_coordinator), state="accepted", decided_by=aglona_coordinator
    )
    other_rep = make_user(email="other-rep@example.com", display_name="Other")
    make_organisation(representative=other_rep, centre=preili, name="Cita skola")
    return {
        "visitor": (None, False),
        "resident": (school["resident"], False),
        "representative": (school["teacher"], True),
        "coordinator of its centre": (make_user(email="dace@example.com", display_name="Dace", moderates=[preili]), True),
        "admin": (make_user(email="admin@example.com", display_name="Admin", admin=True), True),
        "author of an accepted partner idea": (idea_partner, True),
        "author of an idea it was only offered to": (offered_only, False),
        "author of an idea that declined it": (declined, False),
        "coordinator of an activity partner in another centre": (aglona_coordinator, True),
        "coordinator of another centre, no partnership": (make_user(email="rez@example.com", moderates=[make_centre()]), False),
        "another organisation's representative": (other_rep, False),
    }


def test_who_sees_the_contacts_on_the_organisation_and_the_call_pages(client, school):
    organisation, call = school["organisation"], school["call"]
    for who, (person, sees) in partner_people(school).items():
        assert can_see_contacts(person, organisation) is sees, who
        viewer = client_for(client.application, person)
        for path in (f"/organisations/{organisation.id}", f"/partner-calls/{call.id}"):
            page = html(viewer.get(path, headers=EN))
            shown = [item for item in CONTACTS if item in page]
            if path.startswith("/organisations/"):
                expected = list(CONTACTS[:2]) if sees else []
            else:
                expected = list(CONTACTS) if sees else []
            assert shown == expected, (who, path, shown)
            assert any(line in page for line in NEUTRAL_LINES) is (not sees), (who, path)


def test_the_neutral_line_is_latvian_in_latvian(client, school):
    page = html(client.get(f"/organisations/{school['organisation'].id}", headers=LV))
    assert "Kontaktinformācija ir pieejama organizācijas partneriem un centra koordinatoriem." in page


# Outcome photos: the coordinator confirms the people shown agreed ----------------------------------------------


@pytest.fixture
def held_activity(preili, uploads):
    coordinator = make_user(email="dace@example.com", display_name="Dace", moderates=[preili], language="en")
    activity = make_activity(preili, coordinator, state="completed", starts_in_days=-2)
    return {"activity": activity, "coordinator": coordinator, "uploads": uploads}


def post_photo(client, activity, caption, consent):
    path = f"/activities/{activity.id}/outcome"
    data = {"action": "photo", "caption": caption, "photo": (BytesIO(picture()), "pots.jpg")}
    data["csrf_token"] = csrf_token(client, path)
    if consent:
        data["consent"] = "y"
    return client.post(path, data=data, content_type="multipart/form-data", headers=EN)


def test_without_the_consent_tick_nothing_is_saved_and_the_caption_is_kept(client, held_activity):
    coordinator = client_for(client.application, held_activity["coordinator"])
    activity = held_activity["activity"]
    page_before = html(coordinator.get(f"/activities/{activity.id}/outcome", headers=EN))
    assert 'name="consent"' in page_before and "no child can be recognised without a parent" in page_before

    response = post_photo(coordinator, activity, "Bērni glezno podus", consent=False)

    assert response.status_code == 200
    page = html(response)
    error = re.search(r'<p class="field__error" id="consent-error">(.*?)</p>', page, re.S)
    assert error and "Please confirm that the people shown agreed" in error.group(1)
    assert 'value="Bērni glezno podus"' in page  # the caption typed is kept
    assert db.session.scalars(select(ActivityPhoto)).all() == []
    assert not (held_activity["uploads"].exists() and os.listdir(held_activity["uploads"]))


def test_with_the_tick_the_photo_is_saved_with_who_confirmed_and_when(client, held_activity):
    coordinator = client_for(client.application, held_activity["coordinator"])
    before = utcnow().replace(microsecond=0)

    response = post_photo(coordinator, held_activity["activity"], "Bērni glezno podus", consent=True)

    assert response.status_code == 302
    [photo] = db.session.scalars(select(ActivityPhoto)).all()
    assert photo.consent_confirmed_by_id == held_activity["coordinator"].id
    assert photo.consent_confirmed_at is not None and photo.consent_confirmed_at >= before


def test_the_service_refuses_a_photo_without_the_confirmation(held_activity):
    with pytest.raises(InvalidTransition):
        add_outcome_photo(held_activity["coordinator"], held_activity["activity"], "a" * 32 + ".jpg", "Podi")
    assert db.session.scalars(select(ActivityPhoto)).all() == []
