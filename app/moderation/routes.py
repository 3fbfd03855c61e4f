"""Moderation pages: the review queue, decisions on ideas, reported comments, saved reason texts."""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.centres.queries import centre_choices
from app.errors import InvalidTransition, NotAllowed
from app.extensions import db
from app.forms import EmptyForm
from app.ideas import reports as idea_reports
from app.ideas.models import AGE_GROUPS, SUBJECTS, Idea, IdeaState
from app.ideas.services import transition
from app.moderation import bp, queries, services
from app.moderation.forms import DECISION_LABELS, DECISION_STATE, STATE_DECISION, DecisionForm, ReasonTemplateForm
from app.moderation.models import ReasonTemplate
from app.pagination import requested_page
from app.permissions import can_decide_idea, can_moderate, can_moderate_centre
from app.timeutil import utcnow

DONE_MESSAGES = {
    "publish": lambda title: _("“%(title)s” is published. The author has been told.", title=title),
    "request_changes": lambda title: _("Changes to “%(title)s” are requested. The author has been told why.", title=title),
    "decline": lambda title: _("“%(title)s” is declined. The author has been told why.", title=title),
}


@bp.before_request
@login_required
def require_moderator():
    """Every moderation page is for signed-in moderators and admins only."""
    if not can_moderate(current_user):
        raise NotAllowed(what=request.endpoint or "moderation")


@bp.route("/moderation")
def queue():
    """The moderators' review queue: submitted ideas of their centres, the one waiting longest first."""
    page = requested_page(request.args, queries.LAST_PAGE)
    return render_template("moderation/queue.html", pagination=queries.waiting_ideas(current_user, page), now=utcnow())


#: the audit entries shown as a reported idea's moderation history (not its whole life)
IDEA_REPORT_ACTIONS = ("idea.reported", "idea.hidden_by_reports", "idea.hidden", "idea.hide_confirmed", "idea.restored")


@bp.route("/moderation/reports")
def reports():
    """Ideas and comments reported (or hidden after reports) in the moderator's centres, the one waiting longest first."""
    from app.admin import audit_view
    from app.comments import queries as comment_queries

    items = comment_queries.reported_comments(current_user)
    idea_items = idea_reports.reported_ideas(current_user)
    idea_histories = audit_view.histories("Idea", [idea.id for idea, _reports in idea_items])
    return render_template(
        "moderation/reports.html",
        items=items,
        idea_items=idea_items,
        histories=audit_view.histories("Comment", [item.comment.id for item in items]),
        idea_histories={
            idea_id: [entry for entry in entries if entry.action in IDEA_REPORT_ACTIONS]
            for idea_id, entries in idea_histories.items()
        },
        describe=lambda entry: audit_view.describe(entry, current_user),
    )


@bp.route("/moderation/ideas/<int:idea_id>", methods=["GET", "POST"])
def review_idea(idea_id):
    """A moderator's review of one submitted idea of their centre: publish, ask for changes or decline."""
    idea = queries.idea_for_review(idea_id)
    # A draft is its author's alone, even for moderators.
    if idea is None or idea.state == IdeaState.DRAFT:
        if idea is not None and request.method == "POST" and can_moderate_centre(current_user, idea.centre_id):
            flash(_("The author has withdrawn this idea, so there is nothing to decide any more."), "info")
            return redirect(url_for("moderation.queue"))
        abort(404)
    if not can_decide_idea(current_user, idea):
        raise NotAllowed(what="moderation.review_idea")
    form = DecisionForm()
    form.set_saved_reasons(queries.reason_templates_of_centre(idea.centre_id))
    if request.method == "POST" and idea.state != IdeaState.SUBMITTED:
        return decided_already(idea)
    if "save_reason" in request.form and form.csrf_token.validate(form):
        return save_typed_reason(idea, form)
    keep_typed_reason(idea, form)
    if form.validate_on_submit():
        action = form.decision.data
        try:
            transition(idea, action, current_user, form.reason.data)
        except InvalidTransition:
            # Another moderator decided between our loading the idea and saving this.
            db.session.rollback()
            return decided_already(db.session.get(Idea, idea_id))
        db.session.commit()
        flash(DONE_MESSAGES[action](idea.title), "success")
        return redirect(url_for("moderation.queue"))
    return render_template(
        "moderation/review.html",
        idea=idea,
        form=form,
        photo_url=photo_url(idea),
        age_groups=[AGE_GROUPS[code] for code in idea.age_group_codes() if code in AGE_GROUPS],
        subjects=[SUBJECTS[code] for code in idea.subject_codes() if code in SUBJECTS],
        state_labels=IdeaState.LABELS,
    )


def decided_already(idea):
    """Tell a moderator that someone else decided first; their own decision is not saved."""
    if idea is None or idea.state == IdeaState.DRAFT:
        flash(_("The author has withdrawn this idea, so there is nothing to decide any more."), "info")
        return redirect(url_for("moderation.queue"))
    last = idea.events[-1] if idea.events else None
    who = last.actor.full_name if last is not None and last.actor is not None else None
    if who:
        message = _(
            "%(name)s decided on “%(title)s” before you: it is now “%(state)s”. Your decision was not saved.",
            name=who,
            title=idea.title,
            state=idea.state_label,
        )
    else:
        message = _(
            "Someone decided on “%(title)s” before you: it is now “%(state)s”. Your decision was not saved.",
            title=idea.title,
            state=idea.state_label,
        )
    flash(message, "error")
    return redirect(url_for("moderation.review_idea", idea_id=idea.id))


#: the session key holding a decision being written while its reason is saved for reuse
DRAFT_KEY = "moderation_review_draft"


def save_typed_reason(idea, form):
    """Keep the typed decision and reason for this idea while the moderator saves the reason for reuse."""
    session[DRAFT_KEY] = {
        "idea": idea.id,
        "centre": idea.centre_id,
        "decision": form.decision.data or "",
        "reason": form.reason.data or "",
    }
    state = DECISION_STATE.get(form.decision.data or "")
    return redirect(url_for("moderation.new_reason", decision=state, idea=idea.id))


def keep_typed_reason(idea, form):
    """On coming back to the review, fill the form with the decision and reason typed before saving the reason."""
    draft = session.get(DRAFT_KEY)
    if request.method != "GET" or not draft or draft.get("idea") != idea.id:
        return
    session.pop(DRAFT_KEY)
    form.decision.data = draft.get("decision") or None
    form.reason.data = draft.get("reason", "")


def typed_reason_draft():
    """The decision being written whose reason is being saved for reuse, or None."""
    draft = session.get(DRAFT_KEY)
    if draft and str(draft.get("idea")) == request.args.get("idea"):
        return draft
    return None


def photo_url(idea):
    """The address of the idea's photo, when it has one (the ideas domain serves it)."""
    return url_for("ideas.photo", idea_id=idea.id) if idea.image_name else None


# Saved reason texts


@bp.route("/moderation/reasons")
def reasons():
    """The moderator's saved reason texts, for every centre they moderate."""
    return render_template(
        "moderation/reasons.html",
        templates=queries.reason_templates_for(current_user),
        delete_form=EmptyForm(),
        state_decision=STATE_DECISION,
        decision_labels=DECISION_LABELS,
        several_centres=len(queries.centres_moderated_by(current_user)) > 1,
    )


def reason_form(centres, template=None):
    """The reason-text form, with a centre to pick only for someone moderating several centres."""
    form = ReasonTemplateForm(obj=template)
    if len(centres) > 1:
        form.centre.choices = centre_choices(centres)
        if request.method == "GET" and template is not None:
            form.centre.data = template.centre_id
    else:
        del form.centre  # one centre: nothing to choose
    return form


def chosen_centre_id(form, centres):
    """The centre picked in the reason-text form, or the moderator's only centre."""
    return form.centre.data if "centre" in form else centres[0].id


@bp.route("/moderation/reasons/new", methods=["GET", "POST"])
def new_reason():
    """A moderator saves a reusable reason text for one decision (publish, ask for changes, decline) in one of their centres."""
    centres = queries.centres_moderated_by(current_user)
    if not centres:
        abort(404)
    form = reason_form(centres)
    draft = typed_reason_draft()
    if request.method == "GET" and request.args.get("decision") in STATE_DECISION:
        form.decision.data = request.args["decision"]
    if request.method == "GET" and draft:
        form.text.data = draft.get("reason", "")
        if "centre" in form:
            form.centre.data = draft.get("centre")
    if form.validate_on_submit():
        services.create_reason_template(
            current_user, chosen_centre_id(form, centres), form.decision.data, form.title.data, form.text.data
        )
        db.session.commit()
        flash(_("The reason “%(title)s” is saved.", title=form.title.data.strip()), "success")
        if draft:  # back to the decision being written, with what was typed there
            return redirect(url_for("moderation.review_idea", idea_id=draft["idea"]))
        return redirect(url_for("moderation.reasons"))
    return render_template("moderation/reason_form.html", form=form, template=None)


def own_template(template_id):
    """A saved reason text of a centre the person moderates, or 404; NotAllowed for another centre's."""
    template = db.session.get(ReasonTemplate, template_id) or abort(404)
    if not can_moderate_centre(current_user, template.centre_id):
        raise NotAllowed(what="moderation.reason_template")
    return template


@bp.route("/moderation/reasons/<int:template_id>/edit", methods=["GET", "POST"])
def edit_reason(template_id):
    """A moderator changes a saved reason text of one of their centres."""
    template = own_template(template_id)
    centres = queries.centres_moderated_by(current_user)
    form = reason_form(centres, template)
    if form.validate_on_submit():
        services.update_reason_template(
            current_user, template, chosen_centre_id(form, centres), form.decision.data, form.title.data, form.text.data
        )
        db.session.commit()
        flash(_("The reason “%(title)s” is saved.", title=template.title), "success")
        return redirect(url_for("moderation.reasons"))
    return render_template("moderation/reason_form.html", form=form, template=template)


@bp.route("/moderation/reasons/<int:template_id>/delete", methods=["POST"])
def delete_reason(template_id):
    """A moderator deletes a saved reason text of one of their centres (POST)."""
    template = own_template(template_id)
    if EmptyForm().validate_on_submit():
        title = template.title
        services.delete_reason_template(current_user, template)
        db.session.commit()
        flash(_("The reason “%(title)s” is deleted.", title=title), "success")
    return redirect(url_for("moderation.reasons"))
