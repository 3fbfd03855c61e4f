"""Forms of the partnerships domain: field validation only (the routes fill in the choices)."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import Form, strip
from app.ideas.forms import optional_int

MESSAGE_MAX = 2000


def message_field(label, description):
    """An optional message box of up to MESSAGE_MAX characters, with this label and hint."""
    return TextAreaField(
        label,
        filters=[strip],
        description=description,
        render_kw={"maxlength": MESSAGE_MAX, "rows": 5},
        validators=[
            Optional(),
            Length(max=MESSAGE_MAX, message=_l("Please keep the message under %(max)d characters.")),
        ],
    )


class OfferForm(Form):
    organisation = SelectField(
        _l("Organisation"),
        coerce=optional_int,
        description=_l("Which of your organisations offers to take part."),
        validators=[DataRequired(_l("Please choose an organisation."))],
        invalid_value_message=_l("Please choose an organisation from the list."),
        invalid_choice_message=_l("Please choose an organisation from the list."),
    )
    message = message_field(
        _l("Message (optional)"), _l("What your organisation could do, with whom (e.g. which class), and when.")
    )


class InviteForm(Form):
    #: "idea-12" or "activity-5"
    project = SelectField(
        _l("Your idea or activity"),
        description=_l("The organisation is asked to become its partner."),
        validators=[DataRequired(_l("Please choose an idea or activity."))],
        invalid_choice_message=_l("Please choose an idea or activity from the list."),
    )
    message = message_field(_l("Message (optional)"), _l("Why it suits their call, and what you would do together."))
