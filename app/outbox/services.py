"""Queueing mail in the outbox and delivering it over SMTP."""

import logging
import re
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup, escape
from sqlalchemy import and_, or_, select

from app.extensions import db
from app.outbox.models import OutboxMessage
from app.timeutil import utcnow

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=6)


#: headers kept in the stored body, below its text (see OutboxMessage.body): the language of the text (the HTML
#: part's lang) and, on notification mail, the one-click unsubscribe link (RFC 8058)
STORED_HEADERS = ("Content-Language", "List-Unsubscribe")
STORED_HEADER_LINE = re.compile(r"(" + "|".join(STORED_HEADERS) + r"): (\S[^\r\n]*)")


def queue_mail(recipient, template, language, unsubscribe_url=None, **context):
    """Render templates/email/<template>.txt in the recipient's language and add it to the outbox.

    The first line of the rendered text is the subject. Nothing is sent here: the message is
    committed together with the action that caused it and delivered by `flask send-mail`.
    unsubscribe_url: notification mail's one-click unsubscribe address (List-Unsubscribe); account mail has none.
    """
    if "\r" in recipient or "\n" in recipient:
        raise ValueError("line break in a mail address")
    language = language or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        rendered = render_template(f"email/{template}.txt", unsubscribe_url=unsubscribe_url, **context)
    subject, _, body = rendered.strip().partition("\n")
    # A subject is one line: anything a user typed into it cannot add headers.
    subject = " ".join(subject.split())[:200]
    headers = {"Content-Language": language}
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    stored = "".join(f"{name}: {' '.join(value.split())}\n" for name, value in headers.items())
    message = OutboxMessage(recipient=recipient, subject=subject, body=f"{body.strip()}\n\n{stored}")
    db.session.add(message)
    return message


def stored_headers_and_text(body):
    """({header: value}, text) of a stored body; a body without stored headers (queued before them) is all text."""
    text, separator, trailer = body.rstrip("\n").rpartition("\n\n")
    lines = trailer.split("\n")
    matches = [STORED_HEADER_LINE.fullmatch(line) for line in lines]
    if not separator or not all(matches):
        return {}, body
    return {match[1]: match[2] for match in matches}, text + "\n"


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
    """Send the messages whose time has come, one at a time over one SMTP connection; return (sent, failed) counts.

    No transaction is open while the SMTP server is talked to (a slow server may take MAIL_TIMEOUT
    per step): each message is claimed (status `sending` with a lease, committed), sent outside any
    transaction, and its result recorded (committed). Other workers skip a claimed message, so in the
    normal case, failures and time-outs included, a message is sent once. The connection is opened for
    the first message and kept for the rest of the round (no transaction is open while it is open
    either: only while a message is claimed or its result recorded, between two SMTP conversations).

    Delivery is at least once, not exactly once: should a worker die (or lose its database) after the
    SMTP server accepted a message but before the result is recorded, the message stays `sending`
    and is sent again once its lease (MAIL_LEASE_SECONDS) has run out. Nothing is lost; a message
    may, in that rare case, arrive twice (with the same Message-ID, so mail programs can tell). A worker
    slower than its own lease records nothing: the message is then another worker's.
    """
    sent = failed = 0
    with MailConnection() as connection:
        for _ in range(limit):
            claim = claim_due_message()
            if claim is None:
                break
            error = claim.build_error
            if error is None:
                try:
                    connection.send(claim.email, claim.message_id)
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


def mail_domain():
    """The domain of Message-IDs: BASE_URL's host (a Message-ID names the site that made the message)."""
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def build_email(message):
    """The mail as sent: from the site's sender to the recipient, the row's subject, a text and an HTML part.

    Date is when the message was queued and the Message-ID is made from the row, so a message sent twice
    (see deliver_due_mail) is the same message to the recipient's mail program.
    """
    headers, text = stored_headers_and_text(message.body)
    language = headers.get("Content-Language") or current_app.config["BABEL_DEFAULT_LOCALE"]
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at.replace(tzinfo=UTC))
    email["Message-ID"] = f"<kopiena.{message.id}.{message.created_at:%Y%m%d%H%M%S%f}@{mail_domain()}>"
    if "List-Unsubscribe" in headers:
        email["List-Unsubscribe"] = headers["List-Unsubscribe"]
        # RFC 8058: a mail program may unsubscribe with one POST to that address, without opening a page
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(text)
    email.add_alternative(html_version(message.subject, text, language), subtype="html")
    email["Content-Language"] = language  # after the parts: setting content drops Content-* headers
    return email


#: a web address in a mail's text; a closing punctuation mark after it is not part of it
WEB_ADDRESS = re.compile(r"https?://[^\s<>\"”“]+?(?=[.,;:!?)»”]*(?:\s|$))")
SIGNATURE = "-- "


def linked(line):
    """One line of text as HTML: escaped, its web addresses links."""
    parts, position = [], 0
    for match in WEB_ADDRESS.finditer(line):
        address = match.group()
        parts += [escape(line[position : match.start()]), Markup('<a href="%s">%s</a>') % (address, address)]
        position = match.end()
    parts.append(escape(line[position:]))
    return Markup("").join(parts)


def html_blocks(text):
    """The text's paragraphs as (kind, lines): "p" a paragraph, "h2" a heading (a line underlined with dashes),
    "ul" a list ("* " items, their next lines indented), "footer" the signature after "-- "."""
    blocks = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = paragraph.split("\n")
        if len(lines) >= 2 and set(lines[1]) == {"-"} and len(lines[1].strip()) == len(lines[1]):
            blocks.append(("h2", [linked(lines[0])]))
            lines = lines[2:]
        if not lines:
            continue
        if lines[0].startswith("* "):
            items = []
            for line in lines:
                if line.startswith("* ") or not items:
                    items.append([linked(line.removeprefix("* "))])
                else:
                    items[-1].append(linked(line.strip()))
            blocks.append(("ul", items))
        elif lines[0] == SIGNATURE:
            blocks.append(("footer", [linked(line) for line in lines[1:]]))
        else:
            blocks.append(("p", [linked(line) for line in lines]))
    return blocks


def html_version(subject, text, language):
    """The HTML part: the same text as plain, accessible HTML (paragraphs, headings, lists, links; no colours,
    no images, no layout tables), made from the text so that both parts always say the same."""
    return render_template("email/layout.html", subject=subject, language=language, blocks=html_blocks(text))


class MailConnection:
    """One SMTP connection for a round of messages, opened when the first is sent and opened again if the server
    dropped it; without MAIL_SERVER (development) messages are printed instead.

    Used outside any database transaction: each step may wait for the server up to MAIL_TIMEOUT.
    """

    def __init__(self):
        self.smtp = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def open(self):
        """Connect, say hello, start TLS and log in as configured."""
        config = current_app.config
        smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
        smtp = smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
        try:
            if config["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        except BaseException:
            smtp.close()
            raise
        self.smtp = smtp

    def close(self):
        """Say goodbye and close the connection, if one is open (a server that is gone already is no error)."""
        smtp, self.smtp = self.smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()

    def send(self, email, message_id):
        """Send one built message, or print it when no MAIL_SERVER is configured.

        A connection the server closed meanwhile (an idle time-out) is opened again once. A message the
        server refuses leaves the connection open for the next one; any other error closes it, so the next
        message starts on a new one.
        """
        if not current_app.config["MAIL_SERVER"]:
            print_email(email, message_id)
            return
        while True:
            fresh = self.smtp is None
            if fresh:
                self.open()
            try:
                self.smtp.send_message(email)
                return
            except (smtplib.SMTPServerDisconnected, ConnectionError):
                self.close()
                if fresh:
                    raise
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException):
                if not self.still_there():
                    self.close()
                raise
            except BaseException:
                self.close()
                raise

    def still_there(self):
        """Whether the server still answers on this connection (after it refused a message)."""
        try:
            return self.smtp.noop()[0] == 250
        except (OSError, smtplib.SMTPException):
            return False


def print_email(email, message_id):
    """Print a message readably (development without MAIL_SERVER): its headers and its text as UTF-8 text."""
    headers = "\n".join(f"{name}: {value}" for name, value in email.items() if not name.startswith(("Content-", "MIME-")))
    text = email.get_body(("plain",)).get_content()
    print(
        f"--- mail {message_id} (no MAIL_SERVER set, printed instead of sent; it has an HTML part too) ---\n"
        f"{headers}\n\n{text.rstrip()}\n--- end of mail {message_id} ---",
        flush=True,
    )
