"""Photos of an activity's outcome report: adding and removing them (the files are handled like idea photos).

The routes re-encode and store the file (app/ideas/photos.py) before calling add_outcome_photo, and
delete the file when the transaction fails, or after the commit when a photo is removed.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import permissions
from app.activities.models import Activity, ActivityPhoto
from app.audit.services import record_audit
from app.errors import InvalidTransition, NotAllowed
from app.extensions import db
from app.ideas.models import Idea
from app.timeutil import utcnow

#: an outcome report shows at most this many photos (a page that stays light on an old phone)
MAX_PHOTOS = 12
CAPTION_LENGTH = 200

CONSENT_NEEDED = _l("Please confirm that the people shown agreed (and no child is recognisable without consent).")
TOO_MANY_PHOTOS = _l("An activity can have at most %(num)d photos. Please remove one before adding another.", num=MAX_PHOTOS)


def photo_count(activity):
    """How many photos the activity's outcome report has."""
    return db.session.scalar(select(func.count()).select_from(ActivityPhoto).where(ActivityPhoto.activity_id == activity.id))


def add_outcome_photo(actor, activity, jpeg_name, caption, consent_confirmed=False):
    """Add a stored (re-encoded) photo with its caption to the outcome report of an activity that took place.

    The coordinator must confirm that the people shown agreed (and no child is recognisable without a parent's
    consent); who confirmed it and when is kept with the photo.
    """
    if not permissions.can_write_outcome(actor, activity):
        raise NotAllowed()
    if not consent_confirmed:
        raise InvalidTransition(CONSENT_NEEDED)
    if photo_count(activity) >= MAX_PHOTOS:
        raise InvalidTransition(TOO_MANY_PHOTOS)
    now = utcnow()
    photo = ActivityPhoto(
        activity_id=activity.id,
        image_name=jpeg_name,
        caption=" ".join((caption or "").split())[:CAPTION_LENGTH],
        consent_confirmed_by_id=actor.id,
        consent_confirmed_at=now,
        created_at=now,
    )
    db.session.add(photo)
    db.session.flush()
    record_audit("activity.photo_add", actor=actor, subject=activity, centre_id=activity.centre_id, photo_id=photo.id)
    return photo


def remove_outcome_photo(actor, photo):
    """Remove a photo from the outcome report; return its file name (the caller deletes the file after the commit)."""
    activity = photo.activity
    if not permissions.can_write_outcome(actor, activity):
        raise NotAllowed()
    image_name = photo.image_name
    record_audit("activity.photo_remove", actor=actor, subject=activity, centre_id=activity.centre_id, photo_id=photo.id)
    db.session.delete(photo)
    db.session.flush()
    return image_name


def take_photo_off(activity):
    """Remove the activity's photo (carried over from its idea); answer whether it had one. The file is the caller's."""
    had_photo = bool(activity.image_name)
    activity.image_name = None
    return had_photo


def photo_file_in_use(name):
    """Whether an idea, an activity or an outcome report still shows the file (an activity shares its idea's photo)."""
    return any(
        db.session.scalar(select(column).where(column == name).limit(1)) is not None
        for column in (Idea.image_name, Activity.image_name, ActivityPhoto.image_name)
    )
