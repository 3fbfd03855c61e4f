"""Deleting an account: everything personal goes, what the person contributed stays as a "former member"'s.

One transaction (the route commits): the person leaves what is still ahead through each domain's own service
(a cancelled registration frees its places and moves the waiting list; a withdrawn offer to volunteer frees its
place), then the rows that exist only for them are deleted, the personal text on the rows that stay is blanked,
and the account row itself is scrubbed. Ideas, comments and supports stay (shown as "former member"), the
history of ideas and of the activities grown from them stays, and places and attendance stay as numbers.
The person's reports of comments and ideas stay too, as the moderators' record of what they decided on (the
reporter shows as "former member"; the download lists them under comment_reports and idea_reports).
"""

import json
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, and_, cast, delete, func, or_, select, update

from app.accounts.models import PasswordResetToken, User
from app.accounts.sessions import end_all_sessions
from app.activities.models import Registration
from app.activities.registrations import cancel_registration
from app.activities.services import revoke_calendar_feed
from app.audit.models import AuditEntry
from app.audit.services import record_audit
from app.errors import InvalidTransition
from app.extensions import db
from app.ideas.models import Follow
from app.legal.models import Consent
from app.notifications.models import EmailFrequency, Notification
from app.organisations.models import Organisation, Representative
from app.organisations.services import end_representation
from app.outbox.models import OutboxMessage
from app.privacy.exports import check_password, remove_exports
from app.privacy.models import DataExport
from app.timeutil import utcnow
from app.volunteering.models import SignUp, volunteer_message_recipients
from app.volunteering.services import withdraw_signup

#: what the password column holds once the account is deleted: no password hashes to it
UNUSABLE_PASSWORD = "!deleted"


class LastAdmin(InvalidTransition):
    """The person is the only administrator left: deleting them would leave nobody to run the site."""


def placeholder_email(user):
    """The address a deleted account keeps: unique, and no address anyone can receive mail at."""
    return f"deleted-{user.id}@invalid"


def is_last_admin(user):
    """Whether the person is an administrator and no other active administrator is left."""
    if not user.is_admin:
        return False
    others = db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.is_admin.is_(True), User.id != user.id, User.deleted_at.is_(None), User.suspended_at.is_(None))
    )
    return others == 0


def delete_account(user, password):
    """Delete the person's account after checking their password (WrongPassword, LastAdmin otherwise).

    The caller commits, then ends the browser's session (the session rows are gone already).
    """
    check_password(user, password)
    if is_last_admin(user):
        raise LastAdmin(_l("You are the only administrator. Make someone else an administrator first, then delete your account."))
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    names = personal_strings(user)
    leave_activities(user)
    leave_volunteering(user)
    leave_organisations(user)
    remove_own_rows(user)
    scrub_mail(user, names)
    scrub_audit(user, names)
    scrub_account(user)
    db.session.flush()
    record_audit("account.deleted", actor=user, subject=user)
    return user


def personal_strings(user):
    """The person's e-mail address and names as they may stand in other rows (names of two letters or less excepted)."""
    names = {user.display_name.strip(), user.public_name.strip()}
    return {"email": user.email, "names": sorted((name for name in names if len(name) > 2), key=len, reverse=True)}


def leave_activities(user):
    """Cancel the registrations still ahead (the waiting list moves up); blank every companion's and teacher's name."""
    registrations = db.session.scalars(select(Registration).where(Registration.user_id == user.id).order_by(Registration.id))
    for registration in registrations.all():
        if registration.cancellable:
            cancel_registration(user, registration)
        if registration.companions:
            # {"name", "age_group"}: the age group stays for the figures; a bare first name goes altogether
            registration.companions = [without_name(item) for item in registration.companions if isinstance(item, dict)]
        # a class they registered keeps its number of pupils; the teacher's name is a third person's
        registration.responsible_teacher = ""


def without_name(companion):
    """A companion as stored ({"name", "age_group"}) with the name blanked; the rest (e.g. the age group) stays."""
    return {**companion, "name": ""}


def leave_volunteering(user):
    """Withdraw the offers to help that still stand for what is ahead, blank every sign-up's message, and take the
    person off the messages to volunteers they got."""
    signups = db.session.scalars(select(SignUp).where(SignUp.user_id == user.id).order_by(SignUp.id)).all()
    for signup in signups:
        activity = signup.role.activity
        if signup.is_active and (activity is None or activity.open_for_people):
            withdraw_signup(user, signup)
    db.session.execute(
        update(SignUp).where(SignUp.user_id == user.id).values(message="").execution_options(synchronize_session=False)
    )
    # The messages they got as a volunteer are no longer theirs to read; what they sent to volunteers stays with the
    # people it reached, from a "former member" (the account row stays, scrubbed).
    db.session.execute(delete(volunteer_message_recipients).where(volunteer_message_recipients.c.user_id == user.id))


def leave_organisations(user):
    """End the representations (state left), blank the messages, and take off the person's address as a contact."""
    active = db.session.scalars(
        select(Representative).where(Representative.user_id == user.id, Representative.state.in_(("requested", "approved")))
    ).all()
    for representative in active:
        end_representation(user, representative)
    db.session.execute(
        update(Representative)
        .where(Representative.user_id == user.id)
        .values(message="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Organisation)
        .where(func.lower(Organisation.contact_email) == user.email)
        .values(contact_email="")
        .execution_options(synchronize_session=False)
    )


def remove_own_rows(user):
    """Delete what exists only for the person: sessions, reset links, calendar address, notifications, follows,
    consents and prepared downloads (with their files)."""
    end_all_sessions(user)
    revoke_calendar_feed(user)
    for model in (PasswordResetToken, Notification, Follow, Consent):
        db.session.execute(delete(model).where(model.user_id == user.id).execution_options(synchronize_session=False))
    remove_exports(db.session.scalars(select(DataExport).where(DataExport.user_id == user.id)).all())


def scrub_mail(user, names):
    """Cancel mail still waiting for the person, blank what was sent to them, and name them "former member" in mail to others."""
    to_them = OutboxMessage.recipient == user.email
    waiting = OutboxMessage.status.in_((OutboxMessage.PENDING, OutboxMessage.SENDING))
    db.session.execute(delete(OutboxMessage).where(to_them, waiting).execution_options(synchronize_session=False))
    db.session.execute(
        update(OutboxMessage)
        .where(to_them)
        .values(recipient="", subject="", body="", last_error="")
        .execution_options(synchronize_session=False)
    )
    if not names["names"]:
        return
    mentioning = or_(*(OutboxMessage.body.contains(name, autoescape=True) for name in names["names"]))
    for message in db.session.scalars(select(OutboxMessage).where(mentioning)):
        message.subject = replace_names(message.subject, names["names"])
        message.body = replace_names(message.body, names["names"])


def replace_names(text, names):
    """The text with each whole-word occurrence of the names replaced by "former member"."""
    for name in names:
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", _("former member"), text)
    return text


def scrub_audit(user, names):
    """Blank the addresses in the entries of the person's actions and about their account; take their e-mail and names
    out of those entries' details and reasons, and their e-mail out of any other entry's details."""
    about_account = and_(AuditEntry.subject_type == "User", AuditEntry.subject_id == user.id)
    theirs = or_(AuditEntry.actor_id == user.id, about_account)
    db.session.execute(update(AuditEntry).where(theirs).values(ip_address="").execution_options(synchronize_session=False))
    strings = [user.email, *names["names"]]
    mentioning = or_(
        *(cast(AuditEntry.details, Text).contains(form, autoescape=True) for form in json_forms(strings)),
        *(AuditEntry.reason.contains(text, autoescape=True) for text in strings),
    )
    email_elsewhere = cast(AuditEntry.details, Text).contains(json_forms([user.email])[-1], autoescape=True)
    for entry in db.session.scalars(select(AuditEntry).where(or_(and_(theirs, mentioning), email_elsewhere))):
        own = entry.actor_id == user.id or (entry.subject_type == "User" and entry.subject_id == user.id)
        concerning = strings if own else [user.email]
        entry.details = {key: value for key, value in (entry.details or {}).items() if not mentions(value, concerning)}
        if mentions(entry.reason, concerning):
            entry.reason = ""


def json_forms(strings):
    """Each string as it may stand inside stored JSON: as it is, and with non-ASCII letters escaped (\\u0113)."""
    forms = []
    for text in strings:
        forms += [text, json.dumps(text)[1:-1]]
    return list(dict.fromkeys(forms))


def mentions(value, strings):
    """Whether a value (any JSON) contains one of the strings, compared case-insensitively."""
    text = json.dumps(value, ensure_ascii=False).lower() if not isinstance(value, str) else value.lower()
    return any(string.lower() in text for string in strings)


def scrub_account(user):
    """Blank the account row: a placeholder address, no name or profile, no password, no roles; deleted now."""
    user.email = placeholder_email(user)
    user.display_name = ""
    user.about = ""
    user.skills = ""
    user.interests = ""
    user.profile_public = False
    user.birth_year = None
    user.home_centre = None
    user.password_hash = UNUSABLE_PASSWORD
    user.is_admin = False
    user.moderated_centres = []
    user.email_own_ideas = EmailFrequency.OFF
    user.email_other = EmailFrequency.OFF
    user.deleted_at = utcnow()
