"""/activities/<id>/register-class: who gets the form (a school's representative) and who 403 or 404, mistakes beside
the fields with the values kept, the same class twice, and where a class shows: to the coordinators as "School, 6.b —
24 pupils, teacher Ilze Liepa", to its representative on their pages, to everyone else only as places taken."""

import pytest
from sqlalchemy import select

from app.activities.models import Registration
from app.audit.models import AuditEntry
from app.extensions import db
from app.timeutil import utcnow
from tests.factories import make_activity, make_organisation, make_registration, make_user
from tests.factories_children import make_class_registration, make_school_with_representative
from tests.helpers import client_for, count, html, post_form

EN = {"Accept-Language": "en"}
TEACHER = "Ilze Liepa"
LINE = "Preiļu 1. pamatskola, 6.b — 24 pupils, teacher Ilze Liepa"


@pytest.fixture
def scene(preili):
    coordinator = make_user(email="dace@example.com", display_name="Dace Koordinatore", moderates=[preili], language="en")
    school, ilga = make_school_with_representative(preili, display_name="Ilga Skolotāja", email="ilga@example.com", language="en")
    other_school, other = make_school_with_representative(
        preili, name="Rēzeknes 2. vidusskola", email="other@example.com", language="en"
    )
    ngo = make_organisation(representative=(ngo_person := make_user(email="ngo@example.com")), centre=preili, kind="ngo")
    return {
        "coordinator": coordinator,
        "school": school,
        "ilga": ilga,
        "other_school": other_school,
        "other": other,
        "ngo": ngo,
        "ngo_person": ngo_person,
        "activity": make_activity(centre=preili, creator=coordinator, title="Keramikas darbnīca", capacity=30),
        "preili": preili,
    }


def path(activity):
    return f"/activities/{activity.id}/register-class"


def send(client, activity, organisation=None, **fields):
    data = {"pupils": "24", "responsible_teacher": TEACHER, "class_label": "6.b", **fields}
    if organisation is not None:
        data["organisation"] = str(organisation.id)
    return post_form(client, path(activity), data, token_from=f"/activities/{activity.id}", headers=EN)


def classes():
    db.session.expire_all()
    return db.session.scalars(select(Registration).where(Registration.pupils.is_not(None))).all()


def test_a_representative_registers_a_class_and_sees_it(client, scene):
    activity = scene["activity"]
    ilga = client_for(client.application, scene["ilga"])
    page = html(ilga.get(f"/activities/{activity.id}", headers=EN))
    assert "Register a school class" in page
    form = ilga.get(path(activity), headers=EN)
    assert form.status_code == 200 and "Preiļu 1. pamatskola" in html(form) and "Rēzeknes" not in html(form)
    response = send(ilga, activity, scene["school"])
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/activities/{activity.id}#registration")
    (registration,) = classes()
    assert (registration.places, registration.state, registration.user_id) == (25, "registered", scene["ilga"].id)
    page = html(ilga.get(f"/activities/{activity.id}", headers=EN))
    assert "The class is registered." in page and LINE in page and "Cancel this class" in page
    assert LINE in html(ilga.get("/me/registrations", headers=EN))


def test_the_coordinators_see_the_class_everyone_else_only_the_places(client, scene):
    activity = scene["activity"]
    make_class_registration(activity, scene["ilga"], scene["school"])
    coordinator = client_for(client.application, scene["coordinator"])
    listing = html(coordinator.get(f"/activities/{activity.id}/registrations", headers=EN))
    assert LINE in listing and "registered by Ilga Skolotāja" in listing and "25 of 30 places taken" in listing
    activity.starts_at = utcnow().replace(microsecond=0)
    db.session.commit()
    assert LINE in html(coordinator.get(f"/activities/{activity.id}/attendance", headers=EN))
    for person in (None, scene["other"]):
        page = html(client_for(client.application, person).get(f"/activities/{activity.id}", headers=EN))
        assert "25 taken" in page
        assert TEACHER not in page and "6.b" not in page and "Preiļu 1. pamatskola" not in page
        ics = client_for(client.application, person).get(f"/activities/{activity.id}.ics").get_data(as_text=True)
        assert "Liepa" not in ics and "pamatskola" not in ics


def test_several_classes_and_the_same_class_twice_is_told_beside_the_label(client, scene):
    activity = scene["activity"]
    ilga = client_for(client.application, scene["ilga"])
    assert send(ilga, activity, scene["school"], pupils="5", class_label="6.a").status_code == 302
    assert send(ilga, activity, scene["school"], pupils="5").status_code == 302
    again = send(ilga, activity, scene["school"], pupils="5")  # a double submit, or the same label by mistake
    assert again.status_code == 200
    assert "This class is already registered for the activity." in html(again) and 'value="6.b"' in html(again)
    assert len(classes()) == 2
    assert activity.registered_count == 12


def test_who_may_not(client, scene):
    activity = scene["activity"]
    visitor = client_for(client.application)
    assert visitor.get(path(activity)).status_code == 302  # to log in
    for person in (make_user(email="nobody@example.com"), scene["ngo_person"]):
        someone = client_for(client.application, person)
        assert someone.get(path(activity)).status_code == 403
        assert send(someone, activity, scene["school"]).status_code == 403
        assert "Register a school class" not in html(someone.get(f"/activities/{activity.id}", headers=EN))
    assert count(AuditEntry, AuditEntry.action == "access.denied") >= 4
    ilga = client_for(client.application, scene["ilga"])
    assert send(ilga, activity, scene["other_school"]).status_code == 404  # another school's id
    none_chosen = send(ilga, activity)
    assert none_chosen.status_code == 200 and "Please choose the school." in html(none_chosen)
    assert client_for(client.application, scene["ilga"]).get("/activities/999999/register-class").status_code == 404
    assert classes() == []


def test_a_representative_of_a_school_and_an_ngo_cannot_register_the_ngo(client, scene):
    ngo_of_ilga = make_organisation(representative=scene["ilga"], centre=scene["preili"], kind="ngo", name="Biedrība Ilgai")
    ilga = client_for(client.application, scene["ilga"])
    assert "Biedrība Ilgai" not in html(ilga.get(path(scene["activity"]), headers=EN))
    assert send(ilga, scene["activity"], ngo_of_ilga).status_code == 403
    assert send(ilga, scene["activity"], scene["ngo"]).status_code == 404  # an NGO she does not represent
    assert classes() == []


def test_registration_must_be_open(client, scene):
    planned = make_activity(centre=scene["preili"], state="planned", title="Vēlāk")
    ilga = client_for(client.application, scene["ilga"])
    response = send(ilga, planned, scene["school"])
    assert response.status_code == 302
    assert "Registration for this activity is not open." in html(ilga.get(response.headers["Location"], headers=EN))
    assert "Register a school class" not in html(ilga.get(f"/activities/{planned.id}", headers=EN))
    assert classes() == []


@pytest.mark.parametrize(
    ("fields", "message", "kept"),
    [
        ({"pupils": "0"}, "Please give a number from 1 to 60.", 'value="0"'),
        ({"pupils": "-3"}, "Please give a number from 1 to 60.", 'value="-3"'),
        ({"pupils": "61"}, "Please give a number from 1 to 60.", 'value="61"'),
        ({"pupils": "99999999999999999999"}, "Please give a whole number in digits 0–9.", TEACHER),
        ({"pupils": "divdesmit"}, "", TEACHER),
        ({"pupils": ""}, "Please say how many pupils come.", TEACHER),
        ({"responsible_teacher": ""}, "Please name the teacher responsible for the class.", 'value="6.b"'),
        ({"responsible_teacher": "Ilze\x00 Liepa"}, "Text contains a character that cannot be saved.", 'value="Ilze Liepa"'),
        ({"responsible_teacher": "I" * 10_000}, "Please keep this under 120 characters.", "I" * 10_000),
        ({"class_label": "6.b\n7.a"}, "Please write this on one line.", TEACHER),
    ],
    ids=["zero", "negative", "too-many", "huge", "words", "empty", "no-teacher", "nul", "10000-characters", "two-lines"],
)
def test_mistakes_are_shown_beside_the_field_with_the_values_kept(client, scene, fields, message, kept):
    ilga = client_for(client.application, scene["ilga"])
    response = send(ilga, scene["activity"], scene["school"], **fields)
    assert response.status_code == 200
    page = html(response)
    assert message in page and kept in page and 'class="field__error"' in page and 'aria-invalid="true"' in page
    assert classes() == []
    assert scene["activity"].registered_count == 0


def test_cancelling_a_class_frees_its_places_and_only_its_representative_may(client, scene):
    activity = scene["activity"]
    registration = make_class_registration(activity, scene["ilga"], scene["school"])
    other = client_for(client.application, scene["other"])
    cancel = f"/registrations/{registration.id}/cancel"
    assert post_form(other, cancel, token_from="/").status_code == 404
    ilga = client_for(client.application, scene["ilga"])
    assert post_form(ilga, cancel, token_from="/").status_code == 302
    db.session.expire_all()
    assert (db.session.get(Registration, registration.id).state, activity.registered_count) == ("cancelled", 0)


def test_lowering_the_capacity_offers_the_class_by_its_name(client, scene):
    activity = scene["activity"]
    make_class_registration(activity, scene["ilga"], scene["school"])
    coordinator = client_for(client.application, scene["coordinator"])
    form = {
        "title": activity.title,
        "description": activity.description,
        "place": activity.place,
        "starts_at": "2099-06-01T10:00",
        "ends_at": "2099-06-01T13:00",
        "leader_name": "",
        "capacity": "10",
    }
    response = post_form(coordinator, f"/activities/{activity.id}/edit", form, token_from=f"/activities/{activity.id}/edit")
    assert response.status_code == 200
    assert "Preiļu 1. pamatskola, 6.b (25 places)" in html(response)


def test_names_taken_away_later_leave_the_age_groups(client, scene):
    registration = make_class_registration(scene["activity"], scene["ilga"], scene["school"], teacher="")
    coordinator = client_for(client.application, scene["coordinator"])
    listing = html(coordinator.get(f"/activities/{scene['activity'].id}/registrations", headers=EN))
    assert "Preiļu 1. pamatskola, 6.b — 24 pupils, no teacher named" in listing
    family = make_user(email="family@example.com")
    make_registration(scene["activity"], family, companions=[{"name": "", "age_group": "7-9"}])
    listing = html(coordinator.get(f"/activities/{scene['activity'].id}/registrations", headers=EN))
    assert "<td>Ages 7–9</td>" in listing
    assert registration.places == 25
