"""Server-side sign-in sessions.

The cookie holds a random token; the database holds its hash. Logging out deletes the row, so a
copied or replayed cookie stops working at once, and "log out everywhere" deletes them all.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload

from app.accounts.models import User, UserSession
from app.extensions import db
from app.timeutil import utcnow

#: last_seen_at is written at most this often, so a run of changes does not write it each time
LAST_SEEN_RESOLUTION = timedelta(minutes=1)

#: requests that only read: they never write last_seen_at (on SQLite a write would wait for the database's write lock)
READING_METHODS = ("GET", "HEAD", "OPTIONS")


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user, remember=False, user_agent=""):
    """Create a session for the user and return its raw token (to go in the cookie)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    lifetime = current_app.config["REMEMBER_COOKIE_DURATION"] if remember else current_app.config["SESSION_ABSOLUTE_TIMEOUT"]
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=hash_token(token),
            remember=remember,
            user_agent=(user_agent or "")[:200],
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
        )
    )
    user.session_token = token
    return token


def end_session(token):
    """End one session (log out)."""
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == hash_token(token)))


def end_all_sessions(user, keep_token=None):
    """End every session of the user, except the one with keep_token when given."""
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    if keep_token:
        statement = statement.where(UserSession.token_hash != hash_token(keep_token))
    db.session.execute(statement)


def load_user(token):
    """Flask-Login's user loader: the user of a live session, or None.

    Last seen is refreshed on log-in and by requests that change something, never by one that only reads.
    """
    if not token or len(token) > 100:
        return None
    # The centres a person moderates come in the same statement: every page's header asks for them.
    row = (
        db.session.execute(
            select(UserSession, User)
            .join(User, User.id == UserSession.user_id)
            .options(joinedload(User.moderated_centres))
            .where(UserSession.token_hash == hash_token(token))
        )
        .unique()
        .first()
    )
    if row is None:
        return None
    user_session, user = row
    now = utcnow()
    idle_limit = current_app.config["SESSION_IDLE_TIMEOUT"]
    idle_too_long = not user_session.remember and now - user_session.last_seen_at > idle_limit
    if now > user_session.expires_at or idle_too_long or not user.is_active:
        db.session.delete(user_session)
        db.session.commit()
        return None
    if not only_reading() and now - user_session.last_seen_at > LAST_SEEN_RESOLUTION:
        user_session.last_seen_at = now
        try:
            db.session.commit()
        except OperationalError:
            # Only the idle clock: when the database is busy it can wait for the next request.
            db.session.rollback()
            user = db.session.get(User, user.id)
    user.session_token = token
    return user


def only_reading():
    """Whether this is a request that only reads (outside a request, e.g. a command, it is not)."""
    return has_request_context() and request.method in READING_METHODS


def active_sessions(user):
    """The user's sessions, newest first, for the security page."""
    return db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.last_seen_at.desc())
    ).all()
