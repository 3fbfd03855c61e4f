"""Queueing mail in the outbox and delivering it over SMTP."""
import logging
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

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


def deliver_due_mail(limit=100):
    """Send pending messages whose time has come, one at a time; return (sent, failed) counts.

    Each message is locked (skipped by other workers), sent and committed on its own, so a crash
    half-way never sends a message twice and two workers never send the same one.
    """
    sent = failed = 0
    for _ in range(limit):
        message = db.session.scalar(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxMessage.PENDING, OutboxMessage.next_attempt_at <= utcnow())
            .order_by(OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if message is None:
            break
        try:
            send_message(message)
        # ValueError: a message that cannot be built (e.g. a line break in a header) is a failure of
        # that message only.
        except (OSError, smtplib.SMTPException, ValueError) as error:
            record_failure(message, error)
            failed += 1
        else:
            message.status = OutboxMessage.SENT
            message.sent_at = utcnow()
            message.attempts += 1
            sent += 1
        db.session.commit()
    return sent, failed


def record_failure(message, error):
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        message.status = OutboxMessage.FAILED
        log.error("giving up on mail %s after %s attempts: %s", message.id, message.attempts, error)
    else:
        delay = min(timedelta(minutes=2 ** message.attempts), MAX_BACKOFF)
        message.next_attempt_at = utcnow() + delay
        log.warning("mail %s failed (attempt %s), retrying in %s: %s", message.id, message.attempts, delay, error)


def build_email(message):
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain="kopiena")
    email.set_content(message.body)
    return email


def send_message(message):
    """Send one message with the configured SMTP server, or print it when none is configured."""
    config = current_app.config
    email = build_email(message)
    if not config["MAIL_SERVER"]:
        print(f"--- mail {message.id} (no MAIL_SERVER set, printed instead of sent) ---\n{email}", flush=True)
        return
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)
