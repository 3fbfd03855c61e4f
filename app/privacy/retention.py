"""Retention (`flask purge`, daily): personal data that is no longer needed is removed after the periods in config.py.

Every step is idempotent and works in batches of BATCH rows, committing after each one, so it never holds SQLite's
write lock (or PostgreSQL's row locks) for long, and it can run twice, or in two processes at once: whatever the
first run changed no longer matches, so the second finds nothing. Figures stay as they were: places and states of
registrations, an activity's registered_count, volunteer minutes, ideas and comments are never touched.

Sent mail is deleted rather than blanked: nothing reads a delivered message again (no figure counts them, nothing
refers to them), and its subject line names people and ideas as well, so a blanked row would still hold some.
"""

import logging
import os
import re
import stat
from datetime import UTC, timedelta
from pathlib import Path
from typing import NamedTuple

from flask import current_app
from sqlalchemy import String, and_, cast, delete, exists, func, or_, select, update

from app.accounts.models import PasswordResetToken, User, UserSession
from app.activities.models import Activity, Registration
from app.audit.models import AuditEntry
from app.extensions import db
from app.ideas import photos
from app.notifications.models import Notification
from app.outbox.models import OutboxMessage
from app.privacy.models import DataExport
from app.timeutil import utcnow
from app.volunteering.models import SignUp

log = logging.getLogger(__name__)

#: rows changed in one transaction: short enough that a request waiting for the write lock hardly notices
BATCH = 500

#: rows that belong to an account and go with it when an unconfirmed account is deleted (table, column); a row of
#: any other table that refers to the person (an idea, a support, a registration, …) keeps the account
GOES_WITH_ACCOUNT = {
    ("user_sessions", "user_id"),
    ("password_reset_tokens", "user_id"),
    ("consents", "user_id"),
    ("notifications", "user_id"),
    ("calendar_feeds", "user_id"),
    ("data_exports", "user_id"),
    ("audit_entries", "actor_id"),  # the audit log keeps the entry without the person (ON DELETE SET NULL)
}

#: the audit action whose details keep the e-mail address someone typed (removed with the network data)
LOGIN_FAILED = "account.login_failed"

#: a prepared download's file name is a plain name in EXPORT_FOLDER (random letters), never a path elsewhere
EXPORT_FILE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}")


class Step(NamedTuple):
    #: what the step does, as printed by `flask purge`
    label: str
    #: the setting giving its period in days (None: the row's own expiry time)
    setting: str | None
    run: object


def days_ago(setting, now):
    """The moment `setting` days before now: older rows are purged."""
    return now - timedelta(days=current_app.config[setting])


def until_none_left(ids_query, change):
    """Run change(ids) on the ids ids_query finds, BATCH at a time, each batch committed; return the rows changed.

    ids_query must stop finding a row once it is changed, so that the loop ends (and a second run finds nothing).
    """
    total = 0
    while True:
        ids = db.session.scalars(ids_query.limit(BATCH)).all()
        if ids:
            total += change(ids)
        db.session.commit()
        if len(ids) < BATCH:
            return total


def row_by_row(query, id_column, change_row):
    """Call change_row(row) for each row of query (its first column: the id), read in id order BATCH at a time,
    each batch committed; change_row answers how many rows it changed. Return the total."""
    total, last_id = 0, None
    while True:
        page = query if last_id is None else query.where(id_column > last_id)
        rows = db.session.execute(page.order_by(id_column).limit(BATCH)).all()
        total += sum(change_row(row) for row in rows)
        db.session.commit()
        if len(rows) < BATCH:
            return total
        last_id = rows[-1][0]


def rows_changed(statement):
    """Execute an UPDATE or DELETE; return how many rows it changed."""
    return db.session.execute(statement, execution_options={"synchronize_session": False}).rowcount


# The steps ------------------------------------------------------------------------------------------------------


def purge_sent_mail(now):
    """Delete mail sent (or given up on) more than RETENTION_SENT_MAIL_DAYS ago: address, subject and body go."""
    cutoff = days_ago("RETENTION_SENT_MAIL_DAYS", now)
    old = and_(
        OutboxMessage.status.in_((OutboxMessage.SENT, OutboxMessage.FAILED)),
        func.coalesce(OutboxMessage.sent_at, OutboxMessage.created_at) < cutoff,
    )
    ids = select(OutboxMessage.id).where(old).order_by(OutboxMessage.id)
    return until_none_left(ids, lambda batch: rows_changed(delete(OutboxMessage).where(OutboxMessage.id.in_(batch), old)))


def without_names(companions):
    """The companions as entries without names: the count and the age groups stay (a name is never kept)."""
    return [{**item, "name": ""} if isinstance(item, dict) else {"name": "", "age_group": ""} for item in companions or []]


def purge_companion_names(now):
    """Remove the names of the people brought (children) RETENTION_COMPANION_NAMES_DAYS after the activity ended.

    The names sit in a JSON list, changed here row by row (read in id order, BATCH at a time); places stay.
    A class registration's responsible teacher goes too (the number of pupils stays).
    """
    cutoff = days_ago("RETENTION_COMPANION_NAMES_DAYS", now)
    columns = Registration.__table__.c
    named = or_(cast(columns.companions, String) != "[]", columns.responsible_teacher != "")
    query = (
        select(columns.id, columns.companions, columns.responsible_teacher)
        .join(Activity, Activity.id == columns.activity_id)
        .where(Activity.ends_at < cutoff, named)
    )

    def remove_names(row):
        registration_id, companions, teacher_name = row
        values = {}
        if companions and without_names(companions) != companions:
            values[columns.companions] = without_names(companions)
        if teacher_name:
            values[columns.responsible_teacher] = ""
        if not values:
            return 0  # already without names
        return rows_changed(update(Registration.__table__).where(columns.id == registration_id).values(values))

    return row_by_row(query, columns.id, remove_names)


def purge_signup_messages(now):
    """Blank the messages volunteers wrote with their offer, RETENTION_SIGNUP_MESSAGES_DAYS after the offer."""
    cutoff = days_ago("RETENTION_SIGNUP_MESSAGES_DAYS", now)
    old = and_(SignUp.created_at < cutoff, SignUp.message != "")
    ids = select(SignUp.id).where(old).order_by(SignUp.id)
    return until_none_left(ids, lambda batch: rows_changed(update(SignUp).where(SignUp.id.in_(batch), old).values(message="")))


def purge_audit_addresses(now):
    """Blank the IP addresses of audit entries older than RETENTION_NETWORK_DAYS, and the e-mail typed at a failed log-in."""
    cutoff = days_ago("RETENTION_NETWORK_DAYS", now)
    old = and_(AuditEntry.created_at < cutoff, AuditEntry.ip_address != "", AuditEntry.action != LOGIN_FAILED)
    ids = select(AuditEntry.id).where(old).order_by(AuditEntry.id)
    total = until_none_left(
        ids, lambda batch: rows_changed(update(AuditEntry).where(AuditEntry.id.in_(batch), old).values(ip_address=""))
    )
    # A failed log-in also keeps the address typed (perhaps someone else's): its details are rewritten without it.
    failed = and_(
        AuditEntry.created_at < cutoff,
        AuditEntry.action == LOGIN_FAILED,
        or_(AuditEntry.ip_address != "", cast(AuditEntry.details, String).like('%"email"%')),
    )
    query = select(AuditEntry.id, AuditEntry.details).where(failed)

    def forget_address(row):
        entry_id, details = row
        kept = {key: value for key, value in (details or {}).items() if key != "email"}
        return rows_changed(update(AuditEntry).where(AuditEntry.id == entry_id).values(ip_address="", details=kept))

    return total + row_by_row(query, AuditEntry.id, forget_address)


def purge_session_user_agents(now):
    """Blank the browser names (user agents) of sessions begun more than RETENTION_NETWORK_DAYS ago."""
    cutoff = days_ago("RETENTION_NETWORK_DAYS", now)
    old = and_(UserSession.created_at < cutoff, UserSession.user_agent != "")
    ids = select(UserSession.id).where(old).order_by(UserSession.id)
    return until_none_left(
        ids, lambda batch: rows_changed(update(UserSession).where(UserSession.id.in_(batch), old).values(user_agent=""))
    )


def purge_expired_sessions(now):
    """Delete sessions past their expiry time (they can no longer be used)."""
    old = UserSession.expires_at < now
    ids = select(UserSession.id).where(old).order_by(UserSession.id)
    return until_none_left(ids, lambda batch: rows_changed(delete(UserSession).where(UserSession.id.in_(batch), old)))


def purge_reset_tokens(now):
    """Delete password reset links that expired or were used."""
    old = or_(PasswordResetToken.expires_at < now, PasswordResetToken.used_at.is_not(None))
    ids = select(PasswordResetToken.id).where(old).order_by(PasswordResetToken.id)
    return until_none_left(
        ids, lambda batch: rows_changed(delete(PasswordResetToken).where(PasswordResetToken.id.in_(batch), old))
    )


def referenced(user_id_column):
    """A condition: some row outside GOES_WITH_ACCOUNT refers to the person (an idea, a support, a decision, …)."""
    conditions = []
    for table in db.metadata.sorted_tables:
        for column in table.c:
            pointing = any(key.column.table.name == User.__tablename__ for key in column.foreign_keys)
            if pointing and (table.name, column.name) not in GOES_WITH_ACCOUNT:
                conditions.append(exists().where(column == user_id_column))
    return or_(*conditions)


def purge_unconfirmed_accounts(now):
    """Delete accounts whose e-mail address was never confirmed, RETENTION_UNCONFIRMED_ACCOUNT_DAYS after registering.

    Such a person could never log in, so nothing should refer to them; where something does, the account stays.
    Their sessions, tokens, consents and notifications go with them (ON DELETE CASCADE).
    """
    cutoff = days_ago("RETENTION_UNCONFIRMED_ACCOUNT_DAYS", now)
    old = and_(
        User.email_confirmed_at.is_(None),
        User.deleted_at.is_(None),
        User.created_at < cutoff,
        ~referenced(User.id),
    )
    ids = select(User.id).where(old).order_by(User.id)
    return until_none_left(ids, lambda batch: rows_changed(delete(User).where(User.id.in_(batch), old)))


def purge_read_notifications(now):
    """Delete notifications the person has read, RETENTION_READ_NOTIFICATION_DAYS after they were made."""
    cutoff = days_ago("RETENTION_READ_NOTIFICATION_DAYS", now)
    old = and_(Notification.read_at.is_not(None), Notification.created_at < cutoff)
    ids = select(Notification.id).where(old).order_by(Notification.id)
    return until_none_left(ids, lambda batch: rows_changed(delete(Notification).where(Notification.id.in_(batch), old)))


def export_file(name):
    """The path of a prepared download's file in EXPORT_FOLDER, or None for a name that is not a plain file name."""
    if not name or not EXPORT_FILE_NAME.fullmatch(name):
        return None
    return Path(current_app.config["EXPORT_FOLDER"]) / name


def purge_expired_exports(now):
    """Delete prepared downloads past their expiry time: the file first, then the row (so no file is left unknown)."""
    old = DataExport.expires_at < now
    query = select(DataExport.id, DataExport.file_name).where(old).order_by(DataExport.id)
    total = 0
    while True:
        rows = db.session.execute(query.limit(BATCH)).all()
        db.session.commit()  # no transaction is held while the files are deleted
        for _export_id, file_name in rows:
            path = export_file(file_name)
            if path is not None:
                path.unlink(missing_ok=True)
            elif file_name:
                log.warning("purge: export file name %r is not a plain name in EXPORT_FOLDER; not followed", file_name)
        if rows:
            total += rows_changed(delete(DataExport).where(DataExport.id.in_([row[0] for row in rows]), old))
        db.session.commit()
        if len(rows) < BATCH:
            return total


#: an uploaded file no row refers to is deleted only when it is older than this (by its modification time): a photo
#: kept for a form that is being filled in now (app/ideas/pending.py keeps its name only in the person's signed
#: session cookie, which the server cannot read) or one saved a moment before its row is committed stays
UNUSED_UPLOAD_AGE = timedelta(days=1)

#: the columns that hold the name of a file in UPLOAD_FOLDER (ideas.image_name, activities.image_name,
#: activity_photos.image_name, organisations.logo_name): found by name, so a new picture column is not forgotten
UPLOAD_NAME_SUFFIXES = ("image_name", "logo_name")


def upload_name_columns():
    """Every column that names a file in UPLOAD_FOLDER."""
    return [column for table in db.metadata.sorted_tables for column in table.c if column.name.endswith(UPLOAD_NAME_SUFFIXES)]


def old_upload_files(folder, cutoff):
    """The names of the stored photos in folder (plain files with the names save_photo gives, never a symlink or
    anything in a subfolder) last changed before cutoff (a POSIX timestamp)."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    names = []
    for entry in entries:
        if not photos.STORED_NAME.match(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            continue  # deleted a moment ago (by a second purge, or an edit)
        if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
            names.append(entry.name)
    return sorted(names)


def referenced_names(names):
    """Those of names that some row refers to (asked BATCH names at a time)."""
    found = set()
    columns = upload_name_columns()
    for start in range(0, len(names), BATCH):
        batch = names[start : start + BATCH]
        for column in columns:
            found.update(db.session.scalars(select(column).where(column.in_(batch))))
    db.session.commit()  # no transaction is held while the files are deleted
    return found


def purge_unused_uploads(now):
    """Delete the photos and logos in UPLOAD_FOLDER that no row refers to and that are older than UNUSED_UPLOAD_AGE.

    They are photos kept for a form with an error and never used, or ones replaced when the form was sent in the
    middle of a failure. Only plain files in the folder itself are looked at (symlinks and subfolders are never
    followed); a file that another run deleted first is not counted again.
    """
    folder = photos.upload_folder()
    # A file's age is measured on the clock, never on a `now` that a caller set in the future (a test, a catch-up
    # run): a photo saved a minute ago is a minute old whatever the rows' dates say. now is naive UTC (app/timeutil.py).
    cutoff = min(now, utcnow()) - UNUSED_UPLOAD_AGE
    names = old_upload_files(folder, cutoff.replace(tzinfo=UTC).timestamp())
    in_use = referenced_names(names)
    removed = 0
    for name in names:
        if name in in_use:
            continue
        try:
            os.unlink(os.path.join(folder, name))  # unlink never follows a symlink
        except FileNotFoundError:
            continue
        removed += 1
    return removed  # purge() logs the number


#: what `flask purge` does, in this order
STEPS = (
    Step("sent mail deleted", "RETENTION_SENT_MAIL_DAYS", purge_sent_mail),
    Step("registrations: names of the people brought removed", "RETENTION_COMPANION_NAMES_DAYS", purge_companion_names),
    Step("volunteer sign-up messages blanked", "RETENTION_SIGNUP_MESSAGES_DAYS", purge_signup_messages),
    Step("audit entries: IP addresses blanked", "RETENTION_NETWORK_DAYS", purge_audit_addresses),
    Step("sessions: browser names blanked", "RETENTION_NETWORK_DAYS", purge_session_user_agents),
    Step("expired sessions deleted", None, purge_expired_sessions),
    Step("expired or used password reset links deleted", None, purge_reset_tokens),
    Step("unconfirmed accounts deleted", "RETENTION_UNCONFIRMED_ACCOUNT_DAYS", purge_unconfirmed_accounts),
    Step("read notifications deleted", "RETENTION_READ_NOTIFICATION_DAYS", purge_read_notifications),
    Step("expired data downloads deleted", None, purge_expired_exports),
    Step("unused uploaded photos and logos deleted (older than a day)", None, purge_unused_uploads),
)


def describe(step, changed):
    """One line of `flask purge`'s output, e.g. "sent mail deleted (older than 30 days): 12"."""
    if step.setting is None:
        return f"{step.label}: {changed}"
    return f"{step.label} (older than {current_app.config[step.setting]} days): {changed}"


def purge(now=None, report=None):
    """Run every retention step, each in short transactions of its own; return {label: rows changed}.

    report(line) is called after each step (the command prints it); the caller need not commit.
    """
    now = now or utcnow()
    counts = {}
    for step in STEPS:
        counts[step.label] = step.run(now)
        log.info("purge: %s", describe(step, counts[step.label]))
        if report is not None:
            report(describe(step, counts[step.label]))
    return counts
