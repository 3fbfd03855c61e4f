"""The mail outbox: delivery to a real SMTP server, retries with back-off while it is down, giving up,
and no header injection through addresses or subjects."""

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from jinja2 import ChoiceLoader, DictLoader

from app.extensions import db
from app.outbox import services
from app.outbox.models import OutboxMessage
from app.outbox.services import queue_mail
from app.timeutil import utcnow
from tests.factories import make_user
from tests.helpers import free_port, post_form, queued_mail

RESET_URL = "https://kopiena.example/reset-password"


def queue_password_changed(person):
    message = queue_mail(person.email, "password_changed", person.language, user=person, reset_url=RESET_URL)
    db.session.commit()
    return message


def received(envelope):
    return message_from_bytes(envelope.content, policy=policy.default)


def make_due(message):
    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


@pytest.fixture
def smtp_down(ctx, smtp_sink):
    """Point the app at a port where nothing listens; `restore()` points it back at the sink."""
    sink_port = ctx.config["MAIL_PORT"]
    ctx.config["MAIL_PORT"] = free_port()  # the sink fixture puts the original settings back afterwards

    class Switch:
        @staticmethod
        def restore():
            ctx.config["MAIL_PORT"] = sink_port

    return Switch


def test_queued_mail_is_delivered_and_marked_sent(smtp_sink, deliver, user):
    message = queue_password_changed(user)

    assert deliver() == (1, 0)

    assert [envelope.rcpt_tos for envelope in smtp_sink.messages] == [[user.email]]
    email = received(smtp_sink.messages[0])
    assert email["To"] == user.email
    assert email["Subject"] == message.subject
    assert RESET_URL in email.get_body(("plain",)).get_content()
    assert message.status == OutboxMessage.SENT
    assert message.sent_at is not None
    assert message.attempts == 1


def test_mail_is_written_in_the_recipients_language(smtp_sink, deliver):
    latvian = make_user(email="ilze@example.com", language="lv")
    english = make_user(email="john@example.com", language="en")
    queue_password_changed(latvian)
    queue_password_changed(english)

    deliver()

    subjects = {envelope.rcpt_tos[0]: received(envelope)["Subject"] for envelope in smtp_sink.messages}
    assert subjects["john@example.com"] == "Your Kopiena password was changed"
    assert subjects["ilze@example.com"] != subjects["john@example.com"]


def test_delivering_twice_sends_once(smtp_sink, deliver, user):
    queue_password_changed(user)
    deliver()
    assert deliver() == (0, 0)
    assert len(smtp_sink.messages) == 1


def test_smtp_down_keeps_the_message_and_backs_off(smtp_down, deliver, user):
    message = queue_password_changed(user)
    before = utcnow()

    assert deliver() == (0, 1)

    assert message.status == OutboxMessage.PENDING
    assert message.attempts == 1
    assert message.last_error
    assert message.next_attempt_at >= before + timedelta(minutes=1)
    assert deliver() == (0, 0)  # not due yet: a broken server is not hammered
    assert message.attempts == 1


def test_back_off_grows_with_each_failure(smtp_down, deliver, user):
    message = queue_password_changed(user)
    delays = []
    for _ in range(3):
        make_due(message)
        started = utcnow()
        deliver()
        delays.append(message.next_attempt_at - started)
    assert delays[0] < delays[1] < delays[2]


def test_message_is_delivered_when_the_server_is_back(smtp_down, smtp_sink, deliver, user):
    message = queue_password_changed(user)
    deliver()
    smtp_down.restore()
    make_due(message)

    assert deliver() == (1, 0)

    assert message.status == OutboxMessage.SENT
    assert message.attempts == 2
    assert [envelope.rcpt_tos for envelope in smtp_sink.messages] == [[user.email]]


def test_message_is_given_up_after_the_maximum_attempts(ctx, smtp_down, deliver, user, monkeypatch):
    monkeypatch.setitem(ctx.config, "MAIL_MAX_ATTEMPTS", 3)
    message = queue_password_changed(user)
    for _ in range(3):
        make_due(message)
        deliver()

    assert message.status == OutboxMessage.FAILED
    assert message.attempts == 3
    make_due(message)
    assert deliver() == (0, 0)  # never tried again
    assert message.attempts == 3


def claimed_by_a_worker(message, lease_left):
    """The message as a worker leaves it after claiming it: `sending`, with lease_left on its lease."""
    message.status = OutboxMessage.SENDING
    message.attempts += 1
    message.claimed_until = utcnow() + lease_left
    db.session.commit()


def test_a_message_being_sent_by_another_worker_is_left_alone(smtp_sink, deliver, user):
    message = queue_password_changed(user)
    claimed_by_a_worker(message, timedelta(minutes=5))

    assert deliver() == (0, 0)

    assert smtp_sink.messages == []
    assert message.status == OutboxMessage.SENDING


def test_a_message_whose_worker_died_is_sent_once_its_lease_has_run_out(smtp_sink, deliver, user):
    message = queue_password_changed(user)
    claimed_by_a_worker(message, -timedelta(seconds=1))

    assert deliver() == (1, 0)
    assert deliver() == (0, 0)

    assert [envelope.rcpt_tos for envelope in smtp_sink.messages] == [[user.email]]
    assert message.status == OutboxMessage.SENT
    assert message.attempts == 2
    assert message.claimed_until is None


def test_a_message_whose_worker_keeps_dying_is_given_up(ctx, smtp_sink, deliver, user, monkeypatch):
    monkeypatch.setitem(ctx.config, "MAIL_MAX_ATTEMPTS", 3)
    message = queue_password_changed(user)
    message.attempts = 2
    claimed_by_a_worker(message, -timedelta(seconds=1))

    assert deliver() == (0, 0)

    assert smtp_sink.messages == []
    assert message.status == OutboxMessage.FAILED
    assert "worker stopped" in message.last_error


def test_no_transaction_is_open_while_the_smtp_server_is_talked_to(smtp_sink, deliver, user, monkeypatch):
    """A slow or hanging SMTP server must not keep the database locked (SQLite) or a transaction open."""
    queue_password_changed(user)
    queue_password_changed(user)
    in_transaction = []

    def send_and_look(connection, email, message_id):
        in_transaction.append(db.session().in_transaction())
        send(connection, email, message_id)

    send = services.MailConnection.send
    monkeypatch.setattr(services.MailConnection, "send", send_and_look)

    assert deliver() == (2, 0)
    assert in_transaction == [False, False]
    assert len(smtp_sink.messages) == 2


def test_a_worker_slower_than_its_lease_leaves_the_message_to_the_worker_that_took_it_over(smtp_sink, deliver, user, monkeypatch):
    message = queue_password_changed(user)
    other_workers_lease = utcnow() + timedelta(minutes=10)

    def send_while_another_worker_takes_over(connection, email, message_id):
        db.session.get(OutboxMessage, message_id).claimed_until = other_workers_lease
        db.session.commit()
        raise TimeoutError("timed out")  # this worker's failure must not undo the other worker's claim

    monkeypatch.setattr(services.MailConnection, "send", send_while_another_worker_takes_over)

    deliver()

    assert message.status == OutboxMessage.SENDING
    assert message.claimed_until == other_workers_lease
    assert message.last_error == ""


def test_smtp_down_does_not_block_or_lose_the_action(client, smtp_down, deliver, user):
    response = post_form(client, "/reset-password", {"email": user.email}, token_from="/reset-password")

    assert response.status_code == 200
    assert deliver() == (0, 1)
    [message] = queued_mail(user.email)
    assert message.status == OutboxMessage.PENDING


@pytest.mark.parametrize(
    "recipient",
    [
        "anna@example.com\r\nBcc: victim@example.com",
        "anna@example.com\nBcc: victim@example.com",
        "anna@example.com\rBcc: victim@example.com",
    ],
)
def test_queue_mail_refuses_a_line_break_in_the_address(ctx, user, recipient):
    with pytest.raises(ValueError):
        queue_mail(recipient, "password_changed", "lv", user=user, reset_url=RESET_URL)
    db.session.rollback()
    assert queued_mail() == []


@pytest.fixture
def template_with_name_in_subject(ctx, monkeypatch):
    """A mail template whose subject line shows a person's name, as a future template might."""
    loader = ChoiceLoader(
        [DictLoader({"email/named_subject.txt": "{{ user.display_name }} wrote to you\n\nHello.\n"}), ctx.jinja_loader]
    )
    monkeypatch.setattr(ctx, "jinja_loader", loader)
    return "named_subject"


def test_line_break_in_a_name_cannot_add_mail_headers(smtp_sink, deliver, template_with_name_in_subject):
    person = make_user(email="anna@example.com", display_name="Anna\r\nBcc: victim@example.com")

    message = queue_mail(person.email, template_with_name_in_subject, "en", user=person)
    db.session.commit()
    deliver()

    assert "\n" not in message.subject and "\r" not in message.subject
    assert [envelope.rcpt_tos for envelope in smtp_sink.messages] == [["anna@example.com"]]
    email = received(smtp_sink.messages[0])
    assert email["Bcc"] is None
    assert set(email.keys()) == {
        "From",
        "To",
        "Subject",
        "Date",
        "Message-ID",
        "Content-Language",
        "Content-Type",
        "MIME-Version",
    }


def test_a_message_that_cannot_be_built_does_not_block_the_others(smtp_sink, deliver, user):
    """Should a row ever bypass queue_mail: no header is injected, and the rest of the outbox still goes out."""
    broken = OutboxMessage(recipient=user.email, subject="Hi\nBcc: victim@example.com", body="Hello\n")
    db.session.add(broken)
    db.session.commit()
    fine = queue_password_changed(user)

    deliver()

    assert fine.status == OutboxMessage.SENT
    assert broken.status != OutboxMessage.SENT
    assert broken.last_error
    assert [envelope.rcpt_tos for envelope in smtp_sink.messages] == [[user.email]]
    assert received(smtp_sink.messages[0])["Bcc"] is None
