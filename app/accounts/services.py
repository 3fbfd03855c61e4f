"""Account actions. Services take the acting user and plain values, never the request; the route commits."""

import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.accounts.ages import birth_year_to_keep, too_young_for_an_account
from app.accounts.models import PasswordResetToken, User
from app.accounts.passwords import hash_password, verify_password
from app.accounts.sessions import end_all_sessions, end_session, hash_token
from app.accounts.tokens import InvalidToken, fingerprint, make_token, read_token, same_fingerprint
from app.audit.models import AuditEntry
from app.audit.services import record_audit
from app.errors import DomainError, NotAllowed
from app.extensions import db
from app.legal.documents import CONSENT_SLUGS
from app.legal.services import record_consents
from app.outbox.services import queue_mail
from app.timeutil import utcnow
from app.urls import external_url


def normalise_email(email):
    """The address as stored and compared: without surrounding spaces, lower-cased ('' for none)."""
    return (email or "").strip().lower()


def find_user_by_email(email):
    """The account with this e-mail address (compared normalised), or None."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


class TooYoung(DomainError):
    """Children under 13 have no account of their own: a parent or the school registers them for activities."""


def register_user(display_name, email, password, language, home_centre=None, ip_address="", birth_year=None):
    """Create an unconfirmed account, record that the person accepted the current terms and privacy notice (the form
    asks), and mail a confirmation link.

    When the address is taken, the owner is mailed instead and None is returned: the page looks the
    same either way, so nobody can find out who has an account. birth_year: None when the person said they are 16
    or older; under 13 nothing is stored (TooYoung); it is kept only for 13–15-year-olds (app/accounts/ages.py).
    """
    if too_young_for_an_account(birth_year):
        raise TooYoung()
    email = normalise_email(email)
    existing = find_user_by_email(email)
    # Hash in both cases: skipping the slow scrypt for a taken address would tell by the answer's speed.
    password_hash = hash_password(password)
    if existing is not None:
        queue_mail(
            existing.email,
            "account_exists",
            existing.language,
            user=existing,
            login_url=external_url("accounts.login"),
            reset_url=external_url("accounts.reset_request"),
        )
        return None
    user = User(
        display_name=display_name.strip(),
        email=email,
        password_hash=password_hash,
        language=language,
        home_centre=home_centre,
        birth_year=birth_year_to_keep(birth_year),
    )
    db.session.add(user)
    db.session.flush()
    record_consents(user.id, CONSENT_SLUGS)
    send_confirmation(user)
    record_audit("account.registered", actor=user, subject=user, ip_address=ip_address)
    return user


def confirmation_token(user):
    """The token of a link confirming the user's current address.

    It carries a fingerprint of the address, not the address: the token is readable to whoever holds
    it (logs, a forwarded mail), and a link for an address the account no longer has stops working.
    """
    return make_token("confirm-email", user_id=user.id, email=fingerprint("email", user.email))


def send_confirmation(user):
    """Mail the user a link that confirms their address."""
    queue_mail(
        user.email,
        "confirm_email",
        user.language,
        user=user,
        confirm_url=external_url("accounts.confirm_email", token=confirmation_token(user)),
    )


def resend_confirmation(email):
    """Mail a new confirmation link when the address belongs to an unconfirmed account."""
    user = find_user_by_email(email)
    if user is not None and not user.is_confirmed:
        send_confirmation(user)


def user_for_confirmation(token):
    """The user a confirmation link belongs to, or raise InvalidToken."""
    data = read_token("confirm-email", token, current_app.config["EMAIL_CONFIRM_MAX_AGE"])
    user = db.session.get(User, data.get("user_id"))
    if user is None or not same_fingerprint("email", user.email, data.get("email")):
        raise InvalidToken()
    return user


def confirm_email(token):
    """Confirm the address a link was sent to; confirming twice is harmless."""
    user = user_for_confirmation(token)
    if not user.is_confirmed:
        user.email_confirmed_at = utcnow()
        record_audit("account.email_confirmed", actor=user, subject=user)
    return user


def authenticate(email, password, ip_address=""):
    """Return the user with this e-mail and password, or None. Failures are audited."""
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        record_audit("account.login_failed", actor=user, subject=user, ip_address=ip_address, email=normalise_email(email)[:254])
        return None
    return user


def record_login(user, ip_address=""):
    """Note a successful log-in in the audit log; return True when it is the person's first one."""
    earlier = db.session.scalar(
        select(AuditEntry.id).where(AuditEntry.action == "account.login", AuditEntry.actor_id == user.id).limit(1)
    )
    record_audit("account.login", actor=user, subject=user, ip_address=ip_address)
    return earlier is None


def log_out(user, token):
    """End this one session."""
    end_session(token)
    record_audit("account.logout", actor=user, subject=user)


def log_out_everywhere(user):
    """End every session of the person, on every device."""
    end_all_sessions(user)
    record_audit("account.logout_everywhere", actor=user, subject=user)


def reset_token(user):
    """A new random reset token, ending in a fingerprint of the person's current password hash.

    So the link stops working as soon as the password changes by any route (a password change in the
    settings, another reset link), whether or not that route remembers the reset links.
    """
    return f"{secrets.token_urlsafe(32)}.{fingerprint('password', user.password_hash)}"


def request_password_reset(email):
    """Mail a single-use reset link when the address has an account; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = reset_token(user)
    now = utcnow()
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + current_app.config["PASSWORD_RESET_MAX_AGE"],
        )
    )
    queue_mail(
        user.email,
        "reset_password",
        user.language,
        user=user,
        reset_url=external_url("accounts.reset_password", token=token),
        minutes=int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds() // 60),
    )


def reset_token_row(token):
    """The unused, unexpired reset token row for a raw token, or raise InvalidToken."""
    row = db.session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == hash_token(token)))
    if row is None or row.used_at is not None or row.expires_at < utcnow():
        raise InvalidToken()
    if not same_fingerprint("password", row.user.password_hash, token.rpartition(".")[2]):
        raise InvalidToken()  # the password has changed since the link was sent
    return row


def reset_password(token, new_password, ip_address=""):
    """Set a new password through a reset link; the link then stops working, and so do all sessions."""
    row = reset_token_row(token)
    user = row.user
    # This link and any other unused one of this person: an older link lying in a mailbox must not
    # be able to set the password again after the owner has chosen a new one.
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    user.password_hash = hash_password(new_password)
    # Whoever could read the mailbox has now proven they own the address.
    if not user.is_confirmed:
        user.email_confirmed_at = utcnow()
    end_all_sessions(user)
    record_audit("account.password_reset", actor=user, subject=user, ip_address=ip_address)
    return user


def change_password(user, current_password, new_password, keep_token=None):
    """Change the password after checking the current one; other sessions end."""
    if not verify_password(user.password_hash, current_password):
        raise NotAllowed()
    user.password_hash = hash_password(new_password)
    end_all_sessions(user, keep_token=keep_token)
    queue_mail(user.email, "password_changed", user.language, user=user, reset_url=external_url("accounts.reset_request"))
    record_audit("account.password_changed", actor=user, subject=user)


def request_email_change(user, current_password, new_email):
    """Mail a confirmation link to the new address; the change happens when it is followed."""
    if not verify_password(user.password_hash, current_password):
        raise NotAllowed()
    new_email = normalise_email(new_email)
    if find_user_by_email(new_email) is not None:
        queue_mail(new_email, "email_in_use", user.language, user=user)
        return
    queue_mail(
        new_email,
        "confirm_new_email",
        user.language,
        user=user,
        confirm_url=external_url("accounts.confirm_email_change", token=email_change_token(user, new_email)),
    )
    record_audit("account.email_change_requested", actor=user, subject=user)


def email_change_token(user, new_email):
    """The token of a link that moves the account to new_email.

    The new address is in it (readable; it is mailed to that very address), the current one only as a
    fingerprint: once the address has changed, the link stops working.
    """
    return make_token("change-email", user_id=user.id, old_email=fingerprint("email", user.email), new_email=new_email)


def email_change_from_token(token):
    """(user, new e-mail) of an e-mail change link, or raise InvalidToken."""
    data = read_token("change-email", token, current_app.config["EMAIL_CONFIRM_MAX_AGE"])
    user = db.session.get(User, data.get("user_id"))
    if user is None or not same_fingerprint("email", user.email, data.get("old_email")):
        raise InvalidToken()
    return user, data["new_email"]


def confirm_email_change(token):
    """Switch to the new address; the old address is told, in case it was not the owner's doing."""
    user, new_email = email_change_from_token(token)
    if find_user_by_email(new_email) is not None:
        raise InvalidToken()
    old_email = user.email
    user.email = new_email
    user.email_confirmed_at = utcnow()
    queue_mail(
        old_email,
        "email_changed",
        user.language,
        user=user,
        new_email=new_email,
        reset_url=external_url("accounts.reset_request"),
    )
    record_audit("account.email_changed", actor=user, subject=user)
    return user


#: why a 13–15-year-old has no public profile page (shown on their profile form and when the service refuses)
YOUNG_TEEN_PROFILE_TEXT = _l(
    "People younger than 16 cannot show a profile page to others, to keep them safe; "
    "only the organisers of roles you offer to help in see your name and skills."
)


def update_profile(user, display_name, about, skills, interests, language, home_centre, profile_public=False):
    """Save the profile fields a person may edit themselves; a public profile page only from 16 (refused before)."""
    if profile_public and user.is_young_teen:
        raise NotAllowed(YOUNG_TEEN_PROFILE_TEXT, what="accounts.profile_public")
    user.profile_public = bool(profile_public)
    user.display_name = display_name.strip()
    user.about = about.strip()
    user.skills = skills.strip()
    user.interests = interests.strip()
    user.language = language
    user.home_centre = home_centre


def set_language(user, language):
    """The language the person's pages and mail are in from now on."""
    user.language = language


def set_roles(actor, user, is_admin, centres):
    """Make a person an admin or not, and a moderator of exactly the given centres."""
    if not actor.is_admin:
        raise NotAllowed()
    if actor.id == user.id and not is_admin:
        raise NotAllowed()  # the last door out: an admin cannot remove their own admin role
    before = {"admin": user.is_admin, "moderator_of": sorted(c.slug for c in user.moderated_centres)}
    user.is_admin = is_admin
    user.moderated_centres = list(centres)
    after = {"admin": is_admin, "moderator_of": sorted(c.slug for c in centres)}
    if before != after:
        record_audit("admin.roles_changed", actor=actor, subject=user, before=before, after=after)


def create_admin(email, display_name, password):
    """Create a confirmed admin account, or make an existing account an admin (CLI)."""
    user = find_user_by_email(email)
    if user is None:
        user = User(email=normalise_email(email), display_name=display_name, password_hash=hash_password(password), language="lv")
        db.session.add(user)
    user.is_admin = True
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    db.session.flush()
    record_audit("admin.created_by_cli", subject=user)
    return user
