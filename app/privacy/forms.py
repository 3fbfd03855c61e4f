"""The forms of /me/data and /me/delete: field validation only (the password itself is checked by the services)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, Length

from app.accounts.passwords import MAX_LENGTH
from app.forms import Form


def password_field():
    """The person's current password, asked again before their data leaves the site or their account goes."""
    return PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Please enter your current password.")), Length(max=MAX_LENGTH)],
    )


class DataExportForm(Form):
    password = password_field()


class DeleteAccountForm(Form):
    password = password_field()
    confirm = BooleanField(
        _l("I understand that my account is deleted for good and cannot be restored."),
        validators=[DataRequired(_l("Please tick the box to confirm that you want to delete your account."))],
    )
