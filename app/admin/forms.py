from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RolesForm(FlaskForm):
    is_admin = BooleanField(_l("Administrator (every centre, users and settings)"))
    moderated_centres = MultiCheckboxField(_l("Moderator (coordinator) of these centres"), coerce=int)
