"""Cancelling one's registration (after a confirmation page) and taking one person one brings off it.

Both POSTs are thin: the rules are app/activities/registrations.py (cancel_registration, remove_companion).
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.activities import bp
from app.activities import registrations as registration_services
from app.activities.models import Registration, RegistrationState
from app.errors import InvalidTransition
from app.extensions import db
from app.forms import EmptyForm, checked_button_form


def own_registration(registration_id):
    """The signed-in person's own registration, or 404 (another person's is not found either)."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.user_id != current_user.id:
        abort(404)
    return registration


def back_to_registration(registration):
    """Redirect to the registration's part of its activity's page."""
    return redirect(url_for("activities.activity_detail", activity_id=registration.activity_id, _anchor="registration"))


def already_over(registration):
    """When the registration can no longer be cancelled (a second click, another tab), say so and go back; else None."""
    if registration.cancellable:
        return None
    if registration.state == RegistrationState.CANCELLED:
        flash(_("This registration is already cancelled."), "info")
    else:
        flash(_("This registration can no longer be changed: the activity has started or ended."), "info")
    return back_to_registration(registration)


@bp.route("/registrations/<int:registration_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_registration(registration_id):
    """Ask before cancelling one's own registration (GET), then cancel it or leave the waiting list (POST)."""
    registration = own_registration(registration_id)
    if (leave := already_over(registration)) is not None:
        if request.method == "POST":
            checked_button_form()
        return leave
    if request.method == "GET":
        return render_template("activities/cancel_registration.html", registration=registration, button_form=EmptyForm())
    checked_button_form()
    was_waiting = registration.state == RegistrationState.WAITING
    registration_services.cancel_registration(current_user, registration)
    db.session.commit()
    flash(_("You have left the waiting list.") if was_waiting else _("Your registration is cancelled."), "success")
    return back_to_registration(registration)


@bp.route("/registrations/<int:registration_id>/companions/<int:index>/remove", methods=["POST"])
@login_required
def remove_companion(registration_id, index):
    """Take one person one brings off one's registration; the others keep their places (POST; the person only)."""
    registration = own_registration(registration_id)
    checked_button_form()
    if (leave := already_over(registration)) is not None:
        return leave
    name = request.form.get("name", "")
    try:
        registration_services.remove_companion(current_user, registration, index, name)
    except InvalidTransition:
        db.session.rollback()
        flash(_("Your registration had changed in the meantime, so nothing was removed. Please look at it again."), "error")
        return redirect(url_for("activities.cancel_registration", registration_id=registration_id))
    db.session.commit()
    if registration.state == RegistrationState.CANCELLED:
        flash(_("Nobody was left on your registration, so it is cancelled."), "success")
    else:
        flash(_("%(name)s is no longer registered. The others keep their places.", name=name), "success")
    return back_to_registration(registration)
