"""Pages of the volunteering domain: roles on an idea or an activity, applying, deciding, withdrawing, my sign-ups.

Adding a role to an activity loads the activity, so that view is in app/activities/volunteer_roles.py.
"""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import to_utc
from flask_login import current_user, login_required

from app import permissions
from app.errors import NotAllowed
from app.extensions import db
from app.forms import EmptyForm, checked_button_form
from app.ideas.queries import idea_for
from app.timeutil import local_for_form
from app.volunteering import bp, queries, services
from app.volunteering import messages as volunteer_messages
from app.volunteering.forms import RoleForm, SignUpForm
from app.volunteering.models import SignUpState


def visible_role(role_id):
    """The role, or 404 when there is none or its idea is not visible to the person (activities are public)."""
    role = queries.role_with_owner(role_id)
    if role is None or not permissions.can_view_role(current_user, role):
        abort(404)
    return role


def visible_signup(signup_id):
    """The sign-up, or 404 when there is none or the viewer may not see its role."""
    signup = queries.signup_with_role(signup_id)
    if signup is None or not permissions.can_view_role(current_user, signup.role):
        abort(404)
    return signup


def managed_role(role_id, what):
    """The role, for the people who manage it (others: 403, recorded in the audit log)."""
    role = visible_role(role_id)
    if not permissions.can_manage_role(current_user, role):
        raise NotAllowed(what=what)
    return role


def back_to_idea(idea_id):
    """Redirect to the idea's page, at its volunteer roles."""
    return redirect(url_for("ideas.idea_detail", idea_id=idea_id, _anchor="volunteers"))


def back_to_owner(role):
    """The page the role is shown on: its activity's, or its idea's."""
    if role.activity_id is not None:
        return redirect(url_for("activities.activity_detail", activity_id=role.activity_id, _anchor="volunteers"))
    return back_to_idea(role.idea_id)


def owners(role):
    """The template's `idea` and `activity` for a role's pages (an activity role shows its activity)."""
    return {"idea": role.idea, "activity": role.activity}


def role_fields(form):
    """The form's content as role fields; shift times are typed in the person's time zone, stored in UTC."""
    return {
        "name": form.name.data,
        "description": form.description.data or "",
        "skills": form.skills.data or "",
        "places": form.places.data,
        "auto_accept": form.auto_accept.data,
        "starts_at": to_utc(form.starts_at.data) if form.starts_at.data else None,
        "ends_at": to_utc(form.ends_at.data) if form.ends_at.data else None,
    }


# Roles (the idea's author or a moderator of its centre) -----------------------------------------------------


@bp.route("/ideas/<int:idea_id>/roles/new", methods=["GET", "POST"])
@login_required
def new_role(idea_id):
    """The form to add a volunteer role to a published idea (its author or a moderator of its centre)."""
    idea = idea_for(current_user, idea_id)
    if not permissions.can_manage_volunteer_roles(current_user, idea):
        raise NotAllowed(what="volunteering.new_role")
    form = RoleForm()
    if not form.validate_on_submit():
        return render_template("volunteering/role_form.html", form=form, idea=idea, activity=None, role=None)
    services.add_role(current_user, idea, **role_fields(form))
    db.session.commit()
    flash(_("The role is added. People can now offer to help."), "success")
    return back_to_idea(idea.id)


@bp.route("/roles/<int:role_id>/edit", methods=["GET", "POST"])
@login_required
def edit_role(role_id):
    """The form to change a volunteer role (the people who manage it)."""
    role = managed_role(role_id, "volunteering.edit_role")
    if not EmptyForm().is_submitted():
        form = RoleForm(
            data={
                "name": role.name,
                "description": role.description,
                "skills": role.skills,
                "places": role.places,
                "auto_accept": role.auto_accept,
                "starts_at": local_for_form(role.starts_at),
                "ends_at": local_for_form(role.ends_at),
            }
        )
    else:
        form = RoleForm()
    if not form.validate_on_submit():
        return render_template("volunteering/role_form.html", form=form, role=role, **owners(role))
    services.update_role(current_user, role, **role_fields(form))
    db.session.commit()
    flash(_("Your changes are saved."), "success")
    return back_to_owner(role)


@bp.route("/roles/<int:role_id>/delete", methods=["POST"])
@login_required
def delete_role(role_id):
    """Remove a role with its sign-ups (POST; the people who manage it); those who had offered to help are told."""
    role = managed_role(role_id, "volunteering.delete_role")
    checked_button_form()
    back = back_to_owner(role)
    services.remove_role(current_user, role)
    db.session.commit()
    flash(_("The role is removed."), "success")
    return back


@bp.route("/roles/<int:role_id>/signups")
@login_required
def role_signups(role_id):
    """Everyone who offered to help in a role, to accept or decline (the people who manage the role)."""
    role = managed_role(role_id, "volunteering.role_signups")
    return render_template(
        "volunteering/signups.html", role=role, **owners(role), signups=queries.signups_of_role(role), button_form=EmptyForm()
    )


# Sign-ups ----------------------------------------------------------------------------------------------------


@bp.route("/roles/<int:role_id>/apply", methods=["POST"])
@login_required
def apply(role_id):
    """Offer to help in a role, with a message if one likes (POST; members who may volunteer for it)."""
    role = visible_role(role_id)
    if not permissions.can_volunteer_for_role(current_user, role):
        raise NotAllowed()
    form = SignUpForm()
    if not form.validate_on_submit():
        return render_template("volunteering/apply.html", form=form, role=role, **owners(role))
    signup = services.apply_for_role(current_user, role, form.message.data or "")
    db.session.commit()
    if signup.state == SignUpState.ACCEPTED:
        flash(_("Thank you! You are accepted for this role."), "success")
    else:
        flash(_("Thank you! The organiser will answer your offer; you will get a notification."), "success")
    return back_to_owner(role)


def decide(signup_id, action, message):
    """Make one move on a sign-up (the service checks who may), save it and show the message; returns the sign-up."""
    signup = visible_signup(signup_id)
    checked_button_form()
    services.transition(signup, action, current_user)
    db.session.commit()
    flash(message, "success")
    return signup


@bp.route("/signups/<int:signup_id>/accept", methods=["POST"])
@login_required
def accept(signup_id):
    """Accept a volunteer's offer if a place is free (POST; the people who manage the role)."""
    signup = decide(signup_id, "accept", _("The volunteer is accepted and notified."))
    return redirect(url_for("volunteering.role_signups", role_id=signup.role_id))


@bp.route("/signups/<int:signup_id>/decline", methods=["POST"])
@login_required
def decline(signup_id):
    """Decline a volunteer's offer (POST; the people who manage the role)."""
    signup = decide(signup_id, "decline", _("The offer is declined and the person notified."))
    return redirect(url_for("volunteering.role_signups", role_id=signup.role_id))


@bp.route("/signups/<int:signup_id>/withdraw", methods=["POST"])
@login_required
def withdraw(signup_id):
    """Take back one's own offer or acceptance (POST; only the volunteer)."""
    signup = decide(signup_id, "withdraw", _("Your sign-up is withdrawn."))
    return back_to_owner(signup.role)


@bp.route("/me/signups")
@login_required
def my_signups():
    """The signed-in person's offers to help, with their roles and what the roles belong to."""
    return render_template(
        "volunteering/mine.html",
        signups=queries.my_signups(current_user),
        volunteer_messages=volunteer_messages.messages_to(current_user),
        button_form=EmptyForm(),
    )


# Messages to volunteers: their pages are in message_routes.py (imported here so that the blueprint has them)
from app.volunteering import message_routes  # noqa: E402,F401
