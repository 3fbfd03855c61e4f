"""Messages to volunteers without HTTP: who may write (× idea or activity), who gets them, what text is refused,
double clicks, the notification and its mail (through a real SMTP sink, with nobody else's address in it)."""

from datetime import timedelta
from email import message_from_bytes, policy
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.errors import NotAllowed
from app.extensions import db
from app.notifications.models import EmailFrequency, Notification
from app.notifications.services import URGENT_EVENTS, email_status, queue_immediate_notification_mail, update_settings
from app.outbox.services import deliver_due_mail
from app.volunteering.messages import BODY_MAX, MessageRefused, reach, recipients_of, send_message
from app.volunteering.models import VolunteerMessage
from tests.factories import make_activity, make_idea, make_role, make_signup, make_user
from tests.helpers import count, reloaded


@pytest.fixture
def scene(preili, author, resident, preili_moderator, aglona_moderator):
    """A published idea with two roles and its volunteers; an activity of the centre with one role and its volunteers."""
    idea = make_idea(author=author, centre=preili, state="published", title="Puķu dobes")
    bakers, diggers = make_role(idea=idea, name="Cepēji"), make_role(idea=idea, name="Racēji")
    anna = make_user(email="anna.v@example.com", display_name="Anna Volontiere")
    berta = make_user(email="berta.v@example.com", display_name="Berta Volontiere")
    waiting = make_user(email="waiting@example.com", display_name="Gaida")
    declined = make_user(email="declined@example.com", display_name="Atteikts")
    make_signup(bakers, anna, "accepted", decided_by=author)
    make_signup(diggers, anna, "accepted", decided_by=author)  # in two roles: one message all the same
    make_signup(diggers, berta, "accepted", decided_by=author)
    make_signup(bakers, waiting, "applied")
    make_signup(diggers, declined, "declined", decided_by=author)
    activity = make_activity(centre=preili, creator=preili_moderator, title="Talka")
    carriers = make_role(activity=activity, name="Nesēji")
    make_signup(carriers, berta, "accepted", decided_by=preili_moderator)
    return SimpleNamespace(
        idea=idea,
        bakers=bakers,
        diggers=diggers,
        activity=activity,
        carriers=carriers,
        author=author,
        resident=resident,
        moderator=preili_moderator,
        other_moderator=aglona_moderator,
        anna=anna,
        berta=berta,
        waiting=waiting,
    )


def sent(sender, project, body="Tiekamies sestdien 10:00 pie bibliotēkas.", role=None):
    message = send_message(sender, project, body, role=role)
    db.session.commit()
    return message


# who may write ---------------------------------------------------------------------------------------------------

WHO_MAY = [
    ("idea", "author", True),
    ("idea", "moderator", True),
    ("idea", "other_moderator", False),
    ("idea", "resident", False),
    ("idea", "anna", False),  # a volunteer does not write to the others
    ("activity", "moderator", True),
    ("activity", "author", False),  # the author of some idea is no coordinator of the activity
    ("activity", "other_moderator", False),
    ("activity", "berta", False),
]


@pytest.mark.parametrize(("kind", "who", "allowed"), WHO_MAY)
def test_who_may_write_to_the_volunteers(scene, kind, who, allowed):
    project = getattr(scene, kind)
    sender = getattr(scene, who)
    if allowed:
        assert sent(sender, project).id is not None
    else:
        with pytest.raises(NotAllowed):
            send_message(sender, project, "Sveiki!")
        db.session.rollback()
        assert count(VolunteerMessage) == 0


def test_an_idea_no_longer_published_and_a_cancelled_activity_take_no_messages(scene):
    scene.idea.state = "archived"
    scene.activity.state, scene.activity.cancel_reason = "cancelled", "Lietus"
    db.session.commit()
    for sender, project in ((scene.author, scene.idea), (scene.moderator, scene.activity)):
        with pytest.raises(NotAllowed):
            send_message(sender, project, "Sveiki!")
    db.session.rollback()
    assert count(VolunteerMessage) == 0


def test_a_held_activity_still_takes_a_thank_you_and_those_who_came_get_it(scene):
    scene.activity.state = "completed"
    db.session.commit()
    came = make_user(email="came@example.com")
    make_signup(scene.carriers, came, "attended", decided_by=scene.moderator, minutes=90)
    message = sent(scene.moderator, scene.activity, "Paldies visiem!")
    assert {user.id for user in message.recipients} == {scene.berta.id, came.id}


def test_a_role_of_another_project_is_refused(scene):
    with pytest.raises(NotAllowed):
        send_message(scene.author, scene.idea, "Sveiki!", role=scene.carriers)


# who gets it -----------------------------------------------------------------------------------------------------


def test_all_roles_reach_each_accepted_volunteer_once_and_nobody_else(scene):
    message = sent(scene.author, scene.idea)
    assert [user.id for user in reloaded(message).recipients] == sorted([scene.anna.id, scene.berta.id])
    notified = db.session.scalars(select(Notification.user_id).where(Notification.event == "volunteer_message")).all()
    assert sorted(notified) == sorted([scene.anna.id, scene.berta.id])


def test_one_role_reaches_only_its_accepted_volunteers(scene):
    message = sent(scene.author, scene.idea, role=scene.bakers)
    assert [user.id for user in reloaded(message).recipients] == [scene.anna.id]
    assert reloaded(message).role_id == scene.bakers.id


def test_deleted_and_suspended_volunteers_are_skipped(scene):
    scene.anna.suspended_at = scene.anna.created_at
    gone = make_user(email="gone@example.com")
    make_signup(scene.bakers, gone, "accepted", decided_by=scene.author)
    gone.deleted_at = gone.created_at
    db.session.commit()
    assert [user.id for user in recipients_of(scene.idea)] == [scene.berta.id]
    assert reach(scene.idea) == {None: 1, scene.diggers.id: 1}


def test_the_sender_is_never_a_recipient(scene):
    make_signup(scene.carriers, scene.anna, "accepted", decided_by=scene.moderator)
    # an admin coordinating the centre who also volunteers in the role
    helper = make_user(email="coordinating.volunteer@example.com", admin=True)
    make_signup(scene.carriers, helper, "accepted", decided_by=scene.moderator)
    message = sent(helper, scene.activity)
    assert helper.id not in {user.id for user in message.recipients}
    assert reach(scene.activity, sender=helper)[None] == 2


def test_nobody_to_write_to_is_said_clearly_and_nothing_is_saved(scene, app):
    empty = make_role(idea=scene.idea, name="Vēl neviena")
    with app.test_request_context(), force_locale("en"), pytest.raises(MessageRefused, match="nobody to write to"):
        send_message(scene.author, scene.idea, "Sveiki!", role=empty)
    db.session.rollback()
    assert count(VolunteerMessage) == 0
    assert count(Notification) == 0


# the text -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("", "write the message"),
        ("   \n\t ", "write the message"),
        ("x" * (BODY_MAX + 1), "under 2000 characters"),
        ("Sveiki\x00!", "cannot be saved"),
    ],
)
def test_empty_too_long_or_unsavable_text_is_refused(scene, app, body, says):
    with app.test_request_context(), force_locale("en"), pytest.raises(MessageRefused, match=says):
        send_message(scene.author, scene.idea, body)
    db.session.rollback()
    assert count(VolunteerMessage) == 0


def test_the_text_is_kept_trimmed_with_its_line_breaks(scene):
    message = sent(scene.author, scene.idea, "  Sveiki!\n\nLīdzi: cimdi.  \n")
    assert reloaded(message).body == "Sveiki!\n\nLīdzi: cimdi."


def test_the_longest_text_is_accepted(scene):
    assert len(sent(scene.author, scene.idea, "ā" * BODY_MAX).body) == BODY_MAX


# double clicks, audit, urgency ----------------------------------------------------------------------------------


def test_the_same_text_sent_twice_at_once_is_one_message_and_one_notification_each(scene):
    first = sent(scene.author, scene.idea, "Līdzi lāpstas!")
    again = sent(scene.author, scene.idea, "Līdzi lāpstas!")
    assert again.id == first.id
    assert count(VolunteerMessage) == 1
    assert count(Notification) == 2


def test_the_same_text_a_while_later_or_to_another_role_is_a_new_message(scene):
    first = sent(scene.author, scene.idea, "Līdzi lāpstas!")
    first.created_at -= timedelta(minutes=2)
    db.session.commit()
    assert sent(scene.author, scene.idea, "Līdzi lāpstas!").id != first.id
    assert sent(scene.author, scene.idea, "Līdzi lāpstas!", role=scene.bakers).role_id == scene.bakers.id
    assert count(VolunteerMessage) == 3


def test_the_audit_log_has_the_count_not_the_text(scene):
    sent(scene.moderator, scene.idea, "Slepens teksts XQ")
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "volunteers.messaged")).all()
    assert (entry.actor_id, entry.subject_type, entry.subject_id) == (scene.moderator.id, "Idea", scene.idea.id)
    assert entry.centre_id == scene.idea.centre_id
    assert entry.details == {"recipients": 2, "role": ""}
    assert "XQ" not in str(entry.details) + entry.reason


def test_the_message_is_urgent_for_people_with_a_digest_and_not_mailed_when_off():
    assert "volunteer_message" in URGENT_EVENTS
    assert email_status("volunteer_message", EmailFrequency.DAILY) == Notification.EMAIL_IMMEDIATE
    assert email_status("volunteer_message", EmailFrequency.OFF) == Notification.EMAIL_NONE


def test_the_mail_reaches_each_volunteer_alone_through_smtp(scene, smtp_sink):
    update_settings(scene.berta, EmailFrequency.DAILY, EmailFrequency.DAILY)  # urgent: mailed at once all the same
    scene.berta.language = "en"
    db.session.commit()
    message = sent(scene.author, scene.idea, "Tiekamies sestdien 10:00.\nLīdzi: cimdi.")
    assert queue_immediate_notification_mail() == 2
    db.session.commit()
    assert deliver_due_mail() == (2, 0)

    mails = {tuple(envelope.rcpt_tos): envelope for envelope in smtp_sink.messages}
    assert set(mails) == {(scene.anna.email,), (scene.berta.email,)}
    everyone = {scene.anna.email, scene.berta.email, scene.author.email, scene.waiting.email}
    for person in (scene.anna, scene.berta):
        envelope = mails[(person.email,)]
        raw = envelope.content.decode("utf-8", "replace")
        mail = message_from_bytes(envelope.content, policy=policy.default)
        assert mail["To"] == person.email
        assert mail["Reply-To"] is None and mail["Cc"] is None and mail["Bcc"] is None
        assert not [address for address in everyone - {person.email} if address in raw]
        body = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
        assert "Tiekamies sestdien 10:00.\nLīdzi: cimdi." in body
        assert "Anna B." in body or "Anna Bērziņa" in body  # the sender's public name
        assert "Puķu dobes" in mail["Subject"]
        assert f"/volunteer-messages/{message.id}" in body
    english = message_from_bytes(mails[(scene.berta.email,)].content, policy=policy.default).get_body(("plain",)).get_content()
    assert "Replies to this e-mail do not reach the sender" in english
