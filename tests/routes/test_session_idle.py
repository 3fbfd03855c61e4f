"""The idle timeout as a person sees it: reading pages keeps a session alive without writing to the database.

A request that only reads moves the idle clock kept in the signed session cookie; SESSION_IDLE_TIMEOUT counts
from the later of that and the session's `last_seen_at` (app/accounts/sessions.py). The `clock` fixture moves
the sessions' time forward, as hours of browsing would.
"""

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import func, select

from app.accounts import sessions
from app.accounts.models import UserSession
from app.extensions import db
from app.timeutil import utcnow
from tests.helpers import log_in, set_idle_clock
from tests.statements import recorded_statements

WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.I)


class Clock:
    """A time that stands still until the test moves it."""

    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now

    def move(self, delta):
        """Move the time forward by delta."""
        self.now += delta


@pytest.fixture
def clock(monkeypatch):
    """The clock the sessions read (log-in, the idle check, the cookie's idle clock), moved by the test."""
    clock = Clock()
    monkeypatch.setattr(sessions, "utcnow", clock)
    return clock


@pytest.fixture
def idle_limit(ctx):
    return ctx.config["SESSION_IDLE_TIMEOUT"]


def is_sent_to_login(response):
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def stored_session():
    db.session.expire_all()
    return db.session.scalar(select(UserSession))


def session_count():
    return db.session.scalar(select(func.count()).select_from(UserSession))


def test_a_person_who_only_reads_every_half_hour_stays_signed_in_and_nothing_is_written(clock, client, user):
    log_in(client, user.email)
    logged_in_at = stored_session().last_seen_at

    with recorded_statements(requests_only=True) as statements:
        for _ in range(6):  # three hours, more than SESSION_IDLE_TIMEOUT
            clock.move(timedelta(minutes=30))
            assert client.get("/me").status_code == 200

    assert [statement for statement in statements if WRITE.match(statement)] == []
    assert stored_session().last_seen_at == logged_in_at


def test_a_person_idle_longer_than_the_timeout_is_signed_out(clock, client, user, idle_limit):
    log_in(client, user.email)
    clock.move(timedelta(minutes=30))
    assert client.get("/me").status_code == 200

    clock.move(idle_limit + timedelta(minutes=1))
    assert is_sent_to_login(client.get("/me"))
    assert session_count() == 0
    assert is_sent_to_login(client.get("/me"))


def test_reading_shortly_before_the_timeout_starts_it_again(clock, client, user, idle_limit):
    log_in(client, user.email)
    clock.move(idle_limit - timedelta(minutes=10))
    assert client.get("/me").status_code == 200
    clock.move(idle_limit - timedelta(minutes=10))
    assert client.get("/me").status_code == 200


def test_an_old_idle_clock_in_the_cookie_does_not_keep_a_session_alive(clock, client, user, idle_limit):
    log_in(client, user.email)
    clock.move(idle_limit + timedelta(minutes=1))
    set_idle_clock(client, clock.now - idle_limit - timedelta(minutes=1))
    assert is_sent_to_login(client.get("/me"))
    assert session_count() == 0


def test_a_replayed_older_cookie_says_only_when_it_was_made(clock, client, user, idle_limit):
    log_in(client, user.email)
    clock.move(timedelta(minutes=30))
    assert client.get("/me").status_code == 200
    older_cookie = client.get_cookie("kopiena_session").value
    clock.move(timedelta(minutes=30))
    assert client.get("/me").status_code == 200

    clock.move(idle_limit - timedelta(minutes=15))  # 1 h 45 min after the last request, 2 h 15 min after the copy
    client.set_cookie("kopiena_session", older_cookie)
    assert is_sent_to_login(client.get("/me"))


def test_an_idle_clock_ahead_of_now_is_not_trusted(clock, client, user, idle_limit):
    log_in(client, user.email)
    clock.move(idle_limit + timedelta(minutes=1))
    set_idle_clock(client, clock.now + timedelta(hours=1))
    assert is_sent_to_login(client.get("/me"))


def test_a_cookie_signed_with_another_key_is_not_honoured(clock, client, user, idle_limit):
    log_in(client, user.email)
    with client.session_transaction() as cookie_session:
        contents = dict(cookie_session)
    clock.move(idle_limit + timedelta(minutes=1))
    forger = Flask("forger")
    forger.secret_key = "not the site's key"
    contents[sessions.IDLE_CLOCK_KEY] = sessions.minute_of(clock.now)
    forged = SecureCookieSessionInterface().get_signing_serializer(forger).dumps(contents)
    client.set_cookie("kopiena_session", forged)

    assert is_sent_to_login(client.get("/me"))


def session_cookies_set(response):
    return [header for header in response.headers.getlist("Set-Cookie") if header.startswith("kopiena_session=")]


def test_the_idle_clock_moves_at_most_once_a_minute_and_never_on_an_answer_for_everyone(clock, client, user):
    log_in(client, user.email)
    clock.move(timedelta(minutes=5))
    assert session_cookies_set(client.get("/me")) != []
    assert session_cookies_set(client.get("/me")) == []  # the same minute: the cookie stays as it is

    clock.move(timedelta(minutes=5))
    response = client.get("/static/css/kopiena.css")
    assert response.status_code == 200
    assert session_cookies_set(response) == []  # a cache may keep it: no cookie goes with it
