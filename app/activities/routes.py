"""Pages of the activities domain: the list, an activity's page, creating and changing, registering (the month
view is calendar_page.py).

Promoting an idea into an activity (/ideas/<id>/promote) is app/promotion/routes.py.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app import permissions
from app.activities import bp, queries, services
from app.activities import registrations as registration_services
from app.activities.forms import ActivityForm, CancelActivityForm, CompleteActivityForm, RegisterForm
from app.activities.models import RegistrationState
from app.activities.photos import photo_file_in_use
from app.centres.location import coordinate_text
from app.centres.queries import active_centres
from app.comments.forms import CommentForm
from app.comments.queries import load_comments
from app.errors import CapacityReached, NotAllowed
from app.extensions import db
from app.forms import EmptyForm, checked_button_form
from app.ideas import photos as photo_files
from app.maps import requested_view
from app.pagination import requested_page
from app.search_index import parse_query
from app.timeutil import local_for_form
from app.volunteering.queries import roles_of_activity

#: the name of the registration form's "Add another person" button
ADD_ROW = "add_person"


def visible_activity(activity_id):
    """The activity (every activity is public), or 404."""
    activity = queries.activity_with_centre(activity_id)
    if activity is None:
        abort(404)
    return activity


def managed_activity(activity_id, what):
    """The activity, for its coordinators only (others: 403, recorded in the audit log)."""
    activity = visible_activity(activity_id)
    if not permissions.can_manage_activity(current_user, activity):
        raise NotAllowed(what=what)
    return activity


def back_to_activity(activity_id, anchor=None):
    """Redirect to the activity's page, at the given part of it."""
    return redirect(url_for("activities.activity_detail", activity_id=activity_id, _anchor=anchor))


# The list and the month view ----------------------------------------------------------------------------------


@bp.route("/activities")
def activity_list():
    """Upcoming (or past) activities, optionally of one centre and matching a search; every parameter is allow-listed."""
    centres = active_centres()
    centre = queries.centre_by_slug(centres, request.args.get("centre"))
    when = queries.parse_when(request.args.get("when"))
    search = parse_query(request.args.get("q"))
    page = queries.list_activities(when, centre.id if centre else None, requested_page(request.args), search=search)
    link_args = {}
    if centre:
        link_args["centre"] = centre.slug
    if when != "upcoming":
        link_args["when"] = when
    if search:
        link_args["q"] = search.text
    if requested_view(request.args) == "map":  # the map of the same activities above the list (map_routes.py)
        link_args["view"] = "map"
    return render_template(
        "activities/list.html", page=page, centres=centres, centre=centre, when=when, search=search, link_args=link_args
    )


# An activity's page -------------------------------------------------------------------------------------------


def render_detail(activity, register_form=None, added_row=False):
    """The activity's page: the viewer's registration or form to register, the waiting list, roles, the coordinators' buttons."""
    mine = queries.my_registration(activity, current_user)
    may_register = permissions.can_register_for_activity(current_user, activity)
    if register_form is None and mine is None and may_register:
        register_form = RegisterForm(formdata=None)
    return render_template(
        "activities/detail.html",
        activity=activity,
        mine=mine,
        register_form=register_form,
        may_register=may_register,
        my_classes=queries.my_class_registrations(activity, current_user),
        waiting=queries.waiting_list_of(activity),
        roles=roles_of_activity(activity, current_user),
        actions=services.allowed_actions(current_user, activity),
        button_form=EmptyForm(),
        max_companions=registration_services.MAX_COMPANIONS,
        add_row_name=ADD_ROW,
        added_row=added_row,
        # the discussion: one statement (app/comments/queries.py)
        comments=load_comments(activity, current_user),
        comment_form=CommentForm(formdata=None),
        comment_subject=activity,
    )


@bp.route("/activities/<int:activity_id>")
def activity_detail(activity_id):
    """An activity's page, for everyone (every activity is public)."""
    return render_detail(visible_activity(activity_id))


# Creating and changing ----------------------------------------------------------------------------


def centre_choices_for(form, activity=None):
    """Offer the centres the person coordinates (admins: every active centre; plus the activity's own).

    With one choice the field goes away; returns that centre's id then.
    """
    centres = (
        active_centres() if current_user.is_admin else [centre for centre in current_user.moderated_centres if centre.is_active]
    )
    choices = [SelectChoice(centre.id, centre.name) for centre in centres]
    if activity is not None and activity.centre_id not in {choice.value for choice in choices}:
        choices.append(SelectChoice(activity.centre_id, activity.centre.name))
    if len(choices) == 1:
        del form.centre
        return choices[0].value
    form.centre.choices = [SelectChoice("", _("Choose a centre"))] + choices
    return None


def render_form(form, activity=None, idea=None, capacity_message=None):
    """The page of the form for a new or changed activity, with the capacity message when there is one."""
    return render_template("activities/form.html", form=form, activity=activity, idea=idea, capacity_message=capacity_message)


@bp.route("/activities/new", methods=["GET", "POST"])
@login_required
def new_activity():
    """The form for a new activity of a centre one coordinates (moderators); it is saved planned or open."""
    if not permissions.can_create_activity(current_user):
        raise NotAllowed(what="activities.new_activity")
    form = ActivityForm()
    del form.remove_photo  # a new activity has no photo
    only_centre = centre_choices_for(form)
    if not form.validate_on_submit():
        return render_form(form)
    centre_id = form.centre.data if "centre" in form else only_centre
    activity = services.create_activity(
        current_user, open_registration=form.open_registration.data, centre_id=centre_id, **form.content()
    )
    db.session.commit()
    flash(
        _("The activity is saved.")
        + " "
        + (_("People can register now.") if form.open_registration.data else _("Open registration when you are ready.")),
        "success",
    )
    return back_to_activity(activity.id)


def initial_data(activity):
    """The activity's values for the edit form, its times in local time."""
    return {
        "title": activity.title,
        "description": activity.description,
        "centre": activity.centre_id,
        "place": activity.place,
        "latitude": coordinate_text(activity.latitude),
        "longitude": coordinate_text(activity.longitude),
        "starts_at": local_for_form(activity.starts_at),
        "ends_at": local_for_form(activity.ends_at),
        "leader_name": activity.leader_name,
        "capacity": activity.capacity,
        "seeking_school_partner": activity.seeking_school_partner,
        "partner_age_groups": activity.age_group_codes,
        "partner_subjects": activity.subject_codes,
    }


def move_choices(registrations):
    """Registered people (and school classes) as choices "name (n places)" for moving to the waiting list."""
    return [
        SelectChoice(
            registration.id,
            ngettext(
                "%(name)s (%(num)d place)",
                "%(name)s (%(num)d places)",
                registration.places,
                name=registration.class_name if registration.is_class else registration.user.full_name,
            ),
        )
        for registration in registrations
    ]


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@login_required
def edit_activity(activity_id):
    """The form to change a planned or open activity (its coordinators); less capacity asks whom to move to the waiting list."""
    activity = visible_activity(activity_id)
    if not permissions.can_edit_activity(current_user, activity):
        raise NotAllowed(what="activities.edit_activity")
    submitted = request.method == "POST"
    form = ActivityForm(is_new=False) if submitted else ActivityForm(data=initial_data(activity), is_new=False)
    del form.open_registration  # opening is its own button on the activity's page
    if not activity.image_name:
        del form.remove_photo
    kept_centre = centre_choices_for(form, activity)
    if not form.validate_on_submit():
        if submitted and (form.capacity.data or 0) < activity.registered_count:  # keep the chooser in view
            form.move_to_waiting.choices = move_choices(queries.registered_places(activity))
        return render_form(form, activity)
    fields = form.content()
    fields["centre_id"] = form.centre.data if "centre" in form else kept_centre
    old_photo = activity.image_name
    remove_photo = "remove_photo" in form and form.remove_photo.data
    try:
        services.update_activity(
            current_user, activity, move_to_waiting=form.move_to_waiting.data or (), remove_photo=remove_photo, **fields
        )
    except CapacityReached as error:
        # Lowering the capacity below the places taken: the coordinator chooses who moves to the waiting list.
        db.session.rollback()
        form.move_to_waiting.choices = move_choices(queries.registered_places(activity))
        return render_form(form, activity, capacity_message=error.message)
    db.session.commit()
    if old_photo and activity.image_name is None and not photo_file_in_use(old_photo):
        photo_files.delete_photo(old_photo)  # after the commit; a file its idea still shows stays
    flash(_("Your changes are saved."), "success")
    return back_to_activity(activity.id)


# The lifecycle (the coordinators) ----------------------------------------------------------------------------


@bp.route("/activities/<int:activity_id>/open", methods=["POST"])
@login_required
def open_registration(activity_id):
    """Open registration so people can register (POST; the activity's coordinators)."""
    activity = managed_activity(activity_id, "activities.open_registration")
    checked_button_form()
    services.open_registration(current_user, activity)
    db.session.commit()
    flash(_("Registration is open. People can now register to take part."), "success")
    return back_to_activity(activity.id)


def not_now(activity, action):
    """Leave the form of a move the activity's state no longer allows (e.g. cancelled in another tab)."""
    if action in services.allowed_actions(current_user, activity):
        return None
    flash(_("This cannot be done any more: someone may have changed it just now. Please look at the page again."), "error")
    return back_to_activity(activity.id)


@bp.route("/activities/<int:activity_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_activity(activity_id):
    """The form to cancel a planned or open activity with a reason everyone is told (its coordinators)."""
    activity = managed_activity(activity_id, "activities.cancel_activity")
    if (leave := not_now(activity, "cancel")) is not None:
        return leave
    form = CancelActivityForm()
    if not form.validate_on_submit():
        return render_template("activities/cancel.html", form=form, activity=activity)
    services.cancel_activity(current_user, activity, form.reason.data)
    db.session.commit()
    flash(_("The activity is cancelled. Everyone registered, waiting or volunteering is told why."), "success")
    return back_to_activity(activity.id)


@bp.route("/activities/<int:activity_id>/complete", methods=["GET", "POST"])
@login_required
def complete_activity(activity_id):
    """The form to mark an activity as held, with its outcome if known (its coordinators, once it has started)."""
    activity = managed_activity(activity_id, "activities.complete_activity")
    if (leave := not_now(activity, "complete")) is not None:
        return leave
    form = CompleteActivityForm()
    if not form.validate_on_submit():
        return render_template("activities/complete.html", form=form, activity=activity)
    services.complete_activity(current_user, activity, form.outcome.data or "")
    db.session.commit()
    flash(_("The activity is marked as held. Thank you!"), "success")
    return back_to_activity(activity.id)


@bp.route("/activities/<int:activity_id>/registrations")
@login_required
def registrations(activity_id):
    """Who takes part, who is waiting, and the volunteers of an activity (its coordinators only)."""
    activity = managed_activity(activity_id, "activities.registrations")
    return render_template(
        "activities/registrations.html",
        activity=activity,
        lists=queries.registrations_of(activity),
        signups=queries.volunteer_signups_of(activity),
    )


# Registering ------------------------------------------------------------------------------------------------


@bp.route("/activities/<int:activity_id>/register", methods=["POST"])
@login_required
def register(activity_id):
    """Register to take part, with the people one brings (POST; members with a confirmed e-mail, while it is open)."""
    activity = visible_activity(activity_id)
    if not activity.registration_open:
        flash(_("Registration for this activity is not open."), "error")
        return back_to_activity(activity.id)
    if not permissions.can_register_for_activity(current_user, activity):
        if not current_user.is_confirmed:
            raise NotAllowed(_("Please confirm your e-mail address before you register: follow the link we sent you."))
        raise NotAllowed()
    form = RegisterForm()
    if ADD_ROW in request.form:  # "Add another person": the same form with one more row, nothing saved yet
        form.add_row()
        return render_detail(activity, register_form=form, added_row=True)
    if not form.validate_on_submit():
        return render_detail(activity, register_form=form)
    registration = registration_services.register(current_user, activity, form.includes_self.data, form.people())
    db.session.commit()
    if registration.state == RegistrationState.REGISTERED:
        flash(_("You are registered. See you there!"), "success")
    else:
        flash(
            _(
                "All places are taken, so you are on the waiting list. If a place becomes free, you move up and "
                "get a notification."
            ),
            "success",
        )
    return back_to_activity(activity.id, "registration")


# The pages after the day and the calendar feeds live in their own modules of the same blueprint, and adding a
# role to an activity (volunteer_roles.py) on the volunteering blueprint (imported here so that registering the
# blueprints brings them all).
from app.activities import (  # noqa: E402,F401
    attendance_routes,
    calendar_feeds,
    calendar_page,
    registration_routes,
    volunteer_messages,
    volunteer_roles,
)
