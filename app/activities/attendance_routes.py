"""Pages after an activity: who came (participants and volunteers with their hours), the outcome report and its
photos; and the activity's own photo (carried over from its idea).

The activity page shows the report with templates/activities/_outcome.html, which gets its numbers from
the template global `outcome_figures(activity)` (app/activities/outcome.py), registered below.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import permissions
from app.activities import bp, queries, services
from app.activities.attendance_forms import OutcomeForm, OutcomePhotoForm
from app.activities.models import Activity, ActivityPhoto, Registration, RegistrationState
from app.activities.outcome import outcome_figures
from app.activities.photos import MAX_PHOTOS, TOO_MANY_PHOTOS, add_outcome_photo, photo_count, remove_outcome_photo
from app.errors import NotAllowed
from app.extensions import db
from app.forms import EmptyForm
from app.ideas import photos as photo_files
from app.volunteering import services as volunteering_services
from app.volunteering.models import SignUp, SignUpState, VolunteerRole
from app.volunteering.services import ATTENDANCE_SOURCES as SIGNUP_ATTENDANCE_SOURCES

bp.add_app_template_global(outcome_figures, "outcome_figures")

MAX_HOURS = 24
HOURS_FORMAT = _l("Please give the hours as a number from 0 to 24, e.g. 2.5.")
HOURS_MISSING = _l("Please give the hours this person helped (from 0 to 24).")


def activity_or_404(activity_id):
    """The activity with this id, or 404 (each page checks who may use it)."""
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        abort(404)
    return activity


# Attendance --------------------------------------------------------------------------------------------------


@dataclass
class AttendanceRow:
    """One line of the attendance form: a registration or a volunteer's sign-up, what the form says about it."""

    kind: str  # "r" (registration) or "s" (sign-up): the fields are named came-r-<id>, hours-s-<id>
    record: object
    came: bool
    hours: str = ""
    error: str = ""
    minutes: int | None = None

    @property
    def id(self):
        """The id of the registration or sign-up, as in the row's field names."""
        return self.record.id


def attendance_rows(activity):
    """The registrations holding places and the volunteers accepted in the activity's roles: two statements."""
    registrations = db.session.scalars(
        select(Registration)
        .options(joinedload(Registration.user), joinedload(Registration.organisation))
        .where(Registration.activity_id == activity.id, Registration.state.in_(RegistrationState.HOLDING_PLACES))
        .order_by(Registration.created_at, Registration.id)
    ).all()
    signups = db.session.scalars(
        select(SignUp)
        .join(VolunteerRole, VolunteerRole.id == SignUp.role_id)
        .options(joinedload(SignUp.user), joinedload(SignUp.role))
        .where(VolunteerRole.activity_id == activity.id, SignUp.state.in_(SIGNUP_ATTENDANCE_SOURCES))
        .order_by(VolunteerRole.id, SignUp.created_at, SignUp.id)
    ).all()
    return registrations, signups


def hours_text(minutes):
    """Minutes as hours for the number field: "3", "2.5", "1.25"."""
    text = f"{minutes / 60:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def expected_minutes(signup, activity):
    """The hours to offer: those recorded, else the role's shift, else the activity's length (at most a day)."""
    if signup.minutes is not None:
        return signup.minutes
    role = signup.role
    if role.starts_at and role.ends_at:
        length = role.ends_at - role.starts_at
    else:
        length = activity.ends_at - activity.starts_at
    return min(int(length.total_seconds() // 60), MAX_HOURS * 60)


def parse_minutes(text):
    """The hours typed (a comma or a point for decimals) as whole minutes, or ValueError."""
    try:
        hours = Decimal(text.strip().replace(",", "."))
    except InvalidOperation as error:
        raise ValueError(text) from error
    if not hours.is_finite() or not 0 <= hours <= MAX_HOURS:
        raise ValueError(text)
    return int((hours * 60).to_integral_value(rounding=ROUND_HALF_UP))


def rows_from_records(activity, registrations, signups):
    """The form's rows as recorded so far: who is marked as having come, and the hours to offer each volunteer."""
    rows = [AttendanceRow("r", registration, registration.state == RegistrationState.ATTENDED) for registration in registrations]
    rows += [
        AttendanceRow("s", signup, signup.state == SignUpState.ATTENDED, hours=hours_text(expected_minutes(signup, activity)))
        for signup in signups
    ]
    return rows


def submitted_ids(name):
    """The row ids the page listed (hidden fields); anything not a number is dropped."""
    return {int(value) for value in request.form.getlist(name) if value.isdigit()}


def rows_from_form(registrations, signups):
    """The form's answers for the activity's own rows that the page showed; other ids in the form are ignored.

    Rows the page did not show (e.g. a volunteer accepted since it was opened) are left as they are:
    an absent checkbox must not mark someone as not having come.
    """
    shown_registrations, shown_signups = submitted_ids("registration"), submitted_ids("signup")
    rows = [
        AttendanceRow("r", registration, f"came-r-{registration.id}" in request.form)
        for registration in registrations
        if registration.id in shown_registrations
    ]
    for signup in signups:
        if signup.id not in shown_signups:
            continue
        row = AttendanceRow(
            "s", signup, f"came-s-{signup.id}" in request.form, hours=request.form.get(f"hours-s-{signup.id}", "").strip()[:20]
        )
        if row.hours:
            try:
                row.minutes = parse_minutes(row.hours)
            except ValueError:
                row.error = HOURS_FORMAT
        elif row.came:
            row.error = HOURS_MISSING
        rows.append(row)
    return rows


def render_attendance(activity, rows, form):
    """The attendance page: the participants' rows, the volunteers' rows, and whether any row has an error."""
    return render_template(
        "activities/attendance.html",
        activity=activity,
        form=form,
        registration_rows=[row for row in rows if row.kind == "r"],
        signup_rows=[row for row in rows if row.kind == "s"],
        has_errors=any(row.error for row in rows),
    )


@bp.route("/activities/<int:activity_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance(activity_id):
    """The coordinator ticks who came and confirms the volunteers' hours, all in one form."""
    activity = activity_or_404(activity_id)
    if not permissions.can_record_attendance(current_user, activity):
        if permissions.can_manage_activity(current_user, activity):
            raise NotAllowed(_("Attendance can be recorded once the activity has started (and not for a cancelled one)."))
        raise NotAllowed(what="activities.attendance")
    form = EmptyForm()
    registrations, signups = attendance_rows(activity)
    if not form.validate_on_submit():
        return render_attendance(activity, rows_from_records(activity, registrations, signups), form)
    rows = rows_from_form(registrations, signups)
    if any(row.error for row in rows):
        return render_attendance(activity, rows, form)
    for row in rows:  # one transaction: a refusal of any row (a domain error) rolls all of them back
        if row.kind == "r":
            services.record_attendance(current_user, row.record, row.came)
        else:
            volunteering_services.record_volunteer_attendance(
                current_user, row.record, row.came, row.minutes if row.came else None
            )
    db.session.commit()
    flash(_("Attendance saved"), "success")
    return redirect(url_for("activities.attendance", activity_id=activity.id))


# The outcome report and its photos -----------------------------------------------------------------------------


def render_outcome(activity, outcome_form, photo_form):
    """The outcome report page: the report form, the photos, the photo form, and whether no more photos fit."""
    photos = activity.photos
    return render_template(
        "activities/outcome.html",
        activity=activity,
        outcome_form=outcome_form,
        photo_form=photo_form,
        photos=photos,
        button_form=EmptyForm(),
        max_photos=MAX_PHOTOS,
        photo_limit_reached=len(photos) >= MAX_PHOTOS,
    )


@bp.route("/activities/<int:activity_id>/outcome", methods=["GET", "POST"])
@login_required
def edit_outcome(activity_id):
    """Write the outcome report of an activity that took place, and add photos to it (two forms on one page)."""
    activity = activity_or_404(activity_id)
    if not permissions.can_write_outcome(current_user, activity):
        if permissions.can_manage_activity(current_user, activity):
            raise NotAllowed(_("The report can be written once the activity is marked as held."))
        raise NotAllowed(what="activities.edit_outcome")
    adding_photo = request.method == "POST" and request.form.get("action") == "photo"
    if adding_photo:  # the report's text on the page stays as saved; the photo form keeps what was sent
        outcome_form = OutcomeForm(formdata=None, data={"outcome": activity.outcome})
        photo_form = OutcomePhotoForm()
    else:
        outcome_form = OutcomeForm(data={"outcome": activity.outcome})
        photo_form = OutcomePhotoForm(formdata=None)
    if request.method != "POST":
        return render_outcome(activity, outcome_form, photo_form)
    if adding_photo:
        return add_photo(activity, outcome_form, photo_form)
    if not outcome_form.validate():
        return render_outcome(activity, outcome_form, photo_form)
    services.write_outcome(current_user, activity, outcome_form.outcome.data)
    db.session.commit()
    flash(_("The report is saved."), "success")
    return redirect(url_for("activities.edit_outcome", activity_id=activity.id))


def add_photo(activity, outcome_form, photo_form):
    """Add the uploaded photo to the outcome report (the outcome page's photo form); when saving fails, its file is deleted."""
    if photo_count(activity) >= MAX_PHOTOS:  # before reading the file: there is no room for it anyway
        photo_form.photo.errors = [TOO_MANY_PHOTOS]
        return render_outcome(activity, outcome_form, photo_form)
    if not photo_form.validate():
        return render_outcome(activity, outcome_form, photo_form)
    image_name = photo_files.save_photo(photo_form.photo_jpeg)
    try:
        add_outcome_photo(current_user, activity, image_name, photo_form.caption.data, photo_form.consent.data)
        db.session.commit()
    except BaseException:
        photo_files.delete_photo(image_name)  # nothing was saved, so the file must not stay either
        raise
    flash(_("The photo is added."), "success")
    return redirect(url_for("activities.edit_outcome", activity_id=activity.id, _anchor="photos"))


@bp.route("/activity-photos/<int:photo_id>/delete", methods=["POST"])
@login_required
def delete_photo(photo_id):
    """Remove a photo from an outcome report (POST; the activity's coordinators, once it is marked as held)."""
    photo = db.session.get(ActivityPhoto, photo_id)
    if photo is None:
        abort(404)
    if not permissions.can_write_outcome(current_user, photo.activity):
        raise NotAllowed(what="activities.delete_photo")
    if not EmptyForm().validate_on_submit():
        abort(400)
    activity_id = photo.activity_id
    image_name = remove_outcome_photo(current_user, photo)
    db.session.commit()
    photo_files.delete_photo(image_name)  # after the commit: until then the report still showed it
    flash(_("The photo is removed."), "success")
    return redirect(url_for("activities.edit_outcome", activity_id=activity_id, _anchor="photos"))


@bp.route("/activity-photos/<int:photo_id>")
def photo(photo_id):
    """A photo of an outcome report, for everyone (every activity is public)."""
    photo = db.session.get(ActivityPhoto, photo_id)
    if photo is None or not photo_files.STORED_NAME.match(photo.image_name or ""):
        abort(404)
    response = send_from_directory(
        photo_files.upload_folder(), photo.image_name, mimetype="image/jpeg", max_age=86400, conditional=True
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.route("/activities/<int:activity_id>/photo")
def activity_photo(activity_id):
    """The activity's photo (carried over from its idea), for those who may see the activity; none: 404."""
    activity = queries.activity_with_centre(activity_id)
    if activity is None or not activity.image_name or not photo_files.STORED_NAME.match(activity.image_name):
        abort(404)
    # every activity is public (routes.visible_activity), so its photo may be kept a day, as a public idea's
    response = send_from_directory(
        photo_files.upload_folder(), activity.image_name, mimetype="image/jpeg", max_age=86400, conditional=True
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response
