"""The person's own pages about activities: my registrations, my printable volunteer record, my calendar address.

Also what /me (app/accounts/routes.py) shows of ideas, sign-ups, registrations and hours, read here in
three statements. Only the signed-in person's own rows are ever read: no page takes a person's id.
"""

from dataclasses import dataclass

from flask import flash, redirect, render_template, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from app.activities import bp, services
from app.activities.models import Activity, ActivityState, CalendarFeed, Registration, RegistrationState
from app.extensions import db
from app.forms import EmptyForm, checked_button_form
from app.ideas.models import Idea
from app.organisations.queries import my_representations
from app.timeutil import utcnow
from app.urls import external_url
from app.volunteering.models import SignUp, SignUpState, VolunteerRole

#: how many sign-ups and upcoming registrations /me lists (the full lists have their own pages)
ME_LATEST = 5
#: at most this many registrations on "My registrations"
MY_REGISTRATIONS_LIMIT = 200


def hours_text(minutes):
    """Minutes as hours for people, e.g. 150 → "2.5" ("2,5" in Latvian)."""
    return format_decimal((minutes or 0) / 60, format="#,##0.##")


# /me ---------------------------------------------------------------------------------------------------------


@dataclass
class MyPageSummary:
    idea_count: int
    #: the latest few sign-ups, with their roles and the ideas or activities of the roles
    signups: list
    #: registered or on the waiting list for activities still to come, the soonest first
    registrations: list
    #: volunteer time confirmed by coordinators
    volunteer_minutes: int
    #: the private calendar token, None until the person asks for one
    calendar_token: str | None

    @property
    def volunteer_hours(self):
        return hours_text(self.volunteer_minutes)


def my_page_summary(user):
    """Everything /me shows of the person's ideas, sign-ups, registrations, hours and calendar: three statements."""
    idea_count = select(func.count(Idea.id)).where(Idea.author_id == user.id).scalar_subquery()
    minutes = (
        select(func.coalesce(func.sum(SignUp.minutes), 0))
        .where(SignUp.user_id == user.id, SignUp.state == SignUpState.ATTENDED)
        .scalar_subquery()
    )
    token = select(CalendarFeed.token).where(CalendarFeed.user_id == user.id).scalar_subquery()
    counts = db.session.execute(select(idea_count, minutes, token)).one()
    signups = db.session.scalars(
        select(SignUp)
        .options(
            joinedload(SignUp.role).joinedload(VolunteerRole.activity), joinedload(SignUp.role).joinedload(VolunteerRole.idea)
        )
        .where(SignUp.user_id == user.id)
        .order_by(SignUp.created_at.desc(), SignUp.id.desc())
        .limit(ME_LATEST)
    ).all()
    registrations = db.session.scalars(
        select(Registration)
        .join(Registration.activity)
        .options(contains_eager(Registration.activity))
        .where(Registration.user_id == user.id, Registration.state.in_(RegistrationState.ACTIVE), Activity.ends_at >= utcnow())
        .order_by(Activity.starts_at, Registration.id)
        .limit(ME_LATEST)
    ).all()
    return MyPageSummary(
        idea_count=counts[0],
        signups=signups,
        registrations=registrations,
        volunteer_minutes=int(counts[1] or 0),
        calendar_token=counts[2],
    )


def calendar_feed_url(token):
    """The private feed's address to copy into a calendar program (on BASE_URL, like every link that leaves the site)."""
    return external_url("activities.my_ics", token=token) if token else None


def render_me(user):
    """The /me page (the view is accounts.me)."""
    summary = my_page_summary(user)
    feed_url = calendar_feed_url(summary.calendar_token)
    subscribe_url = "webcal://" + feed_url.split("://", 1)[1] if feed_url else None
    return render_template(
        "accounts/me.html",
        summary=summary,
        calendar_url=feed_url,
        subscribe_url=subscribe_url,
        button_form=EmptyForm(),
        my_organisations=my_representations(user),
    )


# My registrations ----------------------------------------------------------------------------------------------


def my_registrations_of(user):
    """All the person's registrations with their activities and centres, the latest activity first; one statement."""
    return db.session.scalars(
        select(Registration)
        .join(Registration.activity)
        .join(Activity.centre)
        .options(contains_eager(Registration.activity).contains_eager(Activity.centre))
        .where(Registration.user_id == user.id)
        .order_by(Activity.starts_at.desc(), Registration.id.desc())
        .limit(MY_REGISTRATIONS_LIMIT)
    ).all()


def can_cancel(registration):
    activity = registration.activity
    return registration.is_active and activity.state in (ActivityState.PLANNED, ActivityState.OPEN) and not activity.has_started


def cancel_path(registration):
    return url_for("activities.cancel_registration", registration_id=registration.id)


@bp.route("/me/registrations")
@login_required
def my_registrations():
    registrations = my_registrations_of(current_user)
    now = utcnow()
    upcoming = [registration for registration in reversed(registrations) if registration.activity.ends_at >= now]
    earlier = [registration for registration in registrations if registration.activity.ends_at < now]
    return render_template(
        "activities/my_registrations.html",
        upcoming=upcoming,
        earlier=earlier,
        can_cancel=can_cancel,
        cancel_path=cancel_path,
        button_form=EmptyForm(),
    )


# The printable volunteer record ---------------------------------------------------------------------------------


@dataclass
class VolunteerRecord:
    #: attended sign-ups on activities, with role, activity, centre and the coordinator who confirmed them
    signups: list
    #: attended registrations, with their activities
    registrations: list

    @property
    def total_minutes(self):
        return sum(signup.minutes or 0 for signup in self.signups)

    @property
    def total_hours(self):
        return hours_text(self.total_minutes)


def volunteer_record_of(user):
    """The person's confirmed volunteering and the activities they took part in, oldest first: two statements."""
    signups = db.session.scalars(
        select(SignUp)
        .join(SignUp.role)
        .join(VolunteerRole.activity)
        .join(Activity.centre)
        .options(
            contains_eager(SignUp.role).contains_eager(VolunteerRole.activity).contains_eager(Activity.centre),
            joinedload(SignUp.attendance_by),
        )
        .where(SignUp.user_id == user.id, SignUp.state == SignUpState.ATTENDED)
        .order_by(Activity.starts_at, SignUp.id)
    ).all()
    registrations = db.session.scalars(
        select(Registration)
        .join(Registration.activity)
        .join(Activity.centre)
        .options(contains_eager(Registration.activity).contains_eager(Activity.centre))
        .where(Registration.user_id == user.id, Registration.state == RegistrationState.ATTENDED)
        .order_by(Activity.starts_at, Registration.id)
    ).all()
    return VolunteerRecord(signups=signups, registrations=registrations)


@bp.route("/me/record")
@login_required
def volunteer_record():
    record = volunteer_record_of(current_user)
    centre = current_user.home_centre
    return render_template("activities/record.html", record=record, centre=centre, hours_text=hours_text, printed_at=utcnow())


# The private calendar address ------------------------------------------------------------------------------


def back_to_calendar_block():
    return redirect(url_for("accounts.me", _anchor="calendar"))


@bp.route("/me/calendar", methods=["POST"])
@login_required
def create_calendar_feed():
    checked_button_form()
    services.calendar_feed_token(current_user)  # a second click keeps the address made by the first
    db.session.commit()
    flash(_("Your private calendar address is ready. Copy it into your calendar program."), "success")
    return back_to_calendar_block()


@bp.route("/me/calendar/renew", methods=["POST"])
@login_required
def renew_calendar_feed():
    checked_button_form()
    services.renew_calendar_feed(current_user)
    db.session.commit()
    flash(_("You have a new calendar address. The old one no longer works: put the new one in your calendar."), "success")
    return back_to_calendar_block()


@bp.route("/me/calendar/revoke", methods=["POST"])
@login_required
def revoke_calendar_feed():
    checked_button_form()
    services.revoke_calendar_feed(current_user)
    db.session.commit()
    flash(_("Your calendar address is switched off. Calendars using it no longer get your activities."), "success")
    return back_to_calendar_block()
