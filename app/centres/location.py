"""A spot on the map: the latitude and longitude fields that every form with a place shares (ideas, activities, centres).

Here with the centres because a place is theirs to know: the centres' own coordinates are where the maps
of their ideas and activities open. Both numbers or neither; each within its range; a point or a comma
(56,29 is how many write it in Latvia). The location picker (static/js/location-picker.js) fills these
same fields from a map; without JavaScript they are typed.
"""

import math

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, Optional, ValidationError

from app.forms import one_line, strip

#: longer than any coordinate written by hand or by the picker (six decimals), short enough to refuse junk
COORDINATE_MAX_LENGTH = 20
#: decimals kept when a stored coordinate is shown in a field again: six are about 10 cm
COORDINATE_DECIMALS = 6

LATITUDE_MESSAGE = _l("The first number of a map position is between -90 and 90, e.g. 56.2942.")
LONGITUDE_MESSAGE = _l("The second number of a map position is between -180 and 180, e.g. 26.7246.")
BOTH_MESSAGE = _l("Please give both numbers of the map position, or leave both empty.")


def parse_coordinate(text):
    """A number written with a point or a comma; ValueError for anything else (also "nan", "inf" and "1e999")."""
    value = float(text.strip().replace(",", "."))
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def coordinate_text(value):
    """A stored coordinate as the field shows it ("" for none): at most six decimals, no trailing zeros."""
    if value is None:
        return ""
    return f"{value:.{COORDINATE_DECIMALS}f}".rstrip("0").rstrip(".")


class CoordinateRange:
    """A validator: the field's text is a number from -limit to limit (an empty field is left to Optional)."""

    def __init__(self, limit, message):
        self.limit, self.message = limit, message

    def __call__(self, form, field):
        """Raise ValidationError with the message unless the text is a number within the range."""
        try:
            value = parse_coordinate(field.data or "")
        except ValueError as error:
            raise ValidationError(self.message) from error
        if not -self.limit <= value <= self.limit:
            raise ValidationError(self.message)


def coordinate_field(label, example, limit, message):
    """A text field for one coordinate: optional, one short line, a number within ±limit."""
    return StringField(
        label,
        description=example,
        filters=[strip],
        render_kw={"inputmode": "decimal", "autocomplete": "off", "maxlength": COORDINATE_MAX_LENGTH, "spellcheck": "false"},
        validators=[Optional(), Length(max=COORDINATE_MAX_LENGTH, message=message), one_line, CoordinateRange(limit, message)],
    )


def latitude_field():
    """The latitude field (north), declared in a form's class where it should appear."""
    return coordinate_field(_l("First number (north)"), _l("e.g. 56.2942"), 90, LATITUDE_MESSAGE)


def longitude_field():
    """The longitude field (east), declared in a form's class where it should appear."""
    return coordinate_field(_l("Second number (east)"), _l("e.g. 26.7246"), 180, LONGITUDE_MESSAGE)


def check_both_or_neither(latitude, longitude):
    """False, with a message on the empty one, when only one of the two fields was filled in."""
    if bool(latitude.data) == bool(longitude.data):
        return True
    missing = longitude if latitude.data else latitude
    missing.errors = [*missing.errors, BOTH_MESSAGE]
    return False


def coordinates_of(latitude, longitude):
    """(latitude, longitude) as numbers from two validated fields, or (None, None) when they are empty."""
    if latitude.data and longitude.data:
        return parse_coordinate(latitude.data), parse_coordinate(longitude.data)
    return None, None
