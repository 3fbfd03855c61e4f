"""Time helpers: the database stores naive UTC datetimes, the same on SQLite and PostgreSQL."""
from datetime import datetime, timezone


def utcnow():
    """The current UTC time as a naive datetime, as stored in the database."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
