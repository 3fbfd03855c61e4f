"""Pages of the organisations domain: the directory, an organisation's logo and form, its representatives.

The organisation's own page shows partner calls and partnerships as well: it is app/main/organisation_page.py.
"""

from flask import abort, flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app import permissions
from app.centres.queries import active_centres
from app.errors import NotAllowed, render_error
from app.extensions import db
from app.forms import EmptyForm, checked_button_form
from app.ideas import photos
from app.organisations import bp, queries, services
from app.organisations.forms import NamedPubliclyForm, OrganisationForm, RepresentForm
from app.organisations.models import MembershipState, OrganisationType, Representative
from app.pagination import requested_page
from app.search_index import parse_query


def visible_organisation(organisation_id):
    """The organisation with its centre (every organisation is public), or 404."""
    organisation = queries.organisation_with_centre(organisation_id)
    if organisation is None:
        abort(404)
    return organisation


def membership(representative_id):
    """The request to represent (or the representation) with this id, or 404."""
    representative = db.session.get(Representative, representative_id)
    if representative is None:
        abort(404)
    return representative


def back_to_organisation(organisation_id):
    """Redirect to the organisation's page."""
    return redirect(url_for("organisations.organisation_detail", organisation_id=organisation_id))


def back_to_representatives(organisation_id):
    """Redirect to the organisation's page of requests to represent it and its representatives."""
    return redirect(url_for("organisations.representatives", organisation_id=organisation_id))


# The directory ------------------------------------------------------------------------------------------------


@bp.route("/organisations")
def organisation_list():
    """Organisations by name, optionally of one type and one centre and matching a search; every parameter is allow-listed."""
    centres = active_centres()
    centre = next((item for item in centres if item.slug == request.args.get("centre")), None)
    kind = queries.parse_kind(request.args.get("kind"))
    search = parse_query(request.args.get("q"))
    page = queries.list_organisations(kind, centre.id if centre else None, requested_page(request.args), search=search)
    link_args = {}
    if kind:
        link_args["kind"] = kind
    if centre:
        link_args["centre"] = centre.slug
    if search:
        link_args["q"] = search.text
    return render_template(
        "organisations/list.html",
        page=page,
        centres=centres,
        centre=centre,
        kind=kind,
        kinds=OrganisationType.LABELS,
        search=search,
        link_args=link_args,
    )


# An organisation's page and logo ---------------------------------------------------------------------------------


# The page itself (/organisations/<id>, endpoint organisations.organisation_detail) shows the organisation's partner
# calls and partnerships too, so it is composed above both domains: app/main/organisation_page.py.


@bp.route("/organisations/<int:organisation_id>/logo")
def logo(organisation_id):
    """The organisation's logo (public, as its page)."""
    organisation = visible_organisation(organisation_id)
    if not organisation.logo_name or not photos.STORED_NAME.match(organisation.logo_name):
        abort(404)
    response = send_from_directory(
        photos.upload_folder(), organisation.logo_name, mimetype="image/jpeg", max_age=86400, conditional=True
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response


# Registering and editing ----------------------------------------------------------------------------------------


def setup_centres(form, organisation=None):
    """Offer the active centres (plus the organisation's own, should it have become inactive).

    With a single choice the centre field goes away; returns the centre id to use then.
    """
    choices = [SelectChoice(centre.id, centre.name) for centre in active_centres()]
    if organisation is not None and organisation.centre_id not in {choice.value for choice in choices}:
        choices.append(SelectChoice(organisation.centre_id, organisation.centre.name))
    if len(choices) <= 1:
        del form.centre
        return choices[0].value if choices else None
    form.centre.choices = [SelectChoice("", _("Choose a centre"))] + choices
    return None


def initial_data(organisation):
    """The organisation's fields as form data, for the edit form."""
    return {
        "name": organisation.name,
        "kind": organisation.kind,
        "centre": organisation.centre_id,
        "description": organisation.description,
        "website": organisation.website,
        "contact_email": organisation.contact_email,
        "contact_phone": organisation.contact_phone,
    }


def render_form(form, organisation=None):
    """The organisation form page (register or change), saying so when a chosen logo must be chosen again."""
    return render_template(
        "organisations/form.html", form=form, organisation=organisation, logo_dropped=form.logo_jpeg is not None
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
@login_required
def new_organisation():
    """The page to register an organisation and become its first representative: for confirmed, unsuspended members."""
    if not permissions.can_create_organisation(current_user):
        if not current_user.is_confirmed:
            raise NotAllowed(_("Please confirm your e-mail address first: follow the link we sent you."))
        raise NotAllowed()
    form = OrganisationForm()
    only_centre = setup_centres(form)
    if request.method == "GET" and "centre" in form:
        form.centre.data = current_user.home_centre_id
    if not form.validate_on_submit():
        return render_form(form)
    content = form.content()
    content["centre_id"] = form.centre.data if "centre" in form else only_centre
    if content["centre_id"] is None:
        return render_error(403, _("There is no centre to register the organisation with yet."))
    logo_name = photos.save_photo(form.logo_jpeg) if form.logo_jpeg is not None else None
    try:
        organisation = services.create_organisation(current_user, logo_name=logo_name, **content)
        db.session.commit()
    except BaseException:
        photos.delete_photo(logo_name)  # nothing was saved, so the file must not stay either
        raise
    flash(
        _(
            "The organisation is registered and you are its representative. A coordinator of the centre will "
            "check it and mark it as verified."
        ),
        "success",
    )
    return back_to_organisation(organisation.id)


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@login_required
def edit_organisation(organisation_id):
    """The page to change an organisation's profile and logo: its representatives and admins."""
    organisation = visible_organisation(organisation_id)
    if not permissions.can_edit_organisation(current_user, organisation):
        raise NotAllowed(what="organisations.edit_organisation")
    form = OrganisationForm() if request.method == "POST" else OrganisationForm(data=initial_data(organisation))
    kept_centre = setup_centres(form, organisation)
    if not form.validate_on_submit():
        return render_form(form, organisation)
    content = form.content()
    content["centre_id"] = form.centre.data if "centre" in form else (kept_centre or organisation.centre_id)
    old_logo = organisation.logo_name
    new_logo = None
    if form.logo_jpeg is not None:
        new_logo = content["logo_name"] = photos.save_photo(form.logo_jpeg)
    elif form.remove_logo.data:
        content["logo_name"] = None
    was_verified = organisation.is_verified
    try:
        services.update_organisation(current_user, organisation, **content)
        db.session.commit()
    except BaseException:
        photos.delete_photo(new_logo)
        raise
    if old_logo and content.get("logo_name", old_logo) != old_logo:
        photos.delete_photo(old_logo)  # after the commit: until then the page still showed it
    if was_verified and not organisation.is_verified:
        flash(
            _(
                "Your changes are saved. Because the name or the website changed, the organisation is no longer "
                "marked as verified until a coordinator of the centre checks it again."
            ),
            "info",
        )
    else:
        flash(_("Your changes are saved."), "success")
    return back_to_organisation(organisation.id)


# Verification (moderators of the organisation's centre) ----------------------------------------------------------


def set_verified(organisation_id, verified, what):
    """Give or take away the organisation's "Verified" badge (moderators of its centre), then back to its page."""
    organisation = visible_organisation(organisation_id)
    if not permissions.can_verify_organisation(current_user, organisation):
        raise NotAllowed(what=what)
    checked_button_form()
    services.verify_organisation(current_user, organisation, verified=verified)
    db.session.commit()
    if verified:
        flash(_("The organisation is marked as verified."), "success")
    else:
        flash(_("The organisation is no longer marked as verified."), "success")
    return back_to_organisation(organisation.id)


@bp.route("/organisations/<int:organisation_id>/verify", methods=["POST"])
@login_required
def verify_organisation(organisation_id):
    """Mark an organisation as checked and real (the badge): a POST by a moderator of its centre."""
    return set_verified(organisation_id, True, "organisations.verify_organisation")


@bp.route("/organisations/<int:organisation_id>/unverify", methods=["POST"])
@login_required
def unverify_organisation(organisation_id):
    """Take an organisation's "Verified" badge away: a POST by a moderator of its centre."""
    return set_verified(organisation_id, False, "organisations.unverify_organisation")


# Representatives ----------------------------------------------------------------------------------------------


@bp.route("/organisations/<int:organisation_id>/represent", methods=["GET", "POST"])
@login_required
def ask_to_represent(organisation_id):
    """The page to ask to represent an organisation, saying one's role: for members not representing it yet."""
    organisation = visible_organisation(organisation_id)
    if current_user.represents(organisation.id):
        flash(_("You already represent this organisation."), "info")
        return back_to_organisation(organisation.id)
    if not permissions.can_ask_to_represent(current_user, organisation):
        if not current_user.is_confirmed:
            raise NotAllowed(_("Please confirm your e-mail address first: follow the link we sent you."))
        raise NotAllowed()
    if queries.pending_request(organisation, current_user) is not None:
        flash(_("Your request is already waiting for an answer. You will get a notification."), "info")
        return back_to_organisation(organisation.id)
    form = RepresentForm()
    if not form.validate_on_submit():
        return render_template("organisations/represent.html", form=form, organisation=organisation)
    services.ask_to_represent(current_user, organisation, form.message.data)
    db.session.commit()
    flash(
        _("Your request is sent to the organisation's representatives. You will get a notification when they decide."), "success"
    )
    return back_to_organisation(organisation.id)


@bp.route("/organisations/<int:organisation_id>/representatives")
@login_required
def representatives(organisation_id):
    """Requests to represent the organisation and its current representatives, for those who decide."""
    organisation = visible_organisation(organisation_id)
    if not permissions.can_decide_representatives(current_user, organisation):
        raise NotAllowed(what="organisations.representatives")
    memberships = queries.memberships_of(organisation)
    current = [item for item in memberships if item.state == MembershipState.APPROVED]
    own = next((item for item in current if item.user_id == current_user.id), None)
    return render_template(
        "organisations/representatives.html",
        organisation=organisation,
        requests=[item for item in memberships if item.state == MembershipState.REQUESTED],
        current=current,
        button_form=EmptyForm(),
        # the checkbox for one's own consent to be named on the public page, as it is now
        named_form=NamedPubliclyForm(formdata=None, data={"named_publicly": own.named_publicly}) if own else None,
    )


def decide(representative_id, approve, what):
    """Approve or decline a request to represent (its representatives, the centre's moderators), then back to the list."""
    representative = membership(representative_id)
    if not permissions.can_decide_representatives(current_user, representative.organisation):
        raise NotAllowed(what=what)
    checked_button_form()
    services.decide_representative(current_user, representative, approve)
    db.session.commit()
    name = representative.user.full_name
    if approve:
        flash(_("%(name)s now represents the organisation.", name=name), "success")
    else:
        flash(_("The request of %(name)s is declined.", name=name), "success")
    return back_to_representatives(representative.organisation_id)


@bp.route("/representatives/<int:representative_id>/approve", methods=["POST"])
@login_required
def approve_representative(representative_id):
    """Approve a request to represent an organisation: a POST by its representatives or a moderator of its centre."""
    return decide(representative_id, True, "organisations.approve_representative")


@bp.route("/representatives/<int:representative_id>/decline", methods=["POST"])
@login_required
def decline_representative(representative_id):
    """Decline a request to represent an organisation: a POST by its representatives or a moderator of its centre."""
    return decide(representative_id, False, "organisations.decline_representative")


@bp.route("/representatives/<int:representative_id>/end", methods=["POST"])
@login_required
def end_representative(representative_id):
    """Leave an organisation (oneself), or remove another representative (representatives and moderators)."""
    representative = membership(representative_id)
    own = representative.user_id == current_user.id
    if not (own or permissions.can_decide_representatives(current_user, representative.organisation)):
        raise NotAllowed(what="organisations.end_representative")
    checked_button_form()
    services.end_representation(current_user, representative)
    db.session.commit()
    if own:
        flash(_("You no longer represent “%(name)s”.", name=representative.organisation.name), "success")
        return back_to_organisation(representative.organisation_id)
    flash(_("%(name)s no longer represents the organisation.", name=representative.user.full_name), "success")
    return back_to_representatives(representative.organisation_id)


@bp.route("/representatives/<int:representative_id>/named", methods=["POST"])
@login_required
def set_named_publicly(representative_id):
    """Show one's own name on the organisation's public page, or stop showing it (a POST by that person only)."""
    representative = membership(representative_id)
    if representative.user_id != current_user.id or representative.state != MembershipState.APPROVED:
        abort(404)  # another person's consent is theirs alone to give
    form = NamedPubliclyForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_named_publicly(current_user, representative, form.named_publicly.data)
    db.session.commit()
    if representative.named_publicly:
        flash(_("Your name is shown on the organisation's public page."), "success")
    else:
        flash(_("Your name is no longer shown on the organisation's public page."), "success")
    return back_to_representatives(representative.organisation_id)


# Registering a school class for an activity is its own module of the same blueprint (imported here so that
# registering the blueprint brings it).
from app.organisations import class_registrations  # noqa: E402,F401  (a school registers a class for an activity)
