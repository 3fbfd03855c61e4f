"""Urgent news by mail: a person who reads a daily digest gets "a place freed up" at the next `flask send-mail`,
and not a second time in the digest."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.activities.models import Registration
from app.extensions import db
from app.notifications.models import EmailFrequency
from app.timeutil import utcnow
from tests.factories import make_activity, make_registration, make_user
from tests.helpers import post_form, queued_mail, signed_in

EN = {"Accept-Language": "en"}


@pytest.fixture
def run_ok(ctx):
    """Run a flask command as `flask …` would; it must succeed."""
    runner = ctx.test_cli_runner()

    def invoke(*args):
        result = runner.invoke(args=list(args))
        db.session.expire_all()
        assert result.exit_code == 0, result.output
        return result

    return invoke


@pytest.fixture
def waiting_digest_reader(preili):
    """A one-place activity: Anna holds the place, Valdis (daily digest for everything else) waits."""
    activity = make_activity(centre=preili, title="Maza darbnīca", capacity=1)
    anna = make_user(email="anna@example.com", display_name="Anna Bērziņa", language="en")
    valdis = make_user(email="valdis@example.com", display_name="Valdis Ozols", language="en")
    valdis.email_other = EmailFrequency.DAILY
    valdis.email_own_ideas = EmailFrequency.DAILY
    make_registration(activity, anna)
    make_registration(activity, valdis, state="waiting", created_at=utcnow() - timedelta(minutes=5))
    db.session.commit()
    return activity, anna, valdis


def test_a_digest_reader_moved_up_from_the_waiting_list_is_mailed_at_once_and_only_once(client, run_ok, waiting_digest_reader):
    activity, anna, valdis = waiting_digest_reader
    signed_in(client, anna)
    registration = db.session.scalar(select(Registration).where(Registration.user_id == anna.id))
    response = post_form(client, f"/registrations/{registration.id}/cancel", token_from=f"/activities/{activity.id}", headers=EN)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Registration.state).where(Registration.user_id == valdis.id)) == "registered"

    run_ok("send-mail")
    (mail,) = queued_mail("valdis@example.com")
    assert "A place became free: you are now registered for “Maza darbnīca”" in mail.subject + mail.body

    run_ok("send-digests")
    run_ok("send-mail")
    assert len(queued_mail("valdis@example.com")) == 1  # not again in the digest


def test_off_stops_even_urgent_mail_but_the_notification_is_on_the_site(client, run_ok, waiting_digest_reader):
    activity, anna, valdis = waiting_digest_reader
    valdis.email_other = EmailFrequency.OFF  # "off" stops even urgent news
    db.session.commit()
    signed_in(client, anna)
    registration = db.session.scalar(select(Registration).where(Registration.user_id == anna.id))
    post_form(client, f"/registrations/{registration.id}/cancel", token_from=f"/activities/{activity.id}", headers=EN)
    run_ok("send-mail")
    run_ok("send-digests")
    assert queued_mail("valdis@example.com") == []
    page = client.application.test_client()
    signed_in(page, valdis)
    assert "A place became free" in page.get("/me/notifications", headers=EN).get_data(as_text=True)


def test_the_settings_page_says_urgent_news_comes_at_once_in_both_languages(client, ctx):
    latvian = client.application.test_client()
    signed_in(latvian, make_user(email="liga@example.com", language="lv"))
    page = latvian.get("/me/notifications/settings").get_data(as_text=True)
    assert "Steidzamas ziņas — jums atbrīvojās vieta" in page and "ja izvēlējāties „Nekad”" in page
    signed_in(client, make_user(email="laura@example.com", language="en"))
    page = client.get("/me/notifications/settings").get_data(as_text=True)
    assert "Urgent news — a place freed up for you, you were accepted" in page and "Only “Never” stops it." in page
