"""Preparing a person's download of their data: a ZIP of data.json, index.html and README.txt.

Built within the request (for the busiest demo person it takes a fraction of a second; see the README). The
ZIP is stored in EXPORT_FOLDER under a random name, outside static/, and fetched through a route that checks
the owner and the expiry; after DATA_EXPORT_DAYS it is no longer offered, and the person's expired ones are
removed (rows and files) when they prepare a new one.
"""

import io
import json
import logging
import os
import secrets
import zipfile
from datetime import timedelta

from flask import current_app, render_template
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.passwords import verify_password
from app.errors import NotAllowed
from app.extensions import db
from app.privacy.models import DataExport
from app.privacy.personal_data import FORMAT_VERSION, SECTIONS, personal_data
from app.timeutil import utcnow

log = logging.getLogger(__name__)

#: a second press of the button within this time gives the download the first one made
SAME_EXPORT_WITHIN = timedelta(seconds=60)


class WrongPassword(NotAllowed):
    """The password the person re-entered is not theirs."""


def check_password(user, password):
    """Raise WrongPassword unless the password is the person's (the slow hash is checked either way)."""
    if not verify_password(user.password_hash, password or ""):
        raise WrongPassword(what="privacy.password")


def export_folder():
    """The folder the ZIPs are kept in (made when missing, readable by the app's user only)."""
    folder = current_app.config["EXPORT_FOLDER"]
    os.makedirs(folder, mode=0o700, exist_ok=True)
    return folder


def export_path(export):
    """Where the ZIP of an export is on disk."""
    return os.path.join(current_app.config["EXPORT_FOLDER"], export.file_name)


def current_exports(user):
    """The person's downloads that can still be fetched, the newest first."""
    return db.session.scalars(
        select(DataExport)
        .where(DataExport.user_id == user.id, DataExport.expires_at > utcnow())
        .order_by(DataExport.created_at.desc(), DataExport.id.desc())
    ).all()


def export_for_download(user, export_id):
    """The person's own, unexpired export with this id whose file is there, or None (the caller answers 404)."""
    export = db.session.get(DataExport, export_id)
    if export is None or export.user_id != user.id or export.expires_at <= utcnow():
        return None
    return export if os.path.isfile(export_path(export)) else None


def prepare_export(user, password):
    """Check the password, then build, store and record the ZIP of everything about the person; return the DataExport.

    The person's row is locked first, so two presses of the button at once are taken one after the other; a press
    within SAME_EXPORT_WITHIN of the last export gives that one again instead of building another.
    """
    check_password(user, password)
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    now = utcnow()
    latest = current_exports(user)[:1]
    if latest and now - latest[0].created_at < SAME_EXPORT_WITHIN:
        return latest[0]
    remove_exports(expired_exports(user))
    content = zip_of(personal_data(user))
    file_name = secrets.token_hex(16) + ".zip"
    write_file(os.path.join(export_folder(), file_name), content)
    export = DataExport(
        user_id=user.id,
        file_name=file_name,
        size_bytes=len(content),
        created_at=now,
        expires_at=now + timedelta(days=current_app.config["DATA_EXPORT_DAYS"]),
    )
    db.session.add(export)
    db.session.flush()
    return export


def expired_exports(user):
    """The person's exports past their expiry."""
    return db.session.scalars(select(DataExport).where(DataExport.user_id == user.id, DataExport.expires_at <= utcnow())).all()


def remove_exports(exports):
    """Delete the exports' rows (in the caller's transaction) and their files."""
    for export in exports:
        remove_file(export)
        db.session.delete(export)


def remove_file(export):
    """Delete an export's ZIP from the disk (gone already is fine)."""
    try:
        os.remove(export_path(export))
    except FileNotFoundError:
        pass
    except OSError as error:
        log.warning("could not remove export file %s: %s", export.file_name, error)


def write_file(path, content):
    """Write the ZIP readable by the app's user only, whole or not at all."""
    draft = f"{path}.part"
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
    os.replace(draft, path)


def zip_of(data):
    """The ZIP's bytes: data.json, index.html (readable, self-contained) and README.txt (the fields explained)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
        archive.writestr("index.html", render_template("privacy/export_index.html", data=data, sections=SECTIONS))
        archive.writestr("README.txt", render_template("privacy/export_readme.txt", version=FORMAT_VERSION))
    return buffer.getvalue()
