"""The partner call form: field validation and choices only."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.forms import Form, MultiCheckboxField, one_line, strip
from app.ideas.forms import optional_int
from app.ideas.models import AGE_GROUPS, SUBJECTS

TITLE_MAX = 150
DESCRIPTION_MAX = 10_000
CONTACT_MAX = 150
#: what a date field sends, and what people type where a browser shows a plain text box (31.05.2027)
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
BAD_DATE = _l("Please write the date as year-month-day, e.g. 2027-03-01.")


def in_list_order(chosen, catalogue):
    """Chosen codes as stored: comma-separated, in the catalogue's order (so pages show them the same way)."""
    return ",".join(code for code in catalogue if code in (chosen or []))


class PartnerCallForm(Form):
    title = StringField(
        _l("Topic"),
        filters=[strip],
        render_kw={"maxlength": TITLE_MAX},
        description=_l("In one line, e.g. “Grade 6 wants a community project about recycling in spring term”."),
        validators=[
            DataRequired(_l("Please write the topic.")),
            Length(max=TITLE_MAX, message=_l("Please keep this under %(max)d characters.")),
            one_line,
        ],
    )
    description = TextAreaField(
        _l("Description"),
        filters=[strip],
        render_kw={"rows": 8},
        description=_l(
            "What the pupils would do, what you hope a partner brings, how much time there is. "
            "Simple formatting works: **bold**, *italic*, lines starting with “- ” become a list."
        ),
        validators=[
            DataRequired(_l("Please describe what you are looking for.")),
            Length(max=DESCRIPTION_MAX, message=_l("Please keep the description under %(max)d characters.")),
        ],
    )
    age_groups = MultiCheckboxField(_l("Age groups"), choices=[SelectChoice(code, label) for code, label in AGE_GROUPS.items()])
    subjects = MultiCheckboxField(_l("School subjects"), choices=[SelectChoice(code, label) for code, label in SUBJECTS.items()])
    starts_on = DateField(
        _l("From (optional)"),
        description=_l("The first day, e.g. 2027-03-01."),
        validators=[Optional()],
        format=DATE_FORMATS,
        invalid_value_message=BAD_DATE,
    )
    ends_on = DateField(
        _l("Until (optional)"),
        description=_l("The last day, e.g. 2027-05-31."),
        validators=[Optional()],
        format=DATE_FORMATS,
        invalid_value_message=BAD_DATE,
    )
    centre = SelectField(
        _l("Centre"),
        coerce=optional_int,
        description=_l("The community resource centre the project belongs to."),
        validators=[DataRequired(_l("Please choose a centre."))],
        invalid_value_message=_l("Please choose a centre from the list."),
        invalid_choice_message=_l("Please choose a centre from the list."),
    )
    contact_person = StringField(
        _l("Contact person (optional)"),
        filters=[strip],
        render_kw={"maxlength": CONTACT_MAX},
        description=_l("Who partners should talk to, e.g. “Ilze Liepa, class teacher of grade 6”."),
        validators=[Optional(), Length(max=CONTACT_MAX, message=_l("Please keep this under %(max)d characters.")), one_line],
    )

    def validate_age_groups(self, field):
        """Refuse a call that names no age group."""
        if not field.data:
            raise ValidationError(_l("Please choose at least one age group."))

    def validate_subjects(self, field):
        """Refuse a call that names no school subject."""
        if not field.data:
            raise ValidationError(_l("Please choose at least one subject."))

    def validate_ends_on(self, field):
        """Refuse a last day before the first day."""
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))

    def content(self):
        """The call's fields from this form (only what the form declares: no mass assignment)."""
        return {
            "title": self.title.data,
            "description": self.description.data,
            "age_groups": in_list_order(self.age_groups.data, AGE_GROUPS),
            "subjects": in_list_order(self.subjects.data, SUBJECTS),
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "centre_id": self.centre.data,
            "contact_person": self.contact_person.data or "",
        }
