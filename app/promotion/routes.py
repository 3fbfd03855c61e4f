"""The page that promotes an idea into an activity (/ideas/<id>/promote).

It joins the activities blueprint, so its URL and endpoint (activities.promote_idea) stay as they were; the
activity form and the redirects are the activities pages' own.
"""

from flask import flash, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import permissions
from app.activities import bp as activities_bp
from app.activities import queries
from app.activities.forms import ActivityForm
from app.activities.routes import back_to_activity, render_form
from app.centres.location import coordinate_text
from app.errors import NotAllowed
from app.extensions import db
from app.ideas.queries import idea_for
from app.promotion import services


def promotion_data(idea):
    """The activity form prefilled from the idea: its summary opens the description; its place and spot on the map."""
    description = "\n\n".join(part for part in (idea.summary, idea.description) if part)
    return {
        "title": idea.title[:150],
        "description": description,
        "place": idea.place,
        "latitude": coordinate_text(idea.latitude),
        "longitude": coordinate_text(idea.longitude),
    }


@activities_bp.route("/ideas/<int:idea_id>/promote", methods=["GET", "POST"])
@login_required
def promote_idea(idea_id):
    """The coordinator's form that turns a published idea into an activity of its centre."""
    idea = idea_for(current_user, idea_id)
    if idea.is_promoted and permissions.can_decide_idea(current_user, idea):
        became = queries.activity_of_idea(idea.id)
        if became is not None:
            flash(_("This idea is already a centre activity."), "info")
            return back_to_activity(became.id)
    if not permissions.can_promote_idea(current_user, idea):
        raise NotAllowed(what="activities.promote_idea")
    form = ActivityForm() if request.method == "POST" else ActivityForm(data=promotion_data(idea))
    del form.centre  # the activity belongs to the idea's centre
    del form.remove_photo  # the idea's photo goes with it; it can be removed from the activity afterwards
    if not form.validate_on_submit():
        return render_form(form, idea=idea)
    activity = services.promote_idea(current_user, idea, open_registration=form.open_registration.data, **form.content())
    db.session.commit()
    flash(_("The idea is now a centre activity. Its author, supporters, followers and volunteers are told."), "success")
    return back_to_activity(activity.id)
