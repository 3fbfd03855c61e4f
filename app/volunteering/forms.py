"""Forms of the volunteering domain: field validation only."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.forms import Form, strip

NAME_MAX = 120
TEXT_MAX = 2000
SKILLS_MAX = 500
MESSAGE_MAX = 1000
PLACES_MAX = 500


class RoleForm(Form):
    name = StringField(
        _l("Role"),
        filters=[strip],
        description=_l("For example: “Helper at the clay workshop”."),
        render_kw={"maxlength": NAME_MAX},
        validators=[
            DataRequired(_l("Please name the role.")),
            Length(max=NAME_MAX, message=_l("Please keep the name under %(max)d characters.")),
        ],
    )
    description = TextAreaField(
        _l("What the volunteer does"),
        filters=[strip],
        render_kw={"maxlength": TEXT_MAX, "rows": 4},
        validators=[
            Optional(),
            Length(max=TEXT_MAX, message=_l("Please keep this under %(max)d characters.")),
        ],
    )
    skills = TextAreaField(
        _l("Skills that help"),
        filters=[strip],
        render_kw={"maxlength": SKILLS_MAX, "rows": 2},
        validators=[Optional(), Length(max=SKILLS_MAX, message=_l("Please keep this under %(max)d characters."))],
    )
    places = IntegerField(
        _l("How many people"),
        render_kw={"min": 1, "max": PLACES_MAX, "inputmode": "numeric"},
        validators=[
            InputRequired(_l("Please say how many people are needed.")),
            NumberRange(min=1, max=PLACES_MAX, message=_l("Please give a number from %(min)d to %(max)d.")),
        ],
    )
    starts_at = DateTimeLocalField(_l("Shift starts (optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    ends_at = DateTimeLocalField(_l("Shift ends (optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    auto_accept = BooleanField(_l("Accept volunteers automatically while places are free"))

    def validate_ends_at(self, field):
        """A shift's end needs its start, and must come after it."""
        if field.data and not self.starts_at.data:
            raise ValidationError(_l("Please also give the start of the shift."))
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The shift must end after it starts."))


class SignUpForm(Form):
    message = TextAreaField(
        _l("Message to the organiser (optional)"),
        description=_l("The organiser will see your name and the skills from your profile."),
        filters=[strip],
        render_kw={"maxlength": MESSAGE_MAX, "rows": 3},
        validators=[
            Optional(),
            Length(max=MESSAGE_MAX, message=_l("Please keep the message under %(max)d characters.")),
        ],
    )


VOLUNTEER_MESSAGE_MAX = 2000


class VolunteerMessageForm(Form):
    """The message an idea's author or a coordinator writes to the accepted volunteers (choices: set by the page)."""

    role = SelectField(_l("To whom"), choices=[], validate_choice=False)
    body = TextAreaField(
        _l("Message"),
        filters=[strip],
        description=_l("Plain text: line breaks are kept. Each volunteer gets it by e-mail too; nobody sees their address."),
        render_kw={"maxlength": VOLUNTEER_MESSAGE_MAX, "rows": 8},
        validators=[
            DataRequired(_l("Please write the message.")),
            Length(max=VOLUNTEER_MESSAGE_MAX, message=_l("Please keep the message under %(max)d characters.")),
        ],
    )

    def validate_role(self, field):
        """One of the choices the page offered (a role removed meanwhile is no longer one)."""
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Please choose whom to write to."))
