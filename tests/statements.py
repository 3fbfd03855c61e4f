"""The SQL statements a piece of code or a page runs, for the tests' query budgets."""

import re
from contextlib import contextmanager

from flask import has_request_context
from sqlalchemy import event

from app.extensions import db

#: BEGIN/COMMIT and the like are not queries: SQLite's driver sends some of them as statements, PostgreSQL's does not
TRANSACTION_CONTROL = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.I)


@contextmanager
def recorded_statements(*, requests_only=False):
    """A list of the SQL statements run inside the block, transaction control left out.

    With `requests_only`, only those run inside a request context: not, say, the test's own commit that the test
    client makes before each request.
    """
    statements = []

    def record(_connection, _cursor, statement, *_args):
        if (not requests_only or has_request_context()) and not TRANSACTION_CONTROL.match(statement):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def statements_of(client, path, *, requests_only=False):
    """The SQL statements a GET of `path` runs; the page must answer 200."""
    with recorded_statements(requests_only=requests_only) as statements:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return statements
