from wtforms import HiddenField, SelectField

from app.forms import Form
from app.i18n import language_choices


class LanguageForm(Form):
    language = SelectField(choices=language_choices())
    next = HiddenField()
