"""The idea form never loses work: a photo sent with a form that shows an error is kept (pending, in the session)
and saved with the idea on the corrected submit; an address alone is a place; one map number alone gets a message."""

import os
import re
from io import BytesIO

from app.ideas import pending
from tests.helpers import client_for, log_in
from tests.routes.test_ideas_routes import field_error, idea_form, idea_of, idea_people, ideas, jpeg_bytes, page, post_idea

__all__ = ["idea_people"]  # the fixture, used by name


def kept_name(client):
    """The stored name of the photo the client's session keeps."""
    with client.session_transaction() as state:
        return state[pending.SESSION_KEY]["name"]


def test_a_photo_sent_with_an_error_is_kept_and_saved_with_the_corrected_idea(client, idea_people, uploads):
    log_in(client, idea_people["author"].email)
    data = idea_form(idea_people, title="", photo=(BytesIO(jpeg_bytes()), "soliņi.jpg"))

    response = post_idea(client, "/ideas/new", data)

    text = page(response)
    assert response.status_code == 200 and field_error(text, "title") == "Please give the idea a title."
    assert "Photo kept:" in text and "soliņi.jpg" in text and "(choose another to replace it, or remove)" in text
    assert 'src="/ideas/kept-photo?form=new"' in text and 'name="pending' not in text  # the name is in the session only
    name = kept_name(client)
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", name) and os.listdir(uploads) == [name]
    thumbnail = client.get("/ideas/kept-photo?form=new")
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/jpeg"

    response = post_idea(client, "/ideas/new", idea_form(idea_people))  # corrected, no photo chosen again

    assert response.status_code == 302
    [idea] = ideas()
    assert idea.image_name == name and os.listdir(uploads) == [name]
    assert client.get(f"/ideas/{idea.id}/photo").status_code == 200
    assert client.get("/ideas/kept-photo?form=new").status_code == 404  # no longer pending
    post_idea(client, "/ideas/new", idea_form(idea_people, title="Cits"))
    assert ideas()[1].image_name is None  # the next idea does not get it again


def test_a_new_kept_photo_replaces_the_old_one_and_remove_drops_it(client, idea_people, uploads):
    log_in(client, idea_people["author"].email)
    post_idea(client, "/ideas/new", idea_form(idea_people, title="", photo=(BytesIO(jpeg_bytes()), "a.jpg")))
    first = kept_name(client)
    post_idea(client, "/ideas/new", idea_form(idea_people, title="", photo=(BytesIO(jpeg_bytes(colour=(9, 9, 9))), "b.jpg")))
    second = kept_name(client)
    assert first != second and os.listdir(uploads) == [second]  # the old pending photo is deleted

    response = post_idea(client, "/ideas/new", idea_form(idea_people, discard_pending="y"))

    assert response.status_code == 302 and ideas()[0].image_name is None and os.listdir(uploads) == []


def test_the_edit_form_keeps_a_photo_too(client, idea_people, uploads):
    idea = idea_of(idea_people, "draft")
    log_in(client, idea_people["author"].email)
    path = f"/ideas/{idea.id}/edit"
    response = post_idea(client, path, idea_form(idea_people, summary="", photo=(BytesIO(jpeg_bytes()), "park.jpg")))
    assert "Photo kept:" in page(response) and f'src="/ideas/kept-photo?form={idea.id}"' in page(response)
    name = kept_name(client)

    assert post_idea(client, path, idea_form(idea_people)).status_code == 302
    assert ideas()[0].image_name == name


def test_another_persons_session_cannot_use_the_pending_photo(client, idea_people, uploads):
    log_in(client, idea_people["author"].email)
    post_idea(client, "/ideas/new", idea_form(idea_people, title="", photo=(BytesIO(jpeg_bytes()), "a.jpg")))
    name = kept_name(client)
    other = client_for(client.application, idea_people["resident"])
    data = idea_form(idea_people, centre=str(idea_people["centre"].id))
    data["pending_photo"] = data["image_name"] = name  # a forged field is ignored

    assert other.get("/ideas/kept-photo?form=new").status_code == 404
    assert post_idea(other, "/ideas/new", data).status_code == 302
    assert ideas()[0].image_name is None and os.listdir(uploads) == [name]

    # a session that still holds the author's pending photo (the same browser, another person logged in): not theirs
    with other.session_transaction() as state:
        state[pending.SESSION_KEY] = {"name": name, "file": "a.jpg", "user": idea_people["author"].id, "form": "new"}
    assert other.get("/ideas/kept-photo?form=new").status_code == 404
    assert post_idea(other, "/ideas/new", idea_form(idea_people, title="Otra")).status_code == 302
    assert ideas()[1].image_name is None and os.listdir(uploads) == [name]


def test_an_address_alone_is_enough(client, idea_people):
    log_in(client, idea_people["author"].email)
    page_text = page(client.get("/ideas/new"))
    assert "Exact spot on the map (optional)" in page_text and "Latitude" not in page_text

    response = post_idea(client, "/ideas/new", idea_form(idea_people, place="Tirgus iela 1, Preiļi", latitude="", longitude=""))

    assert response.status_code == 302
    [idea] = ideas()
    assert (idea.place, idea.latitude, idea.longitude) == ("Tirgus iela 1, Preiļi", None, None)


def test_one_map_number_alone_gets_a_message_next_to_the_other(client, idea_people):
    log_in(client, idea_people["author"].email)

    response = post_idea(client, "/ideas/new", idea_form(idea_people, latitude="", longitude="26.7246"))

    assert response.status_code == 200
    assert field_error(page(response), "latitude") == "Please give both numbers of the map position, or leave both empty."
    assert 'value="26.7246"' in page(response) and ideas() == []
