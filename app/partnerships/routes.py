"""Pages of the partnerships domain: offering an organisation as a partner, inviting one, deciding, my partnerships."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app import permissions
from app.activities.models import Activity
from app.errors import AlreadyDone, NotAllowed
from app.extensions import db
from app.forms import EmptyForm, checked_button_form
from app.i18n import format_date
from app.ideas.queries import idea_for
from app.partnerships import bp, queries, services
from app.partnerships.forms import InviteForm, OfferForm
from app.partnerships.models import PartnershipState
from app.urls import is_local_path

# {{ project_partnerships(idea, current_user) }} on the idea and activity pages (templates/partnerships/_on_project.html)
bp.add_app_template_global(queries.project_partnerships, "project_partnerships")


def project_url(project):
    """The idea's or activity's page, at its partners."""
    if services.is_activity(project):
        return url_for("activities.activity_detail", activity_id=project.id, _anchor="partners")
    return url_for("ideas.idea_detail", idea_id=project.id, _anchor="partners")


def page(template, **values):
    """The page of this template, with these values."""
    return render_template(template, **values)


# Offering one of my organisations -------------------------------------------------------------------------------


def offer(project, what):
    """The offer form of a representative, for an idea or an activity."""
    organisations = queries.my_organisations(current_user)
    if not organisations:
        raise NotAllowed(what=what)
    if not permissions.is_open_for_partners(project):
        flash(_("“%(title)s” is not looking for partners just now, so an offer cannot be made.", title=project.title), "error")
        return redirect(project_url(project))
    organisations = [
        organisation for organisation in organisations if permissions.can_offer_partnership(current_user, organisation, project)
    ]
    form = OfferForm()
    choices = [SelectChoice(organisation.id, organisation.name) for organisation in organisations]
    form.organisation.choices = choices if len(choices) == 1 else [SelectChoice("", _("Choose…"))] + choices
    if not form.validate_on_submit():
        return page("partnerships/offer.html", form=form, project=project, is_activity=services.is_activity(project))
    organisation = next(organisation for organisation in organisations if organisation.id == form.organisation.data)
    try:
        services.offer_partnership(current_user, organisation, project, form.message.data or "")
    except AlreadyDone:
        db.session.rollback()
        flash(
            _("“%(organisation)s” has already offered to be a partner here, or is one already.", organisation=organisation.name),
            "error",
        )
        return redirect(project_url(project))
    db.session.commit()
    flash(_("Your offer is sent. You get a notification when it is answered."), "success")
    return redirect(project_url(project))


@bp.route("/ideas/<int:idea_id>/offer-partnership", methods=["GET", "POST"])
@login_required
def offer_to_idea(idea_id):
    """The page to offer one's organisation as a partner of an idea seeking one: for representatives of organisations."""
    return offer(idea_for(current_user, idea_id), "partnerships.offer_to_idea")


@bp.route("/activities/<int:activity_id>/offer-partnership", methods=["GET", "POST"])
@login_required
def offer_to_activity(activity_id):
    """The page to offer one's organisation as a partner of an activity seeking one: for representatives of organisations."""
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        abort(404)
    return offer(activity, "partnerships.offer_to_activity")


# Inviting the organisation behind a partner call -----------------------------------------------------------------


def project_choices(ideas, activities):
    """The select's options ("idea-12", "activity-5") and what each stands for."""
    projects = {f"idea-{idea.id}": idea for idea in ideas}
    projects.update({f"activity-{activity.id}": activity for activity in activities})
    choices = [SelectChoice(f"idea-{idea.id}", _("Idea: %(title)s", title=idea.title)) for idea in ideas]
    choices += [
        SelectChoice(
            f"activity-{activity.id}",
            _("Activity: %(title)s (%(date)s)", title=activity.title, date=format_date(activity.starts_at, "medium")),
        )
        for activity in activities
    ]
    return projects, choices


@bp.route("/partner-calls/<int:call_id>/invite", methods=["GET", "POST"])
@login_required
def invite(call_id):
    """The page to invite an open call's organisation to an idea or activity seeking partners: its author or coordinators."""
    call = queries.call_for_page(call_id)
    if call is None:
        abort(404)
    if not call.is_open:
        flash(_("This partner call is not open any more."), "error")
        return redirect(url_for("partnerships.call_detail", call_id=call.id))
    ideas, activities = queries.invitable_projects(current_user, call)
    if not ideas and not activities:
        raise NotAllowed(what="partnerships.invite")
    projects, choices = project_choices(ideas, activities)
    form = InviteForm()
    form.project.choices = choices if len(choices) == 1 else [SelectChoice("", _("Choose…"))] + choices
    # the suggestions on an idea or activity page link here with it chosen already
    for kind in ("idea", "activity"):
        chosen = f"{kind}-{request.args.get(f'{kind}_id', type=int)}"
        if not form.is_submitted() and chosen in projects:
            form.project.data = chosen
    if not form.validate_on_submit():
        return page("partnerships/invite.html", form=form, call=call)
    project = projects[form.project.data]
    try:
        services.invite_organisation(current_user, call, project, form.message.data or "")
    except AlreadyDone:
        db.session.rollback()
        flash(
            _(
                "“%(organisation)s” is already invited to “%(title)s”, or has offered itself, or is a partner.",
                organisation=call.organisation.name,
                title=project.title,
            ),
            "error",
        )
        return redirect(project_url(project))
    db.session.commit()
    flash(
        _(
            "Your invitation is sent to “%(organisation)s”. You get a notification when they answer.",
            organisation=call.organisation.name,
        ),
        "success",
    )
    return redirect(project_url(project))


# Deciding and withdrawing -----------------------------------------------------------------------------------------

DONE_TEXTS = {
    "accept": lambda partnership: _(
        "“%(organisation)s” and “%(title)s” are now partners.",
        organisation=partnership.organisation.name,
        title=target_title(partnership),
    ),
    "decline": lambda partnership: _("The partnership is declined. The other side is told."),
    "withdraw": lambda partnership: _("The partnership is withdrawn. The other side is told."),
}


def target_title(partnership):
    """The title of the idea or activity the partnership is with."""
    return permissions.partnership_target(partnership).title


def move(partnership_id, action):
    """Accept, decline or withdraw: 404 for those who may not see the partnership, 403 for those who may not act."""
    partnership = queries.partnership_for_page(partnership_id)
    if partnership is None or not permissions.can_view_partnership(current_user, partnership):
        abort(404)
    if not services.may_act(current_user, partnership, services.TRANSITIONS[action][2]):
        raise NotAllowed(what=f"partnerships.{action}")
    checked_button_form()
    services.transition(partnership, action, current_user)
    db.session.commit()
    flash(DONE_TEXTS[action](partnership), "success")
    back = request.form.get("next")
    return redirect(back if is_local_path(back) else project_url(permissions.partnership_target(partnership)))


@bp.route("/partnerships/<int:partnership_id>/accept", methods=["POST"])
@login_required
def accept(partnership_id):
    """Accept an offered partnership: a POST by the side that did not propose it."""
    return move(partnership_id, "accept")


@bp.route("/partnerships/<int:partnership_id>/decline", methods=["POST"])
@login_required
def decline(partnership_id):
    """Decline an offered partnership: a POST by the side that did not propose it."""
    return move(partnership_id, "decline")


@bp.route("/partnerships/<int:partnership_id>/withdraw", methods=["POST"])
@login_required
def withdraw(partnership_id):
    """Withdraw an offered or accepted partnership: a POST by the side that proposed it."""
    return move(partnership_id, "withdraw")


# My partnerships ------------------------------------------------------------------------------------------------


@bp.route("/me/partnerships")
@login_required
def my_partnerships():
    """Partnerships of the person's organisations, ideas and coordinated activities, those awaiting their answer first."""
    rows = queries.my_partnerships(current_user)
    return page(
        "partnerships/mine.html",
        rows=rows,
        button_form=EmptyForm(),
        waiting=[row for row in rows if row.awaits_viewer],
        pending=[row for row in rows if not row.awaits_viewer and row.partnership.state == PartnershipState.OFFERED],
        earlier=[row for row in rows if not row.awaits_viewer and row.partnership.state != PartnershipState.OFFERED],
    )


# Partner calls and /partners live in their own module of the same blueprint.
from app.partnerships import call_routes  # noqa: E402,F401
