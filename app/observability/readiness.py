"""The readiness checks behind /readyz: can this app server do its work right now?

Each check answers {"status": "ok" | "fail" | "unknown" | "skipped", ...} and never raises; only "fail" makes
the server not ready. Details stay generic (no host names or error texts): /readyz is open to anyone.
"""

import os
import tempfile

from flask import current_app
from sqlalchemy import func, select, text

from app.extensions import db
from app.outbox.models import OutboxMessage
from app.timeutil import utcnow

#: app.extensions key of a function returning the age in seconds of the mail worker's last heartbeat (None: none yet)
HEARTBEAT_SOURCE = "worker_heartbeat_age"


def readiness():
    """Every check by name, and whether all of them pass (a check that cannot tell does not fail)."""
    config = current_app.config
    checks = {
        "database": database_check(config["READY_CHECK_TIMEOUT"]),
        "redis": redis_check(config["RATELIMIT_STORAGE_URI"], config["READY_CHECK_TIMEOUT"]),
        "uploads": folder_check(config["UPLOAD_FOLDER"]),
        "outbox": outbox_check(config["READY_MAX_OUTBOX_AGE"]),
        "worker": heartbeat_check(current_app.extensions.get(HEARTBEAT_SOURCE), config["READY_MAX_HEARTBEAT_AGE"]),
    }
    return all(check["status"] != "fail" for check in checks.values()), checks


def database_check(timeout):
    """SELECT 1, with a statement timeout on PostgreSQL (a hanging server fails the check instead of hanging it)."""
    try:
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text(f"SET LOCAL statement_timeout = {int(timeout * 1000)}"))
        db.session.execute(text("SELECT 1"))
        db.session.rollback()  # ends the transaction, and the SET LOCAL with it
    except Exception:  # any failure means "not ready", which is the answer
        db.session.rollback()
        return {"status": "fail", "error": "unreachable"}
    return {"status": "ok"}


def redis_check(storage_uri, timeout):
    """PING the rate-limit store when it is Redis (the limits fall back to memory meanwhile, so the others drift)."""
    if not storage_uri.startswith(("redis://", "rediss://")):
        return {"status": "skipped"}
    import redis

    client = redis.Redis.from_url(storage_uri, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    except Exception:  # refused, timed out, refused auth: all "not ready"
        return {"status": "fail", "error": "unreachable"}
    finally:
        client.close()
    return {"status": "ok"}


def folder_check(path):
    """The upload folder exists and a file can be written there (and is removed again)."""
    if not os.path.isdir(path):
        return {"status": "fail", "error": "missing"}
    try:
        with tempfile.TemporaryFile(dir=path, prefix=".readyz-"):
            pass
    except OSError:
        return {"status": "fail", "error": "not writable"}
    return {"status": "ok"}


def outbox_check(max_age):
    """How much mail waits, and fail when the oldest waiting message is older than max_age seconds."""
    try:
        pending, oldest = db.session.execute(
            select(func.count(), func.min(OutboxMessage.created_at)).where(OutboxMessage.status == OutboxMessage.PENDING)
        ).one()
        db.session.rollback()
    except Exception:  # the database check says why
        db.session.rollback()
        return {"status": "unknown"}
    age = int((utcnow() - oldest).total_seconds()) if oldest else 0
    status = "fail" if age > max_age else "ok"
    return {"status": status, "pending": pending, "oldest_pending_seconds": age}


def heartbeat_check(heartbeat_age, max_age):
    """The mail worker's last heartbeat, by a function giving its age in seconds (None: no heartbeat yet).

    Without such a function (no heartbeat source wired) the answer is "unknown", which does not fail.
    """
    if heartbeat_age is None:
        return {"status": "unknown"}
    try:
        age = heartbeat_age()
    except Exception:
        db.session.rollback()
        return {"status": "unknown"}
    if age is None:
        return {"status": "fail", "error": "no heartbeat"}
    return {"status": "fail" if age > max_age else "ok", "age_seconds": int(age)}
