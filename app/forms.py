"""The base of every form: whatever was sent, what a form hands on is something the database can store.

A NUL byte in text (PostgreSQL refuses it outright), a date in the year 1 or 9999 (converting it to UTC or
adding a day overflows), or a number beyond the database's integer range each ended in a server error, and
what the person had typed was lost. Here each becomes an error next to its field, as a wrong value does.
"""

from datetime import date, datetime

from flask import abort, g
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeField, FieldList, FormField, IntegerField, SelectMultipleField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.inputs import db_int

#: the dates a form accepts: far wider than any real activity or partner call, far from datetime's limits
FIRST_YEAR, LAST_YEAR = 1900, 2199

NUL_MESSAGE = _l("Text contains a character that cannot be saved.")
NUMBER_MESSAGE = _l("Please give a whole number in digits 0–9.")
YEAR_MESSAGE = _l("Please give a date between the years %(first)d and %(last)d.")
NO_LINE_BREAKS = _l("Please write this on one line.")


class Form(FlaskForm):
    """FlaskForm, with every field's sent value checked before any validator or route sees it."""

    def process(self, *args, **kwargs):
        """Fill the fields from what was sent, then turn any value the database cannot store into an error on its field."""
        super().process(*args, **kwargs)
        for field in self:
            refuse_unstorable(field)

    def validate(self, extra_validators=None):
        """Validate as WTForms does; a form with errors marks the page, whose title then starts with "Error:"."""
        valid = super().validate(extra_validators)
        if not valid:
            g.form_has_errors = True
        return valid

    def validate_on_submit(self, extra_validators=None):
        """As Flask-WTF's; a sent form refused by a subclass's own checks marks the page too."""
        valid = super().validate_on_submit(extra_validators)
        if self.is_submitted() and not valid:
            g.form_has_errors = True
        return valid


def refuse_unstorable(field):
    """Give the field the error and data WTForms gives an unreadable value: data None (or the text without
    the NUL bytes) and a process error, so validators and routes work as for any wrong value."""
    if isinstance(field, FieldList):
        for entry in field.entries:
            refuse_unstorable(entry)
        return
    if isinstance(field, FormField) or not field.raw_data:  # a FormField's own form does this; no value sent
        return
    if isinstance(field, StringField) and isinstance(field.data, str) and "\x00" in field.data:
        field.data = field.data.replace("\x00", "")  # shown again without it: what the person sees they typed
        field.process_errors.append(NUL_MESSAGE)
    elif isinstance(field, IntegerField) and field.data is not None:
        try:
            db_int(field.raw_data[0])
        except ValueError:
            field.data = None
            field.process_errors.append(NUMBER_MESSAGE)
    elif isinstance(field, (DateField, DateTimeField)) and isinstance(field.data, (date, datetime)):
        if not FIRST_YEAR <= field.data.year <= LAST_YEAR:
            field.data = None
            field.process_errors.append(YEAR_MESSAGE % {"first": FIRST_YEAR, "last": LAST_YEAR})


class EmptyForm(Form):
    """A form with only the CSRF token, for buttons that change something."""


def checked_button_form():
    """The CSRF check of a button form; a failed one is answered 400 by the CSRF error handler before we get here."""
    if not EmptyForm().validate_on_submit():
        abort(400)


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def one_line(_form, field):
    """Validator: the text has no line break (names, titles, addresses: things shown on one line)."""
    if field.data and ("\r" in field.data or "\n" in field.data):
        raise ValidationError(NO_LINE_BREAKS)


def strip(value):
    """Filter: trim the text and use one kind of line break (browsers send CRLF)."""
    if value is None:
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()
