"""Idea forms: field validation and choices only."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.centres.location import check_both_or_neither, coordinates_of, latitude_field, longitude_field
from app.forms import Form, MultiCheckboxField, one_line, strip
from app.ideas import photos
from app.ideas.models import AGE_GROUPS, SUBJECTS, IdeaKind

TITLE_MAX = 150
SUMMARY_MAX = 300
DESCRIPTION_MAX = 10_000
PLACE_MAX = 200
NEEDS_MAX = 2_000


def optional_int(value):
    """A select's value as a number; the empty "choose…" option as None."""
    if value in (None, ""):
        return None
    return int(value)


class IdeaForm(Form):
    title = StringField(
        _l("Title"),
        description=_l("A short name for the idea, e.g. “Benches in Raiņa park”."),
        validators=[
            DataRequired(_l("Please give the idea a title.")),
            Length(max=TITLE_MAX, message=_l("A title can be at most %(max)d characters long.")),
            one_line,
        ],
    )
    summary = TextAreaField(
        _l("Summary"),
        description=_l("One or two sentences; they are shown in the list of ideas."),
        validators=[
            DataRequired(_l("Please write a short summary.")),
            Length(max=SUMMARY_MAX, message=_l("A summary can be at most %(max)d characters long.")),
        ],
    )
    description = TextAreaField(
        _l("Description"),
        description=_l(
            "What should change, why, and how you imagine it. Simple formatting works: "
            "**bold**, *italic*, lines starting with “- ” become a list, "
            "[link text](https://…) a link, and a line starting with “# ” a heading. "
            "Use “Preview” to see how it looks."
        ),
        validators=[
            DataRequired(_l("Please describe the idea.")),
            Length(max=DESCRIPTION_MAX, message=_l("Please keep the description under %(max)d characters.")),
        ],
    )
    kind = RadioField(
        _l("Kind of idea"),
        choices=[SelectChoice(kind, IdeaKind.LABELS[kind]) for kind in IdeaKind.ALL],
        validators=[InputRequired(_l("Please choose the kind of idea."))],
        invalid_choice_message=_l("Please choose the kind of idea."),
    )
    category = SelectField(
        _l("Category"),
        coerce=optional_int,
        validators=[DataRequired(_l("Please choose a category."))],
        invalid_value_message=_l("Please choose a category from the list."),
        invalid_choice_message=_l("Please choose a category from the list."),
    )
    centre = SelectField(
        _l("Centre"),
        coerce=optional_int,
        description=_l("The community resource centre that will review the idea."),
        validators=[DataRequired(_l("Please choose a centre."))],
        invalid_value_message=_l("Please choose a centre from the list."),
        invalid_choice_message=_l("Please choose a centre from the list."),
    )
    place = StringField(
        _l("Address or place (optional)"),
        description=_l("An address or a place people know, e.g. “Raiņa parks, Preiļi”."),
        validators=[Optional(), Length(max=PLACE_MAX, message=_l("A place can be at most %(max)d characters long.")), one_line],
    )
    latitude = latitude_field()
    longitude = longitude_field()
    needs = TextAreaField(
        _l("What is needed (optional)"),
        description=_l("Materials, money, skills, a room… Volunteer roles can be added later."),
        validators=[Optional(), Length(max=NEEDS_MAX, message=_l("Please keep this under %(max)d characters."))],
    )
    seeking_school_partner = BooleanField(_l("We are looking for a school as a partner"))
    partner_age_groups = MultiCheckboxField(
        _l("Age groups the project suits"), choices=[SelectChoice(code, label) for code, label in AGE_GROUPS.items()]
    )
    partner_subjects = MultiCheckboxField(
        _l("School subjects it relates to"), choices=[SelectChoice(code, label) for code, label in SUBJECTS.items()]
    )
    photo = FileField(_l("Photo (optional)"))
    remove_photo = BooleanField(_l("Remove the current photo"))
    discard_pending = BooleanField(_l("Remove the kept photo"))

    #: the uploaded photo re-encoded as JPEG bytes, set by validate_photo
    photo_jpeg = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.photo.description = _l(
            "A JPEG, PNG, WebP or GIF picture of up to %(mb)d MB.",
            mb=max(1, current_app.config["PHOTO_MAX_BYTES"] // (1024 * 1024)),
        )

    def validate_photo(self, field):
        """Re-encode an uploaded photo as JPEG into photo_jpeg, or refuse it (too big, too many pixels, not a picture)."""
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            return
        try:
            self.photo_jpeg = photos.reencode(
                photos.read_upload(upload, current_app.config["PHOTO_MAX_BYTES"]), current_app.config["MAX_IMAGE_PIXELS"]
            )
        except photos.PhotoRefused as refused:
            raise ValidationError(refused.message) from refused

    def validate(self, extra_validators=None):
        """The fields' checks, plus both coordinates or neither, and an age group and a subject when seeking a school partner."""
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

    def coordinates(self):
        """(latitude, longitude) as numbers, or (None, None)."""
        return coordinates_of(self.latitude, self.longitude)

    def content(self):
        """The idea's fields from this form (only what the form declares: no mass assignment)."""
        latitude, longitude = self.coordinates()
        seeking = bool(self.seeking_school_partner.data)
        return {
            "title": self.title.data.strip(),
            "summary": self.summary.data.strip(),
            "description": self.description.data.strip(),
            "kind": self.kind.data,
            "category_id": self.category.data,
            "place": (self.place.data or "").strip(),
            "latitude": latitude,
            "longitude": longitude,
            "needs": (self.needs.data or "").strip(),
            "seeking_school_partner": seeking,
            # in the order of the lists, so the page shows them the same way every time
            "partner_age_groups": ",".join(c for c in AGE_GROUPS if seeking and c in (self.partner_age_groups.data or [])),
            "partner_subjects": ",".join(c for c in SUBJECTS if seeking and c in (self.partner_subjects.data or [])),
        }


class ArchiveForm(Form):
    reason = TextAreaField(
        _l("Why is it archived?"),
        description=_l("The author, the supporters and the followers see this."),
        validators=[
            DataRequired(_l("Please write why the idea is archived.")),
            Length(max=2000, message=_l("Please keep it under %(max)d characters.")),
        ],
    )


# Reports and the moderators' answer (ideas and comments share these fields: app/comments/forms.py)

#: the longest reason for a report or a moderator's decision on a report, for ideas and comments alike
REASON_MAX = 500


def reason_field(label, description=None):
    """A field for the reason of a report or a moderator's decision: required, at most REASON_MAX characters."""
    return TextAreaField(
        label,
        description=description,
        filters=[strip],
        render_kw={"maxlength": REASON_MAX, "rows": 3},
        validators=[
            DataRequired(_l("Please give a reason.")),
            Length(max=REASON_MAX, message=_l("Please keep the reason under %(max)d characters.")),
        ],
    )


class ReportIdeaForm(Form):
    reason = reason_field(
        _l("What is wrong with this idea?"),
        _l("A moderator of the centre reads this. The idea's author does not see who reported it."),
    )


class IdeaModerationForm(Form):
    """A moderator hides, restores or keeps hidden a reported idea, always with a reason."""

    reason = reason_field(_l("Reason"), _l("Recorded in the audit log."))
    next = HiddenField()
