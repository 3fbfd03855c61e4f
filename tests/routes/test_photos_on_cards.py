"""Photos of people's work (issue 13 item 5): an idea's photo on its card, carried over to the activity it became
(the same file, shown on the activity's page and card through /activities/<id>/photo), and removed from the
activity by its coordinator (the file stays while the idea still shows it)."""

import re

import pytest
from sqlalchemy import select

from app.activities.models import Activity
from app.extensions import db
from tests.factories import make_activity, make_idea, make_user
from tests.factories_photos import activity_form, stored_photo
from tests.helpers import post_form, signed_in
from tests.statements import recorded_statements

EN = {"Accept-Language": "en"}


def text(response):
    return response.get_data(as_text=True)


def fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


@pytest.fixture
def coordinator(preili):
    return make_user(email="dace@example.com", display_name="Dace Koordinatore", moderates=[preili], language="en")


# Idea cards ------------------------------------------------------------------------------------------------------


def card_image(html, kind, object_id):
    """The <img> of the card of the idea or activity, or None."""
    card = re.search(rf'<article class="{kind}-card[^"]*" aria-labelledby="{kind}-{object_id}-title">(.*?)</article>', html, re.S)
    assert card, f"no card of {kind} {object_id}"
    found = re.search(r"<img [^>]*>", card.group(1))
    return found.group(0) if found else None


def test_an_idea_card_shows_the_photo_small_lazy_and_decorative(client, preili, uploads):
    with_photo = make_idea(centre=preili, title="Ar bildi", image_name=stored_photo(uploads))
    without = make_idea(centre=preili, title="Bez bildes")

    html = text(client.get("/ideas", headers=EN))

    image = card_image(html, "idea", with_photo.id)
    assert f'src="/ideas/{with_photo.id}/photo?v={with_photo.image_name[:8]}"' in image
    assert 'alt=""' in image and 'loading="lazy"' in image and 'width="96"' in image and 'height="72"' in image
    assert card_image(html, "idea", without.id) is None
    assert client.get(f"/ideas/{with_photo.id}/photo").status_code == 200
    home = text(client.get("/", headers=EN))
    assert f'src="/ideas/{with_photo.id}/photo?v=' in home


def test_photos_cost_no_statement_on_the_idea_and_activity_lists(client, preili, uploads):
    def counted(path):
        client.get(path)
        with recorded_statements(requests_only=True) as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    for number in range(6):
        make_idea(centre=preili, title=f"Ideja {number}")
        make_activity(centre=preili, title=f"Pasākums {number}")
    plain = {path: counted(path) for path in ("/ideas", "/activities", "/")}
    for number in range(6):
        make_idea(centre=preili, title=f"Bilde {number}", image_name=stored_photo(uploads))
        make_activity(centre=preili, title=f"Bilde {number}", image_name=stored_photo(uploads))
    with_photos = {path: counted(path) for path in ("/ideas", "/activities", "/")}

    assert with_photos == plain
    assert text(client.get("/activities")).count('class="activity-card__photo"') == 6


# Carried over to the activity ------------------------------------------------------------------------------------


def test_promoting_an_idea_carries_its_photo_to_the_activity(client, preili, coordinator, uploads):
    name = stored_photo(uploads)
    idea = make_idea(centre=preili, state="published", title="Puķu podi", image_name=name)
    signed_in(client, coordinator)
    form_page = text(client.get(f"/ideas/{idea.id}/promote", headers=EN))
    assert "The idea's photo is shown on the activity too." in form_page
    assert "Remove the photo" not in form_page

    assert post_form(client, f"/ideas/{idea.id}/promote", activity_form(), token_from="/").status_code == 302

    activity = db.session.scalars(select(Activity).where(Activity.idea_id == idea.id)).one()
    assert activity.image_name == name  # the same file, nothing copied
    assert sorted(path.name for path in uploads.iterdir()) == [name]
    page = text(client.get(f"/activities/{activity.id}", headers=EN))
    assert f'src="/activities/{activity.id}/photo?v={name[:8]}"' in page
    assert "Photo of the activity “Puķu podu apgleznošana”" in page
    card = card_image(text(client.get("/activities", headers=EN)), "activity", activity.id)
    assert 'alt=""' in card and 'loading="lazy"' in card


def test_the_activity_photo_route_serves_the_file_to_everyone(client, preili, uploads):
    name = stored_photo(uploads)
    activity = make_activity(centre=preili, image_name=name)

    response = client.get(f"/activities/{activity.id}/photo")

    assert response.status_code == 200
    assert response.mimetype == "image/jpeg" and response.data == (uploads / name).read_bytes()
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=86400" in response.headers["Cache-Control"]
    again = client.get(f"/activities/{activity.id}/photo", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_the_activity_photo_route_answers_404_without_a_photo(client, preili, uploads):
    without = make_activity(centre=preili)
    missing_file = make_activity(centre=preili, image_name="b" * 32 + ".jpg")
    not_ours = make_activity(centre=preili, image_name="../secret.jpg")

    for activity in (without, missing_file, not_ours):
        assert client.get(f"/activities/{activity.id}/photo").status_code == 404
    assert client.get("/activities/999999/photo").status_code == 404
    assert client.get(f"/activities/{10**30}/photo").status_code == 404


def edit_data(activity, **overrides):
    local = activity_form()
    return {**local, "title": activity.title, **overrides}


def test_the_coordinator_removes_the_photo_the_idea_keeps_its_file(client, preili, coordinator, uploads):
    name = stored_photo(uploads)
    idea = make_idea(centre=preili, state="promoted", image_name=name)
    activity = make_activity(centre=preili, creator=coordinator, idea_id=idea.id, image_name=name)
    signed_in(client, coordinator)
    form_page = text(client.get(f"/activities/{activity.id}/edit", headers=EN))
    assert "Remove the photo" in form_page and f"/activities/{activity.id}/photo" in form_page

    response = post_form(client, f"/activities/{activity.id}/edit", edit_data(activity, remove_photo="y"), token_from="/")

    assert response.status_code == 302
    assert fresh(Activity, activity.id).image_name is None
    assert (uploads / name).exists()  # the idea still shows it
    assert client.get(f"/ideas/{idea.id}/photo").status_code == 200
    assert client.get(f"/activities/{activity.id}/photo").status_code == 404
    assert "Remove the photo" not in text(client.get(f"/activities/{activity.id}/edit", headers=EN))


def test_a_photo_nothing_else_shows_goes_with_its_removal(client, preili, coordinator, uploads):
    name = stored_photo(uploads)
    activity = make_activity(centre=preili, creator=coordinator, image_name=name)
    signed_in(client, coordinator)

    post_form(client, f"/activities/{activity.id}/edit", edit_data(activity, remove_photo="y"), token_from="/")

    assert fresh(Activity, activity.id).image_name is None
    assert not (uploads / name).exists()


def test_saving_without_ticking_the_box_keeps_the_photo(client, preili, coordinator, uploads):
    name = stored_photo(uploads)
    activity = make_activity(centre=preili, creator=coordinator, image_name=name)
    signed_in(client, coordinator)

    post_form(client, f"/activities/{activity.id}/edit", edit_data(activity, title="Jauns nosaukums"), token_from="/")

    assert fresh(Activity, activity.id).title == "Jauns nosaukums"
    assert fresh(Activity, activity.id).image_name == name and (uploads / name).exists()


def test_a_new_activity_form_has_no_photo_box(client, coordinator):
    signed_in(client, coordinator)
    assert "Remove the photo" not in text(client.get("/activities/new", headers=EN))
