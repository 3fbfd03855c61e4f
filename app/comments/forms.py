"""Comment forms: field validation only."""

import re
import secrets

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from app.forms import Form, strip
from app.ideas.forms import REASON_MAX, reason_field  # noqa: F401  (the same rule for ideas and comments)

#: the longest comment (the longest reason for a report or a moderator's decision: REASON_MAX, as for ideas)
BODY_MAX = 5000


#: what new_submission_key makes; anything else sent as a key is ignored
SUBMISSION_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_submission_key():
    """A random key for one rendering of a comment form: the same form sent twice carries the same key."""
    return secrets.token_urlsafe(18)


def submission_key_or_none(value):
    """The form's submission key when it looks like one new_submission_key makes, else None."""
    return value if value and SUBMISSION_KEY.match(value) else None


def body_field(label):
    """A field for a comment's text: required, at most BODY_MAX characters."""
    return TextAreaField(
        label,
        filters=[strip],
        render_kw={"maxlength": BODY_MAX, "rows": 5},
        validators=[
            DataRequired(_l("Please write something first.")),
            Length(max=BODY_MAX, message=_l("A comment can be at most %(max)d characters long.")),
        ],
    )


class CommentForm(Form):
    """A new comment, or a reply (parent_id: the comment answered)."""

    body = body_field(_l("Your comment"))
    parent_id = IntegerField(widget=HiddenInput(), validators=[Optional()])
    #: new_submission_key() of the rendered form (a double-click sends it twice: one comment)
    submission_key = HiddenField(filters=[submission_key_or_none])


class EditCommentForm(Form):
    body = body_field(_l("Your comment"))


class ReportForm(Form):
    reason = reason_field(
        _l("What is wrong with this comment?"),
        _l("A moderator of the centre reads this. The comment's author does not see who reported it."),
    )
    next = HiddenField()


class ModerationForm(Form):
    """A moderator hides, restores or confirms a comment, always with a reason."""

    reason = reason_field(
        _l("Reason"), _l("Recorded in the audit log. When you hide a comment, everyone sees this reason in its place.")
    )
    next = HiddenField()
