"""Forms of the pages after an activity: the outcome report and its photos.

The attendance form has one row per registration and volunteer: its fields are named by the row's id
and read in attendance_routes.py against the activity's own rows (never by the ids alone).
"""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.activities.photos import CAPTION_LENGTH, CONSENT_NEEDED
from app.forms import Form, one_line
from app.ideas import photos as photo_files

OUTCOME_MAX = 10_000


class OutcomeForm(Form):
    outcome = TextAreaField(
        _l("What came of it"),
        description=_l(
            "What was made, who benefited, e.g. “40 flower pots went to the day-care centre”. "
            "Simple formatting works: **bold**, *italic*, lines starting with “- ” become a list."
        ),
        validators=[Optional(), Length(max=OUTCOME_MAX, message=_l("Please keep this under %(max)d characters."))],
    )


class OutcomePhotoForm(Form):
    photo = FileField(_l("Photo"))
    caption = StringField(
        _l("What the photo shows"),
        description=_l("Read out to people who cannot see the photo, e.g. “Children painting flower pots”."),
        validators=[
            DataRequired(_l("Please write what the photo shows.")),
            Length(max=CAPTION_LENGTH, message=_l("Please keep this under %(max)d characters.")),
            one_line,
        ],
    )
    consent = BooleanField(
        _l(
            "I confirm that the people shown agreed to this photo being published, "
            "and that no child can be recognised without a parent's consent."
        ),
        validators=[DataRequired(CONSENT_NEEDED)],
    )

    #: the uploaded photo re-encoded as JPEG bytes, set by validate_photo
    photo_jpeg = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.photo.description = _l(
            "A JPEG, PNG, WebP or GIF picture of up to %(mb)d MB.",
            mb=max(1, current_app.config["PHOTO_MAX_BYTES"] // (1024 * 1024)),
        )

    def validate_photo(self, field):
        """Refuse a missing, too large or unreadable picture; keep the accepted one, re-encoded as JPEG, in photo_jpeg."""
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            raise ValidationError(_l("Please choose a photo."))
        try:
            self.photo_jpeg = photo_files.reencode(
                photo_files.read_upload(upload, current_app.config["PHOTO_MAX_BYTES"]), current_app.config["MAX_IMAGE_PIXELS"]
            )
        except photo_files.PhotoRefused as refused:
            raise ValidationError(refused.message) from refused
