"""A photo kept while the idea form shows an error or a preview: stored as a pending upload, its name in the session.

The name is kept in the signed session (never in a form field), together with the person's id and the form it
came with ("new" or the idea's id), so nobody can point a form at another person's file. When a new pending photo
is kept, the one before is deleted; one that is never used is deleted by `flask purge` once it is a day old
(app/privacy/retention.py: no row refers to it).
"""

import os

from flask import session
from sqlalchemy import select

from app.extensions import db
from app.ideas import photos
from app.ideas.models import Idea

SESSION_KEY = "pending_idea_photo"


def keep(jpeg, filename, user_id, form_key):
    """Store re-encoded JPEG bytes as the person's pending photo for this form; the one kept before is deleted."""
    discard()
    name = photos.save_photo(jpeg)
    session[SESSION_KEY] = {"name": name, "file": (filename or "")[:100], "user": user_id, "form": str(form_key)}
    return name


def current(user_id, form_key):
    """The pending photo kept for this person and form, as {"name", "file"}, or None (also when the file is gone)."""
    kept = session.get(SESSION_KEY)
    if not isinstance(kept, dict) or kept.get("user") != user_id or kept.get("form") != str(form_key):
        return None
    name = kept.get("name")
    if not isinstance(name, str) or not photos.STORED_NAME.match(name):
        return None
    if not os.path.isfile(os.path.join(photos.upload_folder(), name)) or in_use(name):
        return None
    return kept


def take(user_id, form_key):
    """The pending photo's stored name for this person and form, now no longer pending (None when there is none)."""
    kept = current(user_id, form_key)
    if kept is None:
        return None
    session.pop(SESSION_KEY, None)
    return kept["name"]


def discard():
    """Delete the session's pending photo, whichever form it was kept for."""
    kept = session.pop(SESSION_KEY, None)
    if isinstance(kept, dict) and isinstance(kept.get("name"), str) and not in_use(kept["name"]):
        photos.delete_photo(kept["name"])


def in_use(name):
    """Whether an idea already has this photo (an old session cookie sent again must not take or delete it)."""
    return db.session.scalar(select(Idea.id).where(Idea.image_name == name).limit(1)) is not None
