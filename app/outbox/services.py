"""Queueing mail in the outbox and delivering it over SMTP."""

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import and_, or_, select

from app.extensions import db
from app.outbox.models import OutboxMessage
from app.timeutil import utcnow

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=6)


def queue_mail(recipient, template, language, **context):
    """Render templates/email/<template>.txt in the recipient's language and add it to the outbox.

    The first line of the rendered text is the subject. Nothing is sent here: the message is
    committed together with the action that caused it and delivered by `flask send-mail`.
    """
    if "\r" in recipient or "\n" in recipient:
        raise ValueError("line break in a mail address")
    with force_locale(language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        rendered = render_template(f"email/{template}.txt", **context)
    subject, _, body = rendered.strip().partition("\n")
    # A subject is one line: anything a user typed into it cannot add headers.
    subject = " ".join(subject.split())[:200]
    message = OutboxMessage(recipient=recipient, subject=subject, body=body.strip() + "\n")
    db.session.add(message)
    return message


#: a failed attempt at one message, retried later; ValueError: a message that cannot be built (e.g. a
#: line break in a header) is a failure of that message only
DELIVERY_ERRORS = (OSError, smtplib.SMTPException, ValueError)


@dataclass(frozen=True)
class Claim:
    """A message a worker has taken for delivery: what to send, and the lease that shows it is still its own."""

    message_id: int
    claimed_until: datetime
    email: EmailMessage | None
    build_error: ValueError | None


def deliver_due_mail(limit=100):
    """Send the messages whose time has come, one at a time; return (sent, failed) counts.

    No transaction is open while the SMTP server is talked to (a slow server may take MAIL_TIMEOUT
    per step): each message is claimed (status `sending` with a lease, committed), sent outside any
    transaction, and its result recorded (committed). Other workers skip a claimed message, so in the
    normal case, failures and time-outs included, a message is sent once.

    Delivery is at least once, not exactly once: should a worker die (or lose its database) after the
    SMTP server accepted a message but before the result is recorded, the message stays `sending`
    and is sent again once its lease (MAIL_LEASE_SECONDS) has run out. Nothing is lost; a message
    may, in that rare case, arrive twice. A worker slower than its own lease records nothing: the
    message is then another worker's.
    """
    sent = failed = 0
    for _ in range(limit):
        claim = claim_due_message()
        if claim is None:
            break
        error = claim.build_error
        if error is None:
            try:
                send_email(claim.email, claim.message_id)
            except DELIVERY_ERRORS as delivery_error:
                error = delivery_error
        record_result(claim, error)
        if error is None:
            sent += 1
        else:
            failed += 1
    return sent, failed


def claim_due_message():
    """Claim the next due message for this worker and commit; None (also committed) when none is due.

    Due: pending with its time come, or still `sending` after its lease ran out (its worker died).
    The transaction always ends here, so that a worker with nothing to do holds no lock while it waits.
    """
    config = current_app.config
    while True:
        now = utcnow()
        message = db.session.scalar(
            select(OutboxMessage)
            .where(
                or_(
                    and_(OutboxMessage.status == OutboxMessage.PENDING, OutboxMessage.next_attempt_at <= now),
                    and_(OutboxMessage.status == OutboxMessage.SENDING, OutboxMessage.claimed_until <= now),
                )
            )
            .order_by(OutboxMessage.id)
            .limit(1)
            # two workers at once: each takes another row (PostgreSQL); SQLite commands hold the write lock
            .with_for_update(skip_locked=True)
        )
        if message is None:
            db.session.commit()
            return None
        if message.status == OutboxMessage.SENDING:
            message.last_error = "the worker stopped while sending it (it may have gone out)"
            log.warning("mail %s: %s; sending it again", message.id, message.last_error)
            if message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
                give_up(message, message.last_error)
                db.session.commit()
                continue
        # Counted when claimed: a message whose sending kills the worker every time is given up on too.
        message.attempts += 1
        message.status = OutboxMessage.SENDING
        message.claimed_until = now + timedelta(seconds=config["MAIL_LEASE_SECONDS"])
        try:
            email, build_error = build_email(message), None
        except ValueError as error:
            email, build_error = None, error
        claim = Claim(message.id, message.claimed_until, email, build_error)
        db.session.commit()
        return claim


def record_result(claim, error):
    """Record how the delivery went and commit, if the claim is still this worker's; return whether it was."""
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.id == claim.message_id).with_for_update())
    if message is None or message.status != OutboxMessage.SENDING or message.claimed_until != claim.claimed_until:
        log.warning("mail %s: the lease ran out during delivery; another worker took the message over", claim.message_id)
        db.session.commit()
        return False
    message.claimed_until = None
    if error is None:
        message.status = OutboxMessage.SENT
        message.sent_at = utcnow()
    else:
        record_failure(message, error)
    db.session.commit()
    return True


def record_failure(message, error):
    """Note a failed delivery: try again later, waiting twice as long each time (up to MAX_BACKOFF), or give up at the last."""
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        give_up(message, error)
    else:
        message.status = OutboxMessage.PENDING
        delay = min(timedelta(minutes=2**message.attempts), MAX_BACKOFF)
        message.next_attempt_at = utcnow() + delay
        log.warning("mail %s failed (attempt %s), retrying in %s: %s", message.id, message.attempts, delay, error)


def give_up(message, reason):
    """Mark the mail failed for good: it is not tried again."""
    message.status = OutboxMessage.FAILED
    message.claimed_until = None
    log.error("giving up on mail %s after %s attempts: %s", message.id, message.attempts, reason)


def build_email(message):
    """The mail as sent: from the site's sender to the recipient, the row's subject and plain-text body."""
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain="kopiena")
    email.set_content(message.body)
    return email


def send_email(email, message_id):
    """Send one built message with the configured SMTP server, or print it when none is configured.

    Called outside any database transaction: it may wait for the SMTP server up to MAIL_TIMEOUT per step.
    """
    config = current_app.config
    if not config["MAIL_SERVER"]:
        print(f"--- mail {message_id} (no MAIL_SERVER set, printed instead of sent) ---\n{email}", flush=True)
        return
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)
