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


def local_date(now, timezone):
    """The local date (ISO) of a naive UTC time: the period of a daily job."""
    return now.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone)).date().isoformat()


def due_period(now, at, timezone):
    """The period (local date, ISO) whose run is due at the naive UTC time now, or None before the day's time.

    Due from the local time `at` until the end of the local day, so that a worker started late still runs the
    day's job. Compared on the wall clock: on the day the clocks go forward a time in the skipped hour is due
    from the first minute after it; on the day they go back the period is the same date, so it runs once.
    """
    if at is None:
        return None
    local = now.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone))
    if local.time().replace(tzinfo=None) < at:
        return None
    return local.date().isoformat()
