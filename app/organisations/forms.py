"""Organisation forms: field validation and choices only."""

import re
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from app.activities.registrations import CLASS_LABEL_LENGTH, MAX_PUPILS, TEACHER_NAME_LENGTH
from app.forms import Form, one_line, strip
from app.ideas import photos
from app.ideas.forms import optional_int
from app.organisations.models import OrganisationType

NAME_MAX = 150
DESCRIPTION_MAX = 10_000
WEBSITE_MAX = 300
PHONE_MAX = 40
MESSAGE_MAX = 1_000
#: digits, spaces and the usual signs of a phone number, e.g. "+371 2612 3456" or "(65) 322-111"
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()./-]{5,}$")


def web_address(_form, field):
    """Only http and https addresses with a host (no javascript:, data:, file: or the like)."""
    if not field.data:
        return
    parts = urlsplit(field.data.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in field.data.strip()):
        raise ValidationError(_l("Please give the whole web address, starting with https:// (e.g. https://www.preiluskola.lv)."))


def phone_number(_form, field):
    """Refuse a phone number other than digits, spaces and ( ) . / - (at least five, a + first allowed)."""
    if field.data and not PHONE_PATTERN.match(field.data.strip()):
        raise ValidationError(_l("Please give a phone number using digits, e.g. +371 2612 3456."))


class OrganisationForm(Form):
    name = StringField(
        _l("Name"),
        description=_l("As people know it, e.g. “Preiļu 1. pamatskola”."),
        validators=[
            DataRequired(_l("Please give the organisation's name.")),
            Length(max=NAME_MAX, message=_l("A name can be at most %(max)d characters long.")),
            one_line,
        ],
    )
    kind = SelectField(
        _l("Type of organisation"),
        choices=[SelectChoice("", _l("Choose a type"))]
        + [SelectChoice(kind, OrganisationType.LABELS[kind]) for kind in OrganisationType.ALL],
        validators=[DataRequired(_l("Please choose the type of organisation."))],
        invalid_choice_message=_l("Please choose a type from the list."),
    )
    centre = SelectField(
        _l("Centre"),
        coerce=optional_int,
        description=_l("The community resource centre the organisation works with."),
        validators=[DataRequired(_l("Please choose a centre."))],
        invalid_value_message=_l("Please choose a centre from the list."),
        invalid_choice_message=_l("Please choose a centre from the list."),
    )
    description = TextAreaField(
        _l("About the organisation (optional)"),
        description=_l(
            "What the organisation does and what it could do together with residents. Simple "
            "formatting works: **bold**, *italic*, lines starting with “- ” become a list."
        ),
        validators=[Optional(), Length(max=DESCRIPTION_MAX, message=_l("Please keep the description under %(max)d characters."))],
    )
    website = StringField(
        _l("Website (optional)"),
        description=_l("e.g. https://www.preiluskola.lv"),
        validators=[
            Optional(),
            Length(max=WEBSITE_MAX, message=_l("A web address can be at most %(max)d characters long.")),
            one_line,
            web_address,
        ],
    )
    contact_email = StringField(
        _l("Contact e-mail (optional)"),
        description=_l("Only its representatives and partners and the centre's coordinators see the contact details."),
        validators=[
            Optional(),
            Length(max=254, message=_l("An e-mail address can be at most %(max)d characters long.")),
            Email(message=_l("This does not look like an e-mail address. Please check it (e.g. anna@example.lv).")),
            one_line,
        ],
    )
    contact_phone = StringField(
        _l("Contact phone (optional)"),
        validators=[
            Optional(),
            Length(max=PHONE_MAX, message=_l("A phone number can be at most %(max)d characters long.")),
            one_line,
            phone_number,
        ],
    )
    logo = FileField(_l("Logo (optional)"))
    remove_logo = BooleanField(_l("Remove the current logo"))

    #: the uploaded logo re-encoded as JPEG bytes, set by validate_logo
    logo_jpeg = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.logo.description = _l(
            "A JPEG, PNG, WebP or GIF picture of up to %(mb)d MB. If the form shows an error, please choose the picture again.",
            mb=max(1, current_app.config["PHOTO_MAX_BYTES"] // (1024 * 1024)),
        )

    def validate_logo(self, field):
        """Re-encode an uploaded logo as JPEG into logo_jpeg, or refuse it (too big, too many pixels, not a picture)."""
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            return
        try:
            self.logo_jpeg = photos.reencode(
                photos.read_upload(upload, current_app.config["PHOTO_MAX_BYTES"]), current_app.config["MAX_IMAGE_PIXELS"]
            )
        except photos.PhotoRefused as refused:
            raise ValidationError(refused.message) from refused

    def content(self):
        """The organisation's fields from this form (only what the form declares: no mass assignment)."""
        return {
            "name": self.name.data.strip(),
            "kind": self.kind.data,
            "description": (self.description.data or "").strip(),
            "website": (self.website.data or "").strip(),
            "contact_email": (self.contact_email.data or "").strip(),
            "contact_phone": (self.contact_phone.data or "").strip(),
        }


class RepresentForm(Form):
    message = TextAreaField(
        _l("Who are you in the organisation?"),
        description=_l(
            "e.g. “I am the class teacher of grade 6.” The organisation's representatives read this before they decide."
        ),
        validators=[
            DataRequired(_l("Please write a few words about your role in the organisation.")),
            Length(max=MESSAGE_MAX, message=_l("Please keep it under %(max)d characters.")),
        ],
    )


class ClassRegistrationForm(Form):
    """A school class for an activity: the school (choices: those the person represents), label, pupils, teacher."""

    organisation = SelectField(
        _l("School"),
        coerce=optional_int,
        validators=[DataRequired(_l("Please choose the school."))],
        invalid_value_message=_l("Please choose the school from the list."),
        invalid_choice_message=_l("Please choose the school from the list."),
    )
    class_label = StringField(
        _l("Class (optional)"),
        filters=[strip],
        render_kw={"maxlength": CLASS_LABEL_LENGTH},
        description=_l("For example “6.b”. Needed when you register more than one class of the school."),
        validators=[
            Optional(),
            Length(max=CLASS_LABEL_LENGTH, message=_l("Please keep this under %(max)d characters.")),
            one_line,
        ],
    )
    pupils = IntegerField(
        _l("Number of pupils"),
        description=_l("Only the number: the pupils' names are not asked. Their teacher takes one more place."),
        render_kw={"min": 1, "max": MAX_PUPILS, "inputmode": "numeric"},
        validators=[
            InputRequired(_l("Please say how many pupils come.")),
            NumberRange(min=1, max=MAX_PUPILS, message=_l("Please give a number from %(min)d to %(max)d.")),
        ],
    )
    responsible_teacher = StringField(
        _l("Teacher responsible"),
        filters=[strip],
        render_kw={"maxlength": TEACHER_NAME_LENGTH, "autocomplete": "off"},
        description=_l("The teacher who comes with the class, e.g. “Ilze Liepa”. Only the centre's coordinators see it."),
        validators=[
            DataRequired(_l("Please name the teacher responsible for the class.")),
            Length(max=TEACHER_NAME_LENGTH, message=_l("Please keep this under %(max)d characters.")),
            one_line,
        ],
    )


class NamedPubliclyForm(Form):
    named_publicly = BooleanField(
        _l("Show my name on the organisation's public page"),
        description=_l("Otherwise the page only says how many representatives the organisation has."),
    )
