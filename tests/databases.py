"""Test databases: a SQLite file or a PostgreSQL database, empty or with the app's schema, dropped afterwards.

Every pytest process (the only one, or each pytest-xdist worker) gets its own database per backend, so workers
never see each other's rows. On PostgreSQL each worker's database is a copy of a template database that already
has the schema (`CREATE DATABASE … TEMPLATE …` copies files, much faster than creating every table again): the
first worker that needs it builds it, under a PostgreSQL advisory lock, and the run drops it at the end.
"""

import os
import secrets
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
#: the database tests run once per backend; `TEST_BACKENDS=sqlite` (make test-sqlite) runs only the SQLite half
BACKENDS = os.environ.get("TEST_BACKENDS", "sqlite,postgresql").replace(" ", "").split(",")


def skip_or_fail(reason):
    """Where a service is missing, skip; in CI (CI=true) that is a failure instead."""
    if IN_CI:
        pytest.fail(f"{reason} (required when CI=true)", pytrace=False)
    pytest.skip(reason)


def postgresql_url(name):
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


@contextmanager
def postgresql_admin():
    """An autocommit connection to the server's maintenance database (CREATE/DROP DATABASE need one)."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        connection = admin.connect()
    except OperationalError:
        admin.dispose()
        skip_or_fail(f"PostgreSQL is not reachable at {make_url(POSTGRES_ADMIN_URL).render_as_string()}")
    try:
        yield connection
    finally:
        connection.close()
        admin.dispose()


def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / f'kopiena-{secrets.token_hex(4)}.db'}"


def new_database_name(prefix="kopiena_test"):
    return f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"


@contextmanager
def fresh_database(backend, tmp_path):
    """Yield the URL of a new, empty database of the given backend; drop it afterwards."""
    if backend == "sqlite":
        yield sqlite_url(tmp_path)
        return
    with postgresql_admin() as admin:
        name = new_database_name()
        admin.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield postgresql_url(name)
        finally:
            admin.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def create_schema(url):
    """Every table of the app's models, as `db.create_all()` makes them (the migrations are tested apart)."""
    from app.extensions import db
    from tests.apps import another_app

    with another_app("testing", {"SQLALCHEMY_DATABASE_URI": url}) as app, app.app_context():
        db.create_all()


@contextmanager
def database_with_schema(backend, tmp_path, template):
    """Yield the URL of a new database of the given backend with the app's schema; drop it afterwards.

    On PostgreSQL it is copied from the database named `template`, built here if no process of this run has
    built it yet; the run drops the template at the end (drop_template).
    """
    if backend == "sqlite":
        url = sqlite_url(tmp_path)
        create_schema(url)
        yield url
        return
    with postgresql_admin() as admin:
        name = new_database_name()
        # One process at a time: the first builds the template, and PostgreSQL refuses to copy a template
        # while anyone (here: the builder) is connected to it.
        admin.execute(text("SELECT pg_advisory_lock(hashtext(:name))"), {"name": template})
        try:
            if not admin.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": template}):
                admin.execute(text(f'CREATE DATABASE "{template}"'))
                try:
                    create_schema(postgresql_url(template))
                except BaseException:
                    admin.execute(text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
                    raise
            admin.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        finally:
            admin.execute(text("SELECT pg_advisory_unlock(hashtext(:name))"), {"name": template})
        try:
            yield postgresql_url(name)
        finally:
            admin.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def drop_template(template):
    """Drop the run's template database, if a worker built one (and PostgreSQL is there at all)."""
    engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as admin:
            admin.execute(text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
    except OperationalError:
        pass  # no PostgreSQL: no template either
    finally:
        engine.dispose()
