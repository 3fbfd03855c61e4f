"""Notification settings form: field validation and choices only."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired

from app.forms import Form
from app.notifications.models import EmailFrequency

CHOOSE_ONE = _l("Please choose one of the options.")


def frequency_field(label, hint):
    """How often to e-mail: each time, once a day in a summary, or never (still shown on the site)."""
    return RadioField(
        label,
        description=hint,
        validate_choice=False,
        choices=[
            SelectChoice(EmailFrequency.IMMEDIATELY, _l("Immediately, one e-mail each time")),
            SelectChoice(EmailFrequency.DAILY, _l("Once a day, in one summary e-mail")),
            SelectChoice(EmailFrequency.OFF, _l("Never (you still see them here on the site)")),
        ],
        validators=[InputRequired(CHOOSE_ONE), AnyOf(EmailFrequency.ALL, message=CHOOSE_ONE)],
    )


class NotificationSettingsForm(Form):
    email_own_ideas = frequency_field(_l("E-mail about my own ideas"), _l("Decisions on your ideas and new comments on them."))
    email_other = frequency_field(
        _l("E-mail about everything else"), _l("Replies to your comments and news about ideas you support or follow.")
    )
