"""Calendar feeds (iCalendar): every centre's activities, one activity, and a person's private calendar.

Calendar programs fetch the feeds on their own and cannot log in: the private feed is opened by a
secret token in its address (made, renewed and revoked on the person's page, app/main/me.py).
"""

from datetime import timedelta

from flask import abort, current_app, make_response, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.activities import bp
from app.activities.ical import build_calendar
from app.activities.models import Activity, CalendarFeed, Registration, RegistrationState
from app.centres.models import Centre
from app.extensions import db
from app.timeutil import utcnow
from app.volunteering.models import SignUp, SignUpState, VolunteerRole

#: the public feeds start this many days back (calendar programs keep what they already have)
FEED_PAST_DAYS = 30
#: and hold at most this many activities
FEED_LIMIT = 500
#: a person's own feed: at most this many registrations and this many sign-ups
MY_FEED_LIMIT = 300
#: how long others (browsers, proxies) may keep a public feed
PUBLIC_FEED_MAX_AGE = 15 * 60


def calendar_response(body, filename, private=False, download=False):
    """An .ics answer, inline or to download; others may cache a public feed (PUBLIC_FEED_MAX_AGE), never the private one."""
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    disposition = "attachment" if download else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    if private:
        response.headers["Cache-Control"] = "private, no-store"
    else:
        response.headers["Cache-Control"] = f"public, max-age={PUBLIC_FEED_MAX_AGE}"
    return response


def active_centre_or_404(slug):
    """The active centre with this slug, or 404."""
    centre = db.session.scalar(select(Centre).where(Centre.slug == slug, Centre.is_active.is_(True)))
    if centre is None:
        abort(404)
    return centre


def feed_activities(centre=None):
    """Activities of the active centres (or one centre) from FEED_PAST_DAYS ago on, with their centres: one statement.

    Every state is listed: a cancelled activity stays with STATUS:CANCELLED so calendars that have it
    show the cancellation instead of keeping the old event.
    """
    query = (
        select(Activity)
        .join(Activity.centre)
        .options(joinedload(Activity.centre))
        .where(Activity.starts_at >= utcnow() - timedelta(days=FEED_PAST_DAYS), Centre.is_active.is_(True))
        .order_by(Activity.starts_at, Activity.id)
        .limit(FEED_LIMIT)
    )
    if centre is not None:
        query = query.where(Activity.centre_id == centre.id)
    return db.session.scalars(query).all()


@bp.route("/calendar.ics", defaults={"slug": None})
@bp.route("/centres/<slug>/calendar.ics")
def centre_ics(slug):
    """The public calendar feed of every active centre's activities, or of one centre (by its address or ?centre=)."""
    slug = slug or request.args.get("centre") or None
    centre = active_centre_or_404(slug) if slug else None
    name = f"Kopiena — {centre.name}" if centre else "Kopiena"
    body = build_calendar(name, activities=feed_activities(centre))
    return calendar_response(body, f"kopiena-{centre.slug}.ics" if centre else "kopiena.ics")


@bp.route("/activities/<int:activity_id>.ics")
def activity_ics(activity_id):
    """One activity as an .ics file to add to a calendar, for everyone (every activity is public)."""
    activity = db.session.scalar(select(Activity).options(joinedload(Activity.centre)).where(Activity.id == activity_id))
    if activity is None:
        abort(404)
    body = build_calendar(f"Kopiena — {activity.title}", activities=[activity])
    return calendar_response(body, f"kopiena-activity-{activity.id}.ics", download=True)


# The person's private feed ------------------------------------------------------------------------------

#: registrations that belong in the person's calendar: they have a place, or took part
MY_FEED_REGISTRATIONS = (RegistrationState.REGISTERED, RegistrationState.ATTENDED)
MY_FEED_SIGNUPS = (SignUpState.ACCEPTED, SignUpState.ATTENDED)


def my_feed_content(user):
    """The activities the person takes part or volunteers in, and their shifts: two statements."""
    registered = (
        db.session.scalars(
            select(Activity)
            .join(Registration, Registration.activity_id == Activity.id)
            .options(joinedload(Activity.centre))
            .where(Registration.user_id == user.id, Registration.state.in_(MY_FEED_REGISTRATIONS))
            .order_by(Activity.starts_at.desc())
            .limit(MY_FEED_LIMIT)
        )
        .unique()
        .all()
    )
    signups = (
        db.session.scalars(
            select(SignUp)
            .join(SignUp.role)
            .options(
                joinedload(SignUp.role).joinedload(VolunteerRole.activity).joinedload(Activity.centre),
                joinedload(SignUp.role).joinedload(VolunteerRole.idea),
            )
            .where(
                SignUp.user_id == user.id,
                SignUp.state.in_(MY_FEED_SIGNUPS),
                or_(VolunteerRole.starts_at.is_not(None), VolunteerRole.activity_id.is_not(None)),
            )
            .order_by(SignUp.created_at.desc())
            .limit(MY_FEED_LIMIT)
        )
        .unique()
        .all()
    )
    shifts = [signup for signup in signups if signup.role.starts_at is not None]
    # a role on an activity without its own times: the person is in the activity itself
    activities = {activity.id: activity for activity in registered}
    for signup in signups:
        if signup.role.starts_at is None and signup.role.activity is not None:
            activities.setdefault(signup.role.activity_id, signup.role.activity)
    return sorted(activities.values(), key=lambda activity: activity.starts_at), shifts


@bp.route("/me/calendar/<token>.ics")
def my_ics(token):
    """A person's private calendar feed, opened by the secret token in its address (no login), in their language."""
    feed = db.session.scalar(select(CalendarFeed).options(joinedload(CalendarFeed.user)).where(CalendarFeed.token == token))
    if feed is None or not feed.user.is_active:
        abort(404)
    user = feed.user
    with force_locale(user.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        activities, shifts = my_feed_content(user)
        body = build_calendar(_("Kopiena — my activities"), activities=activities, signups=shifts)
    return calendar_response(body, "kopiena-my-calendar.ics", private=True)
