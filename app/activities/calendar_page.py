"""The month view of activities (/activities/calendar): a table, Monday first, of the local (Riga) dates."""

import calendar as calendar_module
import re
from datetime import date, datetime

from babel.dates import get_day_names
from flask import render_template, request
from flask_babel import get_locale, to_user_timezone, to_utc

from app.activities import bp, queries
from app.centres.queries import active_centres
from app.i18n import format_date
from app.timeutil import utcnow

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_month(value, today):
    """(year, month) from "YYYY-MM"; anything else (or a far-away year) means the current month."""
    match = MONTH_PATTERN.match(value or "")
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
            return year, month
    return today.year, today.month


def shift_month(year, month, step):
    """The (year, month) that is step months after the given one (before it when step is negative)."""
    index = year * 12 + (month - 1) + step
    return index // 12, index % 12 + 1


@bp.route("/activities/calendar")
def calendar():
    """A month of activities as a table, Monday first; days are the local (Riga) dates."""
    today = to_user_timezone(utcnow()).date()
    year, month = parse_month(request.args.get("month"), today)
    centres = active_centres()
    centre = queries.centre_by_slug(centres, request.args.get("centre"))
    next_year, next_month = shift_month(year, month, 1)
    prev_year, prev_month = shift_month(year, month, -1)
    start = to_utc(datetime(year, month, 1)).replace(tzinfo=None)
    end = to_utc(datetime(next_year, next_month, 1)).replace(tzinfo=None)
    by_day = {}
    for activity in queries.activities_between(start, end, centre.id if centre else None):
        by_day.setdefault(to_user_timezone(activity.starts_at).date(), []).append(activity)
    weeks = calendar_module.Calendar(firstweekday=0).monthdatescalendar(year, month)
    locale = get_locale()
    weekdays = [(get_day_names("wide", locale=locale)[day], get_day_names("abbreviated", locale=locale)[day]) for day in range(7)]
    centre_args = {"centre": centre.slug} if centre else {}
    prev_ok = prev_year >= FIRST_YEAR
    next_ok = next_year <= LAST_YEAR
    return render_template(
        "activities/calendar.html",
        weeks=weeks,
        by_day=by_day,
        weekdays=weekdays,
        year=year,
        month=month,
        month_title=format_date(date(year, month, 1), "month"),
        today=today,
        centres=centres,
        centre=centre,
        centre_args=centre_args,
        activity_count=sum(len(items) for items in by_day.values()),
        prev_month=f"{prev_year:04d}-{prev_month:02d}" if prev_ok else None,
        next_month=f"{next_year:04d}-{next_month:02d}" if next_ok else None,
        this_month=f"{today.year:04d}-{today.month:02d}",
    )
