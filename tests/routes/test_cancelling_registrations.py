"""Cancelling is safe (issue 13, item 3): "Cancel my registration" asks first on its own page (no JavaScript), a
parent takes one child off without losing the others' places (the freed place goes to the waiting list), a
second click or a stale page changes nothing and never answers 500; and the form starts with one companion row
and an "Add another person" button that adds a row without saving anything."""

import re

import pytest
from sqlalchemy import select

from app.activities.models import Activity, Registration
from app.extensions import db
from tests.factories import make_activity, make_registration, make_user
from tests.factories_children import children, make_class_registration, make_school_with_representative
from tests.helpers import client_for, html, post_form

EN = {"Accept-Language": "en"}


@pytest.fixture
def scene(preili):
    """A full workshop of 3 places: a parent's two children (the parent not taking part), a neighbour; one waiting."""
    activity = make_activity(centre=preili, title="Keramikas darbnīca", capacity=3)
    parent = make_user(email="parent@example.com", display_name="Ilze Vecāka", language="en")
    neighbour = make_user(email="neighbour@example.com", display_name="Valdis Ozols", language="en")
    waiting = make_user(email="waiting@example.com", display_name="Rita Gaida", language="en")
    return {
        "activity": activity,
        "parent": parent,
        "neighbour": neighbour,
        "waiting": waiting,
        "family": make_registration(activity, parent, companions=children("Līva", "Markuss"), includes_self=False),
        "theirs": make_registration(activity, neighbour),
        "queued": make_registration(activity, waiting, state="waiting"),
    }


def fresh(row):
    """The row as the database has it now."""
    db.session.expire_all()
    return db.session.get(type(row), row.id)


def remove(client, registration, index, name):
    """Press "Remove only <name>" on the confirmation page."""
    path = f"/registrations/{registration.id}/companions/{index}/remove"
    return post_form(client, path, {"name": name}, token_from=f"/registrations/{registration.id}/cancel", headers=EN)


def test_cancel_links_lead_to_a_page_that_asks_first(app, scene):
    parent, family = client_for(app, scene["parent"]), scene["family"]
    detail = html(parent.get(f"/activities/{scene['activity'].id}", headers=EN))
    assert f'href="/registrations/{family.id}/cancel"' in detail
    assert f'action="/registrations/{family.id}/cancel"' not in detail  # no one-click cancelling any more
    page = html(parent.get(f"/registrations/{family.id}/cancel", headers=EN))
    assert "Cancel your registration?" in page and "Keramikas darbnīca" in page
    assert "Līva, Ages 7–9" in page and "Markuss, Ages 7–9" in page
    assert "Yes, cancel" in page and "Keep my registration" in page
    assert "Remove only Līva" in page and "Remove only Markuss" in page
    assert f'action="/registrations/{family.id}/companions/1/remove"' in page
    assert fresh(family).state == "registered"  # looking is not cancelling


def test_yes_cancel_cancels_and_a_second_click_is_friendly(app, scene):
    parent, family = client_for(app, scene["parent"]), scene["family"]
    confirm = f"/registrations/{family.id}/cancel"
    response = post_form(parent, confirm, token_from=confirm, headers=EN)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/activities/{scene['activity'].id}#registration"
    )
    assert fresh(family).state == "cancelled"
    assert fresh(scene["queued"]).state == "registered"  # the freed places went to the waiting list
    again = post_form(parent, confirm, token_from=f"/activities/{scene['activity'].id}", headers=EN, follow_redirects=True)
    assert again.status_code == 200 and "This registration is already cancelled." in html(again)
    page = parent.get(confirm, headers=EN, follow_redirects=True)
    assert page.status_code == 200 and "This registration is already cancelled." in html(page)


def test_another_persons_registration_is_not_found(app, scene):
    neighbour, family = client_for(app, scene["neighbour"]), scene["family"]
    assert neighbour.get(f"/registrations/{family.id}/cancel").status_code == 404
    assert post_form(neighbour, f"/registrations/{family.id}/cancel", token_from="/").status_code == 404
    assert (
        post_form(neighbour, f"/registrations/{family.id}/companions/0/remove", {"name": "Līva"}, token_from="/").status_code
        == 404
    )
    assert client_for(app).get(f"/registrations/{family.id}/cancel").status_code == 302  # a visitor: log in first
    assert fresh(family).state == "registered" and fresh(family).places == 2


def test_removing_one_child_keeps_the_others_place_and_moves_the_waiting_list(app, scene):
    parent, family, activity = client_for(app, scene["parent"]), scene["family"], scene["activity"]
    response = remove(parent, family, 0, "Līva")
    assert response.status_code == 302
    family = fresh(family)
    assert (family.state, family.places, family.companions) == ("registered", 1, children("Markuss"))
    assert fresh(scene["queued"]).state == "registered"  # the freed place went to the first waiting
    assert fresh(activity).registered_count == 3
    page = html(parent.get(f"/activities/{activity.id}", headers=EN))
    assert "Līva is no longer registered. The others keep their places." in page and "Markuss" in page


def test_a_second_click_or_a_stale_page_removes_nobody_else(app, scene):
    parent, family = client_for(app, scene["parent"]), scene["family"]
    assert remove(parent, family, 0, "Līva").status_code == 302
    again = remove(parent, family, 0, "Līva")  # the double click: index 0 is Markuss now
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/registrations/{family.id}/cancel")
    assert "nothing was removed" in html(parent.get(again.headers["Location"], headers=EN))
    assert remove(parent, family, 5, "Līva").status_code == 302  # no such row
    family = fresh(family)
    assert (family.state, family.places, family.companions) == ("registered", 1, children("Markuss"))
    assert fresh(scene["activity"]).registered_count == 3


def test_removing_the_last_person_cancels_the_registration(app, scene):
    parent, family = client_for(app, scene["parent"]), scene["family"]
    remove(parent, family, 1, "Markuss")
    page = html(parent.get(f"/registrations/{family.id}/cancel", headers=EN))
    assert "Remove only Līva" not in page  # one person left: "Yes, cancel" is the way
    response = remove(parent, family, 0, "Līva")
    assert response.status_code == 302
    assert fresh(family).state == "cancelled"
    assert "Nobody was left on your registration" in html(parent.get(response.headers["Location"], headers=EN))
    activity = fresh(scene["activity"])
    assert activity.registered_count == db.session.scalar(
        select(db.func.sum(Registration.places)).where(
            Registration.activity_id == activity.id, Registration.state == "registered"
        )
    )


def test_a_parent_taking_part_keeps_their_own_place(app, preili):
    activity = make_activity(centre=preili, capacity=5)
    parent = make_user(email="mum@example.com", language="en")
    registration = make_registration(activity, parent, companions=children("Līva"))
    assert remove(client_for(app, parent), registration, 0, "Līva").status_code == 302
    registration = fresh(registration)
    assert (registration.state, registration.places, registration.companions) == ("registered", 1, [])
    assert db.session.get(Activity, activity.id).registered_count == 1


def test_a_class_registration_has_its_confirmation_page_too(app, preili):
    activity = make_activity(centre=preili, capacity=40)
    school, ilga = make_school_with_representative(preili, email="ilga@example.com", language="en")
    the_class = make_class_registration(activity, ilga, school)
    client = client_for(app, ilga)
    page = html(client.get(f"/registrations/{the_class.id}/cancel", headers=EN))
    assert "6.b" in page and "Yes, cancel" in page and "Remove only" not in page
    assert (
        post_form(client, f"/registrations/{the_class.id}/companions/0/remove", {"name": ""}, token_from="/").status_code == 302
    )
    assert fresh(the_class).state == "registered"


def test_the_confirmation_page_in_latvian(app, scene):
    scene["parent"].language = "lv"
    db.session.commit()
    page = html(client_for(app, scene["parent"]).get(f"/registrations/{scene['family'].id}/cancel"))
    assert "Vai atsaukt jūsu pieteikumu?" in page and "Jā, atsaukt" in page and "Paturēt pieteikumu" in page
    assert "Noņemt tikai: Līva" in page


# The form: one row, then "Add another person" --------------------------------------------------------------------


def test_the_form_starts_with_one_row_and_adds_one_without_saving(app, preili):
    activity = make_activity(centre=preili, capacity=10)
    parent = make_user(email="mum@example.com", language="en")
    client = client_for(app, parent)
    page = html(client.get(f"/activities/{activity.id}", headers=EN))
    assert 'id="companions-0-name"' in page and 'id="companions-1-name"' not in page
    assert 'name="add_person"' in page and "Add another person" in page
    data = {"companions-0-name": "Līva", "companions-0-age_group": "7-9", "add_person": "1"}
    response = post_form(client, f"/activities/{activity.id}/register", data, token_from=f"/activities/{activity.id}", headers=EN)
    page = html(response)
    assert response.status_code == 200
    assert 'value="Līva"' in page and 'id="companions-1-name"' in page and 'id="companions-2-name"' not in page
    assert "Please correct" not in page  # adding a row is not a mistake
    assert db.session.scalar(select(db.func.count(Registration.id))) == 0 and fresh(activity).registered_count == 0


def test_at_most_eight_rows_and_typed_people_register(app, preili):
    activity = make_activity(centre=preili, capacity=10)
    client = client_for(app, make_user(email="mum@example.com", language="en"))
    rows = {f"companions-{n}-name": "" for n in range(8)}
    page = html(post_form(client, f"/activities/{activity.id}/register", {**rows, "add_person": "1"}, token_from="/", headers=EN))
    assert len(re.findall(r'id="companions-\d+-name"', page)) == 8 and 'name="add_person"' not in page
    data = {"includes_self": "y", "companions-0-name": "Līva", "companions-0-age_group": "7-9", "companions-1-name": ""}
    assert post_form(client, f"/activities/{activity.id}/register", data, token_from="/").status_code == 302
    assert fresh(activity).registered_count == 2
