"""Notifications: who gets them, how they are mailed (at once, in a daily digest, or not), in which
language, with which links, and that nothing user-written can break a mail."""

from email import message_from_bytes, policy

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.notifications import messages
from app.notifications.models import EmailFrequency, Notification
from app.notifications.services import (
    EVENTS,
    mark_all_read,
    notify,
    queue_immediate_notification_mail,
    update_settings,
)
from app.outbox.models import OutboxMessage
from app.timeutil import utcnow
from tests.factories import make_activity, make_comment, make_idea, make_user
from tests.helpers import queued_mail

BASE_URL = "https://kopiena.example.lv"


@pytest.fixture
def base_url(ctx):
    old = ctx.config["BASE_URL"]
    ctx.config["BASE_URL"] = BASE_URL
    yield BASE_URL
    ctx.config["BASE_URL"] = old


@pytest.fixture
def run_ok(ctx):
    """Run a flask command in the test's app context, as `flask …` would; it must succeed."""
    runner = ctx.test_cli_runner()

    def invoke(*args):
        result = runner.invoke(args=list(args))
        db.session.expire_all()
        assert result.exit_code == 0, result.output
        return result

    return invoke


@pytest.fixture
def author_follower_commenter(ctx):
    """Anna who writes the idea, Valdis who follows it (reading English) and Marija who comments."""
    author = make_user(email="author@example.com", display_name="Anna Autore")
    follower = make_user(email="follower@example.com", display_name="Valdis Sekotājs", language="en")
    commenter = make_user(email="commenter@example.com", display_name="Marija Komentētāja")
    return author, follower, commenter


def notifications_of(user):
    db.session.expire_all()
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)).all()


def received(envelope):
    return message_from_bytes(envelope.content, policy=policy.default)


# notify() -------------------------------------------------------------------------------------------


def test_notify_skips_the_actor_duplicates_and_suspended_people(author_follower_commenter):
    author, follower, commenter = author_follower_commenter
    suspended = make_user(email="suspended@example.com", suspended=True)
    idea = make_idea(author=author)
    comment = make_comment(idea, commenter)

    added = notify(
        "comment_new",
        [author, follower, commenter, follower, author, suspended, None],
        actor=commenter,
        idea=idea,
        comment=comment,
    )
    db.session.commit()

    assert sorted(n.user_id for n in added) == sorted([author.id, follower.id])
    assert notifications_of(commenter) == []
    assert notifications_of(suspended) == []
    assert len(notifications_of(follower)) == 1


@pytest.mark.parametrize("first, second", [("comment_new", "comment_reply"), ("comment_reply", "comment_new")])
def test_one_comment_gives_a_person_one_notification_of_the_more_specific_kind(author_follower_commenter, first, second):
    """The replied-to person who also follows the idea hears once: that someone replied to them."""
    author, follower, commenter = author_follower_commenter
    idea = make_idea(author=author)
    parent = make_comment(idea, follower)
    reply = make_comment(idea, commenter, parent=parent)

    notify(first, [follower, author], actor=commenter, idea=idea, comment=reply)
    notify(second, [follower, author], actor=commenter, idea=idea, comment=reply)
    db.session.commit()

    assert [n.event for n in notifications_of(follower)] == ["comment_reply"]
    assert [n.event for n in notifications_of(author)] == [
        "comment_reply" if first == "comment_reply" or second == "comment_reply" else "comment_new"
    ]


def test_email_status_follows_the_settings_for_own_ideas_and_for_the_rest(author_follower_commenter):
    author, follower, commenter = author_follower_commenter
    idea = make_idea(author=author)
    other_idea = make_idea(author=commenter)

    defaults = notify("idea_published", [author], actor=commenter, idea=idea)
    about_others = notify("idea_promoted", [author], actor=commenter, idea=other_idea)
    update_settings(author, EmailFrequency.DAILY, EmailFrequency.IMMEDIATELY)
    after_change = notify("comment_new", [author], actor=commenter, idea=idea, comment=make_comment(idea, commenter))
    follower_default = notify("comment_new", [follower], actor=commenter, idea=idea)
    update_settings(follower, EmailFrequency.OFF, EmailFrequency.OFF)
    follower_off = notify("idea_archived", [follower], actor=commenter, idea=idea)
    db.session.commit()

    assert defaults[0].email_status == Notification.EMAIL_IMMEDIATE  # own idea: immediately by default
    assert about_others[0].email_status == Notification.EMAIL_DIGEST  # the rest: daily by default
    assert after_change[0].email_status == Notification.EMAIL_DIGEST
    assert follower_default[0].email_status == Notification.EMAIL_DIGEST
    assert follower_off[0].email_status == Notification.EMAIL_NONE
    # A change applies to new notifications only: the one already waiting keeps its way.
    assert defaults[0].email_status == Notification.EMAIL_IMMEDIATE


def test_settings_refuse_unknown_values(author_follower_commenter):
    with pytest.raises(ValueError):
        update_settings(author_follower_commenter[0], "hourly", EmailFrequency.OFF)


def test_mark_all_read_marks_only_the_persons_own(author_follower_commenter):
    author, follower, commenter = author_follower_commenter
    idea = make_idea(author=commenter)
    notify("idea_archived", [author, follower], actor=commenter, idea=idea)
    db.session.commit()

    assert mark_all_read(author) == 1
    db.session.commit()

    assert [n.read_at is not None for n in notifications_of(author)] == [True]
    assert [n.read_at is not None for n in notifications_of(follower)] == [False]


# Texts and links -------------------------------------------------------------------------------------


def test_every_event_has_a_text_with_the_title_and_the_actor(author_follower_commenter, app):
    author, follower, commenter = author_follower_commenter
    idea = make_idea(author=author, title="Soliņi parkā")
    comment = make_comment(idea, commenter)
    assert set(messages.TEXTS) == set(EVENTS)
    for event in EVENTS:
        about_organisation = event.startswith(("representation_", "organisation_"))  # about an organisation only
        notification = notify(
            event,
            [author],
            actor=commenter,
            idea=None if about_organisation else idea,
            comment=comment,
            reason="Par īsu",
            organisation="Preiļu skola",
        )[0]
        db.session.flush()
        with app.test_request_context(), force_locale("en"):
            text = messages.describe(notification)
        assert ("Preiļu skola" if about_organisation else "Soliņi parkā") in text, event
        if event.startswith("comment"):
            assert "Marija Komentētāja" in text
        if event in ("idea_declined", "idea_changes_requested"):
            assert "Par īsu" in text
        db.session.rollback()


def test_author_and_followers_are_told_in_their_own_words(author_follower_commenter, app):
    author, follower, commenter = author_follower_commenter
    idea = make_idea(author=author, title="Dārzs")
    to_author, to_follower = notify("idea_promoted", [author, follower], actor=commenter, idea=idea)
    db.session.flush()
    with app.test_request_context(), force_locale("en"):
        assert messages.describe(to_author) == "Your idea “Dārzs” became a centre activity"
        assert messages.describe(to_follower) == "The idea “Dārzs” became a centre activity"


def test_link_leads_to_the_idea_and_to_the_comment(author_follower_commenter, app):
    author, _follower, commenter = author_follower_commenter
    idea = make_idea(author=author)
    comment = make_comment(idea, commenter)
    about_comment = notify("comment_new", [author], actor=commenter, idea=idea, comment=comment)[0]
    about_idea = notify("idea_archived", [author], actor=commenter, idea=idea)[0]
    db.session.commit()

    with app.test_request_context():
        assert messages.link(about_comment) == f"/ideas/{idea.id}#comment-{comment.id}"
        assert messages.link(about_idea) == f"/ideas/{idea.id}"


def test_long_reasons_and_line_breaks_stay_on_one_line(author_follower_commenter, app):
    author, _follower, commenter = author_follower_commenter
    idea = make_idea(author=author, title="Divas\nrindas")
    notification = notify("idea_declined", [author], actor=commenter, idea=idea, reason="ļoti " * 100)[0]
    db.session.flush()
    with app.test_request_context(), force_locale("en"):
        text = messages.describe(notification)
    assert "\n" not in text
    assert "“Divas rindas”" in text
    assert len(text) < 200
    assert text.endswith("…")


# Immediate mail -------------------------------------------------------------------------------------


def test_immediate_notification_is_mailed_once_by_send_mail_in_the_persons_language(
    author_follower_commenter, run_ok, smtp_sink, base_url, app
):
    author, follower, commenter = author_follower_commenter
    idea = make_idea(author=author, title="Soliņi parkā")
    comment = make_comment(idea, commenter, body="Es palīdzēšu ar krāsošanu.")
    update_settings(follower, EmailFrequency.IMMEDIATELY, EmailFrequency.IMMEDIATELY)
    notify("comment_new", [author, follower], actor=commenter, idea=idea, comment=comment)
    db.session.commit()

    result = run_ok("send-mail")

    assert "2 notification mail(s) queued" in result.output
    assert "2 sent, 0 failed" in result.output
    mails = {tuple(envelope.rcpt_tos): received(envelope) for envelope in smtp_sink.messages}
    assert set(mails) == {(author.email,), (follower.email,)}
    stored = {n.user_id: n for n in db.session.scalars(select(Notification))}
    for person in (author, follower):
        mail = mails[(person.email,)]
        with app.test_request_context(), force_locale(person.language):
            expected_subject = messages.describe(stored[person.id])
        assert mail["Subject"] == expected_subject
        body = mail.get_body(("plain",)).get_content()
        link = f"{BASE_URL}/ideas/{idea.id}#comment-{comment.id}"
        assert link in body
        assert f"{BASE_URL}/me/notifications/settings" in body
        assert "Es palīdzēšu ar krāsošanu." in body
        assert stored[person.id].email_status == Notification.EMAIL_DONE
    # each in the person's language: the Latvian author is greeted in Latvian, the English follower in English
    assert "Labdien!" in mails[(author.email,)].get_body(("plain",)).get_content()
    assert "Hello Valdis Sekotājs," in mails[(follower.email,)].get_body(("plain",)).get_content()

    again = run_ok("send-mail")
    assert "queued" not in again.output
    assert len(smtp_sink.messages) == 2


def test_notification_mail_link_opens_the_idea(author_follower_commenter, run_ok, base_url, client):
    """The absolute link in the mail leads to the idea's page (once the ideas pages exist)."""
    author, _follower, commenter = author_follower_commenter
    idea = make_idea(author=author)
    notify("idea_published", [author], actor=commenter, idea=idea)
    db.session.commit()

    run_ok("send-mail")

    (mail,) = queued_mail(author.email)
    assert mail.body.count(BASE_URL + f"/ideas/{idea.id}") == 1
    path = "/ideas/" + mail.body.split(BASE_URL + "/ideas/", 1)[1].split()[0]
    if "ideas.idea_detail" not in client.application.view_functions:
        pytest.skip("the idea pages are not there yet")
    assert client.get(path).status_code == 200


def test_people_with_off_get_no_mail_but_see_it_in_the_app(author_follower_commenter, run_ok):
    author, _follower, commenter = author_follower_commenter
    update_settings(author, EmailFrequency.OFF, EmailFrequency.OFF)
    idea = make_idea(author=author)
    notify("idea_published", [author], actor=commenter, idea=idea)
    db.session.commit()

    run_ok("send-mail")
    run_ok("send-digests")

    assert queued_mail() == []
    assert len(notifications_of(author)) == 1


def test_suspended_people_get_no_mail(author_follower_commenter, run_ok):
    author, follower, commenter = author_follower_commenter
    idea = make_idea(author=author)
    notify("idea_published", [author], actor=commenter, idea=idea)
    notify("idea_archived", [follower], actor=commenter, idea=idea)
    db.session.commit()
    for person in (author, follower):
        person.suspended_at = utcnow()
    db.session.commit()

    run_ok("send-mail")
    run_ok("send-digests")

    assert queued_mail() == []
    assert {n.email_status for n in db.session.scalars(select(Notification))} == {Notification.EMAIL_NONE}


def test_titles_and_names_cannot_add_mail_headers_and_stay_plain_text(author_follower_commenter, deliver, smtp_sink, base_url):
    author, _follower, _commenter = author_follower_commenter
    attacker = make_user(email="attacker@example.com", display_name="<script>alert(1)</script>\nBcc: x@evil.example")
    idea = make_idea(author=author, title="Title\r\nBcc: victim@evil.example\n<b>bold</b> & <script>x</script>")
    notify("comment_new", [author], actor=attacker, idea=idea, comment=make_comment(idea, attacker))
    db.session.commit()

    queue_immediate_notification_mail()
    db.session.commit()
    assert deliver() == (1, 0)

    (envelope,) = smtp_sink.messages
    assert envelope.rcpt_tos == [author.email]
    mail = received(envelope)
    assert "\n" not in mail["Subject"] and "\r" not in mail["Subject"]
    assert mail["Bcc"] is None
    assert "<script>alert(1)</script>" in mail["Subject"]
    body = mail.get_body(("plain",)).get_content()
    assert "<b>bold</b> & <script>x</script>" in body  # plain text: nothing escaped, nothing interpreted
    assert "&lt;" not in body and "&amp;" not in body


# Digests -------------------------------------------------------------------------------------------


def test_digest_is_one_mail_grouped_by_idea_with_each_item_once(author_follower_commenter, run_ok, base_url):
    author, follower, commenter = author_follower_commenter
    second_author = make_user(email="second@example.com", display_name="Jānis")
    garden = make_idea(author=author, title="Kopienas dārzs")
    benches = make_idea(author=second_author, title="Soliņi parkā")
    first = make_comment(garden, commenter, body="Pirmais")
    second = make_comment(garden, author, body="Otrais")
    notify("comment_new", [follower], actor=commenter, idea=garden, comment=first)
    notify("comment_new", [follower], actor=author, idea=garden, comment=second)
    notify("idea_promoted", [follower], actor=commenter, idea=benches)
    notify("comment_new", [follower], actor=commenter, idea=garden, comment=first)  # the same comment again
    notify("idea_archived", [follower], actor=commenter, idea=garden)
    db.session.commit()

    result = run_ok("send-digests")

    assert "1 digest(s) queued" in result.output
    (mail,) = queued_mail()
    assert mail.recipient == follower.email
    assert mail.subject == "Kopiena: 4 new notifications"  # the follower reads English
    body = mail.body
    assert body.count("Kopienas dārzs\n--------------") == 1
    assert body.count("Soliņi parkā\n------------") == 1
    garden_part = body[body.index("Kopienas dārzs\n") : body.index("Soliņi parkā\n")]
    assert garden_part.count("Marija Komentētāja commented on the idea “Kopienas dārzs”") == 1
    assert garden_part.count("Anna Autore commented on the idea “Kopienas dārzs”") == 1
    assert garden_part.count("The idea “Kopienas dārzs” was archived") == 1
    assert body.count(f"{BASE_URL}/ideas/{garden.id}#comment-{first.id}") == 1
    assert body.count("became a centre activity") == 1
    assert f"{BASE_URL}/ideas/{benches.id}" in body
    assert db.session.get(User, follower.id).last_digest_at is not None
    assert (
        db.session.scalar(
            select(func.count()).select_from(Notification).where(Notification.email_status == Notification.EMAIL_DIGEST)
        )
        == 0
    )

    second_run = run_ok("send-digests")
    assert "0 digest(s) queued" in second_run.output
    assert len(queued_mail()) == 1


def test_digest_puts_news_of_an_activity_under_its_title_not_under_other_news(author_follower_commenter, run_ok):
    author, follower, commenter = author_follower_commenter
    workshop = make_activity(title="Keramikas darbnīca")
    garden = make_idea(author=author, title="Kopienas dārzs")
    notify("comment_new_activity", [follower], actor=commenter, activity=workshop)
    notify("idea_archived", [follower], actor=commenter, idea=garden)
    db.session.commit()

    run_ok("send-digests")

    (mail,) = queued_mail()
    assert mail.body.count("Keramikas darbnīca\n------------------") == 1
    assert mail.body.count("Kopienas dārzs\n--------------") == 1
    assert "Other news" not in mail.body


def test_digest_is_in_the_persons_language_and_send_mail_does_not_send_digest_items(author_follower_commenter, run_ok):
    author, _follower, commenter = author_follower_commenter  # the author reads Latvian
    update_settings(author, EmailFrequency.DAILY, EmailFrequency.DAILY)
    idea = make_idea(author=author, title="Dārzs")
    notify("idea_published", [author], actor=commenter, idea=idea)
    db.session.commit()

    run_ok("send-mail")
    assert queued_mail() == []

    run_ok("send-digests")
    (mail,) = queued_mail()
    assert "Labdien!" in mail.body
    assert mail.status == OutboxMessage.PENDING
