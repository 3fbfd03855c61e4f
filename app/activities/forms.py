"""Activity forms: field validation and choices only."""

import re

from flask_babel import lazy_gettext as _l
from flask_babel import to_utc
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.activities.registrations import COMPANION_NAME_LENGTH, MAX_COMPANIONS
from app.centres.location import check_both_or_neither, coordinates_of, latitude_field, longitude_field
from app.forms import Form, MultiCheckboxField, one_line, strip
from app.ideas.forms import optional_int
from app.ideas.models import AGE_GROUPS, SUBJECTS
from app.timeutil import utcnow

TITLE_MAX = 150
DESCRIPTION_MAX = 10_000
PLACE_MAX = 200
LEADER_MAX = 120
CAPACITY_MAX = 1000
REASON_MAX = 2000
OUTCOME_MAX = 10_000
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class ActivityForm(Form):
    title = StringField(
        _l("Title"),
        filters=[strip],
        render_kw={"maxlength": TITLE_MAX},
        description=_l("For example: “Clay workshop for families”."),
        validators=[
            DataRequired(_l("Please give the activity a title.")),
            Length(max=TITLE_MAX, message=_l("A title can be at most %(max)d characters long.")),
            one_line,
        ],
    )
    description = TextAreaField(
        _l("Description"),
        filters=[strip],
        render_kw={"rows": 8},
        description=_l(
            "What happens, for whom, what to bring. Simple formatting works: **bold**, *italic*, "
            "lines starting with “- ” become a list."
        ),
        validators=[Optional(), Length(max=DESCRIPTION_MAX, message=_l("Please keep the description under %(max)d characters."))],
    )
    centre = SelectField(
        _l("Centre"),
        coerce=optional_int,
        validators=[DataRequired(_l("Please choose a centre."))],
        invalid_value_message=_l("Please choose a centre from the list."),
        invalid_choice_message=_l("Please choose a centre from the list."),
    )
    place = StringField(
        _l("Place"),
        filters=[strip],
        render_kw={"maxlength": PLACE_MAX},
        description=_l("The address or the room, e.g. “Preiļi centre, Raiņa bulvāris 19, hall”."),
        validators=[
            DataRequired(_l("Please say where it takes place.")),
            Length(max=PLACE_MAX, message=_l("Please keep this under %(max)d characters.")),
            one_line,
        ],
    )
    latitude = latitude_field()
    longitude = longitude_field()
    starts_at = DateTimeLocalField(
        _l("Starts"), format=DATETIME_FORMAT, validators=[InputRequired(_l("Please give the date and time it starts."))]
    )
    ends_at = DateTimeLocalField(
        _l("Ends"), format=DATETIME_FORMAT, validators=[InputRequired(_l("Please give the date and time it ends."))]
    )
    leader_name = StringField(
        _l("Who leads it (optional)"),
        filters=[strip],
        render_kw={"maxlength": LEADER_MAX},
        description=_l("As people should see it, e.g. “Inese Kalniņa, ceramics club”."),
        validators=[Optional(), Length(max=LEADER_MAX, message=_l("Please keep this under %(max)d characters.")), one_line],
    )
    capacity = IntegerField(
        _l("Places"),
        description=_l("How many people can take part, counting the children people bring."),
        render_kw={"min": 1, "max": CAPACITY_MAX, "inputmode": "numeric"},
        validators=[
            InputRequired(_l("Please say how many people can take part.")),
            NumberRange(min=1, max=CAPACITY_MAX, message=_l("Please give a number from %(min)d to %(max)d.")),
        ],
    )
    open_registration = BooleanField(_l("Open registration now"))
    seeking_school_partner = BooleanField(_l("We are looking for a school as a partner"))
    partner_age_groups = MultiCheckboxField(
        _l("Age groups the activity suits"), choices=[SelectChoice(code, label) for code, label in AGE_GROUPS.items()]
    )
    partner_subjects = MultiCheckboxField(
        _l("School subjects it relates to"), choices=[SelectChoice(code, label) for code, label in SUBJECTS.items()]
    )
    #: on the edit form of an activity with a photo (carried over from its idea) only
    remove_photo = BooleanField(_l("Remove the photo"))
    #: shown only when the capacity was lowered below the places registered (choices set by the route)
    move_to_waiting = MultiCheckboxField(_l("Move to the waiting list"), coerce=int, choices=[], validate_choice=False)

    def __init__(self, *args, is_new=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_new = is_new

    def validate_starts_at(self, field):
        """A new activity must start in the future (a change to an existing one is not held to this)."""
        if self.is_new and field.data and to_utc(field.data).replace(tzinfo=None) <= utcnow():
            raise ValidationError(_l("The start must be in the future."))

    def validate_ends_at(self, field):
        """The end must come after the start."""
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must be after the start."))

    def validate(self, extra_validators=None):
        """The fields' checks, both map numbers or neither, and for an activity seeking a school partner at least one
        age group and one subject."""
        valid = super().validate(extra_validators)
        valid = check_both_or_neither(self.latitude, self.longitude) and valid
        if self.seeking_school_partner.data:
            if not self.partner_age_groups.data:
                self.partner_age_groups.errors = list(self.partner_age_groups.errors) + [
                    _l("Please choose at least one age group for the school partner.")
                ]
                valid = False
            if not self.partner_subjects.data:
                self.partner_subjects.errors = list(self.partner_subjects.errors) + [
                    _l("Please choose at least one subject for the school partner.")
                ]
                valid = False
        return valid

    def content(self):
        """The form's content as activity fields, the local times as UTC."""
        seeking = bool(self.seeking_school_partner.data)
        latitude, longitude = coordinates_of(self.latitude, self.longitude)
        return {
            "title": self.title.data,
            "description": self.description.data or "",
            "place": self.place.data,
            "latitude": latitude,
            "longitude": longitude,
            "starts_at": to_utc(self.starts_at.data).replace(tzinfo=None),
            "ends_at": to_utc(self.ends_at.data).replace(tzinfo=None),
            "leader_name": self.leader_name.data or "",
            "capacity": self.capacity.data,
            "seeking_school_partner": seeking,
            # in the order of the lists, so the page shows them the same way every time
            "partner_age_groups": ",".join(c for c in AGE_GROUPS if seeking and c in (self.partner_age_groups.data or [])),
            "partner_subjects": ",".join(c for c in SUBJECTS if seeking and c in (self.partner_subjects.data or [])),
        }


class CompanionForm(Form):
    """One person someone brings: a first name and an age group (both, or neither when the row is not used)."""

    class Meta:
        csrf = False  # a part of RegisterForm, which carries the token

    name = StringField(
        _l("First name"),
        filters=[strip],
        render_kw={"maxlength": COMPANION_NAME_LENGTH, "autocomplete": "off"},
        validators=[
            Optional(),
            Length(max=COMPANION_NAME_LENGTH, message=_l("Please keep a name under %(max)d characters.")),
            one_line,
        ],
    )
    age_group = SelectField(
        _l("Age group"),
        choices=[SelectChoice("", _l("Choose the age group"))]
        + [SelectChoice(code, label) for code, label in AGE_GROUPS.items()],
        default="",
        invalid_choice_message=_l("Please choose an age group from the list."),
    )

    def validate(self, extra_validators=None):
        """A used row needs both: the first name and the age group."""
        valid = super().validate(extra_validators)
        if self.name.data and not self.age_group.data and not self.age_group.errors:
            self.age_group.errors = [*self.age_group.errors, _l("Please choose the age group of %(name)s.", name=self.name.data)]
            valid = False
        if self.age_group.data and not self.name.data and not self.name.errors:
            self.name.errors = [*self.name.errors, _l("Please write the first name of this person.")]
            valid = False
        return valid

    @property
    def used(self):
        """Something was written or chosen in this row."""
        return bool(self.name.data or self.age_group.data)


COMPANION_ROW = re.compile(r"^companions-(\d+)-(name|age_group)$")


class RegisterForm(Form):
    includes_self = BooleanField(_l("I take part myself"), default=True)
    companions = FieldList(
        FormField(CompanionForm),
        label=_l("People I bring (first name and age group)"),
        min_entries=1,  # one row at first; "Add another person" brings one more, up to MAX_COMPANIONS
        max_entries=MAX_COMPANIONS,
    )

    @property
    def may_add_row(self):
        """Fewer rows than MAX_COMPANIONS on the page, so "Add another person" can show one more."""
        return len(self.companions) < MAX_COMPANIONS

    def add_row(self):
        """One more empty companion row (the typed rows kept), when there is room; nothing is saved."""
        if self.may_add_row:
            self.companions.append_entry()

    def process(self, formdata=None, *args, **kwargs):
        """Fill the fields; rows beyond the boxes on the page (only a hand-made request sends them) are counted."""
        formdata = self.meta.wrap_formdata(self, formdata)  # FlaskForm: the request's form unless told otherwise
        super().process(formdata, *args, **kwargs)
        self.companion_errors = []  # mistakes of the list as a whole, shown above its rows
        rows = set()
        for key in formdata or ():
            match = COMPANION_ROW.match(key)
            if match and any(value.strip() for value in formdata.getlist(key)):
                rows.add(int(match.group(1)))
        self.rows_sent = len(rows)

    def people(self):
        """The people written in the companion rows, as {"name", "age_group"}; unused rows left out."""
        return [
            {"name": entry.form.name.data, "age_group": entry.form.age_group.data} for entry in self.companions if entry.form.used
        ]

    def validate(self, extra_validators=None):
        """The rows' checks; at most MAX_COMPANIONS people; and somebody must take part."""
        valid = super().validate(extra_validators)
        self.companion_errors = []
        if self.rows_sent > MAX_COMPANIONS:
            self.companion_errors.append(_l("You can bring at most %(num)d people.", num=MAX_COMPANIONS))
            valid = False
        return valid

    def validate_includes_self(self, field):
        """Refuse a registration with nobody in it: neither the person nor anyone they bring."""
        if not field.data and not self.people():
            raise ValidationError(_l("Tick “I take part myself” or write the name of at least one person you bring."))

    def error_items(self):
        """(field id, message) for every mistake, in the order of the page, for the summary at the top."""
        items = [(self.includes_self.id, error) for error in self.includes_self.errors]
        items += [(self.companions.id, error) for error in self.companion_errors]
        for entry in self.companions:
            for field in (entry.form.name, entry.form.age_group):
                items += [(field.id, error) for error in field.errors]
        if self.csrf_token.errors:
            items.append((None, _l("The form had expired. Please send it again.")))
        return items


class CancelActivityForm(Form):
    reason = TextAreaField(
        _l("Why is it cancelled?"),
        filters=[strip],
        render_kw={"rows": 4},
        description=_l("Everyone registered, on the waiting list or volunteering is told this."),
        validators=[
            DataRequired(_l("Please write a reason: everyone registered is told why.")),
            Length(max=REASON_MAX, message=_l("Please keep this under %(max)d characters.")),
        ],
    )


class CompleteActivityForm(Form):
    outcome = TextAreaField(
        _l("What came of it (optional)"),
        filters=[strip],
        render_kw={"rows": 6},
        description=_l("What was made, who took part, who benefited. You can also write it later."),
        validators=[Optional(), Length(max=OUTCOME_MAX, message=_l("Please keep this under %(max)d characters."))],
    )
