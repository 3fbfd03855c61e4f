"""The idea pages as a browser uses them: write (with photo and preview), edit, submit, withdraw, archive, the
idea's page and photo, support and follow, who sees what (403/404), XSS, posting limits and the query budget."""

import html as html_module
import os
import re
from html.parser import HTMLParser
from io import BytesIO

import pytest
from PIL import Image
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.ideas.models import Follow, Idea, IdeaEvent, Support
from tests.factories import make_category, make_follow, make_idea, make_idea_event, make_support, make_user
from tests.helpers import client_for, count, csrf_token, post_form, signed_in
from tests.pictures import large_picture
from tests.statements import statements_of

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def idea_people(preili, aglona):
    """Two centres (so the centre field is shown), a category, and the people around an idea."""
    return {
        "centre": preili,
        "other_centre": aglona,
        "category": make_category(slug="vide", name_lv="Vide", name_en="Environment"),
        # English pages, so the tests read the source texts (Latvian is checked where it matters)
        "author": make_user(email="author@example.com", display_name="Anna Autore", home_centre=preili, language="en"),
        "resident": make_user(email="resident@example.com", display_name="Valdis", language="en"),
        "moderator": make_user(email="moderator@example.com", display_name="Dace", moderates=[preili], language="en"),
        "other_moderator": make_user(email="other@example.com", display_name="Jānis", moderates=[aglona], language="en"),
    }


def page(response):
    return response.get_data(as_text=True)


def field_error(text, field_id):
    match = re.search(rf'<p class="field__error" id="{field_id}-error">(.*?)</p>', text, re.S)
    return html_module.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip() if match else ""


def jpeg_bytes(size=(800, 600), colour=(30, 120, 60), exif=None):
    image = Image.new("RGB", size, colour)
    out = BytesIO()
    image.save(out, "JPEG", **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def idea_of(idea_people, state, **fields):
    """An idea of the author, in the centre and category of idea_people, already in the given state."""
    return make_idea(
        author=idea_people["author"], centre=idea_people["centre"], category=idea_people["category"], state=state, **fields
    )


def idea_form(idea_people, **overrides):
    """The idea form's fields, all filled; None leaves a field out (as an unticked box)."""
    data = {
        "title": "Soliņi Raiņa parkā",
        "summary": "Pieci jauni soliņi gar galveno celiņu.",
        "description": "Parkā trūkst **soliņu**.\n\n- pie strūklakas\n- pie tilta",
        "kind": "local_improvement",
        "category": str(idea_people["category"].id),
        "centre": str(idea_people["centre"].id),
        "place": "Raiņa parks, Preiļi",
        "latitude": "56,2942",
        "longitude": "26.7246",
        "needs": "Dēļi, krāsa un 6 cilvēki talkai.",
        "seeking_school_partner": "y",
        "partner_age_groups": ["10-12", "13-15"],
        "partner_subjects": ["technology"],
        "action": "save",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post_idea(client, path, data):
    """POST the idea form as a browser does (multipart, with the form's CSRF token)."""
    form = dict(data)
    form.setdefault("csrf_token", csrf_token(client, path))
    return client.post(path, data=form, content_type="multipart/form-data")


def ideas():
    db.session.expire_all()
    return db.session.scalars(select(Idea).order_by(Idea.id)).all()


# --- writing ----------------------------------------------------------------------------------------------------


def test_the_form_needs_a_login(client):
    response = client.get("/ideas/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_person_whose_address_is_not_confirmed_is_told_so(client, idea_people):
    signed_in(client, idea_people["author"])
    idea_people["author"].email_confirmed_at = None
    db.session.commit()
    response = client.get("/ideas/new")
    assert response.status_code == 403
    assert "confirm your e-mail address" in page(response)


def test_the_form_offers_active_categories_in_the_page_language_and_the_home_centre(client, idea_people):
    make_category(slug="old", name_lv="Veca", name_en="Old category").is_active = False
    idea_people["author"].language = "lv"
    db.session.commit()
    signed_in(client, idea_people["author"])
    text = page(client.get("/ideas/new"))
    assert ">Vide<" in text and "Veca" not in text and "Environment" not in text
    assert re.search(rf'<option selected value="{idea_people["centre"].id}">Preiļi</option>', text)


def test_with_one_active_centre_no_centre_is_asked_and_that_centre_is_used(client, idea_people, uploads):
    idea_people["other_centre"].is_active = False
    db.session.commit()
    signed_in(client, idea_people["author"])
    assert 'name="centre"' not in page(client.get("/ideas/new"))
    response = post_idea(client, "/ideas/new", idea_form(idea_people, centre=None))
    assert response.status_code == 302
    assert ideas()[0].centre_id == idea_people["centre"].id


def test_writing_an_idea_with_every_field_and_a_photo(client, idea_people, uploads):
    signed_in(client, idea_people["author"])
    data = idea_form(idea_people, photo=(BytesIO(jpeg_bytes((2400, 1200))), "soli\u0146i.jpg"))

    response = post_idea(client, "/ideas/new", data)

    assert response.status_code == 302
    [idea] = ideas()
    assert response.headers["Location"].endswith(f"/ideas/{idea.id}")
    assert (idea.title, idea.summary, idea.kind, idea.category_id, idea.centre_id, idea.author_id) == (
        "Soliņi Raiņa parkā",
        "Pieci jauni soliņi gar galveno celiņu.",
        "local_improvement",
        idea_people["category"].id,
        idea_people["centre"].id,
        idea_people["author"].id,
    )
    assert idea.description.startswith("Parkā trūkst **soliņu**.")
    assert (idea.place, idea.latitude, idea.longitude) == ("Raiņa parks, Preiļi", 56.2942, 26.7246)
    assert idea.needs == "Dēļi, krāsa un 6 cilvēki talkai."
    assert (idea.seeking_school_partner, idea.partner_age_groups, idea.partner_subjects) == (True, "10-12,13-15", "technology")
    assert idea.state == "draft"
    # the photo: re-encoded under a random name in the upload folder, never the name it was sent with
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", idea.image_name)
    assert os.listdir(uploads) == [idea.image_name]
    with Image.open(uploads / idea.image_name) as stored:
        assert stored.format == "JPEG" and max(stored.size) == 1600

    detail = client.get(response.headers["Location"])
    text = page(detail)
    assert "Your idea is saved as a draft" in text
    assert "<strong>soliņu</strong>" in text and "<li>pie tilta</li>" in text
    assert "Raiņa parks, Preiļi" in text and "Dēļi, krāsa un 6 cilvēki talkai." in text
    assert "Ages 10–12" in text and "Ages 13–15" in text and "Design and technology" in text
    assert f"/ideas/{idea.id}/photo" in text


def test_the_photo_is_served_as_a_jpeg_to_those_who_may_see_the_idea(client, idea_people, uploads):
    signed_in(client, idea_people["author"])
    post_idea(client, "/ideas/new", idea_form(idea_people, photo=(BytesIO(jpeg_bytes()), "a.png")))
    [idea] = ideas()

    response = client.get(f"/ideas/{idea.id}/photo")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"  # a draft's photo is kept by no cache
    assert Image.open(BytesIO(response.data)).format == "JPEG"

    other = client.application.test_client()
    assert other.get(f"/ideas/{idea.id}/photo").status_code == 404  # the draft is the author's alone


def test_errors_are_shown_next_to_the_fields_the_text_is_kept_and_nothing_is_saved(client, idea_people, uploads):
    signed_in(client, idea_people["author"])
    data = idea_form(
        idea_people,
        title="",
        summary="x" * 301,
        latitude="56.3",
        longitude="",
        partner_age_groups=None,
        category="999999",
        photo=(BytesIO(jpeg_bytes()), "photo.jpg"),
    )

    response = post_idea(client, "/ideas/new", data)

    assert response.status_code == 200
    text = page(response)
    assert field_error(text, "title") == "Please give the idea a title."
    assert "at most 300 characters" in field_error(text, "summary")
    assert field_error(text, "longitude") == "Please give both numbers of the map position, or leave both empty."
    assert field_error(text, "category") == "Please choose a category from the list."
    assert "age group" in text and 'id="partner_age_groups-error"' in text
    assert "Parkā trūkst **soliņu**." in html_module.unescape(text)  # what was written is still there
    assert "Photo kept:" in text and "photo.jpg" in text  # kept as pending
    assert ideas() == [] and len(os.listdir(uploads)) == 1


def test_values_the_form_does_not_offer_are_refused(client, idea_people):
    signed_in(client, idea_people["author"])
    data = idea_form(idea_people, kind="evil", centre="999999", partner_subjects=["sorcery"], latitude="north", longitude="200")
    data["state"], data["author_id"], data["support_count"] = "published", str(idea_people["resident"].id), "500"
    response = post_idea(client, "/ideas/new", data)
    text = page(response)
    assert response.status_code == 200
    assert field_error(text, "centre") == "Please choose a centre from the list."
    assert "The first number of a map position is between -90 and 90" in field_error(text, "latitude")
    assert "The second number of a map position is between -180 and 180" in field_error(text, "longitude")
    assert 'id="kind-error"' in text and 'id="partner_subjects-error"' in text
    assert ideas() == []
    # fields the form does not declare are ignored (no mass assignment)
    data = idea_form(idea_people)
    data["state"], data["author_id"], data["support_count"] = "published", str(idea_people["resident"].id), "500"
    assert post_idea(client, "/ideas/new", data).status_code == 302
    [idea] = ideas()
    assert (idea.state, idea.author_id, idea.support_count) == ("draft", idea_people["author"].id, 0)


def test_a_picture_that_is_not_a_photo_is_refused_next_to_the_field(client, idea_people, uploads):
    signed_in(client, idea_people["author"])
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for name, content in (("drawing.svg", svg), ("photo.jpg", b"<html><script>alert(1)</script></html>")):
        response = post_idea(client, "/ideas/new", idea_form(idea_people, photo=(BytesIO(content), name)))
        assert response.status_code == 200
        assert field_error(page(response), "photo").startswith("This file is not a picture we can use")
    assert ideas() == []


def test_a_photo_over_the_form_limit_is_refused_with_a_clear_message(client, idea_people, uploads, monkeypatch):
    monkeypatch.setitem(client.application.config, "PHOTO_MAX_BYTES", 2 * 1024 * 1024)
    signed_in(client, idea_people["author"])
    big = os.urandom(3 * 1024 * 1024)
    response = post_idea(client, "/ideas/new", idea_form(idea_people, photo=(BytesIO(big), "big.jpg")))
    assert response.status_code == 200
    assert field_error(page(response), "photo") == "This photo is larger than 2 MB. Please choose a smaller one."
    assert ideas() == []


def test_a_small_file_of_too_many_pixels_is_refused_next_to_the_field_even_in_a_preview(client, idea_people, uploads):
    signed_in(client, idea_people["author"])
    bomb = large_picture("PNG", 6300)  # about 130 KB that would unpack to 160 MB
    response = post_idea(client, "/ideas/new", idea_form(idea_people, action="preview", photo=(BytesIO(bomb), "p.png")))
    assert response.status_code == 200
    assert field_error(page(response), "photo") == (
        "This picture has too many pixels (6300 × 6300). Please make it smaller, at most 12 megapixels, and choose it again."
    )
    assert ideas() == [] and not uploads.exists()


def test_a_request_over_the_size_limit_answers_413(client, idea_people, uploads, monkeypatch):
    signed_in(client, idea_people["author"])
    token = csrf_token(client, "/ideas/new")
    monkeypatch.setitem(client.application.config, "MAX_CONTENT_LENGTH", 100 * 1024)
    response = client.post(
        "/ideas/new",
        data=dict(idea_form(idea_people), csrf_token=token, photo=(BytesIO(os.urandom(200 * 1024)), "big.jpg")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "File too large" in page(response)
    assert ideas() == []


def test_preview_shows_the_sanitised_markdown_keeps_the_text_and_saves_nothing(client, idea_people, uploads):
    signed_in(client, idea_people["author"])
    description = "## Plāns\n\n**Soliņi** un [karte](https://www.openstreetmap.org)\n\n" + XSS
    response = post_idea(client, "/ideas/new", idea_form(idea_people, description=description, action="preview"))

    assert response.status_code == 200
    text = page(response)
    preview = text[text.index('id="preview-heading"') : text.index("<form", text.index('id="preview-heading"'))]
    assert "<h3>Plāns</h3>" in preview and "<strong>Soliņi</strong>" in preview
    assert '<a href="https://www.openstreetmap.org" rel="nofollow ugc noopener">karte</a>' in preview
    assert "<script>" not in preview and "<img" not in preview
    assert "&lt;script&gt;" in preview
    assert html_module.unescape(description) in html_module.unescape(text)  # kept in the textarea
    assert "<script>alert" not in text  # not even in the textarea
    assert ideas() == []


def test_submit_for_review_saves_and_submits_in_one_go(client, idea_people, uploads):
    signed_in(client, idea_people["author"])
    response = post_idea(client, "/ideas/new", idea_form(idea_people, action="submit"))
    assert response.status_code == 302
    [idea] = ideas()
    assert idea.state == "submitted"
    assert [e.to_state for e in idea.events] == ["draft", "submitted"]
    assert "sent to the centre's coordinator" in html_module.unescape(page(client.get(response.headers["Location"])))


def test_submitting_and_withdrawing_from_the_idea_page(client, idea_people):
    idea = idea_of(idea_people, state="draft")
    signed_in(client, idea_people["author"])
    path = f"/ideas/{idea.id}"
    assert f'action="/ideas/{idea.id}/submit"' in page(client.get(path))

    assert post_form(client, f"{path}/submit", token_from=path).status_code == 302
    assert ideas()[0].state == "submitted"
    text = page(client.get(path))
    assert f'action="/ideas/{idea.id}/withdraw"' in text and f"{path}/edit" not in text

    assert post_form(client, f"{path}/withdraw", token_from=path).status_code == 302
    assert ideas()[0].state == "draft"
    assert [e.to_state for e in db.session.scalars(select(IdeaEvent).order_by(IdeaEvent.id))] == ["submitted", "draft"]


def test_an_illegal_step_is_refused_with_a_message_not_an_error(client, idea_people):
    idea = idea_of(idea_people, state="published")
    signed_in(client, idea_people["author"])
    path = f"/ideas/{idea.id}"
    response = post_form(client, f"{path}/withdraw", token_from=path, headers={"Referer": f"http://localhost{path}"})
    assert response.status_code == 302
    assert "cannot be done" in page(client.get(path))
    assert ideas()[0].state == "published"


def test_my_ideas_lists_the_persons_own_ideas_drafts_included(client, idea_people):
    idea_of(idea_people, state="draft", title="Mans melnraksts")
    idea_of(idea_people, state="declined", title="Noraidītā")
    make_idea(
        author=idea_people["resident"],
        centre=idea_people["centre"],
        category=idea_people["category"],
        state="draft",
        title="Cita cilvēka melnraksts",
    )
    assert "/login" in client.get("/me/ideas").headers["Location"]
    signed_in(client, idea_people["author"])
    response = client.get("/me/ideas")
    text = page(response)
    assert "Mans melnraksts" in text and "Noraidītā" in text and "Cita cilvēka melnraksts" not in text
    assert response.headers["Cache-Control"] == "no-store"


# --- editing ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "state,expected",
    [("draft", 200), ("changes_requested", 200), ("submitted", 403), ("published", 403), ("declined", 403), ("archived", 403)],
)
def test_the_author_edits_only_drafts_and_ideas_with_changes_requested(client, idea_people, state, expected):
    idea = idea_of(idea_people, state=state)
    signed_in(client, idea_people["author"])
    assert client.get(f"/ideas/{idea.id}/edit").status_code == expected
    response = post_idea(client, f"/ideas/{idea.id}/edit", idea_form(idea_people, title="Jauns"))
    assert response.status_code == (302 if expected == 200 else 403)
    assert (ideas()[0].title == "Jauns") == (expected == 200)


def test_editing_keeps_the_form_filled_saves_changes_and_replaces_and_removes_the_photo(client, idea_people, uploads):
    signed_in(client, idea_people["author"])
    post_idea(client, "/ideas/new", idea_form(idea_people, photo=(BytesIO(jpeg_bytes()), "a.jpg")))
    [idea] = ideas()
    first_photo = idea.image_name
    path = f"/ideas/{idea.id}/edit"

    form_page = page(client.get(path))
    assert 'value="Soliņi Raiņa parkā"' in form_page and 'value="56.2942"' in form_page
    assert re.search(r'<input checked id="partner_age_groups-2"', form_page)
    assert 'name="remove_photo"' in form_page

    # a new photo replaces the old one, whose file goes
    assert (
        post_idea(
            client, path, idea_form(idea_people, title="Soliņi parkā", photo=(BytesIO(jpeg_bytes(colour=(200, 0, 0))), "b.jpg"))
        ).status_code
        == 302
    )
    idea = ideas()[0]
    assert idea.title == "Soliņi parkā" and idea.image_name != first_photo
    assert os.listdir(uploads) == [idea.image_name]

    # not seeking a partner any more: the age groups and subjects go with it; the photo is removed
    data = idea_form(idea_people, seeking_school_partner=None, remove_photo="y")
    assert post_idea(client, path, data).status_code == 302
    idea = ideas()[0]
    assert (idea.seeking_school_partner, idea.partner_age_groups, idea.partner_subjects) == (False, "", "")
    assert idea.image_name is None and os.listdir(uploads) == []
    assert client.get(f"/ideas/{idea.id}/photo").status_code == 404


def test_resubmitting_after_changes_were_requested(client, idea_people):
    idea = idea_of(idea_people, state="changes_requested")
    signed_in(client, idea_people["author"])
    text = page(client.get(f"/ideas/{idea.id}/edit"))
    assert "Submit again for review" in text
    assert post_idea(client, f"/ideas/{idea.id}/edit", idea_form(idea_people, action="submit")).status_code == 302
    assert ideas()[0].state == "submitted"


def test_someone_else_editing_a_visible_idea_gets_403_and_an_audit_entry(client, idea_people):
    idea = idea_of(idea_people, state="published")
    signed_in(client, idea_people["resident"])
    assert client.get(f"/ideas/{idea.id}/edit").status_code == 403
    assert db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()[-1] == "access.denied"


# --- who sees what -------------------------------------------------------------------------------------------------


def visitor(client, idea_people, who):
    """A new browser (its own cookies), signed in as `who` unless anonymous."""
    return client_for(client.application, None if who == "anonymous" else idea_people[who])


#: state → who may see an idea in it (its page and its photo); everyone else gets 404
SEEN_BY = {
    "draft": {"author"},  # a draft is its author's alone, even for the centre's moderator
    "submitted": {"author", "moderator"},
    "changes_requested": {"author", "moderator"},
    "declined": {"author", "moderator"},
    "published": {"anonymous", "resident", "author", "moderator", "other_moderator"},
    "promoted": {"anonymous", "resident", "author", "moderator", "other_moderator"},
    "archived": {"anonymous", "resident", "author", "moderator", "other_moderator"},
}


@pytest.mark.parametrize("state", sorted(SEEN_BY))
def test_who_sees_an_idea_and_its_photo(client, idea_people, uploads, state):
    uploads.mkdir()
    (uploads / ("a" * 32 + ".jpg")).write_bytes(jpeg_bytes())
    idea = idea_of(idea_people, state=state, title="Slepena ideja", image_name="a" * 32 + ".jpg")
    for who in ("anonymous", "resident", "other_moderator", "moderator", "author"):
        browser = visitor(client, idea_people, who)
        visible = who in SEEN_BY[state]
        for path in (f"/ideas/{idea.id}", f"/ideas/{idea.id}/photo", f"/ideas/{idea.id}/edit"):
            response = browser.get(path)
            if path.endswith("/edit"):
                if who == "anonymous":
                    assert response.status_code == 302, path  # to the log-in page
                elif not visible:
                    assert response.status_code == 404, f"{who} {path}"
                continue
            assert response.status_code == (200 if visible else 404), f"{who} {path}"
            if not path.endswith("/photo"):
                assert ("Slepena ideja" in page(response)) == visible


def test_an_unknown_idea_is_404(client):
    assert client.get("/ideas/12345").status_code == 404


def test_the_centre_moderator_gets_the_review_link_and_the_timeline_with_reasons(client, idea_people):
    idea = idea_of(idea_people, state="submitted")
    make_idea_event(idea, "submitted", idea_people["author"], from_state="draft")
    signed_in(client, idea_people["moderator"])
    text = page(client.get(f"/ideas/{idea.id}"))
    assert f"/moderation/ideas/{idea.id}" in text
    assert "Submitted for review" in text and "Anna Autore" in text
    assert "author@example.com" not in text  # never an e-mail address


def test_reasons_of_non_public_steps_are_for_the_author_and_moderators_only(client, idea_people):
    idea = idea_of(idea_people, state="archived")
    moderator = idea_people["moderator"]
    make_idea_event(idea, "changes_requested", moderator, from_state="submitted", reason="Lūdzu, precizējiet vietu.")
    make_idea_event(idea, "published", moderator, from_state="submitted")
    make_idea_event(idea, "archived", moderator, from_state="published", reason="Īstenots maijā.")
    public = page(client.get(f"/ideas/{idea.id}", headers={"Accept-Language": "en"}))
    assert "Changes requested" in public and "Lūdzu, precizējiet vietu." not in public
    assert "Īstenots maijā." in public
    signed_in(client, idea_people["author"])
    assert "Lūdzu, precizējiet vietu." in page(client.get(f"/ideas/{idea.id}"))


# --- support and follow ------------------------------------------------------------------------------------------


def test_changes_are_post_only_and_need_the_csrf_token(client, idea_people):
    idea = idea_of(idea_people, state="published")
    signed_in(client, idea_people["resident"])
    for action in ("support", "unsupport", "follow", "unfollow", "submit", "withdraw", "archive"):
        path = f"/ideas/{idea.id}/{action}"
        assert client.get(path).status_code == 405, path
        assert client.post(path, data={}).status_code == 400, path
    assert count(Support) == 0 and count(Follow) == 0 and ideas()[0].state == "published"


def test_visitors_are_sent_to_log_in_to_support(client, idea_people):
    idea = idea_of(idea_people, state="published")
    client.set_cookie("kopiena_lang", "en")
    assert "Log in to support this idea" in page(client.get(f"/ideas/{idea.id}"))
    response = post_form(client, f"/ideas/{idea.id}/support")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert count(Support) == 0


def test_support_and_withdraw_from_the_idea_page(client, idea_people):
    idea = idea_of(idea_people, state="published")
    signed_in(client, idea_people["resident"])
    path = f"/ideas/{idea.id}"
    assert "0 supporters" in page(client.get(path))

    assert post_form(client, f"{path}/support", token_from=path).status_code == 302
    text = page(client.get(path))
    assert "1 supporter" in text and "Thank you for supporting" in text and "Withdraw my support" in text
    post_form(client, f"{path}/support", token_from=path, headers={"Referer": f"http://localhost{path}"})
    assert "already done" in page(client.get(path))
    assert ideas()[0].support_count == 1

    assert post_form(client, f"{path}/unsupport", token_from=path).status_code == 302
    assert ideas()[0].support_count == 0 and count(Support) == 0
    assert "Support this idea" in page(client.get(path))


def test_the_author_cannot_support_their_own_idea(client, idea_people):
    idea = idea_of(idea_people, state="published")
    signed_in(client, idea_people["author"])
    assert "Support this idea" not in page(client.get(f"/ideas/{idea.id}"))
    assert post_form(client, f"/ideas/{idea.id}/support", token_from=f"/ideas/{idea.id}").status_code == 403
    assert count(Support) == 0


def test_follow_and_unfollow_from_the_idea_page(client, idea_people):
    idea = idea_of(idea_people, state="published")
    signed_in(client, idea_people["resident"])
    path = f"/ideas/{idea.id}"
    assert post_form(client, f"{path}/follow", token_from=path).status_code == 302
    assert post_form(client, f"{path}/follow", token_from=path).status_code == 302  # a double click
    assert count(Follow) == 1
    assert "Stop following" in page(client.get(path))
    assert post_form(client, f"{path}/unfollow", token_from=path).status_code == 302
    assert count(Follow) == 0


def test_nobody_can_support_or_follow_a_draft_they_cannot_see(client, idea_people):
    idea = idea_of(idea_people, state="draft")
    signed_in(client, idea_people["resident"])
    for action in ("support", "follow"):
        assert post_form(client, f"/ideas/{idea.id}/{action}", token_from="/").status_code == 404
    assert count(Support) == 0 and count(Follow) == 0


# --- archiving -------------------------------------------------------------------------------------------------


def test_the_centre_moderator_archives_with_a_reason(client, idea_people):
    idea = idea_of(idea_people, state="published")
    signed_in(client, idea_people["moderator"])
    path = f"/ideas/{idea.id}"
    response = post_form(client, f"{path}/archive", {"reason": ""}, token_from=path)
    assert response.status_code == 200
    assert field_error(page(response), "reason") == "Please write why the idea is archived."
    assert ideas()[0].state == "published"

    assert post_form(client, f"{path}/archive", {"reason": "Īstenots."}, token_from=path).status_code == 302
    assert ideas()[0].state == "archived"
    assert "Īstenots." in page(client.get(path))


def test_others_cannot_archive(client, idea_people):
    idea = idea_of(idea_people, state="published")
    path = f"/ideas/{idea.id}"
    for who in ("resident", "author", "other_moderator"):
        browser = visitor(client, idea_people, who)
        assert "Archive the idea" not in page(browser.get(path))
        assert post_form(browser, f"{path}/archive", {"reason": "Nē."}, token_from=path).status_code == 403, who
    assert ideas()[0].state == "published"


# --- XSS ------------------------------------------------------------------------------------------------------


def test_script_in_every_written_field_is_inert_on_the_idea_page(client, idea_people, uploads):
    author = idea_people["author"]
    author.display_name = "Anna " + XSS[:40]
    db.session.commit()
    signed_in(client, author)
    data = idea_form(
        idea_people,
        title="T " + XSS[:140],
        summary="S " + XSS,
        place="P " + XSS[:180],
        needs="N " + XSS,
        description="D " + XSS + "\n\n[klikšķini](javascript:alert(1)) "
        '<a href="javascript:alert(2)">x</a> [d](data:text/html;base64,PHNjcmlwdD4=) '
        "[e](javascript&#58;alert(3))",
    )
    assert post_idea(client, "/ideas/new", data).status_code == 302
    [idea] = ideas()

    for viewer in (client, client.application.test_client()):
        if viewer is not client:  # the public page too, once published
            idea.state = "published"
            db.session.commit()
        text = page(viewer.get(f"/ideas/{idea.id}"))
        tags = elements(text)
        assert not [tag for tag, _attrs in tags if tag in ("script", "img") and _attrs.get("src") == "x"]
        # the page's only scripts are its own files (the map's): none inline, none from elsewhere
        scripts = [attrs.get("src", "") for tag, attrs in tags if tag == "script"]
        assert all(src.startswith("/static/") for src in scripts), scripts
        assert [(tag, name) for tag, attrs in tags for name in attrs if name.startswith("on")] == []
        links = [attrs.get("href", "") for tag, attrs in tags if tag == "a"]
        assert not [href for href in links if href.strip().lower().startswith(("javascript", "data"))]
        assert "&lt;script&gt;" in text  # shown as text, so nobody wonders where it went


class ElementCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def elements(text):
    """Every element of the page as the browser would parse it: (tag, attributes)."""
    collector = ElementCollector()
    collector.feed(text)
    return collector.elements


# --- posting limits -------------------------------------------------------------------------------------------


def test_new_ideas_are_limited_per_account_and_previews_do_not_count(client, idea_people, monkeypatch):
    monkeypatch.setitem(client.application.config, "IDEA_CREATE_LIMIT", "2 per day")
    signed_in(client, idea_people["author"])
    for _ in range(3):
        assert post_idea(client, "/ideas/new", idea_form(idea_people, action="preview")).status_code == 200
    assert post_idea(client, "/ideas/new", idea_form(idea_people, title="")).status_code == 200  # errors: not counted
    assert post_idea(client, "/ideas/new", idea_form(idea_people)).status_code == 302
    assert post_idea(client, "/ideas/new", idea_form(idea_people)).status_code == 302
    token = csrf_token(client, "/ideas/new")
    response = client.post("/ideas/new", data=dict(idea_form(idea_people), csrf_token=token), content_type="multipart/form-data")
    assert response.status_code == 429
    assert "Too many attempts" in page(response)
    assert len(ideas()) == 2
    # the limit is the account's, not the address's: someone else on the same network still may post
    other = client_for(client.application, idea_people["resident"])
    assert post_idea(other, "/ideas/new", idea_form(idea_people)).status_code == 302


def test_previews_and_refused_forms_with_a_photo_count_against_the_posting_limit(client, idea_people, uploads, monkeypatch):
    monkeypatch.setitem(client.application.config, "IDEA_CREATE_LIMIT", "3 per day")
    signed_in(client, idea_people["author"])

    def with_photo(**overrides):
        return idea_form(idea_people, photo=(BytesIO(jpeg_bytes()), "photo.jpg"), **overrides)

    assert post_idea(client, "/ideas/new", with_photo(action="preview")).status_code == 200
    assert post_idea(client, "/ideas/new", with_photo(action="preview")).status_code == 200
    assert post_idea(client, "/ideas/new", with_photo(title="")).status_code == 200  # errors, but the photo was read
    response = post_idea(client, "/ideas/new", with_photo(action="preview"))
    assert response.status_code == 429
    assert "Too many attempts" in page(response)
    assert ideas() == []


def test_previews_with_a_photo_count_against_the_edit_limit_too(client, idea_people, uploads, monkeypatch):
    monkeypatch.setitem(client.application.config, "IDEA_EDIT_LIMIT", "2 per hour")
    idea = idea_of(idea_people, state="draft")
    signed_in(client, idea_people["author"])
    path = f"/ideas/{idea.id}/edit"
    for _ in range(2):
        response = post_idea(client, path, idea_form(idea_people, action="preview", photo=(BytesIO(jpeg_bytes()), "photo.jpg")))
        assert response.status_code == 200
    assert post_idea(client, path, idea_form(idea_people, action="preview")).status_code == 429


def test_edits_are_limited_per_account(client, idea_people, monkeypatch):
    monkeypatch.setitem(client.application.config, "IDEA_EDIT_LIMIT", "2 per hour")
    idea = idea_of(idea_people, state="draft")
    signed_in(client, idea_people["author"])
    path = f"/ideas/{idea.id}/edit"
    for number in range(2):
        assert post_idea(client, path, idea_form(idea_people, title=f"Versija {number}")).status_code == 302
    token = csrf_token(client, path)
    response = client.post(
        path, data=dict(idea_form(idea_people, title="Trešā"), csrf_token=token), content_type="multipart/form-data"
    )
    assert response.status_code == 429
    assert ideas()[0].title == "Versija 1"


# --- query budget ----------------------------------------------------------------------------------------------


def test_the_idea_page_runs_a_fixed_small_number_of_statements(client, idea_people):
    quiet = idea_of(idea_people, state="published", title="Bez atbalsta")
    busy = idea_of(idea_people, state="published", title="Ar atbalstu")
    supporters = [make_user(email=f"supporter{n}@example.com") for n in range(20)]
    for user in supporters:
        make_support(busy, user)
        make_follow(busy, user)
        make_idea_event(busy, "published", user)
    for who in ("anonymous", "resident", "moderator", "author"):
        browser = visitor(client, idea_people, who)
        browser.get("/")  # the first request may renew the session's clock; measure the ones after

        few = statements_of(browser, f"/ideas/{quiet.id}")
        many = statements_of(browser, f"/ideas/{busy.id}")

        assert len(few) == len(many), (who, many)
        assert len(many) <= 7, "\n".join([who, *many])
    assert "20 supporters" in page(client.get(f"/ideas/{busy.id}", headers={"Accept-Language": "en"}))
