"""A school's representative registers a class for an activity: a number of pupils with their responsible teacher.

Organisations sit above activities: this module checks that the person represents the school (a school or a
kindergarten) and then calls down into activities' register(), the one path that takes places, so a class's
places (pupils + 1 for the teacher) are taken with the same conditional UPDATE and waiting list as anyone's.
Cancelling is the registration's own cancel button (activities.cancel_registration), for the person who made it.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app import permissions
from app.activities import queries as activity_queries
from app.activities import registrations as registration_services
from app.activities.models import RegistrationState
from app.errors import AlreadyDone, NotAllowed
from app.extensions import db
from app.inputs import db_int
from app.organisations import bp
from app.organisations.forms import ClassRegistrationForm
from app.organisations.models import Organisation

WHAT = "organisations.register_class"


# The rule ---------------------------------------------------------------------------------------------------------


def schools_represented_by(user):
    """The schools and kindergartens the person is an approved representative of, by name."""
    schools = [r.organisation for r in user.representations if r.organisation is not None and r.organisation.is_school]
    return sorted(schools, key=lambda organisation: (organisation.name, organisation.id))


def register_school_class(user, organisation, activity, pupils, teacher, label=""):
    """Register a class of a school the person represents: its places are taken, or it joins the waiting list.

    Refused (NotAllowed) unless the person is an approved representative of this school or kindergarten and
    registration is open; the same class (school and label) twice raises AlreadyDone.
    """
    if not permissions.can_register_class(user, organisation, activity):
        raise NotAllowed(what=WHAT)
    school_class = registration_services.SchoolClass(organisation_id=organisation.id, pupils=pupils, teacher=teacher, label=label)
    return registration_services.register(user, activity, includes_self=False, school_class=school_class)


# The page ---------------------------------------------------------------------------------------------------------


def chosen_school(raw):
    """The organisation the form names: 404 unless the person represents it, 403 when it is not a school (None when
    the value is no id at all: the form says so next to the field)."""
    try:
        organisation_id = db_int(raw)
    except (TypeError, ValueError):
        return None
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not current_user.represents(organisation.id):
        abort(404)
    if not organisation.is_school:
        raise NotAllowed(_("Only schools and kindergartens register classes."), what=WHAT)
    return organisation


@bp.route("/activities/<int:activity_id>/register-class", methods=["GET", "POST"])
@login_required
def register_class(activity_id):
    """The form to register a school class for an activity with open registration (representatives of a school)."""
    activity = activity_queries.activity_with_centre(activity_id)
    if activity is None:
        abort(404)
    schools = schools_represented_by(current_user)
    if not schools or not permissions.is_active_member(current_user):
        raise NotAllowed(_("Only representatives of a school or a kindergarten register classes."), what=WHAT)
    back = url_for("activities.activity_detail", activity_id=activity.id, _anchor="registration")
    if not activity.registration_open:
        flash(_("Registration for this activity is not open."), "error")
        return redirect(back)
    form = ClassRegistrationForm()
    form.organisation.choices = [SelectChoice(school.id, school.name) for school in schools]
    organisation = chosen_school(request.form.get("organisation")) if request.method == "POST" else None
    if not form.validate_on_submit() or organisation is None:
        return render_template("organisations/register_class.html", form=form, activity=activity)
    try:
        registration = register_school_class(
            current_user, organisation, activity, form.pupils.data, form.responsible_teacher.data, form.class_label.data or ""
        )
    except AlreadyDone as error:
        db.session.rollback()
        form.class_label.errors = [*form.class_label.errors, error.message]
        return render_template("organisations/register_class.html", form=form, activity=activity)
    db.session.commit()
    if registration.state == RegistrationState.REGISTERED:
        flash(_("The class is registered. See you there!"), "success")
    else:
        flash(
            _(
                "Not enough places are free, so the class is on the waiting list. "
                "If places become free, it moves up and you are told."
            ),
            "success",
        )
    return redirect(back)
