"""One-click unsubscribing from notification mail (RFC 8058): the signed link in each mail, and what it turns off.

The link carries the person's id and the kind of mail it came with, signed with the SECRET_KEY (no expiry: an old
mail's link keeps working, as mail programs expect). Each kind is one e-mail preference (see NotificationSettingsForm):
a mail about one's own idea → email_own_ideas, any other immediate mail → email_other, the daily summary → whichever
preferences are "once a day".
"""

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from app.accounts.models import User
from app.extensions import db
from app.notifications.models import EmailFrequency
from app.urls import external_url

OWN_IDEAS = "own"
OTHER = "other"
DIGEST = "digest"
KINDS = (OWN_IDEAS, OTHER, DIGEST)
SALT = "kopiena.unsubscribe"


def serializer():
    """Signs and checks unsubscribe tokens with the app's SECRET_KEY."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def kind_of(notification):
    """Which preference mailed this notification at once: the one about one's own ideas, or the other one."""
    own = notification.idea is not None and notification.idea.author_id == notification.user_id
    return OWN_IDEAS if own else OTHER


def unsubscribe_url(user, kind):
    """The absolute one-click unsubscribe address for this person and kind of mail (List-Unsubscribe)."""
    return external_url("notifications.unsubscribe", token=serializer().dumps([user.id, kind]))


def read_token(token):
    """(person, kind) of a genuine token whose person still exists; None for anything else (forged, garbage, gone)."""
    try:
        value = serializer().loads(token)
    except (BadData, UnicodeError, ValueError):
        return None
    if not (isinstance(value, list) and len(value) == 2 and type(value[0]) is int and value[1] in KINDS):
        return None
    user = db.session.get(User, value[0]) if 0 < value[0] < 2**63 else None
    return (user, value[1]) if user is not None else None


def unsubscribe(user, kind):
    """Turn off the e-mail preference of this kind of mail; the person still sees notifications on the site."""
    if kind == OWN_IDEAS:
        user.email_own_ideas = EmailFrequency.OFF
    elif kind == OTHER:
        user.email_other = EmailFrequency.OFF
    else:
        if user.email_own_ideas == EmailFrequency.DAILY:
            user.email_own_ideas = EmailFrequency.OFF
        if user.email_other == EmailFrequency.DAILY:
            user.email_other = EmailFrequency.OFF
