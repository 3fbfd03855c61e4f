"""Urgent notifications: which events are mailed at once whatever the digest setting (only "off" stops them)."""

import pytest

from app.notifications.models import EmailFrequency, Notification
from app.notifications.services import EVENTS, URGENT_EVENTS, email_status, is_urgent, notify
from tests.factories import make_idea, make_user

#: the events that must reach people at once, written out here so that a change to the list is seen in review
URGENT = {
    "registration_promoted",
    "registration_moved_to_waiting",
    "activity_changed",
    "activity_cancelled",
    "activity_reminder",
    "signup_accepted",
    "signup_accepted_activity",
    "signup_declined_activity",
    "role_removed",
    "idea_changes_requested",
    "idea_declined",
    "volunteer_message",
}
IMMEDIATE, DIGEST, NONE = Notification.EMAIL_IMMEDIATE, Notification.EMAIL_DIGEST, Notification.EMAIL_NONE
#: setting -> what happens to an urgent and to an ordinary notification
TABLE = {
    EmailFrequency.IMMEDIATELY: (IMMEDIATE, IMMEDIATE),
    EmailFrequency.DAILY: (IMMEDIATE, DIGEST),
    EmailFrequency.OFF: (NONE, NONE),
}


def test_the_urgent_events_are_the_listed_ones_and_all_have_texts():
    assert URGENT_EVENTS == URGENT
    assert URGENT_EVENTS <= set(EVENTS)
    assert not is_urgent("comment_new") and not is_urgent("partnership_accepted") and is_urgent("registration_promoted")


@pytest.mark.parametrize("frequency", EmailFrequency.ALL)
@pytest.mark.parametrize("event", sorted(EVENTS))
def test_every_event_under_every_setting(event, frequency):
    urgent, ordinary = TABLE[frequency]
    assert email_status(event, frequency) == (urgent if event in URGENT else ordinary)


@pytest.mark.parametrize("frequency", EmailFrequency.ALL)
@pytest.mark.parametrize("event", ["registration_promoted", "signup_accepted_activity", "comment_new", "hours_recorded"])
def test_notify_stores_the_email_status_from_the_persons_everything_else_setting(ctx, event, frequency):
    person = make_user(email="valdis@example.com")
    person.email_other = frequency
    person.email_own_ideas = EmailFrequency.IMMEDIATELY  # not theirs: this setting does not count
    (notification,) = notify(event, [person])
    urgent, ordinary = TABLE[frequency]
    assert notification.email_status == (urgent if event in URGENT else ordinary)


@pytest.mark.parametrize("frequency", EmailFrequency.ALL)
@pytest.mark.parametrize("event", ["idea_changes_requested", "idea_published"])
def test_decisions_on_ones_own_idea_follow_the_own_ideas_setting(ctx, event, frequency):
    author = make_user(email="anna@example.com")
    author.email_own_ideas = frequency
    author.email_other = EmailFrequency.IMMEDIATELY
    (notification,) = notify(event, [author], idea=make_idea(author=author))
    urgent, ordinary = TABLE[frequency]
    assert notification.email_status == (urgent if event in URGENT else ordinary)
