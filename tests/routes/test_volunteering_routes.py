"""Volunteering pages: the roles on an idea's page, adding/editing/removing roles, applying (a double-submitted
form makes one sign-up), accepting and declining, withdrawing, my sign-ups, and who gets 403/404."""

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.volunteering.models import SignUp, VolunteerRole
from tests.factories import make_idea, make_role, make_signup, make_user
from tests.helpers import csrf_token, log_in, post_form, signed_in

EN = {"Accept-Language": "en"}


@pytest.fixture
def idea_with_role(preili):
    """A published idea of Preiļi with a volunteer role of 5 places, its author, a volunteer, the centre's moderator
    and a resident."""
    author = make_user(email="author@example.com", display_name="Anna Autore", language="en")
    idea = make_idea(author=author, centre=preili, state="published", title="Puķu podi dienas centram")
    role = make_role(idea=idea, name="Podu apgleznotājs", description="Krāsojam podus.", skills="Otas", places=5)
    return {
        "centre": preili,
        "author": author,
        "idea": idea,
        "role": role,
        "volunteer": make_user(email="volunteer@example.com", display_name="Valdis Palīgs", language="en"),
        "moderator": make_user(email="mod@example.com", display_name="Dace", moderates=[preili]),
        "resident": make_user(email="resident@example.com", display_name="Līga"),
    }


def text(response):
    return response.get_data(as_text=True)


def signups():
    db.session.expire_all()
    return db.session.scalars(select(SignUp).order_by(SignUp.id)).all()


def test_the_idea_page_shows_the_roles_and_the_form(client, idea_with_role):
    idea, role = idea_with_role["idea"], idea_with_role["role"]
    page = text(client.get(f"/ideas/{idea.id}", headers=EN))
    assert "Volunteers wanted" in page and "Podu apgleznotājs" in page and "5 of 5 places free" in page
    assert "Log in to offer your help" in page
    signed_in(client, idea_with_role["volunteer"])
    page = text(client.get(f"/ideas/{idea.id}", headers=EN))
    assert f'action="/roles/{role.id}/apply"' in page and "I want to help" in page
    assert "/roles/new" not in page  # not the author's page


def test_apply_accept_and_withdraw_through_the_pages(client, idea_with_role):
    idea, role = idea_with_role["idea"], idea_with_role["role"]
    signed_in(client, idea_with_role["volunteer"])
    response = post_form(client, f"/roles/{role.id}/apply", {"message": "Man patīk zīmēt."}, token_from=f"/ideas/{idea.id}")
    assert response.status_code == 302
    [signup] = signups()
    assert (signup.state, signup.message) == ("applied", "Man patīk zīmēt.")
    page = text(client.get(f"/ideas/{idea.id}", headers=EN))
    assert "Waiting for an answer" in page and "Withdraw" in page
    assert "Puķu podi dienas centram" in text(client.get("/me/signups", headers=EN))

    author = client.application.test_client()
    log_in(author, idea_with_role["author"].email)
    page = text(author.get(f"/roles/{role.id}/signups", headers=EN))
    assert "Valdis Palīgs" in page and "Man patīk zīmēt." in page and "volunteer@example.com" not in page
    assert post_form(author, f"/signups/{signup.id}/accept", token_from=f"/roles/{role.id}/signups").status_code == 302
    assert signups()[0].state == "accepted"
    assert "4 of 5 places free" in text(client.get(f"/ideas/{idea.id}", headers=EN))

    assert post_form(client, f"/signups/{signup.id}/withdraw", token_from="/me/signups").status_code == 302
    assert signups()[0].state == "withdrawn"
    db.session.expire_all()
    assert db.session.get(VolunteerRole, role.id).accepted_count == 0


def test_a_double_submitted_form_makes_one_sign_up(client, idea_with_role):
    role = idea_with_role["role"]
    signed_in(client, idea_with_role["volunteer"])
    token = csrf_token(client, f"/ideas/{idea_with_role['idea'].id}")
    first = client.post(f"/roles/{role.id}/apply", data={"csrf_token": token, "message": ""})
    second = client.post(
        f"/roles/{role.id}/apply",
        data={"csrf_token": token, "message": ""},
        headers={"Referer": f"http://localhost/ideas/{idea_with_role['idea'].id}"},
    )
    assert (first.status_code, second.status_code) == (302, 302)
    assert len(signups()) == 1
    assert "That was already done." in text(client.get(second.headers["Location"], headers=EN))


def test_a_full_role_refuses_the_acceptance_without_a_500(client, idea_with_role):
    role = idea_with_role["role"]
    role.places, role.accepted_count = 1, 1
    make_signup(role, idea_with_role["volunteer"], "applied")
    [signup] = signups()
    signed_in(client, idea_with_role["author"])
    response = post_form(
        client,
        f"/signups/{signup.id}/accept",
        token_from=f"/roles/{role.id}/signups",
        headers={"Referer": f"http://localhost/roles/{role.id}/signups"},
    )
    assert response.status_code == 302
    assert "All places of this role are taken" in text(client.get(response.headers["Location"], headers=EN))
    assert signups()[0].state == "applied"


def test_the_author_adds_edits_and_removes_a_role(client, idea_with_role):
    idea = idea_with_role["idea"]
    signed_in(client, idea_with_role["author"])
    assert "Add a role" in text(client.get(f"/ideas/{idea.id}", headers=EN))
    form = {
        "name": "",
        "description": "Nesam galdus.",
        "places": "0",
        "starts_at": "2026-12-05T10:00",
        "ends_at": "2026-12-05T09:00",
    }
    response = post_form(client, f"/ideas/{idea.id}/roles/new", form, token_from=f"/ideas/{idea.id}/roles/new", headers=EN)
    page = text(response)
    assert response.status_code == 200
    assert "Please name the role." in page and "The shift must end after it starts." in page
    assert "Please give a number from 1 to 500." in page and "Nesam galdus." in page  # the text is kept
    form.update(name="Galdu nesējs", places="2", ends_at="2026-12-05T13:00", auto_accept="y")
    assert post_form(client, f"/ideas/{idea.id}/roles/new", form, token_from=f"/ideas/{idea.id}/roles/new").status_code == 302
    role = db.session.scalar(select(VolunteerRole).where(VolunteerRole.name == "Galdu nesējs"))
    assert role.auto_accept and role.places == 2
    assert role.starts_at.hour == 8  # 10:00 in Riga (UTC+2 in December) is stored as 08:00 UTC
    assert 'value="2026-12-05T10:00"' in text(client.get(f"/roles/{role.id}/edit"))
    assert (
        post_form(
            client, f"/roles/{role.id}/edit", dict(form, name="Galdu nesēji", places="3"), token_from=f"/roles/{role.id}/edit"
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(VolunteerRole, role.id).name == "Galdu nesēji"
    assert post_form(client, f"/roles/{role.id}/delete", token_from=f"/ideas/{idea.id}").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(VolunteerRole)) == 1


@pytest.mark.parametrize("who", ["resident", "volunteer"])
def test_others_may_not_manage_roles(client, idea_with_role, who):
    idea, role = idea_with_role["idea"], idea_with_role["role"]
    signed_in(client, idea_with_role[who])
    assert client.get(f"/ideas/{idea.id}/roles/new").status_code == 403
    assert client.get(f"/roles/{role.id}/edit").status_code == 403
    assert client.get(f"/roles/{role.id}/signups").status_code == 403
    token = csrf_token(client, f"/ideas/{idea.id}")
    assert client.post(f"/roles/{role.id}/delete", data={"csrf_token": token}).status_code == 403
    make_signup(role, idea_with_role["resident"], "applied")
    [signup] = signups()
    assert client.post(f"/signups/{signup.id}/accept", data={"csrf_token": token}).status_code == 403
    assert signups()[0].state == "applied"


def test_a_moderator_of_the_centre_manages_roles(client, idea_with_role):
    signed_in(client, idea_with_role["moderator"])
    assert client.get(f"/roles/{idea_with_role['role'].id}/signups").status_code == 200
    assert client.get(f"/ideas/{idea_with_role['idea'].id}/roles/new").status_code == 200


def test_the_author_cannot_volunteer_for_their_own_idea(client, idea_with_role):
    signed_in(client, idea_with_role["author"])
    assert "I want to help" not in text(client.get(f"/ideas/{idea_with_role['idea'].id}", headers=EN))
    response = post_form(client, f"/roles/{idea_with_role['role'].id}/apply", token_from=f"/ideas/{idea_with_role['idea'].id}")
    assert response.status_code == 403
    assert signups() == []


def test_roles_of_a_draft_are_not_found(client, idea_with_role):
    draft = make_idea(author=idea_with_role["author"], centre=idea_with_role["centre"], state="draft")
    role = make_role(idea=draft, name="Slepena", places=1)
    signed_in(client, idea_with_role["volunteer"])
    assert client.get(f"/roles/{role.id}/signups").status_code == 404
    assert client.get(f"/roles/{role.id}/edit").status_code == 404
    assert client.get(f"/ideas/{draft.id}/roles/new").status_code == 404
    assert post_form(client, f"/roles/{role.id}/apply", token_from="/me/signups").status_code == 404
    assert client.get("/roles/9999/signups").status_code == 404


def test_state_changes_need_post_and_csrf(client, idea_with_role):
    role = idea_with_role["role"]
    signed_in(client, idea_with_role["volunteer"])
    assert client.get(f"/roles/{role.id}/apply").status_code == 405
    assert client.post(f"/roles/{role.id}/apply", data={"message": "bez žetona"}).status_code == 400
    assert signups() == []


def test_pages_need_login(client, idea_with_role):
    for path in ("/me/signups", f"/roles/{idea_with_role['role'].id}/signups", f"/ideas/{idea_with_role['idea'].id}/roles/new"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_too_long_message_is_shown_next_to_the_field_with_the_text_kept(client, idea_with_role):
    signed_in(client, idea_with_role["volunteer"])
    message = "Ļoti gara ziņa. " * 100
    response = post_form(
        client,
        f"/roles/{idea_with_role['role'].id}/apply",
        {"message": message},
        token_from=f"/ideas/{idea_with_role['idea'].id}",
        headers=EN,
    )
    assert response.status_code == 200
    page = text(response)
    assert "Please keep the message under 1000 characters." in page
    assert re.search(r'aria-invalid="true"', page) and "Ļoti gara ziņa." in page
    assert signups() == []
