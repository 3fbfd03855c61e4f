"""A place's spot on the map (issue 14 items 3 and 4): the two coordinate fields on the idea, activity and centre
forms. Bad numbers get a message next to the field and what was typed stays; good ones are stored, shown again
for editing without losing decimals, and carried from an idea to the activity made of it; the picker's map is in
the page but hidden (the script shows it), with the centres' positions; who may change what stays as it was."""

import html as html_module
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.activities.models import Activity
from app.centres.location import coordinate_text, parse_coordinate
from app.centres.models import Centre
from app.centres.services import seed_initiative_centres
from app.extensions import db
from app.ideas.models import Idea
from app.promotion.services import promote_idea
from app.timeutil import utcnow
from tests.factories import make_activity, make_centre, make_idea, make_user
from tests.helpers import client_for, html, post_form, signed_in
from tests.routes.test_activities_routes import activity_form
from tests.routes.test_ideas_routes import idea_form, idea_of, idea_people, ideas, post_idea

__all__ = ["idea_people"]  # the fixture, used by name

EN = {"Accept-Language": "en"}
BOTH = "Please give both numbers of the map position, or leave both empty."
LATITUDE_RANGE = "The first number of a map position is between -90 and 90, e.g. 56.2942."
LONGITUDE_RANGE = "The second number of a map position is between -180 and 180, e.g. 26.7246."


def field_error(text, field_id):
    """The message under a field, as a person reads it ("" when there is none)."""
    match = re.search(rf'<p class="field__error" id="{field_id}-error">(.*?)</p>', text, re.S)
    return html_module.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip() if match else ""


def field_value(text, field_id):
    """The value a text field shows."""
    match = re.search(rf'<input[^>]*\bid="{field_id}"[^>]*>', text)
    assert match, f"no field {field_id}"
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return html_module.unescape(value.group(1)) if value else ""


def fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


#: (latitude typed, longitude typed) → (field with the message, the message, what the latitude field shows again)
BAD_PAIRS = [
    (("56.3", ""), "longitude", BOTH, "56.3"),
    (("", "26.72"), "latitude", BOTH, ""),
    (("91", "26.72"), "latitude", LATITUDE_RANGE, "91"),
    (("-90.0001", "26.72"), "latitude", LATITUDE_RANGE, "-90.0001"),
    (("56.3", "180.5"), "longitude", LONGITUDE_RANGE, "56.3"),
    (("nan", "26.72"), "latitude", LATITUDE_RANGE, "nan"),
    (("56.3", "-inf"), "longitude", LONGITUDE_RANGE, "56.3"),
    (("1e999", "26.72"), "latitude", LATITUDE_RANGE, "1e999"),
    (("5" * 400, "26.72"), "latitude", LATITUDE_RANGE, "5" * 400),
    (("56.3", "north"), "longitude", LONGITUDE_RANGE, "56.3"),
    (("56,3,4", "26.72"), "latitude", LATITUDE_RANGE, "56,3,4"),
    (("56.3\x00", "26.72"), "latitude", "Text contains a character that cannot be saved.", "56.3"),
    (("56.3\n1", "26.72"), "latitude", "Please write this on one line.", "56.3\n1"),
]


# --- the idea form --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "field", "message", "shown"), BAD_PAIRS)
def test_bad_numbers_on_the_idea_form_get_a_message_next_to_the_field_and_the_text_stays(
    client, idea_people, typed, field, message, shown
):
    signed_in(client, idea_people["author"])
    latitude, longitude = typed

    response = post_idea(
        client, "/ideas/new", idea_form(idea_people, place="Tirgus iela 1, Preiļi", latitude=latitude, longitude=longitude)
    )

    assert response.status_code == 200
    text = html(response)
    assert message in field_error(text, field)
    assert field_value(text, "latitude") == shown
    assert field_value(text, "place") == "Tirgus iela 1, Preiļi"  # the address is kept too
    assert ideas() == []


def test_the_idea_stores_the_spot_and_shows_it_again_without_losing_decimals(client, idea_people):
    signed_in(client, idea_people["author"])

    response = post_idea(client, "/ideas/new", idea_form(idea_people, latitude=" 56,294213 ", longitude="26.724705"))

    assert response.status_code == 302
    [idea] = ideas()
    assert (idea.latitude, idea.longitude) == (56.294213, 26.724705)
    form = html(client.get(f"/ideas/{idea.id}/edit"))
    assert (field_value(form, "latitude"), field_value(form, "longitude")) == ("56.294213", "26.724705")

    moved = post_idea(client, f"/ideas/{idea.id}/edit", idea_form(idea_people, latitude="56.5099", longitude="27.3332"))
    assert moved.status_code == 302
    assert (fresh(Idea, idea.id).latitude, fresh(Idea, idea.id).longitude) == (56.5099, 27.3332)

    removed = post_idea(client, f"/ideas/{idea.id}/edit", idea_form(idea_people, latitude="", longitude=""))
    assert removed.status_code == 302
    assert (fresh(Idea, idea.id).latitude, fresh(Idea, idea.id).longitude) == (None, None)
    assert fresh(Idea, idea.id).place == "Raiņa parks, Preiļi"


def test_the_idea_form_has_the_picker_hidden_until_the_script_shows_it(client, idea_people):
    idea_people["centre"].latitude, idea_people["centre"].longitude = 56.2942, 26.7247
    db.session.commit()
    signed_in(client, idea_people["author"])

    text = html(client.get("/ideas/new", headers=EN))

    picker = re.search(r'<div class="location-picker" hidden[^>]*>', text)
    assert picker, "the map is hidden without JavaScript"
    assert 'data-latitude="latitude"' in picker.group(0) and 'data-centre-select="centre"' in picker.group(0)
    centres = html_module.unescape(re.search(r"data-centres='([^']*)'", picker.group(0)).group(1))
    assert f'"{idea_people["centre"].id}": [56.2942, 26.7247]' in centres
    assert f'"{idea_people["other_centre"].id}"' not in centres  # no position, so not in the list
    assert "Exact spot on the map (optional)" in text and "Remove the spot" in text
    assert re.search(r'<script src="/static/vendor/leaflet/leaflet.js\?v=[0-9a-f]{12}"></script>', text)
    assert re.search(r'<script src="/static/js/location-picker.js\?v=[0-9a-f]{12}"></script>', text)
    assert re.search(r'href="/static/vendor/leaflet/leaflet.css\?v=[0-9a-f]{12}"', text)
    assert "<script>" not in text  # nothing inline: the CSP allows none


def test_pages_without_a_picker_load_no_map_script(client, idea_people):
    idea = idea_of(idea_people, "published", latitude=56.29, longitude=26.72)
    for path in ("/", f"/ideas/{idea.id}", "/activities"):
        assert "location-picker.js" not in html(client.get(path))


# --- the activity form ----------------------------------------------------------------------------------------


@pytest.fixture
def coordinator(preili):
    return make_user(email="dace@example.com", display_name="Dace", moderates=[preili], language="en")


@pytest.mark.parametrize(("typed", "field", "message", "shown"), BAD_PAIRS[:10])
def test_bad_numbers_on_the_activity_form_get_a_message_next_to_the_field(client, coordinator, typed, field, message, shown):
    signed_in(client, coordinator)
    latitude, longitude = typed

    response = post_form(
        client, "/activities/new", activity_form(latitude=latitude, longitude=longitude), token_from="/activities/new"
    )

    assert response.status_code == 200
    text = html(response)
    assert message in field_error(text, field)
    assert field_value(text, "latitude") == shown and field_value(text, "place") == "Preiļu KRC"
    assert db.session.scalars(select(Activity)).all() == []


def test_an_activity_stores_its_spot_and_changes_it(client, coordinator, preili):
    signed_in(client, coordinator)

    response = post_form(
        client, "/activities/new", activity_form(latitude="56.2951", longitude="26,7256"), token_from="/activities/new"
    )

    assert response.status_code == 302
    activity = db.session.scalars(select(Activity)).one()
    assert (activity.latitude, activity.longitude) == (56.2951, 26.7256)
    path = f"/activities/{activity.id}/edit"
    form = html(client.get(path))
    assert (field_value(form, "latitude"), field_value(form, "longitude")) == ("56.2951", "26.7256")
    assert 'class="location-picker" hidden' in form and f'data-centre="{preili.id}"' in form

    assert post_form(client, path, activity_form(latitude="56.2898", longitude="26.7232"), token_from=path).status_code == 302
    assert (fresh(Activity, activity.id).latitude, fresh(Activity, activity.id).longitude) == (56.2898, 26.7232)
    assert post_form(client, path, activity_form(latitude="", longitude=""), token_from=path).status_code == 302
    assert (fresh(Activity, activity.id).latitude, fresh(Activity, activity.id).longitude) == (None, None)


def test_only_the_centre_s_coordinators_change_an_activity_s_spot(app, preili, aglona):
    activity = make_activity(centre=preili, latitude=56.29, longitude=26.72)
    path = f"/activities/{activity.id}/edit"
    for person in (make_user(email="juris@example.com", moderates=[aglona]), make_user(email="anna@example.com")):
        response = post_form(client_for(app, person), path, activity_form(latitude="10", longitude="10"), token_from="/")
        assert response.status_code == 403
    assert (fresh(Activity, activity.id).latitude, fresh(Activity, activity.id).longitude) == (56.29, 26.72)


# --- promoting an idea carries its spot -----------------------------------------------------------------------


def test_promotion_offers_the_idea_s_spot_and_the_activity_keeps_it(client, coordinator, preili):
    idea = make_idea(centre=preili, state="published", place="Raiņa parks", latitude=56.2898, longitude=26.7232)
    signed_in(client, coordinator)
    path = f"/ideas/{idea.id}/promote"

    form = html(client.get(path))
    assert (field_value(form, "latitude"), field_value(form, "longitude")) == ("56.2898", "26.7232")
    assert field_value(form, "place") == "Raiņa parks"

    response = post_form(
        client, path, activity_form(place="Raiņa parks", latitude="56.2898", longitude="26.7232"), token_from=path
    )
    assert response.status_code == 302
    activity = db.session.scalars(select(Activity).where(Activity.idea_id == idea.id)).one()
    assert (activity.latitude, activity.longitude) == (56.2898, 26.7232)


def test_promotion_without_the_form_carries_the_spot_and_a_removed_spot_stays_removed(coordinator, preili):
    placed = make_idea(centre=preili, state="published", title="A", latitude=56.2898, longitude=26.7232)
    unplaced = make_idea(centre=preili, state="published", title="B", latitude=56.1, longitude=26.1)
    starts_at = utcnow().replace(microsecond=0) + timedelta(days=10)
    times = {"starts_at": starts_at, "ends_at": starts_at + timedelta(hours=2)}

    carried = promote_idea(coordinator, placed, title="A", place="Parks", capacity=5, **times)
    removed = promote_idea(coordinator, unplaced, title="B", place="Parks", capacity=5, latitude=None, longitude=None, **times)

    assert (carried.latitude, carried.longitude) == (56.2898, 26.7232)
    assert (removed.latitude, removed.longitude) == (None, None)


# --- centres ---------------------------------------------------------------------------------------------------


def centre_data(**fields):
    data = {"name": "Līvāni", "municipality": "Līvānu novads", "slug": "livani", "is_active": "y"}
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def test_an_admin_gives_a_centre_its_position(client, admin):
    signed_in(client, admin)

    response = post_form(
        client, "/admin/centres/new", centre_data(latitude="56,3468", longitude="26.1756"), token_from="/admin/centres/new"
    )

    assert response.status_code == 302
    centre = db.session.scalar(select(Centre).where(Centre.slug == "livani"))
    assert (centre.latitude, centre.longitude) == (56.3468, 26.1756)
    path = f"/admin/centres/{centre.id}/edit"
    form = html(client.get(path))
    assert (field_value(form, "latitude"), field_value(form, "longitude")) == ("56.3468", "26.1756")
    assert 'class="location-picker" hidden' in form

    assert post_form(client, path, centre_data(latitude="", longitude=""), token_from=path).status_code == 302
    assert (fresh(Centre, centre.id).latitude, fresh(Centre, centre.id).longitude) == (None, None)


@pytest.mark.parametrize(("typed", "field", "message", "shown"), BAD_PAIRS[:10])
def test_bad_numbers_on_the_centre_form_get_a_message_and_change_nothing(client, admin, typed, field, message, shown):
    centre = make_centre(name="Preiļi", slug="preili")
    centre.latitude, centre.longitude = 56.2942, 26.7247
    db.session.commit()
    signed_in(client, admin)
    path = f"/admin/centres/{centre.id}/edit"
    latitude, longitude = typed

    response = post_form(
        client, path, centre_data(name="Preiļi", slug="preili", latitude=latitude, longitude=longitude), token_from=path
    )

    assert response.status_code == 200
    text = html(response)
    with force_locale("lv"):  # the admin's pages are in Latvian
        assert gettext(message.replace("\u00a0", " ")) in field_error(text, field)
    assert field_value(text, "latitude") == shown
    assert (fresh(Centre, centre.id).latitude, fresh(Centre, centre.id).longitude) == (56.2942, 26.7247)


def test_only_admins_change_a_centre_s_position(client, preili):
    preili.latitude, preili.longitude = 56.2942, 26.7247
    db.session.commit()
    signed_in(client, make_user(email="dace@example.com", moderates=[preili]))
    path = f"/admin/centres/{preili.id}/edit"

    response = post_form(client, path, centre_data(name="Preiļi", slug="preili", latitude="1", longitude="1"), token_from="/")

    assert response.status_code == 403
    assert (fresh(Centre, preili.id).latitude, fresh(Centre, preili.id).longitude) == (56.2942, 26.7247)


def test_the_initiative_centres_get_their_positions_and_a_chosen_one_is_kept(ctx):
    preili = make_centre(name="Preiļi", slug="preili")
    rezekne = make_centre(name="Rēzekne", slug="rezekne")
    rezekne.latitude, rezekne.longitude = 56.5, 27.3
    db.session.commit()

    assert seed_initiative_centres() == 2
    db.session.commit()

    positions = {centre.slug: (centre.latitude, centre.longitude) for centre in db.session.scalars(select(Centre))}
    assert positions == {
        "preili": (56.2942, 26.7247),
        "aglona": (56.1306, 27.0069),
        "rezekne": (56.5, 27.3),  # an admin's own choice stays
        "daugavpils": (55.8747, 26.5362),
    }
    assert preili.id  # the existing centre was filled in, not added again


# --- the numbers themselves -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"), [("56.2942", 56.2942), ("56,2942", 56.2942), (" -0.5 ", -0.5), ("+26", 26.0), ("1e1", 10.0)]
)
def test_a_coordinate_is_read_with_a_point_or_a_comma(text, value):
    assert parse_coordinate(text) == value


@pytest.mark.parametrize("text", ["", "nan", "inf", "-Infinity", "1e999", "56.2.9", "north", "56 29"])
def test_what_is_not_a_finite_number_is_refused(text):
    with pytest.raises(ValueError):
        parse_coordinate(text)


@pytest.mark.parametrize(
    ("value", "text"), [(None, ""), (56.2942, "56.2942"), (56.294213, "56.294213"), (26.0, "26"), (-0.5, "-0.5"), (1e-7, "0")]
)
def test_a_stored_coordinate_is_shown_with_at_most_six_decimals(value, text):
    assert coordinate_text(value) == text
