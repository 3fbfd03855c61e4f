"""Pages of the comments domain: write, answer, edit, delete, report; moderators hide, restore, confirm.

Comments are on an idea or an activity (the "subject"); after every action the person goes back to its page.
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from app import permissions
from app.comments import bp, services
from app.comments.forms import CommentForm, EditCommentForm, ModerationForm, ReportForm, new_submission_key
from app.comments.models import Comment
from app.comments.queries import comment_page_data, open_reports, paragraphs
from app.errors import NotAllowed
from app.extensions import db, limiter
from app.forms import EmptyForm
from app.ideas.queries import idea_for
from app.inputs import DB_INT_MAX
from app.urls import is_local_path


@bp.app_template_filter("comment_paragraphs")
def comment_paragraphs(text):
    """Template filter: a comment's plain text as paragraphs of lines."""
    return paragraphs(text)


bp.add_app_template_global(new_submission_key, "new_submission_key")


def poster_key():
    """Posting limits count per account (per address for nobody signed in, who is sent to log in anyway)."""
    if current_user.is_authenticated:
        return f"comments:user:{current_user.id}"
    return f"comments:ip:{get_remote_address()}"


def comment_limit():
    """How often a person may post comments, replies, edits and reports (COMMENT_LIMIT)."""
    return current_app.config["COMMENT_LIMIT"]


#: one budget for everything a person writes here: comments, replies, edits and reports
posting_limit = limiter.shared_limit(comment_limit, scope="comment-posting", key_func=poster_key, methods=["POST"])


@bp.app_template_global("comment_idea_url")
def idea_url(idea_id, comment_id=None):
    """The idea's page, at the comment (or at the discussion)."""
    anchor = f"comment-{comment_id}" if comment_id else "comments"
    return url_for("ideas.idea_detail", idea_id=idea_id, _anchor=anchor)


@bp.app_template_global("comment_subject_url")
def subject_url(subject, comment_id=None):
    """The page of the idea or activity, at the comment (or at the discussion)."""
    if subject.project_kind == "activity":
        anchor = f"comment-{comment_id}" if comment_id else "comments"
        return url_for("activities.activity_detail", activity_id=subject.id, _anchor=anchor)
    return idea_url(subject.id, comment_id)


@bp.app_template_global("comment_post_url")
def post_url(subject):
    """Where the comment form of an idea or an activity is sent."""
    if subject.project_kind == "activity":
        return url_for("comments.add_on_activity", activity_id=subject.id)
    return url_for("comments.add", idea_id=subject.id)


def back_to(default):
    """A local `next` address from the form, else the default (e.g. the moderators' report list)."""
    target = request.form.get("next") or request.args.get("next")
    return target if is_local_path(target) else default


def visible_comment(comment_id):
    """The comment and its idea or activity, or 404 when either is missing or the viewer may not see it."""
    comment, subject = comment_page_data(comment_id, current_user)
    if comment is None:
        abort(404)
    return comment, subject


@bp.route("/ideas/<int:idea_id>/comments", methods=["POST"])
@login_required
@posting_limit
def add(idea_id):
    """Post a comment or a reply on an idea (POST; members, while the idea is open for comments)."""
    return post_comment(idea_for(current_user, idea_id))


@bp.route("/activities/<int:activity_id>/comments", methods=["POST"])
@login_required
@posting_limit
def add_on_activity(activity_id):
    """Post a comment or a reply on an activity (POST; members, unless the activity was cancelled)."""
    activity = db.session.get(services.activity_model(), activity_id)
    if activity is None:
        abort(404)
    return post_comment(activity)


def post_comment(subject):
    """Publish the form's comment or reply on the idea or activity and go back to it at the comment;
    a form with mistakes comes back on its own page."""
    if not permissions.can_comment_on(current_user, subject):
        raise NotAllowed()
    form = CommentForm()
    parent = None
    if form.parent_id.data:
        parent = db.session.get(Comment, form.parent_id.data) if 0 < form.parent_id.data <= DB_INT_MAX else None
        if parent is None or not services.on_subject(parent, subject):
            abort(404)
    if not form.validate_on_submit():
        return render_template("comments/form.html", form=form, subject=subject, parent=parent, action="add")
    comment = services.add_comment(current_user, subject, form.body.data, parent=parent, submission_key=form.submission_key.data)
    db.session.commit()
    flash(_("Your reply is published.") if parent is not None else _("Your comment is published."), "success")
    return redirect(subject_url(subject, comment.id))


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
@posting_limit
def edit(comment_id):
    """The form to change one's own comment (its author, while the idea or activity is open for comments)."""
    comment, subject = visible_comment(comment_id)
    if not (permissions.can_edit_comment(current_user, comment) and permissions.can_comment_on(current_user, subject)):
        raise NotAllowed()
    form = EditCommentForm(obj=comment)
    if form.validate_on_submit():
        services.edit_comment(current_user, comment, form.body.data)
        db.session.commit()
        flash(_("Your comment is saved."), "success")
        return redirect(subject_url(subject, comment.id))
    return render_template("comments/form.html", form=form, subject=subject, comment=comment, action="edit")


@bp.route("/comments/<int:comment_id>/delete", methods=["GET", "POST"])
@login_required
def delete(comment_id):
    """GET asks "are you sure?"; the POST deletes."""
    comment, subject = visible_comment(comment_id)
    if comment.author_id != current_user.id:
        raise NotAllowed()
    if comment.deleted_at is not None:
        return redirect(subject_url(subject, comment.id))
    form = EmptyForm()
    if form.validate_on_submit():
        services.delete_comment(current_user, comment)
        db.session.commit()
        flash(_("Your comment is deleted."), "success")
        return redirect(subject_url(subject, comment.id))
    return render_template("comments/delete.html", form=form, subject=subject, comment=comment)


@bp.route("/comments/<int:comment_id>/report", methods=["GET", "POST"])
@login_required
@posting_limit
def report(comment_id):
    """The form to report a comment to the centre's moderators with a reason (members other than its author)."""
    comment, subject = visible_comment(comment_id)
    if not permissions.can_report_comment(current_user, comment):
        raise NotAllowed()
    form = ReportForm()
    if form.validate_on_submit():
        made = services.report_comment(current_user, comment, form.reason.data)
        db.session.commit()
        if made is None:
            flash(_("You have reported this comment already. A moderator will look at it."), "info")
        else:
            flash(_("Thank you. A moderator of the centre will look at this comment."), "success")
        return redirect(back_to(subject_url(subject, comment.id)))
    if request.method == "GET":
        form.next.data = back_to("")
    return render_template("comments/report.html", form=form, subject=subject, comment=comment)


MODERATION = {
    "hide": services.hide_comment,
    "restore": services.restore_comment,
    "confirm": services.confirm_hidden,
}


def moderation_texts(action):
    """The texts of each moderator action, translated when the page is shown."""
    return {
        "hide": (_("Hide this comment"), _("Hide the comment"), _("The comment is hidden.")),
        "restore": (
            _("Show this comment again"),
            _("Show the comment"),
            _("The comment is shown again and its reports are closed."),
        ),
        "confirm": (
            _("Keep this comment hidden"),
            _("Keep it hidden"),
            _("The comment stays hidden and its reports are closed."),
        ),
    }[action]


def moderate(comment_id, action):
    """The page of one moderator action on a comment, with the open reports; the POST carries it out."""
    comment, subject = visible_comment(comment_id)
    if not permissions.can_moderate_comment(current_user, comment, subject):
        raise NotAllowed(what=f"comments.{action}")
    form = ModerationForm()
    if action == "hide":
        form.reason.description = _("Everyone sees this reason in the comment's place. It is also recorded in the audit log.")
    else:
        form.reason.description = _("Recorded in the audit log.")
    title, button, done = moderation_texts(action)
    if form.validate_on_submit():
        MODERATION[action](current_user, comment, form.reason.data)
        db.session.commit()
        flash(done, "success")
        return redirect(back_to(subject_url(subject, comment.id)))
    if request.method == "GET":
        form.next.data = back_to("")
    reports = open_reports(comment)
    return render_template(
        "comments/moderate.html",
        form=form,
        subject=subject,
        comment=comment,
        action=action,
        title=title,
        button=button,
        reports=reports,
    )


@bp.route("/comments/<int:comment_id>/hide", methods=["GET", "POST"])
@login_required
def hide(comment_id):
    """Hide a comment with a reason everyone sees in its place (moderators of the centre of the idea or activity)."""
    return moderate(comment_id, "hide")


@bp.route("/comments/<int:comment_id>/restore", methods=["GET", "POST"])
@login_required
def restore(comment_id):
    """Show a comment again and close its reports (moderators of the centre of the idea or activity)."""
    return moderate(comment_id, "restore")


@bp.route("/comments/<int:comment_id>/confirm", methods=["GET", "POST"])
@login_required
def confirm(comment_id):
    """Keep a reported comment hidden, with the moderator's reason, and close its reports (moderators of the
    centre of the idea or activity)."""
    return moderate(comment_id, "confirm")
