"""Links in mail are built on BASE_URL, never on the Host a request names.

Otherwise whoever asks for a reset of someone else's account with `Host: evil.example` (or with
`X-Forwarded-Host: evil.example` through the proxy) gets the owner's reset token at their own server
as soon as the owner clicks the link in the genuine mail.
"""

import re

import pytest

from app import create_app
from app.extensions import db
from tests.conftest import IsolatedClient
from tests.databases import fresh_database
from tests.factories import PASSWORD, make_user
from tests.helpers import log_in, post_form, queued_mail

# Requests commit through their own connections to this module's own databases.
pytestmark = pytest.mark.real_commits

BASE_URL = "https://kopiena.example.lv"
EVIL = "evil.example"
LINK = re.compile(r"[a-z][a-z0-9+.-]*://\S+")
NEW_PASSWORD = "violet kayak under the bridge"


class HostHeaderClient(IsolatedClient):
    """Every request names evil.example in its Host header."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", f"http://{EVIL}")
        return super().open(*args, **kwargs)


class ForwardedHostClient(IsolatedClient):
    """Every request names evil.example in X-Forwarded-Host, as if the proxy had passed it on."""

    def open(self, *args, **kwargs):
        kwargs["headers"] = {**dict(kwargs.get("headers") or {}), "X-Forwarded-Host": EVIL}
        return super().open(*args, **kwargs)


@pytest.fixture(params=["Host", "X-Forwarded-Host"])
def attacker(request, tmp_path):
    """A client on an app of its own (its own database; behind one proxy for X-Forwarded-Host)."""
    proxied = request.param == "X-Forwarded-Host"
    with fresh_database("sqlite", tmp_path) as url:
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "BASE_URL": BASE_URL, "PROXY_COUNT": 1 if proxied else 0})
        app.test_client_class = ForwardedHostClient if proxied else HostHeaderClient
        with app.app_context():
            db.create_all()
            yield app.test_client()
            db.session.remove()
            db.engine.dispose()


def assert_links_on_base_url_only(message):
    links = LINK.findall(message.body)
    assert links, message.body
    assert all(link.startswith(BASE_URL + "/") for link in links), links
    assert EVIL not in message.body


def register(client, email):
    return post_form(
        client,
        "/register",
        {
            "display_name": "Jānis Kalns",
            "email": email,
            "password": NEW_PASSWORD,
            "language": "lv",
            "is_16_or_older": "y",
            "accept_terms": "y",
        },
    )


def test_reset_mail(attacker):
    make_user(email="anna@example.com")
    assert post_form(attacker, "/reset-password", {"email": "anna@example.com"}).status_code == 200
    [mail] = queued_mail("anna@example.com")
    assert "/reset-password/" in mail.body
    assert_links_on_base_url_only(mail)


def test_confirmation_mail(attacker):
    assert register(attacker, "janis@example.com").status_code == 200
    [mail] = queued_mail("janis@example.com")
    assert "/confirm/" in mail.body
    assert_links_on_base_url_only(mail)


def test_account_exists_mail(attacker):
    make_user(email="anna@example.com")
    assert register(attacker, "anna@example.com").status_code == 200
    [mail] = queued_mail("anna@example.com")
    assert "/login" in mail.body and "/reset-password" in mail.body
    assert_links_on_base_url_only(mail)


def test_email_change_mails(attacker):
    make_user(email="anna@example.com")
    db.session.commit()
    log_in(attacker, "anna@example.com")
    response = post_form(
        attacker, "/me/email", {"new_email": "new.anna@example.com", "current_password": PASSWORD}, token_from="/me/security"
    )
    assert response.status_code == 302
    [confirmation] = queued_mail("new.anna@example.com")
    assert "/me/email/confirm/" in confirmation.body
    assert_links_on_base_url_only(confirmation)

    path = confirmation.body.split(BASE_URL, 1)[1].split()[0]
    assert post_form(attacker, path, token_from=path).status_code == 302
    [notice] = queued_mail("anna@example.com")  # to the old address: "your address was changed"
    assert_links_on_base_url_only(notice)


def test_password_changed_mail(attacker):
    make_user(email="anna@example.com")
    db.session.commit()
    log_in(attacker, "anna@example.com")
    response = post_form(
        attacker, "/me/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}, token_from="/me/security"
    )
    assert response.status_code == 302
    [notice] = queued_mail("anna@example.com")
    assert_links_on_base_url_only(notice)
