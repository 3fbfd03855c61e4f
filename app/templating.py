"""What every template can use."""

from flask import g, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user
from jinja2 import pass_context

from app import permissions
from app.activities.models import ActivityState, RegistrationState
from app.centres.queries import centre_positions
from app.comments.queries import CommentView
from app.i18n import LANGUAGE_NAMES, format_date, format_datetime, format_time, single_quotes
from app.ideas.models import IdeaState
from app.main.forms import LanguageForm
from app.markdown import render_markdown
from app.partnerships.models import PartnerCallState, PartnershipState
from app.search_index import highlight
from app.volunteering.models import SignUpState

#: the state names templates compare with, e.g. {% if registration.state == RegistrationState.WAITING %}
#: (a rule that several places ask about is a property of the model instead, e.g. activity.open_for_people)
STATES = {
    "ActivityState": ActivityState,
    "CommentView": CommentView,
    "IdeaState": IdeaState,
    "PartnerCallState": PartnerCallState,
    "PartnershipState": PartnershipState,
    "RegistrationState": RegistrationState,
    "SignUpState": SignUpState,
}


def register_template_helpers(app):
    """Give every template the markdown filter, the state names, permissions and the header's values."""
    # {{ idea.description|markdown }}: user Markdown, sanitised with an allow-list (app/markdown.py)
    app.add_template_filter(render_markdown, "markdown")
    # replace Flask-Babel's: four-digit years, British English, a 24-hour clock (app/i18n.py)
    app.add_template_filter(format_date, "dateformat")
    app.add_template_filter(format_datetime, "datetimeformat")
    app.add_template_filter(format_time, "timeformat")
    app.add_template_filter(single_quotes, "single_quotes")  # flashes, translated in Python
    # {{ idea.title|highlight(filters.search) }}: escaped, the words the search matched in <mark> (app/search_index.py)
    app.add_template_filter(highlight, "highlight")
    translate = app.jinja_env.globals["gettext"]

    @pass_context
    def gettext(context, string, **variables):
        """The page's gettext, without doubled quotes around a name that has its own."""
        text = translate(context, string, **variables)
        # only a name put into the sentence can bring its own quotes; most strings have none (a hot path)
        return single_quotes(text) if variables else text

    app.jinja_env.globals["gettext"] = gettext
    app.jinja_env.globals.update(STATES)
    # where a location picker's map opens for each centre (templates/_macros/location_picker.html): asked only there
    app.jinja_env.globals["centre_positions"] = centre_positions

    @app.context_processor
    def inject_globals():
        current = str(get_locale())
        values = {
            "current_language": current,
            "other_languages": [(code, name) for code, name in LANGUAGE_NAMES.items() if code != current],
            "permissions": permissions,
            "site_name": app.config["SITE_NAME"],
        }
        # Mail is also rendered outside requests (`flask send-mail`, other commands): no page, no form.
        if has_request_context():
            values["language_form"] = LanguageForm(formdata=None, next=request.full_path.rstrip("?"))
            values["unread_notification_count"] = unread_notification_count
            values["moderation_waiting"] = moderation_waiting
        return values


def unread_notification_count():
    """The signed-in person's unread notifications for the header: one statement per request, none for visitors.

    Asked only when a template shows it (so mail rendered during a request costs nothing).
    """
    if "unread_notifications" not in g:
        from app.notifications.services import count_unread

        g.unread_notifications = count_unread(current_user) if current_user.is_authenticated else 0
    return g.unread_notifications


def moderation_waiting():
    """(ideas, comments, reported ideas) waiting for the signed-in moderator, for the header: one statement per request.

    Asked only by templates, and only for moderators (can_moderate reads the person's centres, which
    the header loads anyway): residents and visitors pay no statement for it.
    """
    if "moderation_waiting" not in g:
        if permissions.can_moderate(current_user):
            from app.moderation.queries import waiting_counts

            g.moderation_waiting = waiting_counts(current_user)
        else:
            g.moderation_waiting = (0, 0, 0)
    return g.moderation_waiting
