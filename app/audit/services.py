"""Recording audit entries. The caller commits, so an entry lands with the action it describes (refusals excepted)."""

import logging
from contextlib import contextmanager

from flask import g
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.audit.models import AuditEntry
from app.extensions import db

log = logging.getLogger(__name__)

#: how long recording a refusal may wait for the database (SQLite's write lock, a PostgreSQL row lock)
REFUSAL_WAIT_MS = 1000


def record_audit(action, actor=None, subject=None, centre_id=None, reason="", ip_address="", **details):
    """Add an audit entry to the current transaction."""
    # current_user is a proxy: name the object behind it ("User"), not the proxy's class
    subject = subject._get_current_object() if hasattr(subject, "_get_current_object") else subject
    entry = AuditEntry(
        action=action,
        actor_id=actor.id if actor is not None else None,
        subject_type=type(subject).__name__ if subject is not None else "",
        subject_id=getattr(subject, "id", None),
        centre_id=centre_id,
        reason=reason or "",
        details=details,
        ip_address=ip_address or "",
    )
    db.session.add(entry)
    return entry


def record_refusal(actor_id, what, path, ip_address):
    """Record, in a transaction of its own, that someone was refused a page or action; never fails.

    Call it with nothing pending in the session (roll back first): it commits. The entry must not cost the answer:
    a GET holds no write lock on SQLite, and waiting the full busy timeout for one (while a command or another
    request writes) ended in a 503. So the entry waits at most REFUSAL_WAIT_MS; if it cannot be written, that is
    logged (with what the entry would have said) and the 403 goes out all the same.
    """
    entry = {
        "action": "access.denied",
        "actor_id": actor_id,
        "ip_address": ip_address or "",
        "details": {"what": what, "path": path[:200]},
    }
    try:
        with short_wait():
            db.session.add(AuditEntry(**entry))
            db.session.flush()  # the write: where the lock is waited for
        db.session.commit()
    except OperationalError as error:
        db.session.rollback()
        log.warning("refusal not recorded (request %s, database busy: %s): %s", g.get("request_id"), error, entry)


@contextmanager
def short_wait():
    """Statements inside wait at most REFUSAL_WAIT_MS for a lock; the connection's own setting comes back after."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        previous = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
        connection.exec_driver_sql(f"PRAGMA busy_timeout={REFUSAL_WAIT_MS}")
        try:
            yield
        finally:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={int(previous)}")
    else:
        # Ends with the transaction.
        connection.execute(text(f"SET LOCAL lock_timeout = '{REFUSAL_WAIT_MS}ms'"))
        yield
