"""Test databases: a SQLite file, or a fresh PostgreSQL database dropped afterwards."""
import os
import secrets
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BACKENDS = ["sqlite", "postgresql"]


def skip_or_fail(reason):
    """Where a service is missing, skip; in CI (CI=true) that is a failure instead."""
    if IN_CI:
        pytest.fail(f"{reason} (required when CI=true)", pytrace=False)
    pytest.skip(reason)


@contextmanager
def fresh_database(backend, tmp_path):
    """Yield the URL of a new, empty database of the given backend; drop it afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / f'kopiena-{secrets.token_hex(4)}.db'}"
        return
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        connection = admin.connect()
    except OperationalError:
        admin.dispose()
        skip_or_fail(f"PostgreSQL is not reachable at {make_url(POSTGRES_ADMIN_URL).render_as_string()}")
    name = f"kopiena_test_{os.getpid()}_{secrets.token_hex(4)}"
    connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.close()
        admin.dispose()
