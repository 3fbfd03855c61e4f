"""Functions the tests share: logging in through the pages, counting and re-reading rows, the outbox, and the
race harness (many people at the same instant, each in a thread of their own)."""

import re
import socket
import threading

from sqlalchemy import func, select

from app.accounts.sessions import IDLE_CLOCK_KEY, minute_of
from app.audit.models import AuditEntry
from app.extensions import db
from app.outbox.models import OutboxMessage
from tests.factories import PASSWORD

CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


# --- through the pages, as a browser would ---------------------------------------------------------------------


def csrf_token(client, path="/login"):
    """A CSRF token for the client's session, read from a page's form as a browser would."""
    match = CSRF_PATTERN.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client, path, data=None, token_from=None, **kwargs):
    """POST a form with a valid CSRF token, as a browser submitting the page would."""
    form = dict(data or {})
    form.setdefault("csrf_token", csrf_token(client, token_from or "/login"))
    return client.post(path, data=form, **kwargs)


def log_in(client, email, password=PASSWORD, remember=False):
    """Log the client in through the login form; the form must accept it."""
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    response = post_form(client, "/login", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def set_idle_clock(client, time):
    """Put the idle clock in the client's signed session cookie at `time` (naive UTC), as a request then would."""
    with client.session_transaction() as cookie_session:
        cookie_session[IDLE_CLOCK_KEY] = minute_of(time)


def html(response):
    """The response's body as text."""
    return response.get_data(as_text=True)


def signed_in(client, person):
    """The client, logged in as the person (None: left a visitor)."""
    if person is not None:
        log_in(client, person.email)
    return client


def client_for(app, person=None, remember=False):
    """A new client of the app (its own cookies), logged in as the person (None: a visitor)."""
    client = app.test_client()
    if person is not None:
        log_in(client, person.email, remember=remember)
    return client


# --- the database -----------------------------------------------------------------------------------------------


def count(model, *where):
    """How many rows of the model match the conditions; the session's objects are read afresh afterwards."""
    number = db.session.scalar(select(func.count()).select_from(model).where(*where))
    db.session.expire_all()
    return number


def reloaded(row):
    """The row as the database has it now."""
    db.session.expire_all()
    return db.session.get(type(row), row.id)


def audit_entries(action=None):
    """The audit log (optionally of one action), oldest first."""
    db.session.expire_all()
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return db.session.scalars(query).all()


def queued_mail(recipient=None):
    """Messages in the outbox (optionally to one address), oldest first."""
    db.session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    return db.session.scalars(query).all()


def link_in(message, path_start):
    """The first link in a mail body whose path starts with path_start, as a path."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_start) + r"[^\s]*)", message.body)
    assert match, f"no link to {path_start} in: {message.body}"
    return match.group(1)


# --- many at once ----------------------------------------------------------------------------------------------


def run_at_once(app, jobs, outcome=lambda row: row.state, keep_loaded=False):
    """Run each job in a thread, app context and database session of its own, all released together by a barrier.

    A job is called before the barrier to load its rows and returns the action to run after it; that read is
    committed first, so no thread holds a transaction (nor SQLite's lock) while waiting for the others. Returns,
    per job, outcome(what the action returned), read after its commit (by default the row's state), or the name of
    the error it raised.
    keep_loaded: the commits do not expire the loaded objects, so the actions work on what was read before.
    Meanwhile SQLite transactions begin as the app's commands begin them (BEGIN IMMEDIATE, as writing requests do).
    Tests using this need `@pytest.mark.real_commits`.
    """
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        with app.app_context():
            db.session().expire_on_commit = not keep_loaded
            try:
                action = job()
                db.session.commit()
                barrier.wait(timeout=30)
                result = action()
                db.session.commit()
                outcomes[index] = outcome(result)
            except Exception as error:  # noqa: BLE001  (every error is an outcome the test looks at)
                db.session.rollback()
                outcomes[index] = type(error).__name__
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(jobs)]
    as_tests_begin = app.config["SQLITE_IMMEDIATE_OUTSIDE_REQUESTS"]
    app.config["SQLITE_IMMEDIATE_OUTSIDE_REQUESTS"] = True
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        app.config["SQLITE_IMMEDIATE_OUTSIDE_REQUESTS"] = as_tests_begin
    return outcomes


# --- servers ----------------------------------------------------------------------------------------------------


def free_port():
    """A TCP port on the loopback interface that nothing listens on (now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    """An SMTP handler (aiosmtpd) that keeps every message it receives in .messages."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"
