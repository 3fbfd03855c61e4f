"""Fixtures: the app on each database backend, a test client, the people, centres and scenes (tests/scenes.py) that
tests in several files start from, a real SMTP sink. Functions the tests share are in tests/helpers.py; rows are made
with tests/factories.py.

How tests are kept apart
------------------------
* Each pytest process (`make test` runs one per core with pytest-xdist; `-n0` runs one) has its own database per
  backend, with the schema already in place (tests/databases.py): the `database_url` fixture.
* A test that uses `ctx` (and so `client`, `user`, `admin`…) runs inside ONE transaction on ONE connection, rolled
  back when the test ends: nothing it writes is ever committed, so there is nothing to wipe. The test's own
  `db.session` and the session of every request its client makes (each request has its own app context, hence
  its own session) all use that connection and join its transaction in "create_savepoint" mode: the app's
  `commit()` releases a SAVEPOINT, its `rollback()` rolls back to one, and the outer transaction stays open.
  See `everything_rolled_back`.
* A test marked `@pytest.mark.real_commits` (threads, subprocesses, a live server: other connections must see what
  it commits) gets a `ctx` that commits for real, on the same database, and wipes every table afterwards.
  Any other test must not use the app from another thread or process: it would share the test's connection,
  or not see the test's rows at all.
  Ids go on counting across tests on PostgreSQL (sequences are not rolled back): never assume an id.
"""

import os
import secrets
from contextlib import contextmanager

import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from sqlalchemy import text

from app import create_app
from app.extensions import db, limiter
from app.outbox.services import deliver_due_mail
from tests.databases import BACKENDS, database_with_schema, drop_template
from tests.factories import make_centre, make_user
from tests.helpers import RecordingHandler, free_port, log_in
from tests.scenes import make_discussion


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, as on a real server.

    Without this, requests would share the test's app context: its `g` (where Flask-Login caches
    the signed-in user) and its database session, and tests of logging out could not fail.
    """

    def open(self, *args, **kwargs):
        # End the test's own transaction first: the request sees what the test wrote, and (real_commits tests on
        # SQLite) the test holds no write lock the request needs.
        db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()  # the test's own session sees what the request committed
        return response


# --- one database per backend and pytest process ----------------------------------------------------


def pytest_configure(config):
    """Name the run's PostgreSQL template database once, in the process that runs (or hands out) the tests."""
    if not hasattr(config, "workerinput"):
        config.postgresql_template = f"kopiena_template_{os.getpid()}_{secrets.token_hex(4)}"


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """pytest-xdist: every worker copies the same template."""
    node.workerinput["postgresql_template"] = node.config.postgresql_template


def pytest_sessionfinish(session):
    if not hasattr(session.config, "workerinput"):
        drop_template(session.config.postgresql_template)


def postgresql_template(config):
    return config.workerinput["postgresql_template"] if hasattr(config, "workerinput") else config.postgresql_template


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """The whole suite runs once per backend: SQLite, then PostgreSQL, each on this process's own database."""
    with database_with_schema(request.param, tmp_path_factory.mktemp("db"), postgresql_template(request.config)) as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": database_url, "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads"))}
    )
    app.test_client_class = IsolatedClient
    # Only sessions bound to a Connection that is already in a transaction are affected (everything_rolled_back):
    # they begin with a SAVEPOINT instead of joining the transaction, so their commit() cannot end it.
    db.session.session_factory.configure(join_transaction_mode="create_savepoint")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# --- each test: rolled back, or (real_commits) committed and wiped ------------------------------------


@contextmanager
def everything_rolled_back():
    """Run the block inside one transaction on one connection, rolled back at the end, for every session of the app.

    Flask-SQLAlchemy's Session.get_bind ignores a bind given to the session and always answers the app's
    engine (`db.engines[None]`), so we put the connection in the engine's place for the block: every session
    made meanwhile, the test's and each request's, runs on it. (db.engine is then that Connection; it has
    what tests use of an engine: `.dialect`, events.) Other apps (tests.apps.another_app, the browser tests'
    live server) keep their own engines.

    SQLite: the app turns off the driver's own transaction handling and emits BEGIN itself (begin_sqlite_transaction
    in app/__init__.py): `connection.begin()` below runs that BEGIN, so the SAVEPOINTs are real nested ones.
    """
    engines = db.engines  # this app's own dict: bind key → engine
    engine = engines[None]
    connection = engine.connect()
    transaction = connection.begin()
    engines[None] = connection
    try:
        yield
    finally:
        db.session.remove()
        engines[None] = engine
        transaction.rollback()
        connection.close()


def wipe_database():
    tables = [table.name for table in db.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(text(f"DELETE FROM {table}"))
    db.session.commit()


@pytest.fixture
def ctx(app, request):
    """An app context with an empty database and fresh rate limits; whatever the test wrote is gone afterwards.

    Rolled back (see the module's docstring), unless the test is marked `real_commits`: then it commits for real,
    so that its threads or subprocesses see the rows, and every table is wiped afterwards.
    """
    limiter.reset()
    with app.app_context():
        if request.node.get_closest_marker("real_commits"):
            yield app
            db.session.rollback()
            wipe_database()
            db.session.remove()
        else:
            with everything_rolled_back():
                yield app


@pytest.fixture
def client(ctx):
    return ctx.test_client()


@pytest.fixture
def user(ctx):
    return make_user(email="anna@example.com", display_name="Anna Bērziņa")


@pytest.fixture
def admin(ctx):
    return make_user(email="admin@example.com", display_name="Admin Inese", admin=True)


@pytest.fixture
def author(ctx):
    """Anna, who writes ideas."""
    return make_user(email="author@example.com", display_name="Anna Bērziņa")


@pytest.fixture
def preili(ctx):
    """The Preiļi centre."""
    return make_centre(name="Preiļi", slug="preili")


@pytest.fixture
def aglona(ctx):
    """The Aglona centre: another centre, for what must stay within one."""
    return make_centre(name="Aglona", slug="aglona")


@pytest.fixture
def resident(ctx):
    """Līga, who lives near a centre and takes part in what it does."""
    return make_user(email="resident@example.com", display_name="Līga")


@pytest.fixture
def preili_moderator(preili):
    """Dace, who moderates (coordinates) the Preiļi centre."""
    return make_user(email="moderator@example.com", display_name="Dace", moderates=[preili])


@pytest.fixture
def aglona_moderator(aglona):
    """Jānis, who moderates the Aglona centre (and nothing of Preiļi)."""
    return make_user(email="other@example.com", display_name="Jānis", moderates=[aglona])


@pytest.fixture
def discussion(ctx):
    """An idea and the people who talk about it (tests.scenes.make_discussion)."""
    return make_discussion()


@pytest.fixture
def logged_in(client, user):
    log_in(client, user.email)
    return client


@pytest.fixture
def uploads(ctx, tmp_path, monkeypatch):
    """The folder uploaded photos go to during the test (not made yet)."""
    folder = tmp_path / "uploads"
    monkeypatch.setitem(ctx.config, "UPLOAD_FOLDER", str(folder))
    return folder


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
