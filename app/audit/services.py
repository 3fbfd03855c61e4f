"""Recording audit entries. The caller commits, so an entry lands with the action it describes."""
from flask import abort, request

from app.audit.models import AuditEntry
from app.extensions import db


def record_audit(action, actor=None, subject=None, centre_id=None, reason="", ip_address="", **details):
    """Add an audit entry to the current transaction."""
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


def refuse(user, what):
    """Record that someone tried a page or action they may not use, then answer 403."""
    record_audit("access.denied", actor=user if user.is_authenticated else None,
                 ip_address=request.remote_addr or "", what=what, path=request.path[:200])
    db.session.commit()
    abort(403)
