"""iCalendar (RFC 5545) files of activities and volunteer shifts, built with the `icalendar` library.

The library escapes every text value (commas, semicolons, line breaks), folds long lines at 75 octets
and ends lines with CRLF, so a title cannot add properties or events of its own. Only what is public
goes in, plus, in a person's private feed, their own shifts: never the names of the people they bring.
Times are written in UTC (as stored), so no time zone definitions are needed.
"""

from datetime import UTC
from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_babel import gettext as _
from icalendar import Calendar, Event, vText

from app.activities.models import ActivityState

PRODID = "-//Kopiena//LV"


def feed_host():
    """The host of BASE_URL, the domain part of every UID (stable whatever address a request came in by)."""
    return urlsplit(current_app.config["BASE_URL"]).hostname or "kopiena"


def absolute(path):
    """The full address of a path on this site (BASE_URL in front of it)."""
    return current_app.config["BASE_URL"] + path


def utc(value):
    """A stored time (naive UTC) marked as UTC, as the calendar file needs it."""
    return value.replace(tzinfo=UTC)


def activity_url(activity):
    """The full address of the activity's page."""
    return absolute(url_for("activities.activity_detail", activity_id=activity.id))


def activity_location(activity):
    """The place, with the centre's town unless the place already names it."""
    centre = activity.centre.name if activity.centre else ""
    if not activity.place or centre in activity.place:
        return activity.place or centre
    return f"{activity.place}, {centre}"


def revision(row):
    """SEQUENCE: grows with every change of the activity (seconds from its creation to its last change)."""
    return max(int((row.updated_at - row.created_at).total_seconds()), 0)


def activity_event(activity):
    """One VEVENT for an activity; a cancelled one stays in the feed with STATUS:CANCELLED and the reason."""
    url = activity_url(activity)
    cancelled = activity.state == ActivityState.CANCELLED
    lines = []
    if cancelled:
        lines.append(_("Cancelled: %(reason)s", reason=activity.cancel_reason))
    if activity.description:
        lines.append(activity.description)  # Markdown reads as plain text
    if activity.leader_name:
        lines.append(_("Led by: %(name)s", name=activity.leader_name))
    lines.append(url)
    event = Event()
    event.add("uid", f"activity-{activity.id}@{feed_host()}")
    event.add("dtstamp", utc(activity.updated_at))
    event.add("last-modified", utc(activity.updated_at))
    event.add("created", utc(activity.created_at))
    event.add("sequence", revision(activity))
    event.add("dtstart", utc(activity.starts_at))
    event.add("dtend", utc(activity.ends_at))
    event.add("summary", activity.title)
    location = activity_location(activity)
    if location:
        event.add("location", location)
    event.add("description", "\n\n".join(lines))
    event.add("url", url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def shift_event(signup):
    """One VEVENT for a person's volunteer shift (a role with a start time) they were accepted for."""
    role = signup.role
    activity = role.activity
    if activity is not None:
        about, url = activity.title, activity_url(activity)
        location = activity_location(activity)
        cancelled = activity.state == ActivityState.CANCELLED
    else:
        about, url = role.idea.title, absolute(url_for("ideas.idea_detail", idea_id=role.idea_id))
        location = role.idea.place or ""
        cancelled = False
    changed = signup.attendance_at or signup.decided_at or signup.created_at
    event = Event()
    event.add("uid", f"signup-{signup.id}@{feed_host()}")
    event.add("dtstamp", utc(changed))
    event.add("last-modified", utc(changed))
    event.add("dtstart", utc(role.starts_at))
    if role.ends_at:
        event.add("dtend", utc(role.ends_at))
    event.add("summary", _("Volunteering: %(role)s (%(title)s)", role=role.name, title=about))
    if location:
        event.add("location", location)
    event.add("description", "\n\n".join(part for part in (role.description, url) if part))
    event.add("url", url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def build_calendar(name, activities=(), signups=()):
    """The calendar file (bytes, CRLF line endings) with the activities and the shifts of the sign-ups."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", vText(name))
    for activity in activities:
        calendar.add_component(activity_event(activity))
    for signup in signups:
        calendar.add_component(shift_event(signup))
    return calendar.to_ical()
