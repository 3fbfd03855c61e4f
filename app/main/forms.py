from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField

from app.i18n import language_choices


class LanguageForm(FlaskForm):
    language = SelectField(choices=language_choices())
    next = HiddenField()
