"""Fixtures: the app on each database backend, a test client, a real SMTP sink, helpers to log in."""
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from sqlalchemy import select, text

from app import create_app
from app.extensions import db, limiter
from app.outbox.models import OutboxMessage
from app.outbox.services import deliver_due_mail
from tests.databases import BACKENDS, fresh_database
from tests.factories import PASSWORD, make_user

CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, as on a real server.

    Without this, requests would share the test's app context: its `g` (where Flask-Login caches
    the signed-in user) and its database session, and tests of logging out could not fail.
    """

    def open(self, *args, **kwargs):
        # End the test's own transaction first: on SQLite it may hold the write lock the request needs.
        db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()  # the test's own session sees what the request committed
        return response


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """The whole suite runs once per backend: SQLite, then PostgreSQL."""
    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url,
                                 "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads"))})
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def wipe_database():
    tables = [table.name for table in db.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(text(f"DELETE FROM {table}"))
    db.session.commit()


@pytest.fixture
def ctx(app):
    """An app context with an empty database and fresh rate limits; everything is wiped afterwards."""
    limiter.reset()
    with app.app_context():
        yield app
        db.session.rollback()
        wipe_database()
        db.session.remove()


@pytest.fixture
def client(ctx):
    return ctx.test_client()


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
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    response = post_form(client, "/login", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


@pytest.fixture
def user(ctx):
    return make_user(email="anna@example.com", display_name="Anna Bērziņa")


@pytest.fixture
def admin(ctx):
    return make_user(email="admin@example.com", display_name="Admin Inese", admin=True)


@pytest.fixture
def logged_in(client, user):
    log_in(client, user.email)
    return client


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


class RecordingHandler:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_sink(ctx):
    """A real SMTP server on a free loopback port; the app sends to it during the test."""
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    old = {key: ctx.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    ctx.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        yield handler
    finally:
        ctx.config.update(old)
        controller.stop()


@pytest.fixture
def deliver(ctx):
    """Run what `flask send-mail` runs."""
    def run():
        result = deliver_due_mail()
        db.session.expire_all()
        return result
    return run

