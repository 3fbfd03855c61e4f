"""Partner calls (posting, changing, closing, with suggested ideas and activities) and the /partners page."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app import permissions
from app.centres.queries import active_centres
from app.errors import NotAllowed
from app.extensions import db
from app.forms import EmptyForm, checked_button_form
from app.ideas.models import AGE_GROUPS, SUBJECTS
from app.partnerships import bp, call_queries, call_services, matching
from app.partnerships.call_forms import PartnerCallForm
from app.partnerships.models import PartnerCallState
from app.partnerships.queries import can_see_contacts

STATE_MESSAGES = {
    "mark_matched": _l("Marked as “partner found”: the call no longer asks for partners."),
    "close": _l("The call is closed."),
    "reopen": _l("The call is open again."),
}


# Helpers for templates (also used by the idea and activity pages) ---------------------------------------------


@bp.app_template_global()
def age_group_names(codes):
    """ "Ages 10–12, Ages 13–15" for a list of age group codes (unknown codes are left out)."""
    return ", ".join(str(AGE_GROUPS[code]) for code in codes if code in AGE_GROUPS)


@bp.app_template_global()
def subject_names(codes):
    """The names of these school subjects, comma-separated, for pages (unknown codes are left out)."""
    return ", ".join(str(SUBJECTS[code]) for code in codes if code in SUBJECTS)


def partner_suggestions(project):
    """Open partner calls and schools that suit an idea or activity seeking a school partner (two statements)."""
    return {"calls": matching.calls_for_project(project), "schools": matching.schools_for_project(project)}


bp.add_app_template_global(partner_suggestions, "partner_suggestions")


# Loading ------------------------------------------------------------------------------------------------------


def visible_call(call_id):
    """The partner call (every call is public), or 404."""
    call = call_queries.call_with_organisation(call_id)
    if call is None:
        abort(404)
    return call


def editable_call(call_id, what):
    """The call, for its organisation's representatives only (others: 403, recorded in the audit log)."""
    call = visible_call(call_id)
    if not permissions.can_edit_partner_call(current_user, call):
        raise NotAllowed(what=what)
    return call


def back_to_call(call_id):
    """Redirect to the partner call's page."""
    return redirect(url_for("partnerships.call_detail", call_id=call_id))


# /partners ----------------------------------------------------------------------------------------------------


@bp.route("/partners")
def partners():
    """Partner calls beside ideas and activities seeking a school partner; every parameter is allow-listed."""
    centres = active_centres()
    filters = call_queries.parse_filters(request.args, centres)
    shows = ("calls", "ideas", "activities") if filters.type == "all" else (filters.type,)
    sections = {
        "calls": call_queries.partner_calls(filters) if "calls" in shows else None,
        "ideas": call_queries.ideas_seeking_partner(filters) if "ideas" in shows else None,
        "activities": call_queries.activities_seeking_partner(filters) if "activities" in shows else None,
    }
    return render_template(
        "partnerships/partners.html",
        filters=filters,
        centres=centres,
        sections=sections,
        age_groups=AGE_GROUPS,
        subjects=SUBJECTS,
        call_states=PartnerCallState.LABELS,
    )


# A partner call's page ----------------------------------------------------------------------------------------


@bp.route("/partner-calls/<int:call_id>")
def call_detail(call_id):
    """A partner call's page, for everyone: suggested ideas and activities while it is open; buttons for its representatives."""
    call = visible_call(call_id)
    # suggestions help while the organisation still looks for a partner
    suggestions = matching.projects_for_call(call) if call.state == PartnerCallState.OPEN else []
    return render_template(
        "partnerships/call_detail.html",
        call=call,
        suggestions=suggestions,
        actions=call_services.call_actions(current_user, call),
        state_form=EmptyForm(),
        may_edit=permissions.can_edit_partner_call(current_user, call),
        represents=permissions.represents(current_user, call.organisation),
        show_contacts=can_see_contacts(current_user, call.organisation),
    )


# Posting and changing (the organisation's representatives) -----------------------------------------------------


def offer_centres(form, current_centre=None):
    """The active centres, plus the call's own centre when it is no longer active."""
    centres = active_centres()
    choices = [SelectChoice(centre.id, centre.name) for centre in centres]
    if current_centre is not None and current_centre.id not in {centre.id for centre in centres}:
        choices.append(SelectChoice(current_centre.id, current_centre.name))
    form.centre.choices = [SelectChoice("", _("Choose a centre"))] + choices


def call_data(call):
    """The call's fields as form data, for the edit form."""
    return {
        "title": call.title,
        "description": call.description,
        "age_groups": call.age_group_codes,
        "subjects": call.subject_codes,
        "starts_on": call.starts_on,
        "ends_on": call.ends_on,
        "centre": call.centre_id,
        "contact_person": call.contact_person,
    }


@bp.route("/organisations/<int:organisation_id>/calls/new", methods=["GET", "POST"])
@login_required
def new_call(organisation_id):
    """The page to post a partner call for an organisation: its representatives only."""
    organisation = call_queries.organisation_with_centre(organisation_id)
    if organisation is None:
        abort(404)
    if not permissions.can_post_partner_call(current_user, organisation):
        raise NotAllowed(what="partnerships.new_call")
    form = PartnerCallForm() if request.method == "POST" else PartnerCallForm(data={"centre": organisation.centre_id})
    offer_centres(form, organisation.centre)
    if not form.validate_on_submit():
        return render_template("partnerships/call_form.html", form=form, organisation=organisation, call=None)
    call = call_services.create_partner_call(current_user, organisation, **form.content())
    db.session.commit()
    flash(_("Your partner call is published. People with a suitable idea or activity can now find it."), "success")
    return back_to_call(call.id)


@bp.route("/partner-calls/<int:call_id>/edit", methods=["GET", "POST"])
@login_required
def edit_call(call_id):
    """The page to change what a partner call says: its organisation's representatives only."""
    call = editable_call(call_id, "partnerships.edit_call")
    form = PartnerCallForm() if request.method == "POST" else PartnerCallForm(data=call_data(call))
    offer_centres(form, call.centre)
    if not form.validate_on_submit():
        return render_template("partnerships/call_form.html", form=form, organisation=call.organisation, call=call)
    call_services.update_partner_call(current_user, call, **form.content())
    db.session.commit()
    flash(_("Your changes are saved."), "success")
    return back_to_call(call.id)


@bp.route("/partner-calls/<int:call_id>/<any(mark_matched, close, reopen):action>", methods=["POST"])
@login_required
def change_call(call_id, action):
    """Mark a call as partner found, close it or open it again: a POST by its organisation's representatives."""
    call = editable_call(call_id, f"partnerships.change_call.{action}")
    checked_button_form()
    if action not in call_services.call_actions(current_user, call):
        flash(_("This cannot be done any more: someone may have changed it just now. Please look at the page again."), "error")
        return back_to_call(call.id)
    call_services.change_call_state(current_user, call, action)
    db.session.commit()
    flash(str(STATE_MESSAGES[action]), "success")
    return back_to_call(call.id)
