from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp

from app.forms import Form, MultiCheckboxField, one_line


class RolesForm(Form):
    is_admin = BooleanField(_l("Administrator (every centre, users and settings)"))
    moderated_centres = MultiCheckboxField(_l("Moderator (coordinator) of these centres"), coerce=int)


def category_name_field(label, description):
    """A category's required name in one language: one line, at most 80 characters."""
    return StringField(
        label,
        description=description,
        validators=[
            DataRequired(_l("Please enter a name.")),
            Length(max=80, message=_l("At most %(max)d characters.")),
            one_line,
        ],
    )


class CategoryForm(Form):
    slug = StringField(
        _l("Short name for addresses"),
        description=_l("Lower-case Latin letters, digits and hyphens, e.g. environment."),
        validators=[
            DataRequired(_l("Please enter a short name.")),
            Length(max=40, message=_l("At most %(max)d characters.")),
            Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message=_l("Use only lower-case Latin letters, digits and hyphens.")),
        ],
    )
    name_lv = category_name_field(_l("Name in Latvian"), _l("E.g. Vide."))
    name_en = category_name_field(_l("Name in English"), _l("E.g. Environment."))
    position = IntegerField(
        _l("Position in lists"),
        default=0,
        description=_l("Smaller numbers come first."),
        validators=[
            InputRequired(_l("Please enter a whole number.")),
            NumberRange(min=0, max=10000, message=_l("Please enter a number from %(min)s to %(max)s.")),
        ],
    )
    is_active = BooleanField(_l("Active (offered for new ideas)"), default=True)


class SuspendForm(Form):
    reason = TextAreaField(
        _l("Reason for the suspension"),
        description=_l("Recorded in the audit log. The person is not told by e-mail."),
        validators=[DataRequired(_l("Please give a reason.")), Length(max=500, message=_l("At most %(max)d characters."))],
    )
