"""Factories for the privacy tests (download my data, delete my account): rows tests/factories.py has no maker for.

Like tests/factories.py, each `make_*` writes its row as it is and commits.
"""

import secrets
from datetime import timedelta

from app.accounts.models import UserSession
from app.accounts.sessions import hash_token
from app.audit.models import AuditEntry
from app.legal.models import Consent
from app.outbox.models import OutboxMessage
from app.privacy.models import DataExport
from app.timeutil import utcnow
from tests.factories import saved


def make_consent(user, document="terms", version=1):
    """The person accepted a version of the terms (or the privacy notice)."""
    return saved(Consent(user_id=user.id, document=document, version=version, accepted_at=utcnow()))


def make_session(user, user_agent="Mozilla/5.0 (X11; Linux x86_64)", remember=False):
    """A signed-in browser of the person (its raw token is not kept: nobody can use it)."""
    now = utcnow()
    row = UserSession(
        user_id=user.id,
        token_hash=hash_token(secrets.token_urlsafe(32)),
        remember=remember,
        user_agent=user_agent,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(days=1),
    )
    return saved(row)


def make_audit_entry(action="account.login", actor=None, subject=None, ip_address="", reason="", **details):
    """An audit entry, as record_audit writes it."""
    entry = AuditEntry(
        action=action,
        actor_id=actor.id if actor is not None else None,
        subject_type=type(subject).__name__ if subject is not None else "",
        subject_id=getattr(subject, "id", None),
        reason=reason,
        details=details,
        ip_address=ip_address,
    )
    return saved(entry)


def make_outbox_message(recipient, body="Sveiki!", subject="Kopiena", status=OutboxMessage.PENDING):
    """A mail in the outbox, in the given status (sent ones have their time)."""
    message = OutboxMessage(
        recipient=recipient, subject=subject, body=body, status=status, sent_at=utcnow() if status == OutboxMessage.SENT else None
    )
    return saved(message)


def make_data_export(user, folder=None, expires_in=timedelta(days=7), content=b"PK"):
    """A prepared download of the person's data, with a file in folder when one is given."""
    file_name = secrets.token_hex(16) + ".zip"
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / file_name).write_bytes(content)
    now = utcnow()
    export = DataExport(
        user_id=user.id, file_name=file_name, size_bytes=len(content), created_at=now, expires_at=now + expires_in
    )
    return saved(export)
