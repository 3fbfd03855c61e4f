"""The idea's page: the idea with its discussion, its volunteer roles and the activity it became.

It shows several domains at once, so it lives among the composers; the views keep their endpoints on the
ideas blueprint (ideas.idea_detail, ideas.archive_idea), so no address changes.
"""

from flask import abort, flash, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import permissions
from app.activities.queries import activity_of_idea
from app.comments.forms import CommentForm
from app.comments.queries import load_comments
from app.errors import NotAllowed
from app.extensions import db
from app.forms import EmptyForm
from app.ideas import bp, queries, services
from app.ideas.forms import ArchiveForm
from app.ideas.models import AGE_GROUPS, SUBJECTS
from app.ideas.routes import back_to_idea
from app.volunteering.queries import roles_of_idea


def render_detail(idea_id, archive_form=None):
    """The idea's page as the viewer may see it (404 for another person's draft), in a fixed number of statements."""
    page = queries.idea_page(idea_id, current_user)
    if page is None or not permissions.can_view_idea(current_user, page.idea):
        abort(404)
    idea = page.idea
    actions = services.allowed_actions(current_user, idea)
    if archive_form is None and "archive" in actions:
        archive_form = ArchiveForm(formdata=None)
    insider = permissions.is_signed_in(current_user) and (
        idea.author_id == current_user.id or permissions.can_decide_idea(current_user, idea)
    )
    # only published ideas are discussed (a hidden one's discussion stays readable, closed, for the few who see it);
    # one statement (app/comments/queries.py)
    if idea.in_public_state:
        page.comments = load_comments(idea, current_user)
    # volunteer roles with the viewer's sign-ups: one statement (app/volunteering/queries.py)
    roles = roles_of_idea(idea, current_user) if idea.in_public_state else None
    # the activity a promoted idea became: one statement, only on promoted ideas' pages
    promoted_activity = activity_of_idea(idea.id) if idea.is_promoted else None
    return render_template(
        "ideas/detail.html",
        page=page,
        idea=idea,
        actions=actions,
        button_form=EmptyForm(),
        promoted_activity=promoted_activity,
        archive_form=archive_form,
        insider=insider,
        roles=roles,
        comments=page.comments,
        comment_form=CommentForm(formdata=None),
        comment_subject=idea,
        age_groups=[AGE_GROUPS[code] for code in idea.age_group_codes() if code in AGE_GROUPS],
        subjects=[SUBJECTS[code] for code in idea.subject_codes() if code in SUBJECTS],
    )


@bp.route("/ideas/<int:idea_id>")
def idea_detail(idea_id):
    """The idea's page."""
    return render_detail(idea_id)


@bp.route("/ideas/<int:idea_id>/archive", methods=["POST"])
@login_required
def archive_idea(idea_id):
    """Archive the idea with a reason (a coordinator of its centre); a form with mistakes shows the page again."""
    idea = queries.idea_for(current_user, idea_id)
    if not permissions.can_decide_idea(current_user, idea):
        raise NotAllowed(what="ideas.archive_idea")
    form = ArchiveForm()
    if not form.validate_on_submit():
        return render_detail(idea_id, archive_form=form)
    services.transition(idea, "archive", current_user, form.reason.data)
    db.session.commit()
    flash(_("The idea is archived. Its author, supporters and followers are told why."), "success")
    return back_to_idea(idea)
