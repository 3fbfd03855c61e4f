"""The person's own pages: /me, my registrations, my printable volunteer record, my calendar address.

/me shows several domains at once, so it is put together here from each domain's own queries: ideas
(app/ideas/queries.py), sign-ups and hours (app/volunteering/queries.py), registrations and the calendar
(app/activities/queries.py) and representations (app/organisations/queries.py). The pages keep their
endpoints on the accounts and activities blueprints. Only the signed-in person's own rows are ever read: no
page takes a person's id.
"""

from dataclasses import dataclass

from flask import flash, redirect, render_template, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts import bp as accounts_bp
from app.activities import bp, services
from app.activities.queries import (
    attended_registrations_of,
    attended_signups_of,
    calendar_token_query,
    my_registrations_of,
    upcoming_registrations_of,
)
from app.extensions import db
from app.forms import EmptyForm, checked_button_form
from app.ideas.queries import idea_count_query
from app.organisations.queries import my_representations
from app.timeutil import utcnow
from app.urls import external_url
from app.volunteering.queries import confirmed_minutes_query, latest_signups_of

#: how many sign-ups and upcoming registrations /me lists (the full lists have their own pages)
ME_LATEST = 5


def hours_text(minutes):
    """Minutes as hours for people, e.g. 150 → "2.5" ("2,5" in Latvian)."""
    return format_decimal((minutes or 0) / 60, format="#,##0.##")


# /me ---------------------------------------------------------------------------------------------------------


@dataclass
class MyPageSummary:
    """What /me shows of the person's ideas, sign-ups, registrations, hours and calendar."""

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
        """The confirmed volunteer time as hours for people."""
        return hours_text(self.volunteer_minutes)


def my_page_summary(user):
    """Everything /me shows of the person's ideas, sign-ups, registrations, hours and calendar: three statements."""
    # the three numbers come from three domains' subqueries, read in one statement
    counts = db.session.execute(select(idea_count_query(user), confirmed_minutes_query(user), calendar_token_query(user))).one()
    signups = latest_signups_of(user, ME_LATEST)
    registrations = upcoming_registrations_of(user, ME_LATEST)
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


@accounts_bp.route("/me")
@login_required
def me():
    """The person's page: their ideas, sign-ups, registrations, hours, calendar address and account links."""
    summary = my_page_summary(current_user)
    feed_url = calendar_feed_url(summary.calendar_token)
    subscribe_url = "webcal://" + feed_url.split("://", 1)[1] if feed_url else None
    return render_template(
        "accounts/me.html",
        summary=summary,
        calendar_url=feed_url,
        subscribe_url=subscribe_url,
        button_form=EmptyForm(),
        my_organisations=my_representations(current_user),
    )


# My registrations ----------------------------------------------------------------------------------------------


def cancel_path(registration):
    """The address of the page that asks before cancelling (its "Cancel" link)."""
    return url_for("activities.cancel_registration", registration_id=registration.id)


@bp.route("/me/registrations")
@login_required
def my_registrations():
    """All the person's registrations: those still to come (the soonest first), then the earlier ones."""
    registrations = my_registrations_of(current_user)
    now = utcnow()
    upcoming = [registration for registration in reversed(registrations) if registration.activity.ends_at >= now]
    earlier = [registration for registration in registrations if registration.activity.ends_at < now]
    return render_template(
        "activities/my_registrations.html",
        upcoming=upcoming,
        earlier=earlier,
        cancel_path=cancel_path,
        button_form=EmptyForm(),
    )


# The printable volunteer record ---------------------------------------------------------------------------------


@dataclass
class VolunteerRecord:
    """The printable record: confirmed volunteering on activities and the activities the person took part in."""

    #: attended sign-ups on activities, with role, activity, centre and the coordinator who confirmed them
    signups: list
    #: attended registrations, with their activities
    registrations: list

    @property
    def total_minutes(self):
        """All the confirmed volunteer time, in minutes."""
        return sum(signup.minutes or 0 for signup in self.signups)

    @property
    def total_hours(self):
        """All the confirmed volunteer time as hours for people."""
        return hours_text(self.total_minutes)


def volunteer_record_of(user):
    """The person's confirmed volunteering and the activities they took part in, oldest first: two statements."""
    return VolunteerRecord(signups=attended_signups_of(user), registrations=attended_registrations_of(user))


@bp.route("/me/record")
@login_required
def volunteer_record():
    """The printable record of the person's confirmed volunteering and the activities they took part in."""
    record = volunteer_record_of(current_user)
    centre = current_user.home_centre
    return render_template("activities/record.html", record=record, centre=centre, hours_text=hours_text, printed_at=utcnow())


# The private calendar address ------------------------------------------------------------------------------


def back_to_calendar_block():
    """Back to the calendar part of /me."""
    return redirect(url_for("accounts.me", _anchor="calendar"))


@bp.route("/me/calendar", methods=["POST"])
@login_required
def create_calendar_feed():
    """Make the person's private calendar address."""
    checked_button_form()
    services.calendar_feed_token(current_user)  # a second click keeps the address made by the first
    db.session.commit()
    flash(_("Your private calendar address is ready. Copy it into your calendar program."), "success")
    return back_to_calendar_block()


@bp.route("/me/calendar/renew", methods=["POST"])
@login_required
def renew_calendar_feed():
    """Replace the private calendar address with a new one (the old one stops working)."""
    checked_button_form()
    services.renew_calendar_feed(current_user)
    db.session.commit()
    flash(_("You have a new calendar address. The old one no longer works: put the new one in your calendar."), "success")
    return back_to_calendar_block()


@bp.route("/me/calendar/revoke", methods=["POST"])
@login_required
def revoke_calendar_feed():
    """Switch the private calendar address off."""
    checked_button_form()
    services.revoke_calendar_feed(current_user)
    db.session.commit()
    flash(_("Your calendar address is switched off. Calendars using it no longer get your activities."), "success")
    return back_to_calendar_block()
