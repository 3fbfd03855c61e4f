from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from app.forms import Form, one_line


class CentreForm(Form):
    name = StringField(
        _l("Name"),
        description=_l("As people know it, e.g. Preiļi."),
        validators=[
            DataRequired(_l("Please enter a name.")),
            Length(max=120, message=_l("At most %(max)d characters.")),
            one_line,
        ],
    )
    municipality = StringField(
        _l("Municipality"),
        description=_l("E.g. Preiļu novads."),
        validators=[
            DataRequired(_l("Please enter the municipality.")),
            Length(max=120, message=_l("At most %(max)d characters.")),
            one_line,
        ],
    )
    slug = StringField(
        _l("Short name for addresses"),
        description=_l("Lower-case Latin letters, digits and hyphens, e.g. preili."),
        validators=[
            DataRequired(_l("Please enter a short name.")),
            Length(max=40, message=_l("At most %(max)d characters.")),
            Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message=_l("Use only lower-case Latin letters, digits and hyphens.")),
        ],
    )
    is_active = BooleanField(_l("Active (offered to people and for new content)"), default=True)
