"""What a mail program sees of Kopiena's mail: Date and a Message-ID on BASE_URL's host, a text and an HTML part
saying the same (the HTML plain, accessible and escaped), one-click unsubscribe on notification mail only, one
SMTP connection per round of the worker, and readable mail on the development console."""

import re
import socket
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser

import pytest
from aiosmtpd.controller import Controller

from app.extensions import db
from app.notifications.models import EmailFrequency
from app.notifications.services import notify, queue_immediate_notification_mail, send_digest, update_settings
from app.outbox.models import OutboxMessage
from app.outbox.services import queue_mail
from tests.factories import make_comment, make_idea, make_user
from tests.helpers import RecordingHandler, free_port

BASE_URL = "https://kopiena.example.lv"


@pytest.fixture
def base_url(ctx):
    old = ctx.config["BASE_URL"]
    ctx.config["BASE_URL"] = BASE_URL
    yield BASE_URL
    ctx.config["BASE_URL"] = old


class SessionCountingHandler(RecordingHandler):
    """Keeps the messages, and the SMTP sessions (connections) they came on."""

    def __init__(self):
        super().__init__()
        self.sessions = []

    async def handle_DATA(self, server, session, envelope):
        if not any(seen is session for seen in self.sessions):
            self.sessions.append(session)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def counting_sink(ctx):
    """A real SMTP server that counts connections; the app sends to it during the test."""
    handler = SessionCountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    old = {key: ctx.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    ctx.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        yield handler
    finally:
        ctx.config.update(old)
        controller.stop()


def received(envelope):
    return message_from_bytes(envelope.content, policy=policy.default)


def text_of(mail):
    return mail.get_body(("plain",)).get_content()


def html_of(mail):
    return mail.get_body(("html",)).get_content()


class Page(HTMLParser):
    """What the HTML part has: its lang, title, links, tags, and its text as a reader would hear it."""

    def __init__(self, markup):
        super().__init__()
        self.lang = self.title = None
        self.links, self.tags, self.words, self.in_title = [], set(), [], False
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        self.lang = attrs.get("lang", self.lang) if tag == "html" else self.lang
        self.in_title = tag == "title"
        if tag == "a":
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title = data
        elif data.strip():
            self.words += data.split()


def notification_mail(smtp, deliver, author, commenter, title="Soliņi parkā"):
    idea = make_idea(author=author, title=title)
    notify("comment_new", [author], actor=commenter, idea=idea, comment=make_comment(idea, commenter, body="Es palīdzēšu."))
    db.session.commit()
    queue_immediate_notification_mail()
    db.session.commit()
    assert deliver() == (1, 0)
    return received(smtp.messages[-1]), idea


@pytest.fixture
def people(ctx):
    author = make_user(email="author@example.com", display_name="Ilze Autore", language="en")
    commenter = make_user(email="commenter@example.com", display_name="Jānis Komentētājs")
    update_settings(author, EmailFrequency.IMMEDIATELY, EmailFrequency.DAILY)
    return author, commenter


def test_every_mail_has_a_date_and_a_message_id_on_the_sites_domain(base_url, counting_sink, deliver, user):
    first = queue_mail(user.email, "password_changed", "lv", user=user, reset_url=BASE_URL + "/reset-password")
    second = queue_mail(user.email, "password_changed", "lv", user=user, reset_url=BASE_URL + "/reset-password")
    db.session.commit()

    assert deliver() == (2, 0)

    mails = [received(envelope) for envelope in counting_sink.messages]
    ids = [mail["Message-ID"] for mail in mails]
    assert all(re.fullmatch(r"<[^@<>\s]+@kopiena\.example\.lv>", message_id) for message_id in ids), ids
    assert len(set(ids)) == 2
    for mail, row in zip(mails, (first, second), strict=True):
        assert parsedate_to_datetime(mail["Date"]).replace(tzinfo=None) == row.created_at.replace(microsecond=0)


def test_a_message_sent_again_keeps_its_message_id(base_url, counting_sink, deliver, user):
    """At least once: should a message go out twice (a worker died after sending), mail programs see one message."""
    message = queue_mail(user.email, "password_changed", "lv", user=user, reset_url=BASE_URL + "/reset-password")
    db.session.commit()
    deliver()
    message.status = OutboxMessage.PENDING
    db.session.commit()
    deliver()

    first, again = (received(envelope) for envelope in counting_sink.messages)
    assert first["Message-ID"] == again["Message-ID"] and first["Date"] == again["Date"]


def test_a_mail_has_a_text_and_an_accessible_html_part_saying_the_same(base_url, counting_sink, deliver, people):
    author, commenter = people
    mail, idea = notification_mail(counting_sink, deliver, author, commenter)

    assert mail.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in mail.iter_parts()] == ["text/plain", "text/html"]
    text, html = text_of(mail), html_of(mail)
    page = Page(html)
    assert page.lang == "en" and mail["Content-Language"] == "en"
    assert page.title == mail["Subject"]
    assert not page.tags & {"table", "img", "style", "font", "script"}
    assert "color:" not in html and "style=" not in html and "bgcolor" not in html
    # the same words in both, and every address in the text is a link in the HTML
    assert page.words == [word for word in text.split() if word != "--"]  # "-- " marks the signature: a <footer>
    addresses = re.findall(r"https?://\S+", text)
    assert f"{BASE_URL}/ideas/{idea.id}#comment-" in " ".join(addresses)
    assert page.links == addresses


def test_user_text_is_escaped_in_the_html_part(base_url, counting_sink, deliver, people):
    author, _commenter = people
    attacker = make_user(email="attacker@example.com", display_name='<img src=x onerror="alert(1)">')
    mail, _idea = notification_mail(counting_sink, deliver, author, attacker, title="<script>alert(1)</script> & co")

    html = html_of(mail)
    page = Page(html)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert "script" not in page.tags and "img" not in page.tags
    assert "<script>alert(1)</script>" in text_of(mail)  # the text part stays plain text


def test_notification_mail_has_one_click_unsubscribe(base_url, counting_sink, deliver, people, client):
    author, commenter = people
    mail, _idea = notification_mail(counting_sink, deliver, author, commenter)

    address = re.fullmatch(r"<(https://kopiena\.example\.lv/unsubscribe/\S+)>", mail["List-Unsubscribe"])
    assert address, mail["List-Unsubscribe"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert address[1] in text_of(mail) and address[1] in Page(html_of(mail)).links
    # what a mail program does on "unsubscribe": one POST, no page, no cookie, no CSRF token
    response = client.post(address[1].removeprefix(BASE_URL), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.refresh(author)
    assert author.email_own_ideas == EmailFrequency.OFF
    assert author.email_other == EmailFrequency.DAILY  # the other preference is left alone


def test_the_digest_has_one_click_unsubscribe_too(base_url, counting_sink, deliver, people, client):
    author, commenter = people
    follower = make_user(email="follower@example.com", language="lv")
    update_settings(follower, EmailFrequency.IMMEDIATELY, EmailFrequency.DAILY)
    idea = make_idea(author=author)
    notify("idea_archived", [follower], actor=commenter, idea=idea)
    db.session.commit()
    assert send_digest(follower.id)
    db.session.commit()
    deliver()

    (envelope,) = counting_sink.messages
    mail = received(envelope)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Page(html_of(mail)).lang == "lv"
    path = mail["List-Unsubscribe"].strip("<>").removeprefix(BASE_URL)
    assert client.post(path).status_code == 200
    db.session.refresh(follower)
    assert (follower.email_own_ideas, follower.email_other) == (EmailFrequency.IMMEDIATELY, EmailFrequency.OFF)


def test_account_mail_has_no_unsubscribe(base_url, counting_sink, deliver, user):
    queue_mail(user.email, "password_changed", "lv", user=user, reset_url=BASE_URL + "/reset-password")
    db.session.commit()
    deliver()

    mail = received(counting_sink.messages[0])
    assert mail["List-Unsubscribe"] is None and mail["List-Unsubscribe-Post"] is None
    assert "/unsubscribe/" not in text_of(mail)


def test_one_connection_for_a_round_of_messages(base_url, counting_sink, deliver, user):
    for _ in range(5):
        queue_mail(user.email, "password_changed", "lv", user=user, reset_url=BASE_URL + "/reset-password")
    db.session.commit()

    assert deliver() == (5, 0)

    assert len(counting_sink.messages) == 5
    assert len(counting_sink.sessions) == 1


def test_a_connection_dropped_mid_round_is_opened_again(base_url, counting_sink, deliver, user, monkeypatch):
    from app.outbox import services

    for _ in range(3):
        queue_mail(user.email, "password_changed", "lv", user=user, reset_url=BASE_URL + "/reset-password")
    db.session.commit()
    send = services.MailConnection.send
    calls = []

    def drop_before_the_second(connection, email, message_id):
        calls.append(message_id)
        if len(calls) == 2:
            connection.smtp.sock.shutdown(socket.SHUT_RDWR)  # as if the server had hung up while idle
        send(connection, email, message_id)

    monkeypatch.setattr(services.MailConnection, "send", drop_before_the_second)

    assert deliver() == (3, 0)
    assert len(counting_sink.messages) == 3
    assert len(counting_sink.sessions) == 2


def test_a_refused_message_does_not_stop_the_rest(base_url, counting_sink, deliver, user):
    refused = make_user(email="refused@example.com")
    refused_address = refused.email  # read here: the handler runs in the SMTP server's thread
    queue_mail(refused.email, "password_changed", "lv", user=refused, reset_url=BASE_URL + "/reset-password")
    queue_mail(user.email, "password_changed", "lv", user=user, reset_url=BASE_URL + "/reset-password")
    db.session.commit()

    async def refuse_one(server, session, envelope, address, rcpt_options):
        if address == refused_address:
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    counting_sink.handle_RCPT = refuse_one

    assert deliver() == (1, 1)
    assert [envelope.rcpt_tos for envelope in counting_sink.messages] == [[user.email]]
    assert len(counting_sink.sessions) == 1
    row = db.session.query(OutboxMessage).filter_by(recipient=refused.email).one()
    assert row.status == OutboxMessage.PENDING and "550" in row.last_error


def test_development_console_shows_readable_utf8_mail(ctx, deliver, user, capsys):
    ctx.config["MAIL_SERVER"] = ""
    queue_mail(user.email, "password_changed", "lv", user=user, reset_url="https://kopiena.example.lv/reset-password")
    db.session.commit()

    assert deliver() == (1, 0)

    printed = capsys.readouterr().out
    assert "izvēlieties jaunu paroli" in printed  # Latvian, as written
    assert "https://kopiena.example.lv/reset-password" in printed
    assert "=C4" not in printed and "=?utf-8?" not in printed.lower() and "base64" not in printed
    assert "Subject: " in printed and "Message-ID: " in printed


def test_mail_queued_before_the_upgrade_is_still_sent_whole(base_url, counting_sink, deliver, user):
    """A row from before stored headers: all of its body is the text, in the site's default language."""
    db.session.add(OutboxMessage(recipient=user.email, subject="Sveiki", body="Labdien!\n\nContent-Language: en\nhttps://x\n"))
    db.session.commit()

    assert deliver() == (1, 0)

    mail = received(counting_sink.messages[0])
    assert text_of(mail).split() == ["Labdien!", "Content-Language:", "en", "https://x"]
    assert Page(html_of(mail)).lang == "lv" and mail["List-Unsubscribe"] is None
