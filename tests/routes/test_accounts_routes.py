"""Accounts through the test client, as a person or an attacker sees them."""

import json
import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from urllib.parse import quote

import pytest
from flask_babel import force_locale, gettext
from itsdangerous import URLSafeTimedSerializer
from markupsafe import escape
from sqlalchemy import select

from app.accounts.models import PasswordResetToken, User, UserSession
from app.accounts.passwords import verify_password
from app.audit.models import AuditEntry
from app.extensions import db
from app.i18n import LANGUAGE_COOKIE
from app.timeutil import utcnow
from tests.apps import another_app
from tests.factories import PASSWORD, make_centre, make_user
from tests.helpers import audit_entries, count, link_in, log_in, post_form, queued_mail, set_idle_clock
from tests.statements import recorded_statements

NEW_PASSWORD = "violet kayak under the bridge"
WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.I)
VOLATILE = [re.compile(r'(name="csrf_token" type="hidden" value=")[^"]*'), re.compile(r'(nonce=")[^"]*')]


def say(msgid, language="lv", html=True, **params):
    """The text the app shows for msgid in a language (escaped as in a page)."""
    with force_locale(language):
        text = gettext(msgid, **params)
    return str(escape(text)) if html else text


def comparable(response, *emails):
    """A page's HTML without what differs on every request (CSRF tokens), with the e-mails blanked."""
    body = response.get_data(as_text=True)
    for pattern in VOLATILE:
        body = pattern.sub(r"\1", body)
    for email in emails:
        body = body.replace(str(escape(email)), "EMAIL")
    return body


def page(response):
    return response.get_data(as_text=True)


def fetch_user(email):
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def is_sent_to_login(response):
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def register(client, email="janis@example.com", name="Jānis Kalns", password=NEW_PASSWORD, language="lv", **extra):
    # the age and the acceptance of the terms are asked too (tests/routes/test_registration_age.py)
    fields = {"display_name": name, "email": email, "password": password, "language": language}
    return post_form(client, "/register", {**fields, "is_16_or_older": "y", "accept_terms": "y", **extra})


def attempt_login(client, email, password, **kwargs):
    return post_form(client, "/login", {"email": email, "password": password}, **kwargs)


def logged_in_client(ctx, email, remember=False):
    other = ctx.test_client()
    log_in(other, email, remember=remember)
    return other


# --- registration -----------------------------------------------------------------------------


def test_register_creates_an_unconfirmed_user_and_mails_a_confirmation_link(client):
    response = register(client)
    assert response.status_code == 200
    assert say("Check your e-mail") in page(response)
    person = fetch_user("janis@example.com")
    assert person.display_name == "Jānis Kalns" and not person.is_confirmed
    assert person.password_hash.startswith("scrypt:")
    [message] = queued_mail("janis@example.com")
    assert link_in(message, "/confirm/")


def test_register_stores_the_email_lower_cased(client):
    register(client, email="Janis.Kalns@Example.COM")
    assert fetch_user("janis.kalns@example.com") is not None
    assert [m.recipient for m in queued_mail()] == ["janis.kalns@example.com"]


@pytest.mark.parametrize(
    "password, message",
    [
        ("too short", "Use at least %(count)s characters. A few words in a row are easy to remember."),
        ("password1234", "This password is one of the most common ones. Choose something less predictable."),
        ("janis.kalns123", "This password is too similar to your name or e-mail address."),
    ],
)
def test_register_shows_the_password_error_next_to_the_field_and_keeps_the_input(client, password, message):
    response = register(client, email="janis.kalns@example.com", name="Jānis Kalns", password=password)
    html = page(response)
    assert response.status_code == 200
    error = re.search(r'<p class="field__error" id="password-error">(.*?)</p>', html, re.S)
    assert error and say(message, count=12) in error.group(1)
    assert 'aria-describedby="password-hint password-error"' in html
    assert 'value="Jānis Kalns"' in html and 'value="janis.kalns@example.com"' in html
    assert password not in html  # a password is never sent back
    assert count(User) == 0 and queued_mail() == []


def test_register_refuses_a_malformed_email_next_to_the_field(client):
    response = register(client, email="not-an-email")
    assert 'id="email-error"' in page(response)
    assert count(User) == 0


def test_register_refuses_line_breaks_in_the_name(client):
    response = register(client, name="Jānis\r\nBcc: victim@example.com")
    html = page(response)
    assert 'id="display_name-error"' in html
    assert say("Please write this on one line.") in html
    assert count(User) == 0 and queued_mail() == []


def test_register_with_a_taken_email_looks_the_same_and_mails_the_owner(ctx, client, user):
    new = register(client, email="janis@example.com")
    taken = register(ctx.test_client(), email="anna@example.com")
    assert taken.status_code == new.status_code == 200
    assert comparable(taken, "anna@example.com") == comparable(new, "janis@example.com")
    assert count(User) == 2  # Anna and Jānis, no second Anna
    [to_owner] = queued_mail("anna@example.com")
    assert "/confirm/" not in to_owner.body and "/reset-password" in to_owner.body
    assert fetch_user("anna@example.com").password_hash == user.password_hash


def test_with_one_active_centre_registration_has_no_picker_and_assigns_it(client):
    centre = make_centre()
    make_centre(is_active=False)
    assert 'id="home_centre"' not in page(client.get("/register"))
    register(client)
    assert fetch_user("janis@example.com").home_centre_id == centre.id


def test_with_several_centres_registration_shows_the_picker_and_saves_the_choice(client):
    make_centre(name="Aglonas centrs")
    chosen = make_centre(name="Preiļu centrs")
    assert 'id="home_centre"' in page(client.get("/register"))
    register(client, home_centre=chosen.id)
    assert fetch_user("janis@example.com").home_centre_id == chosen.id


def test_registration_cannot_pick_a_closed_centre(client):
    make_centre()
    make_centre()
    closed = make_centre(is_active=False)
    response = register(client, home_centre=closed.id)
    assert 'id="home_centre-error"' in page(response)
    assert count(User) == 0


def test_register_page_while_logged_in_goes_home(logged_in):
    response = logged_in.get("/register")
    assert response.status_code == 302 and response.headers["Location"] == "/"


# --- confirmation -----------------------------------------------------------------------------


@pytest.fixture
def confirm_path(client):
    register(client)
    return link_in(queued_mail("janis@example.com")[0], "/confirm/")


def test_opening_a_confirmation_link_changes_nothing(client, confirm_path):
    response = client.get(confirm_path)
    assert response.status_code == 200
    assert say("Confirm my e-mail address") in page(response)
    assert not fetch_user("janis@example.com").is_confirmed


def test_pressing_confirm_confirms_and_the_person_can_log_in(client, confirm_path):
    response = post_form(client, confirm_path, token_from=confirm_path)
    assert is_sent_to_login(response)
    assert fetch_user("janis@example.com").is_confirmed
    log_in(client, "janis@example.com", NEW_PASSWORD)
    assert client.get("/me").status_code == 200


def test_confirming_without_a_csrf_token_changes_nothing(client, confirm_path):
    response = client.post(confirm_path)
    assert response.status_code == 400
    assert not fetch_user("janis@example.com").is_confirmed


@pytest.mark.parametrize(
    "mangle",
    [lambda path: path[:-4] + ("AAAA" if not path.endswith("AAAA") else "BBBB"), lambda path: "/confirm/garbage"],
    ids=["tampered", "garbage"],
)
def test_a_broken_confirmation_link_answers_400_and_says_so(client, confirm_path, mangle):
    for response in (client.get(mangle(confirm_path)), post_form(client, mangle(confirm_path))):
        assert response.status_code == 400
        assert say("This link does not work") in page(response)
    assert not fetch_user("janis@example.com").is_confirmed


def readable_in(path):
    """What anyone holding a link can read from its token without the key (itsdangerous signs, it does not encrypt)."""
    _signed, payload = URLSafeTimedSerializer("not the key").loads_unsafe(path.rstrip("/").rsplit("/", 1)[1])
    return json.dumps(payload)


def test_a_confirmation_link_does_not_carry_the_address(client, confirm_path):
    readable = readable_in(confirm_path)
    assert "janis" not in readable and "example.com" not in readable


def test_a_confirmation_link_stops_working_once_the_address_changed(client, confirm_path):
    fetch_user("janis@example.com").email = "janis.kalns@example.com"
    db.session.commit()
    assert client.get(confirm_path).status_code == 400
    assert post_form(client, confirm_path).status_code == 400
    assert not fetch_user("janis.kalns@example.com").is_confirmed


def test_an_unconfirmed_person_cannot_log_in_and_is_told_to_confirm(client):
    make_user(email="new@example.com", confirmed=False)
    response = attempt_login(client, "new@example.com", PASSWORD)
    assert response.status_code == 200
    assert say("Please confirm your e-mail address first: follow the link we sent you.") in page(response)
    assert 'href="/confirm"' in page(response)
    assert is_sent_to_login(client.get("/me"))
    assert count(UserSession) == 0


def test_resending_the_confirmation_answers_the_same_for_known_and_unknown_emails(ctx, client):
    make_user(email="new@example.com", confirmed=False)
    known = post_form(client, "/confirm", {"email": "new@example.com"})
    unknown = post_form(ctx.test_client(), "/confirm", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert comparable(known, "new@example.com") == comparable(unknown, "nobody@example.com")
    assert [m.recipient for m in queued_mail()] == ["new@example.com"]
    assert link_in(queued_mail()[0], "/confirm/")


# --- log-in -----------------------------------------------------------------------------------


def test_wrong_password_and_unknown_email_answer_alike(ctx, client, user):
    wrong = attempt_login(client, "anna@example.com", "not the right password")
    unknown = attempt_login(ctx.test_client(), "nobody@example.com", "not the right password")
    assert wrong.status_code == unknown.status_code == 200
    assert say("The e-mail address or the password is not right.") in page(wrong)
    assert comparable(wrong, "anna@example.com") == comparable(unknown, "nobody@example.com")
    assert count(UserSession) == 0


def test_login_attempts_are_recorded_in_the_audit_log(client, user):
    attempt_login(client, user.email, "not the right password")
    log_in(client, user.email)
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor_id, e.ip_address) for e in entries] == [
        ("account.login_failed", user.id, "127.0.0.1"),
        ("account.login", user.id, "127.0.0.1"),
    ]


def test_a_suspended_person_cannot_log_in(client):
    make_user(email="gone@example.com", suspended=True)
    response = attempt_login(client, "gone@example.com", PASSWORD)
    assert say("This account is suspended. Please contact the centre's coordinator.") in page(response)
    assert count(UserSession) == 0
    assert is_sent_to_login(client.get("/me"))


def test_login_leads_to_a_local_next_page(client, user):
    response = post_form(client, "/login?next=/me", {"email": user.email, "password": PASSWORD, "next": "/me"})
    assert response.headers["Location"] == "/me"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", "/\t/evil.example"]
)
def test_login_does_not_follow_a_foreign_next(client, user, target):
    response = post_form(client, "/login?next=" + quote(target), {"email": user.email, "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_remember_me_sets_a_long_lived_remember_cookie(client, user):
    log_in(client, user.email, remember=True)
    cookie = client.get_cookie("kopiena_remember")
    assert cookie is not None
    assert cookie.expires > datetime.now(UTC) + timedelta(days=29)


def test_without_remember_me_there_is_no_remember_cookie(client, user):
    log_in(client, user.email)
    assert client.get_cookie("kopiena_remember") is None
    assert client.get_cookie("kopiena_session") is not None


def test_login_cookies_are_httponly_and_samesite_lax(client, user):
    response = log_in(client, user.email, remember=True)
    cookies = {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}
    for name in ("kopiena_session", "kopiena_remember"):
        assert "HttpOnly" in cookies[name]
        assert "SameSite=Lax" in cookies[name]


def test_account_pages_need_a_login(client):
    for path in ("/me", "/me/profile", "/me/security"):
        assert is_sent_to_login(client.get(path)), path


# --- throttling -------------------------------------------------------------------------------

OWNER_ADDRESS = "198.51.100.7"
ATTACKER_ADDRESS = "203.0.113.66"


def client_at(ctx, address, **environ):
    """A browser connecting from this address (as the server sees it, after any trusted proxies)."""
    other = ctx.test_client()
    other.environ_base.update({"REMOTE_ADDR": address, **environ})
    return other


def test_after_five_failures_from_one_address_it_is_blocked_even_for_the_right_password(client, user):
    for _ in range(5):
        assert attempt_login(client, user.email, "not the right password").status_code == 200
    assert attempt_login(client, user.email, PASSWORD).status_code == 429
    assert count(UserSession) == 0


def test_a_stranger_failing_from_one_address_cannot_lock_the_owner_out(ctx, user):
    attacker = client_at(ctx, ATTACKER_ADDRESS)
    statuses = [attempt_login(attacker, user.email, f"guess number {n}").status_code for n in range(12)]

    assert statuses == [200] * 5 + [429] * 7
    refused = attempt_login(attacker, user.email, "guess number 13")
    assert say("You have tried this too many times. Please wait a while and try again.") in page(refused)
    assert attempt_login(client_at(ctx, OWNER_ADDRESS), user.email, PASSWORD).status_code == 302


def test_an_address_guessing_many_accounts_is_blocked_for_all_of_them(ctx, user, monkeypatch):
    monkeypatch.setitem(ctx.config, "LOGIN_LIMIT_PER_IP", "4 per 15 minutes")
    attacker = client_at(ctx, ATTACKER_ADDRESS)
    for number in range(4):
        assert attempt_login(attacker, f"guess{number}@example.com", "some password here").status_code == 200

    assert attempt_login(attacker, user.email, "some password here").status_code == 429
    assert attempt_login(client_at(ctx, OWNER_ADDRESS), user.email, PASSWORD).status_code == 302


def test_a_distributed_attack_still_reaches_the_per_account_ceiling(ctx, user, monkeypatch):
    monkeypatch.setitem(ctx.config, "LOGIN_LIMIT_PER_ACCOUNT", "6 per hour")
    for host in range(3):  # three machines, each under its own limit of five
        bot = client_at(ctx, f"192.0.2.{host + 1}")
        for _ in range(2):
            assert attempt_login(bot, user.email, "not the right password").status_code == 200

    assert attempt_login(client_at(ctx, "192.0.2.99"), user.email, "not the right password").status_code == 429
    assert attempt_login(client_at(ctx, OWNER_ADDRESS), user.email, PASSWORD).status_code == 429


@pytest.mark.parametrize("email", ["anna@example.com", "nobody@example.com"])
def test_the_limits_answer_alike_for_known_and_unknown_emails(ctx, user, monkeypatch, email):
    monkeypatch.setitem(ctx.config, "LOGIN_LIMIT_PER_ACCOUNT", "8 per hour")
    statuses = []
    for address in ("192.0.2.1", "192.0.2.2"):
        attacker = client_at(ctx, address)
        statuses += [attempt_login(attacker, email, "not the right password").status_code for _ in range(6)]

    assert statuses == [200] * 5 + [429] + [200] * 3 + [429] * 3


def test_a_forged_x_forwarded_for_does_not_change_the_address(ctx, user):
    """Without PROXY_COUNT nobody's X-Forwarded-For is believed: not a new address, nor the owner's."""
    attacker = client_at(ctx, ATTACKER_ADDRESS)
    forged = [f"192.0.2.{n}" for n in range(5)] + [OWNER_ADDRESS] * 3
    statuses = [
        attempt_login(attacker, user.email, "not the right password", headers={"X-Forwarded-For": address}).status_code
        for address in forged
    ]

    assert statuses == [200] * 5 + [429] * 3
    assert attempt_login(client_at(ctx, OWNER_ADDRESS), user.email, PASSWORD).status_code == 302


def test_the_account_limit_cannot_be_dodged_by_changing_case_or_spaces(client, user, monkeypatch):
    monkeypatch.setitem(client.application.config, "LOGIN_LIMIT_PER_ACCOUNT", "2 per 15 minutes")
    attempt_login(client, "ANNA@example.com", "not the right password")
    attempt_login(client, " anna@EXAMPLE.com ", "not the right password")
    assert attempt_login(client, "Anna@Example.Com", PASSWORD).status_code == 429


def test_a_blocked_account_does_not_block_another(ctx, client, user, monkeypatch):
    monkeypatch.setitem(ctx.config, "LOGIN_LIMIT_PER_ACCOUNT", "2 per 15 minutes")
    other = make_user(email="janis@example.com")
    for _ in range(2):
        attempt_login(client, user.email, "not the right password")
    assert attempt_login(client, user.email, PASSWORD).status_code == 429
    assert attempt_login(client, other.email, PASSWORD).status_code == 302


def test_one_address_failing_across_many_emails_is_blocked(ctx, client, user, monkeypatch):
    monkeypatch.setitem(ctx.config, "LOGIN_LIMIT_PER_IP", "3 per 15 minutes")
    for number in range(3):
        assert attempt_login(client, f"guess{number}@example.com", "some password here").status_code == 200
    assert attempt_login(client, "guess9@example.com", "some password here").status_code == 429
    assert attempt_login(ctx.test_client(), user.email, PASSWORD).status_code == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_address(monkeypatch):
    """With PROXY_COUNT=1 the address is the one the proxy appended, so clients do not share the proxy's."""
    overrides = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "PROXY_COUNT": 1, "LOGIN_LIMIT_PER_IP": "2 per 15 minutes"}
    with another_app("testing", overrides) as proxied, proxied.app_context():
        db.create_all()
        proxy = client_at(proxied, "127.0.0.1")

        def attempt(email, client_address):
            return attempt_login(
                proxy, email, "not the right password", headers={"X-Forwarded-For": f"{OWNER_ADDRESS}, {client_address}"}
            ).status_code

        assert [attempt(f"guess{n}@example.com", ATTACKER_ADDRESS) for n in range(3)] == [200, 200, 429]
        assert attempt("anna@example.com", "192.0.2.1") == 200  # another client behind the same proxy


def test_the_limits_by_default(ctx):
    assert ctx.config["LOGIN_LIMIT_PER_ACCOUNT_AND_IP"] == "5 per 15 minutes"
    assert ctx.config["LOGIN_LIMIT_PER_IP"] == "30 per 15 minutes"
    assert ctx.config["LOGIN_LIMIT_PER_ACCOUNT"] == "100 per hour"


def test_successful_logins_do_not_count_against_the_limits(ctx, user, monkeypatch):
    monkeypatch.setitem(ctx.config, "LOGIN_LIMIT_PER_ACCOUNT", "2 per 15 minutes")
    monkeypatch.setitem(ctx.config, "LOGIN_LIMIT_PER_IP", "2 per 15 minutes")
    for _ in range(3):
        assert attempt_login(ctx.test_client(), user.email, PASSWORD).status_code == 302


# --- sessions ---------------------------------------------------------------------------------


def test_logout_is_post_only(logged_in):
    assert logged_in.get("/logout").status_code == 405
    assert logged_in.get("/me").status_code == 200


def test_logout_without_a_csrf_token_does_not_log_out(logged_in):
    logged_in.post("/logout")
    assert logged_in.get("/me").status_code == 200


def test_logout_logs_out(logged_in):
    response = post_form(logged_in, "/logout", token_from="/me")
    assert response.headers["Location"] == "/"
    assert is_sent_to_login(logged_in.get("/me"))
    assert count(UserSession) == 0


def test_the_logout_is_audited_as_the_persons_own(logged_in):
    post_form(logged_in, "/logout", token_from="/me")
    (entry,) = audit_entries("account.logout")
    assert (entry.subject_type, entry.subject_id) == ("User", entry.actor_id)


def client_with_cookie(ctx, name, value):
    other = ctx.test_client()
    other.set_cookie(name, value, domain="localhost")
    return other


def test_a_replayed_session_cookie_stops_working_after_logout(ctx, logged_in):
    stolen = logged_in.get_cookie("kopiena_session").value
    assert client_with_cookie(ctx, "kopiena_session", stolen).get("/me").status_code == 200  # a working copy
    post_form(logged_in, "/logout", token_from="/me")
    assert is_sent_to_login(client_with_cookie(ctx, "kopiena_session", stolen).get("/me"))


def test_a_replayed_remember_cookie_stops_working_after_logout(ctx, client, user):
    log_in(client, user.email, remember=True)
    stolen = client.get_cookie("kopiena_remember").value
    assert client_with_cookie(ctx, "kopiena_remember", stolen).get("/me").status_code == 200  # a working copy
    post_form(client, "/logout", token_from="/me")
    assert is_sent_to_login(client_with_cookie(ctx, "kopiena_remember", stolen).get("/me"))


def test_log_out_everywhere_ends_every_session(ctx, logged_in, user):
    phone = logged_in_client(ctx, user.email, remember=True)
    assert phone.get("/me").status_code == 200
    response = post_form(logged_in, "/me/sessions/logout-all", token_from="/me/security")
    assert is_sent_to_login(response)
    assert is_sent_to_login(phone.get("/me"))
    assert is_sent_to_login(logged_in.get("/me"))
    assert count(UserSession) == 0


def client_with_agent(ctx, user_agent):
    other = ctx.test_client()
    other.environ_base["HTTP_USER_AGENT"] = user_agent
    return other


def test_the_security_page_lists_the_persons_own_sessions_only(ctx, logged_in, user):
    log_in(client_with_agent(ctx, "Anna's phone browser"), user.email)
    make_user(email="janis@example.com")
    log_in(client_with_agent(ctx, "Janis's laptop browser"), "janis@example.com")
    html = page(logged_in.get("/me/security"))
    assert "Anna&#39;s phone browser" in html
    assert "Janis" not in html


def test_password_change_needs_the_right_current_password(ctx, logged_in, user):
    phone = logged_in_client(ctx, user.email)
    response = post_form(
        logged_in,
        "/me/password",
        {"current_password": "not the right password", "new_password": NEW_PASSWORD},
        token_from="/me/security",
    )
    assert response.status_code == 400
    error = re.search(r'id="current_password-error">(.*?)</p>', page(response), re.S)
    assert error and say("The current password is not right.") in error.group(1)
    assert verify_password(fetch_user(user.email).password_hash, PASSWORD)
    assert phone.get("/me").status_code == 200
    assert queued_mail() == []


def test_password_change_refuses_a_weak_new_password(logged_in, user):
    response = post_form(
        logged_in, "/me/password", {"current_password": PASSWORD, "new_password": "anna12345678"}, token_from="/me/security"
    )
    assert response.status_code == 400
    assert 'id="new_password-error"' in page(response)
    assert verify_password(fetch_user(user.email).password_hash, PASSWORD)


def test_password_change_ends_other_sessions_keeps_this_one_and_mails(ctx, logged_in, user):
    phone = logged_in_client(ctx, user.email, remember=True)
    response = post_form(
        logged_in, "/me/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}, token_from="/me/security"
    )
    assert response.status_code == 302 and response.headers["Location"] == "/me/security"
    assert logged_in.get("/me").status_code == 200
    assert is_sent_to_login(phone.get("/me"))
    [message] = queued_mail(user.email)
    assert message.subject == say("Your Kopiena password was changed", html=False)
    post_form(logged_in, "/logout", token_from="/me")
    assert attempt_login(logged_in, user.email, PASSWORD).status_code == 200
    log_in(logged_in, user.email, NEW_PASSWORD)


def set_session_times(**values):
    db.session.expire_all()
    for row in db.session.scalars(select(UserSession)):
        for name, value in values.items():
            setattr(row, name, value)
    db.session.commit()


def test_an_idle_session_is_logged_out(ctx, logged_in):
    last_request = utcnow() - ctx.config["SESSION_IDLE_TIMEOUT"] - timedelta(minutes=1)
    set_session_times(last_seen_at=last_request)
    set_idle_clock(logged_in, last_request)  # the cookie's idle clock: the browser's last request was as long ago
    assert is_sent_to_login(logged_in.get("/me"))
    assert count(UserSession) == 0


def test_a_session_used_within_the_idle_limit_goes_on(ctx, logged_in):
    set_session_times(last_seen_at=utcnow() - ctx.config["SESSION_IDLE_TIMEOUT"] + timedelta(minutes=5))
    assert logged_in.get("/me").status_code == 200
    assert logged_in.get("/me").status_code == 200


def session_last_seen():
    db.session.expire_all()
    return db.session.scalar(select(UserSession.last_seen_at))


def test_reading_a_page_writes_nothing_and_a_change_refreshes_last_seen(logged_in):
    """On SQLite a write waits for the database's write lock: reading a page must not take it for last seen."""
    earlier = utcnow() - timedelta(minutes=10)
    set_session_times(last_seen_at=earlier)

    with recorded_statements(requests_only=True) as statements:
        assert logged_in.get("/me").status_code == 200
    assert [statement for statement in statements if WRITE.match(statement)] == []
    assert session_last_seen() == earlier

    post_form(logged_in, "/language", {"language": "en"}, token_from="/me")
    assert session_last_seen() > earlier + timedelta(minutes=9)


def test_a_session_past_its_absolute_timeout_is_logged_out(logged_in):
    set_session_times(expires_at=utcnow() - timedelta(seconds=1))
    assert is_sent_to_login(logged_in.get("/me"))


def test_a_remembered_session_past_its_absolute_timeout_is_logged_out(ctx, client, user):
    log_in(client, user.email, remember=True)
    set_session_times(expires_at=utcnow() - timedelta(seconds=1))
    assert is_sent_to_login(client.get("/me"))
    assert is_sent_to_login(client.get("/me"))  # the remember cookie does not bring it back


def test_suspending_a_logged_in_person_ends_their_session(logged_in, user):
    fetch_user(user.email).suspended_at = utcnow()
    db.session.commit()
    assert is_sent_to_login(logged_in.get("/me"))


# --- password reset ---------------------------------------------------------------------------


def request_reset(client, email):
    return post_form(client, "/reset-password", {"email": email})


def reset_path(client, email):
    request_reset(client, email)
    return link_in(queued_mail(email)[-1], "/reset-password/")


def test_reset_request_answers_the_same_for_known_and_unknown_emails(ctx, client, user):
    known = request_reset(client, "anna@example.com")
    unknown = request_reset(ctx.test_client(), "nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert comparable(known, "anna@example.com") == comparable(unknown, "nobody@example.com")
    assert [m.recipient for m in queued_mail()] == ["anna@example.com"]


def test_a_reset_link_sets_a_new_password_once(client, user):
    path = reset_path(client, user.email)
    assert client.get(path).status_code == 200
    response = post_form(client, path, {"password": NEW_PASSWORD}, token_from=path)
    assert is_sent_to_login(response)
    second = post_form(client, path, {"password": "another fine passphrase"})
    assert second.status_code == 400
    assert say("This link does not work") in page(second)
    assert client.get(path).status_code == 400
    assert attempt_login(client, user.email, PASSWORD).status_code == 200
    log_in(client, user.email, NEW_PASSWORD)


def test_an_expired_reset_link_answers_400(client, user):
    path = reset_path(client, user.email)
    db.session.scalar(select(PasswordResetToken)).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(path).status_code == 400
    assert post_form(client, path, {"password": NEW_PASSWORD}).status_code == 400
    assert verify_password(fetch_user(user.email).password_hash, PASSWORD)


def test_a_made_up_reset_link_answers_400(client, user):
    reset_path(client, user.email)
    assert client.get("/reset-password/made-up-token").status_code == 400


def test_a_reset_ends_every_session(ctx, logged_in, user):
    stranger = ctx.test_client()
    path = reset_path(stranger, user.email)
    post_form(stranger, path, {"password": NEW_PASSWORD}, token_from=path)
    assert is_sent_to_login(logged_in.get("/me"))
    assert count(UserSession) == 0


def test_a_reset_refuses_a_weak_password_and_the_link_keeps_working(client, user):
    path = reset_path(client, user.email)
    response = post_form(client, path, {"password": "anna.example"}, token_from=path)
    assert response.status_code == 200
    assert 'id="password-error"' in page(response)
    assert client.get(path).status_code == 200


def test_a_reset_link_stops_working_once_the_password_is_changed_in_the_settings(ctx, client, user):
    path = reset_path(ctx.test_client(), user.email)  # e.g. requested by someone reading the mailbox
    log_in(client, user.email)
    changed = post_form(
        client, "/me/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}, token_from="/me/security"
    )
    assert changed.status_code == 302

    stranger = ctx.test_client()
    assert stranger.get(path).status_code == 400
    response = post_form(stranger, path, {"password": "someone else's passphrase"})
    assert response.status_code == 400 and say("This link does not work") in page(response)
    assert verify_password(fetch_user(user.email).password_hash, NEW_PASSWORD)


def test_a_reset_link_stops_working_once_another_reset_link_was_used(ctx, client, user):
    older = reset_path(client, user.email)
    newer = reset_path(client, user.email)
    post_form(client, newer, {"password": NEW_PASSWORD}, token_from=newer)

    stranger = ctx.test_client()
    assert stranger.get(older).status_code == 400
    assert post_form(stranger, older, {"password": "someone else's passphrase"}).status_code == 400
    assert verify_password(fetch_user(user.email).password_hash, NEW_PASSWORD)


def test_a_reset_of_an_unconfirmed_account_confirms_it(client):
    make_user(email="new@example.com", confirmed=False)
    path = reset_path(client, "new@example.com")
    post_form(client, path, {"password": NEW_PASSWORD}, token_from=path)
    assert fetch_user("new@example.com").is_confirmed
    log_in(client, "new@example.com", NEW_PASSWORD)


# --- e-mail change ----------------------------------------------------------------------------


def request_email_change(client, new_email, password=PASSWORD):
    return post_form(client, "/me/email", {"new_email": new_email, "current_password": password}, token_from="/me/security")


def test_email_change_needs_the_current_password(logged_in, user):
    response = request_email_change(logged_in, "new.anna@example.com", password="not the right password")
    assert response.status_code == 400
    assert 'id="email_current_password-error"' in page(response)
    assert 'value="new.anna@example.com"' in page(response)
    assert queued_mail() == []


def test_email_change_mails_a_link_to_the_new_address(logged_in, user):
    response = request_email_change(logged_in, "new.anna@example.com")
    assert response.headers["Location"] == "/me/security"
    [message] = queued_mail()
    assert message.recipient == "new.anna@example.com"
    assert link_in(message, "/me/email/confirm/")
    assert fetch_user("anna@example.com") is not None  # nothing changed yet


def test_following_the_email_change_link(logged_in, user):
    request_email_change(logged_in, "new.anna@example.com")
    path = link_in(queued_mail("new.anna@example.com")[0], "/me/email/confirm/")
    assert logged_in.get(path).status_code == 200
    assert fetch_user("anna@example.com") is not None  # opening the link changes nothing
    assert post_form(logged_in, path, token_from=path).status_code == 302
    assert fetch_user("new.anna@example.com").id == user.id
    [notice] = queued_mail("anna@example.com")
    assert "new.anna@example.com" in notice.body
    assert logged_in.get(path).status_code == 400  # used up
    assert post_form(logged_in, path, token_from="/me").status_code == 400


def test_an_email_change_link_does_not_carry_the_old_address(logged_in, user):
    request_email_change(logged_in, "new.anna@example.com")
    path = link_in(queued_mail("new.anna@example.com")[0], "/me/email/confirm/")
    assert "anna@example.com" not in readable_in(path).replace("new.anna@example.com", "")


def test_email_change_to_a_taken_address_looks_the_same_and_changes_nothing(logged_in, user):
    make_user(email="janis@example.com")
    response = request_email_change(logged_in, "janis@example.com")
    assert response.status_code == 302 and response.headers["Location"] == "/me/security"
    flashed = say("We have sent a link to %(email)s. Your address changes when you follow it.", email="janis@example.com")
    assert flashed in page(logged_in.get("/me/security"))
    assert fetch_user("anna@example.com").id == user.id
    assert all("/me/email/confirm/" not in m.body for m in queued_mail())


# --- profile ----------------------------------------------------------------------------------


def save_profile(client, **fields):
    data = {
        "display_name": "Anna B.",
        "about": "I sew and bake.",
        "skills": "sewing, baking",
        "interests": "seniors, sport",
        "language": "en",
        **fields,
    }
    return post_form(client, "/me/profile", data, token_from="/me/profile")


def test_profile_saves_what_the_person_may_edit(logged_in, user):
    response = save_profile(logged_in)
    assert response.headers["Location"] == "/me/profile"
    saved = fetch_user(user.email)
    assert (saved.display_name, saved.about, saved.skills, saved.interests, saved.language) == (
        "Anna B.",
        "I sew and bake.",
        "sewing, baking",
        "seniors, sport",
        "en",
    )
    assert '<html lang="en">' in page(logged_in.get("/me"))


def test_profile_ignores_fields_it_does_not_declare(logged_in, user):
    save_profile(logged_in, is_admin="y", email="evil@example.com", email_confirmed_at="", suspended_at="2020-01-01")
    saved = fetch_user(user.email)
    assert saved is not None and not saved.is_admin and saved.is_active and saved.is_confirmed


def test_profile_refuses_line_breaks_in_the_name(logged_in, user):
    response = save_profile(logged_in, display_name="Anna\r\nBcc: someone@example.com")
    assert 'id="display_name-error"' in page(response)
    assert fetch_user(user.email).display_name == "Anna Bērziņa"


def test_profile_with_one_active_centre_has_no_picker(logged_in, user):
    centre = make_centre()
    assert 'id="home_centre"' not in page(logged_in.get("/me/profile"))
    save_profile(logged_in)
    assert fetch_user(user.email).home_centre_id == centre.id


def test_profile_with_several_centres_shows_the_picker_with_the_current_one(logged_in, user):
    first, second = make_centre(name="Aglonas centrs"), make_centre(name="Preiļu centrs")
    fetch_user(user.email).home_centre_id = first.id
    db.session.commit()
    html = page(logged_in.get("/me/profile"))
    assert 'id="home_centre"' in html
    assert re.search(rf'<option selected value="{first.id}">', html)
    save_profile(logged_in, home_centre=second.id)
    assert fetch_user(user.email).home_centre_id == second.id


# --- caching, POST-only and mail over SMTP ----------------------------------------------------


@pytest.mark.parametrize("path", ["/login", "/register", "/reset-password", "/confirm"])
def test_anonymous_account_pages_are_not_cached(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/me", "/me/profile", "/me/security"])
def test_personal_account_pages_are_not_cached(logged_in, path):
    response = logged_in.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_a_confirmation_link_page_is_not_cached(client, confirm_path):
    assert client.get(confirm_path).headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/logout", "/me/password", "/me/email", "/me/sessions/logout-all"])
def test_state_changing_account_urls_refuse_get(logged_in, path):
    assert logged_in.get(path).status_code == 405


def received(sink):
    [envelope] = sink.messages
    return envelope, message_from_bytes(envelope.content, policy=policy.default)


def test_the_confirmation_mail_goes_out_over_smtp_in_latvian(client, smtp_sink, deliver):
    register(client, email="janis@example.com", language="lv")
    assert deliver() == (1, 0)
    envelope, mail = received(smtp_sink)
    assert envelope.rcpt_tos == ["janis@example.com"]
    assert mail["To"] == "janis@example.com"
    latvian = say("Confirm your e-mail address for Kopiena", "lv", html=False)
    assert latvian != "Confirm your e-mail address for Kopiena"
    assert mail["Subject"] == latvian
    path = re.search(r"https?://[^/\s]+(/confirm/\S+)", mail.get_body(("plain",)).get_content()).group(1)
    post_form(client, path, token_from=path)
    assert fetch_user("janis@example.com").is_confirmed


def test_the_confirmation_mail_is_in_english_for_an_english_speaker(client, smtp_sink, deliver):
    register(client, email="john@example.com", name="John Smith", language="en")
    deliver()
    envelope, mail = received(smtp_sink)
    assert envelope.rcpt_tos == ["john@example.com"]
    assert mail["Subject"] == "Confirm your e-mail address for Kopiena"
    assert "/confirm/" in mail.get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    ("headers", "cookie", "chosen"),
    [
        ({"Accept-Language": "en-US,en;q=0.9"}, None, "en"),  # an English browser, no choice made on the site
        ({"Accept-Language": "lv"}, None, "lv"),
        ({"Accept-Language": "lv"}, "en", "en"),  # the language picked in the header wins over the browser's
        ({"Accept-Language": "de"}, None, "lv"),  # neither: the site's default
    ],
)
def test_the_registration_form_offers_the_language_the_page_is_shown_in(client, headers, cookie, chosen):
    if cookie:
        client.set_cookie(LANGUAGE_COOKIE, cookie)
    page = client.get("/register", headers=headers).get_data(as_text=True)
    assert f'<option selected value="{chosen}">' in page
