"""Pages for reporting an idea, and the moderators' answer: hide, show again, keep hidden (app/ideas/reports.py)."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from app import permissions
from app.errors import NotAllowed
from app.extensions import db, limiter
from app.ideas import bp, queries, reports
from app.ideas.forms import IdeaModerationForm, ReportIdeaForm
from app.urls import is_local_path


def reporter_key():
    """Reports count per account (per address for nobody signed in, who is sent to log in anyway)."""
    if current_user.is_authenticated:
        return f"idea-reports:user:{current_user.id}"
    return f"idea-reports:ip:{get_remote_address()}"


def report_limit():
    """How often a person may report (COMMENT_LIMIT, as for comments and their reports)."""
    return current_app.config["COMMENT_LIMIT"]


def idea_url(idea):
    """The idea's page."""
    return url_for("ideas.idea_detail", idea_id=idea.id)


def back_to(default):
    """A local `next` address from the form, else the default (e.g. the moderators' report list)."""
    target = request.form.get("next") or request.args.get("next")
    return target if is_local_path(target) else default


@bp.route("/ideas/<int:idea_id>/report", methods=["GET", "POST"])
@login_required
@limiter.limit(report_limit, key_func=reporter_key, methods=["POST"])
def report_idea(idea_id):
    """The form to report an idea to the centre's moderators with a reason (members other than its author)."""
    idea = queries.idea_for(current_user, idea_id)
    if not permissions.can_report_idea(current_user, idea):
        raise NotAllowed(what="ideas.report_idea")
    form = ReportIdeaForm()
    if form.validate_on_submit():
        made = reports.report_idea(current_user, idea, form.reason.data)
        db.session.commit()
        if made is None:
            flash(_("You have reported this idea already. A moderator will look at it."), "info")
        else:
            flash(_("Thank you. A moderator of the centre will look at this idea."), "success")
        if permissions.can_view_idea(current_user, idea):
            return redirect(idea_url(idea))
        return redirect(url_for("ideas.list_ideas_page"))  # hidden by this report: its page is gone for the reporter
    return render_template("ideas/report.html", form=form, idea=idea)


MODERATION = {
    "hide": reports.hide_idea,
    "restore": reports.restore_idea,
    "confirm": reports.confirm_hidden,
}


def moderation_texts(action):
    """(page title, button, message when done) of each moderator action, translated when the page is shown."""
    return {
        "hide": (_("Hide this idea"), _("Hide the idea"), _("The idea is hidden. Its author has been told why.")),
        "restore": (
            _("Show this idea again"),
            _("Show the idea"),
            _("The idea is shown again and its reports are closed."),
        ),
        "confirm": (
            _("Keep this idea hidden"),
            _("Keep it hidden"),
            _("The idea stays hidden and its reports are closed. Its author has been told why."),
        ),
    }[action]


def moderate(idea_id, action):
    """The page of one moderator action on an idea, with its open reports; the POST carries it out."""
    idea = queries.idea_for(current_user, idea_id)
    if not permissions.can_moderate_idea_reports(current_user, idea):
        raise NotAllowed(what=f"ideas.{action}_idea")
    form = IdeaModerationForm()
    if action == "restore":
        form.reason.description = _("Recorded in the audit log.")
    else:
        form.reason.description = _("The idea's author is told this reason. It is also recorded in the audit log.")
    title, button, done = moderation_texts(action)
    if form.validate_on_submit():
        MODERATION[action](current_user, idea, form.reason.data)
        db.session.commit()
        flash(done, "success")
        return redirect(back_to(idea_url(idea)))
    if request.method == "GET":
        form.next.data = back_to("")
    return render_template(
        "ideas/moderate.html",
        form=form,
        idea=idea,
        action=action,
        title=title,
        button=button,
        reports=reports.open_reports(idea),
        cancel_url=back_to(idea_url(idea)),
    )


@bp.route("/ideas/<int:idea_id>/hide", methods=["GET", "POST"])
@login_required
def hide_idea(idea_id):
    """Hide a public idea with a reason its author is told (moderators of the idea's centre)."""
    return moderate(idea_id, "hide")


@bp.route("/ideas/<int:idea_id>/restore", methods=["GET", "POST"])
@login_required
def restore_idea(idea_id):
    """Show a reported or hidden idea again and close its reports (moderators of the idea's centre)."""
    return moderate(idea_id, "restore")


@bp.route("/ideas/<int:idea_id>/keep-hidden", methods=["GET", "POST"])
@login_required
def confirm_hidden_idea(idea_id):
    """Keep a reported idea hidden, with a reason its author is told, and close its reports (moderators of its centre)."""
    return moderate(idea_id, "confirm")
