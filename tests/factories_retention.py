"""Rows for the retention and "who sees what" tests (tests/factories.py is full): mail, sessions, audit entries,
consents and data downloads, each as old as asked."""

import secrets
from datetime import timedelta

from app.accounts.models import PasswordResetToken, UserSession
from app.accounts.sessions import hash_token
from app.audit.models import AuditEntry
from app.legal.models import Consent
from app.outbox.models import OutboxMessage
from app.privacy.models import DataExport
from app.timeutil import utcnow
from tests.factories import saved


def days_ago(days):
    """The moment that many days ago (naive UTC, as the database keeps it)."""
    return utcnow() - timedelta(days=days)


def make_mail(recipient="anna@example.com", status="sent", days_old=0, body="Labdien, Anna!"):
    """A message in the outbox, made (and, when sent, sent) days_old days ago."""
    made = days_ago(days_old)
    return saved(
        OutboxMessage(
            recipient=recipient,
            subject="Kopiena: ziņa",
            body=body,
            status=status,
            created_at=made,
            next_attempt_at=made,
            sent_at=made if status == OutboxMessage.SENT else None,
            attempts=1,
        )
    )


def make_session(user, days_old=0, expires_in_days=1, user_agent="Mozilla/5.0 (X11; Linux) Firefox/140.0"):
    """A session of the person begun days_old days ago, expiring expires_in_days from now (negative: expired)."""
    return saved(
        UserSession(
            user_id=user.id,
            token_hash=hash_token(secrets.token_urlsafe(16)),
            remember=True,
            user_agent=user_agent,
            created_at=days_ago(days_old),
            last_seen_at=days_ago(days_old),
            expires_at=utcnow() + timedelta(days=expires_in_days),
        )
    )


def make_reset_token(user, expires_in_hours=1, used=False):
    """A password reset link of the person (expired when expires_in_hours is negative)."""
    now = utcnow()
    return saved(
        PasswordResetToken(
            user_id=user.id,
            token_hash=hash_token(secrets.token_urlsafe(16)),
            created_at=now - timedelta(hours=2),
            expires_at=now + timedelta(hours=expires_in_hours),
            used_at=now if used else None,
        )
    )


def make_audit_entry(action="account.login", actor=None, days_old=0, ip_address="203.0.113.7", reason="", **details):
    """An audit entry days_old days old."""
    return saved(
        AuditEntry(
            action=action,
            actor_id=actor.id if actor is not None else None,
            subject_type="User" if actor is not None else "",
            subject_id=actor.id if actor is not None else None,
            created_at=days_ago(days_old),
            ip_address=ip_address,
            reason=reason,
            details=details,
        )
    )


def make_consent(user, document="privacy", version=1):
    """The person accepted a version of a legal document."""
    return saved(Consent(user_id=user.id, document=document, version=version, accepted_at=utcnow()))


def make_export(user, folder, expires_in_days=7, content=b"PK\x05\x06" + bytes(18)):
    """A prepared download of the person's data, with its file in folder (expired when expires_in_days < 0)."""
    name = secrets.token_hex(16) + ".zip"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)
    return saved(
        DataExport(
            user_id=user.id,
            file_name=name,
            size_bytes=len(content),
            created_at=utcnow() + timedelta(days=expires_in_days - 7),
            expires_at=utcnow() + timedelta(days=expires_in_days),
        )
    )


def aged(row, days, *columns):
    """Move the row's time columns (created_at unless named) days into the past; return the row."""
    for column in columns or ("created_at",):
        setattr(row, column, days_ago(days))
    return saved(row)
