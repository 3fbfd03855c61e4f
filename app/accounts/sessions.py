"""Server-side sign-in sessions.

The cookie holds a random token; the database holds its hash. Logging out deletes the row, so a
copied or replayed cookie stops working at once, and "log out everywhere" deletes them all.

The idle clock has two halves. A request that changes something writes `last_seen_at`; a request that only
reads writes nothing to the database (on SQLite it would wait for the write lock) and instead moves the minute
kept in the signed session cookie (`IDLE_CLOCK_KEY`). A session is idle from the later of the two.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request, session
from flask_login import current_user
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

#: the key in the signed session cookie holding the minute of the browser's last request (minutes since EPOCH, UTC)
IDLE_CLOCK_KEY = "seen"
EPOCH = datetime(1970, 1, 1)


def hash_token(token):
    """The SHA-256 of a raw token: what the database keeps instead of the token."""
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

    Last seen is refreshed on log-in and by requests that change something, never by one that only reads;
    those move the cookie's idle clock instead (refresh_idle_clock), and idleness counts from the later of the two.
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
    idle_too_long = not user_session.remember and now - last_active(user_session, now) > idle_limit
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


def minute_of(time):
    """A naive UTC time as whole minutes since EPOCH, rounded down."""
    return (time - EPOCH) // timedelta(minutes=1)


def cookie_seen(now):
    """The time of the idle clock in the signed session cookie, or None when there is none or it lies ahead of now."""
    if not has_request_context():
        return None
    minute = session.get(IDLE_CLOCK_KEY)
    if type(minute) is not int:
        return None
    seen = EPOCH + timedelta(minutes=minute)
    # Only this app can sign the cookie, so it cannot be forged; one from the future is a clock gone wrong: not trusted.
    return seen if seen <= now else None


def last_active(user_session, now):
    """When the session was last used: the later of its last_seen_at and this browser's cookie idle clock."""
    seen = cookie_seen(now)
    return max(user_session.last_seen_at, seen) if seen else user_session.last_seen_at


def refresh_idle_clock(response):
    """After a signed-in person's request, set the cookie's idle clock to this minute (so at most once a minute)."""
    if request.endpoint == "static" or response.cache_control.public:
        # The same for everyone, so a cache may keep it: no cookie may go with it.
        return response
    if current_user.is_authenticated:
        minute = minute_of(utcnow())
        if session.get(IDLE_CLOCK_KEY) != minute:
            session[IDLE_CLOCK_KEY] = minute
    return response


def active_sessions(user):
    """The user's sessions, newest first, for the security page."""
    return db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.last_seen_at.desc())
    ).all()
