"""A new version of the terms or the privacy notice that asks for it is accepted at the next log-in, before anything
else, and then the person goes on to where they were going. Decided at log-in only: no statement on other requests."""

from urllib.parse import parse_qs, quote, urlsplit

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.cli import DEMO_PASSWORD, DEMO_PEOPLE, seed_demo
from app.extensions import db
from app.legal.models import Consent
from tests.factories import PASSWORD, make_user
from tests.factories_legal import make_consent, make_legal_version
from tests.helpers import count, html, log_in, post_form
from tests.statements import recorded_statements


def consents_of(user):
    db.session.expire_all()
    return sorted(db.session.execute(select(Consent.document, Consent.version).where(Consent.user_id == user.id)).all())


def log_in_to(client, email, next_path, password=PASSWORD, **extra):
    """Log in from the log-in page that a protected page sent the person to; the answer (a redirect to next_path)."""
    data = {"email": email, "password": password, "next": next_path, **extra}
    response = post_form(client, "/login", data)
    assert response.status_code == 302 and response.headers["Location"] == next_path
    return response


def is_sent_to_consent(response, next_path=None):
    """A redirect to the acceptance page, which then leads on to next_path (None: to the home page)."""
    location = urlsplit(response.headers.get("Location", ""))
    back = parse_qs(location.query).get("next")
    return response.status_code == 302 and location.path == "/consent" and back == ([next_path] if next_path else None)


@pytest.fixture
def new_terms(ctx):
    """Terms version 2, which asks everyone to accept it."""
    return make_legal_version("terms", 2, asks_consent=True)


@pytest.fixture
def person(ctx):
    """Anna, who accepted the terms and the privacy notice (version 1) when she registered."""
    anna = make_user(email="anna@example.com")
    make_consent(anna, "terms", 1)
    make_consent(anna, "privacy", 1)
    return anna


def test_without_a_version_asking_nobody_is_stopped(client, person):
    make_legal_version("terms", 2, asks_consent=False)
    log_in_to(client, person.email, "/ideas")
    assert client.get("/ideas").status_code == 200


def test_a_new_version_is_accepted_first_and_then_the_person_goes_on(client, person, new_terms):
    log_in_to(client, person.email, "/ideas?kind=social_enterprise")
    response = client.get("/ideas?kind=social_enterprise")
    assert is_sent_to_consent(response, "/ideas?kind=social_enterprise")

    page = html(client.get(response.headers["Location"]))
    assert "Lūdzu, pieņemiet jauno versiju" in page
    assert '<a href="/terms">Noteikumi 2</a>' in page and "2. versija" in page
    assert 'href="/privacy"' in page  # the rights, also how to delete the account
    assert 'value="/ideas?kind=social_enterprise"' in page

    accepted = post_form(client, "/consent", {"next": "/ideas?kind=social_enterprise"}, token_from="/consent")
    assert accepted.status_code == 302 and accepted.headers["Location"] == "/ideas?kind=social_enterprise"
    assert consents_of(person) == [("privacy", 1), ("terms", 1), ("terms", 2)]
    assert client.get("/ideas").status_code == 200
    assert client.get("/me").status_code == 200


def test_every_page_leads_to_the_acceptance_but_reading_and_leaving_do_not(client, person, new_terms):
    log_in(client, person.email)
    for path in ("/", "/me", "/me/profile", "/ideas/new", "/activities"):
        assert is_sent_to_consent(client.get(path), path), path
    # a form sent meanwhile changes nothing and leads to the acceptance (without a way back into the form)
    assert is_sent_to_consent(post_form(client, "/me/profile", {"display_name": "Cits vārds"}, token_from="/consent"))
    assert db.session.get(User, person.id).display_name == person.display_name
    for path in ("/terms", "/privacy", "/cookies", "/contact", "/accessibility", "/static/css/kopiena.css", "/healthz"):
        assert client.get(path).status_code == 200, path
    assert client.get("/no-such-page").status_code == 404
    switched = post_form(client, "/language", {"language": "en", "next": "/terms"}, token_from="/consent")
    assert switched.headers["Location"] == "/terms"
    out = post_form(client, "/logout", token_from="/consent")
    assert out.status_code == 302 and out.headers["Location"] == "/"
    assert client.get("/ideas").status_code == 200  # a visitor now
    assert consents_of(person) == [("privacy", 1), ("terms", 1)]


def test_the_next_log_in_asks_again_until_it_is_accepted(client, person, new_terms):
    log_in(client, person.email)
    post_form(client, "/logout", token_from="/consent")
    log_in(client, person.email)
    assert is_sent_to_consent(client.get("/me"), "/me")


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", ""])
def test_after_accepting_only_a_local_next_is_followed(client, person, new_terms, target):
    log_in(client, person.email)
    if target:
        assert f'value="{target}"' not in html(client.get(f"/consent?next={quote(target)}"))  # not even carried on
    response = post_form(client, "/consent", {"next": target}, token_from="/consent")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert ("terms", 2) in consents_of(person)


def test_accepting_twice_records_it_once(client, person, new_terms):
    log_in(client, person.email)
    post_form(client, "/consent", {"next": "/me"}, token_from="/consent")
    again = post_form(client, "/consent", {"next": "/me"}, token_from="/")
    assert again.status_code == 302 and again.headers["Location"] == "/me"
    assert consents_of(person).count(("terms", 2)) == 1


def test_the_consent_page_needs_a_log_in_and_without_anything_due_leads_on(client, person):
    response = client.get("/consent")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    log_in(client, person.email)
    response = client.get("/consent?next=/me")
    assert response.status_code == 302 and response.headers["Location"] == "/me"
    post_form(client, "/consent", {"next": "/me"}, token_from="/")
    assert consents_of(person) == [("privacy", 1), ("terms", 1)]  # nothing to accept, nothing recorded


@pytest.mark.parametrize(
    ("accepted", "asked"),
    [
        ([], True),  # an account older than the acceptance step
        ([("terms", 1)], True),
        ([("terms", 2)], False),
        ([("terms", 3)], False),
    ],
)
def test_who_is_asked(client, accepted, asked):
    make_legal_version("terms", 2, asks_consent=True)
    make_legal_version("terms", 3, asks_consent=False, store_default=False)  # a small correction, asking nobody
    someone = make_user(email="someone@example.com")
    for document, version in accepted:
        make_consent(someone, document, version)
    log_in(client, someone.email)
    assert is_sent_to_consent(client.get("/me"), "/me") is asked
    if asked:
        post_form(client, "/consent", {"next": "/me"}, token_from="/consent")
        assert ("terms", 3) in consents_of(someone)  # the version now shown is the one accepted


def test_both_documents_asking_are_accepted_together(client, person, new_terms):
    make_legal_version("privacy", 2, asks_consent=True)
    log_in(client, person.email)
    page = html(client.get("/consent"))
    assert 'href="/terms"' in page and 'href="/privacy"' in page
    post_form(client, "/consent", {}, token_from="/consent")
    assert consents_of(person) == [("privacy", 1), ("privacy", 2), ("terms", 1), ("terms", 2)]


def test_a_version_published_during_a_session_waits_for_the_next_log_in(client, person):
    log_in(client, person.email)
    make_legal_version("terms", 2, asks_consent=True)
    assert client.get("/me").status_code == 200


def test_a_log_in_by_the_remember_me_cookie_is_asked_too(ctx, client, person, new_terms):
    log_in(client, person.email, remember=True)
    browser_reopened = ctx.test_client()
    browser_reopened.set_cookie("kopiena_remember", client.get_cookie("kopiena_remember").value, domain="localhost")
    assert is_sent_to_consent(browser_reopened.get("/me"), "/me")


def test_signed_in_pages_ask_nothing_about_consents_after_the_log_in(client, person, new_terms):
    make_consent(person, "terms", 2)
    log_in(client, person.email)
    with recorded_statements(requests_only=True) as statements:
        assert client.get("/me").status_code == 200
        assert client.get("/ideas").status_code == 200
    assert not [s for s in statements if "consents" in s or "legal_documents" in s]


def test_the_demo_people_have_accepted_the_current_versions_and_are_not_stopped(client):
    make_legal_version("privacy", 2, asks_consent=True)
    seed_demo()
    db.session.expire_all()
    demo = db.session.scalars(select(User).where(User.email.in_([row[0] for row in DEMO_PEOPLE]))).all()
    assert len(demo) == len(DEMO_PEOPLE)
    for user in demo:
        assert consents_of(user) == [("privacy", 2), ("terms", 1)]
    log_in(client, "anna@kopiena.example", DEMO_PASSWORD)
    assert client.get("/me").status_code == 200
    seed_demo()  # again: nothing twice
    assert count(Consent) == 2 * len(DEMO_PEOPLE)
