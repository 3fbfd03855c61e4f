"""/unsubscribe/<token>: a GET only shows a button (mail scanners open links), a POST turns that kind of mail off
without a login or a CSRF token (RFC 8058 one-click), and a token not made by the site is a 404, never a 500."""

import pytest
from itsdangerous import URLSafeSerializer

from app.extensions import db
from app.notifications import unsubscribing
from app.notifications.models import EmailFrequency
from app.notifications.services import update_settings
from tests.factories import make_user
from tests.helpers import html, post_form


@pytest.fixture
def person(ctx):
    person = make_user(email="ilze@example.com", language="lv")
    update_settings(person, EmailFrequency.IMMEDIATELY, EmailFrequency.DAILY)
    db.session.commit()
    return person


def path_for(person, kind):
    return "/unsubscribe/" + unsubscribing.serializer().dumps([person.id, kind])


def settings_of(person):
    db.session.refresh(person)
    return person.email_own_ideas, person.email_other


def test_a_get_only_shows_a_button(client, person):
    path = path_for(person, unsubscribing.OWN_IDEAS)

    response = client.get(path)

    assert response.status_code == 200
    assert '<form method="post">' in html(response) and 'name="csrf_token"' in html(response)
    assert settings_of(person) == (EmailFrequency.IMMEDIATELY, EmailFrequency.DAILY)


def test_the_button_turns_that_mail_off(client, person):
    path = path_for(person, unsubscribing.OWN_IDEAS)

    response = post_form(client, path, token_from=path)

    assert response.status_code == 200
    assert "/me/notifications/settings" in html(response)
    assert settings_of(person) == (EmailFrequency.OFF, EmailFrequency.DAILY)


def test_one_click_needs_no_login_and_no_csrf_token(client, person):
    response = client.post(path_for(person, unsubscribing.OTHER), data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert settings_of(person) == (EmailFrequency.IMMEDIATELY, EmailFrequency.OFF)


def test_the_digest_link_turns_off_what_comes_once_a_day(client, person):
    client.post(path_for(person, unsubscribing.DIGEST))

    assert settings_of(person) == (EmailFrequency.IMMEDIATELY, EmailFrequency.OFF)


def test_the_page_is_in_latvian_and_english(client, person):
    path = path_for(person, unsubscribing.DIGEST)
    assert "Vairs nesūtīt šos e-pastus" in html(client.get(path, headers={"Accept-Language": "lv"}))
    client.set_cookie("language", "en")
    assert "Stop these e-mails" in html(client.get(path, headers={"Accept-Language": "en"}))


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "a" * 5000,
        "x%00y",
        "WzEsIm93biJd.forged",
        URLSafeSerializer("another key", salt=unsubscribing.SALT).dumps([1, "own"]),
    ],
)
def test_a_token_not_made_here_is_a_404(client, person, token):
    for method in (client.get, client.post):
        response = method(f"/unsubscribe/{token}")
        assert response.status_code == 404
    assert settings_of(person) == (EmailFrequency.IMMEDIATELY, EmailFrequency.DAILY)


@pytest.mark.parametrize("payload", [[1, "everything"], ["1", "own"], [2**70, "own"], [-1, "own"], {"u": 1}, [1, "own", 2]])
def test_a_signed_token_with_something_else_inside_is_a_404(client, person, payload):
    token = unsubscribing.serializer().dumps(payload)
    assert client.post(f"/unsubscribe/{token}").status_code == 404


def test_the_token_of_a_deleted_account_is_a_404(client, person):
    path = path_for(person, unsubscribing.OWN_IDEAS)
    db.session.delete(person)
    db.session.commit()

    assert client.post(path).status_code == 404
