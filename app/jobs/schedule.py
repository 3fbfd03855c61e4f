"""When a daily job is due: at its local time of day (Europe/Riga), once per local date, caught up later that day."""

import re
from datetime import UTC, time
from zoneinfo import ZoneInfo

TIME_OF_DAY = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


def parse_time_of_day(value):
    """ "07:00" → time(7, 0); "" → None (the job is off); anything else → ValueError."""
    value = (value or "").strip()
    if not value:
        return None
    match = TIME_OF_DAY.fullmatch(value)
    if match is None:
        raise ValueError(f"{value!r} is not a time of day as HH:MM (e.g. 07:00)")
    return time(int(match[1]), int(match[2]))


def period_of(local, hourly=False):
    """The period a local time falls in: its date ("2026-12-03"), or for an hourly job its hour ("2026-12-03T14")."""
    return f"{local.date().isoformat()}T{local.hour:02d}" if hourly else local.date().isoformat()


def current_period(now, timezone, hourly=False):
    """The period (local date, or hour) of a naive UTC time."""
    return period_of(now.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone)), hourly)


def due_period(now, at, timezone, hourly=False):
    """The period whose run is due at the naive UTC time now, or None before the day's time.

    A daily job is due once per local date, from the local time `at` until the end of the day, so that a worker
    started late still runs the day's job; an hourly job once in every hour from `at` on. Compared on the wall
    clock: on the day the clocks go forward a time in the skipped hour is due from the first minute after it; on
    the day they go back the repeated hour is the same period, so nothing runs twice.
    """
    if at is None:
        return None
    local = now.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone))
    if local.time().replace(tzinfo=None) < at:
        return None
    return period_of(local, hourly)
