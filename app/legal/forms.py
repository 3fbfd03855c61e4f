"""Forms of the legal pages: an admin's new version, and accepting a new version at log-in."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.forms import Form, one_line, strip

#: far more than any of the pages needs, far less than a request may carry
MAX_BODY = 100_000
PLACEHOLDER_HINT = _l(
    "Simple formatting works: **bold**, lines starting with “- ” become a list. Names in braces are replaced by "
    "the site's settings, e.g. {contact_email}, {dpo_email}, "
    "{controller_name}, {retention_sent_mail_days}: keep them, and the page always states the current values."
)


def title_field(label):
    """A required one-line title of at most 150 characters."""
    return StringField(
        label,
        filters=[strip],
        validators=[
            DataRequired(_l("Please enter a title.")),
            Length(max=150, message=_l("At most %(max)d characters.")),
            one_line,
        ],
    )


def body_field(label):
    """The required Markdown text of the page in one language."""
    return TextAreaField(
        label,
        description=PLACEHOLDER_HINT,
        filters=[strip],
        validators=[
            DataRequired(_l("Please write the text.")),
            Length(max=MAX_BODY, message=_l("Please keep it under %(max)d characters.")),
        ],
    )


class LegalDocumentForm(Form):
    title_lv = title_field(_l("Title in Latvian"))
    body_lv = body_field(_l("Text in Latvian"))
    title_en = title_field(_l("Title in English"))
    body_en = body_field(_l("Text in English"))
    asks_consent = BooleanField(_l("Ask everyone to accept this version at their next log-in"))
    #: the version the edit started from, to notice one published meanwhile
    based_on = HiddenField(validators=[Optional(), Regexp(r"^[0-9]{1,6}$")])


class ConsentForm(Form):
    next = HiddenField()
