from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from app.centres.location import check_both_or_neither, coordinates_of, latitude_field, longitude_field
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
    latitude = latitude_field()
    longitude = longitude_field()

    def validate(self, extra_validators=None):
        """The fields' checks, and both numbers of the centre's map position or neither."""
        valid = super().validate(extra_validators)
        return check_both_or_neither(self.latitude, self.longitude) and valid

    def coordinates(self):
        """(latitude, longitude) as numbers, or (None, None)."""
        return coordinates_of(self.latitude, self.longitude)
