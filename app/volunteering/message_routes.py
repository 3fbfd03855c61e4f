"""Pages for messages to volunteers: writing to an idea's volunteers, and reading one message.

The activity's writing page loads an activity, and volunteering sits below activities: that view is in
app/activities/volunteer_messages.py and uses write_page() from here.
"""

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app import permissions
from app.errors import NotAllowed
from app.extensions import db, limiter
from app.ideas.queries import idea_for
from app.volunteering import bp
from app.volunteering import messages as service
from app.volunteering.forms import VolunteerMessageForm

ALL_ROLES = ""


def sender_key():
    """Messages count per account (the page needs a log-in, so there always is one)."""
    return f"volunteer-messages:user:{getattr(current_user, 'id', None)}"


def message_limit():
    """How many messages one person may send to volunteers in a while (VOLUNTEER_MESSAGE_LIMIT)."""
    return current_app.config["VOLUNTEER_MESSAGE_LIMIT"]


def sent(response):
    """Only a sent message (a redirect) counts against the limit; a form with errors does not."""
    return response.status_code == 302


#: on the idea's and the activity's writing pages: one budget per person
sending_limit = limiter.shared_limit(
    message_limit, scope="volunteer-messages", key_func=sender_key, methods=["POST"], deduct_when=sent
)


def reach_label(name, count):
    """A choice of the form: who, and how many people that is."""
    return ngettext("%(name)s (%(num)d person)", "%(name)s (%(num)d people)", count, name=name)


def role_choices(roles, counts):
    """All roles first, then each role, each with the number of people it reaches."""
    choices = [(ALL_ROLES, reach_label(_("All roles"), counts.get(None, 0)))]
    return choices + [(str(role.id), reach_label(role.name, counts.get(role.id, 0))) for role in roles]


def write_page(project, action_url, back_url):
    """GET: the form with the earlier messages; POST: send it (the service checks who may) and show the message."""
    if not permissions.can_message_volunteers(current_user, project):
        raise NotAllowed(what="volunteering.write_to_volunteers")
    roles = service.project_roles(project)
    counts = service.reach(project, sender=current_user)
    form = VolunteerMessageForm()
    form.role.choices = role_choices(roles, counts)
    if request.method == "GET":
        form.role.data = request.args.get("role", ALL_ROLES)
    if form.validate_on_submit():
        role = next((r for r in roles if str(r.id) == form.role.data), None)
        try:
            message = service.send_message(current_user, project, form.body.data, role=role)
        except service.MessageRefused as refusal:
            db.session.rollback()
            form.body.errors.append(refusal.message)
            g.form_has_errors = True  # the page's title starts with "Error:" as for any other error
        else:
            count = service.recipient_count(message)
            db.session.commit()
            flash(
                ngettext("Your message is sent to %(num)d person.", "Your message is sent to %(num)d people.", count),
                "success",
            )
            return redirect(url_for("volunteering.message_detail", message_id=message.id))
    return render_template(
        "volunteering/write_message.html",
        form=form,
        project=project,
        action_url=action_url,
        back_url=back_url,
        reached=counts.get(None, 0),
        earlier=service.messages_of_project(project),
    )


@bp.route("/ideas/<int:idea_id>/volunteer-messages", methods=["GET", "POST"])
@login_required
@sending_limit
def write_to_idea_volunteers(idea_id):
    """Write to the accepted volunteers of a published idea (its author or a moderator of its centre)."""
    idea = idea_for(current_user, idea_id)
    return write_page(
        idea,
        url_for("volunteering.write_to_idea_volunteers", idea_id=idea.id),
        url_for("ideas.idea_detail", idea_id=idea.id, _anchor="volunteers"),
    )


@bp.route("/volunteer-messages/<int:message_id>")
@login_required
def message_detail(message_id):
    """One message to volunteers: for its sender, the people it reached and the project's people (others: 404)."""
    message = service.message_with_people(message_id)
    if message is None or not permissions.can_read_volunteer_message(current_user, message, message.project):
        abort(404)
    project = message.project
    return render_template(
        "volunteering/message.html",
        message=message,
        project=project,
        manager=permissions.manages_project(current_user, project),
        coordinator=permissions.can_moderate_centre(current_user, project.centre_id),
    )
