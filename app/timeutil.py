"""Time helpers: the database stores naive UTC datetimes, the same on SQLite and PostgreSQL."""

from datetime import UTC, datetime

from flask_babel import to_user_timezone


def utcnow():
    """The current UTC time as a naive datetime, as stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_for_form(value):
    """A stored UTC time as the naive local time a datetime-local form field shows (None stays None)."""
    return to_user_timezone(value).replace(tzinfo=None) if value else None
