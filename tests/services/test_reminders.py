"""Reminders the day before (`flask send-reminders`): who is reminded of what, once, and mailed at once."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.activities import services
from app.extensions import db
from app.notifications.models import EmailFrequency, Notification
from app.timeutil import utcnow
from tests.factories import make_activity, make_centre, make_registration, make_role, make_signup, make_user

RIGA = "Europe/Riga"
#: 14:00 in Riga on 25 November 2026 (winter time, UTC+2)
NOW = datetime(2026, 11, 25, 12, 0)


def at(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute)


def activity_at(centre, starts_at, state="open", title="Keramikas darbnīca"):
    activity = make_activity(centre, None, state=state, title=title)
    activity.starts_at, activity.ends_at = starts_at, starts_at + timedelta(hours=3)
    db.session.commit()
    return activity


def volunteer(activity, user, state="accepted", decider=None):
    """The person's sign-up for a role of the activity of its own."""
    return make_signup(make_role(activity=activity, name="Palīgs", places=3), user, state, decided_by=decider)


def reminders():
    db.session.expire_all()
    return db.session.scalars(
        select(Notification).where(Notification.event == "activity_reminder").order_by(Notification.id)
    ).all()


@pytest.fixture
def tomorrows_activities(preili):
    """Tomorrow's activity (two registered, one waiting, one cancelled; an accepted and an applied volunteer), one the
    day after and a cancelled one tomorrow, each with its people; all by name in "people"."""
    people = {
        name: make_user(email=f"{name}@example.com", display_name=name.title())
        for name in ("anna", "valdis", "waiting", "cancelled", "helper", "applied", "later", "off")
    }
    coordinator = make_user(email="dace@example.com", display_name="Dace", moderates=[preili])
    # tomorrow in Riga is 26 November: from 25 Nov 22:00 to 26 Nov 22:00 UTC
    tomorrow = activity_at(preili, at(2026, 11, 26, 8))
    make_registration(tomorrow, people["anna"])
    make_registration(tomorrow, people["valdis"])
    make_registration(tomorrow, people["waiting"], "waiting")
    make_registration(tomorrow, people["cancelled"], "cancelled")
    volunteer(tomorrow, people["helper"], decider=coordinator)
    volunteer(tomorrow, people["applied"], "applied")
    after = activity_at(preili, at(2026, 11, 27, 8), title="Parīt")
    make_registration(after, people["later"])
    cancelled = activity_at(preili, at(2026, 11, 26, 9), state="cancelled", title="Atcelta")
    make_registration(cancelled, people["off"], "registered")
    return {"people": people, "tomorrow": tomorrow, "after": after, "cancelled": cancelled}


def test_tomorrow_is_the_local_date_in_riga():
    assert services.tomorrow_in_utc(NOW, RIGA) == (at(2026, 11, 25, 22), at(2026, 11, 26, 22))
    # 23:30 in Riga on 25 November is already 21:30 UTC; 00:30 on the 26th is 22:30 UTC on the 25th
    assert services.tomorrow_in_utc(at(2026, 11, 25, 21, 30), RIGA)[0] == at(2026, 11, 25, 22)
    assert services.tomorrow_in_utc(at(2026, 11, 25, 22, 30), RIGA)[0] == at(2026, 11, 26, 22)
    # summer time (UTC+3)
    assert services.tomorrow_in_utc(at(2026, 7, 1, 12), RIGA) == (at(2026, 7, 1, 21), at(2026, 7, 2, 21))


def test_people_registered_and_accepted_volunteers_of_tomorrow_are_reminded_once(tomorrows_activities):
    made = services.send_reminders(RIGA, now=NOW)
    db.session.commit()

    assert made == 3
    found = reminders()
    assert sorted(n.user.display_name for n in found) == ["Anna", "Helper", "Valdis"]
    assert {n.activity_id for n in found} == {tomorrows_activities["tomorrow"].id}
    assert services.send_reminders(RIGA, now=NOW + timedelta(hours=1)) == 0
    db.session.commit()
    assert len(reminders()) == 3


def test_activities_tomorrow_start_at_midnight_local_time(ctx):
    centre = make_centre()
    anna = make_user(display_name="Anna")
    early = activity_at(centre, at(2026, 11, 25, 22, 0), title="Pusnakts")  # 00:00 on the 26th in Riga
    late = activity_at(centre, at(2026, 11, 25, 21, 59), title="Šovakar")  # 23:59 on the 25th in Riga
    make_registration(early, anna)
    make_registration(late, make_user(display_name="Valdis"))
    assert services.send_reminders(RIGA, now=NOW) == 1
    assert [n.activity_id for n in reminders()] == [early.id]


def test_urgent_reminders_are_mailed_at_once_even_to_daily_digest_readers(tomorrows_activities):
    anna = tomorrows_activities["people"]["anna"]
    anna.email_other = EmailFrequency.DAILY
    tomorrows_activities["people"]["valdis"].email_other = EmailFrequency.OFF
    db.session.commit()
    services.send_reminders(RIGA, now=NOW)
    db.session.commit()
    status = {n.user.display_name: n.email_status for n in reminders()}
    assert status["Anna"] == Notification.EMAIL_IMMEDIATE
    assert status["Valdis"] == Notification.EMAIL_NONE  # e-mail off stays off


def test_the_send_reminders_command(tomorrows_activities, ctx):
    day_start, day_end = services.tomorrow_in_utc(utcnow(), RIGA)
    for name, starts_at in (
        ("tomorrow", day_start + timedelta(hours=10)),
        ("after", day_end + timedelta(hours=10)),
        ("cancelled", day_start + timedelta(hours=11)),
    ):
        tomorrows_activities[name].starts_at, tomorrows_activities[name].ends_at = starts_at, starts_at + timedelta(hours=2)
    db.session.commit()
    runner = ctx.test_cli_runner()

    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "3 reminder(s) made" in result.output
    assert len(reminders()) == 3
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "0 reminder(s) made" in result.output
    assert len(reminders()) == 3
