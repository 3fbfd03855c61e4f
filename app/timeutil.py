"""Time helpers: the database stores naive UTC datetimes, the same on SQLite and PostgreSQL."""
from datetime import UTC, datetime


def utcnow():
    """The current UTC time as a naive datetime, as stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)
