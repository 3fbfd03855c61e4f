"""The person's own pages: /me (ideas, sign-ups, registrations, hours, the calendar address), my registrations,
the printable volunteer record; only one's own data, GET changes nothing, the calendar address made on POST."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.activities import registrations as registration_services
from app.activities.models import Activity, CalendarFeed, Registration
from app.extensions import db
from app.timeutil import utcnow
from tests.factories import make_activity, make_idea, make_registration, make_role, make_signup, make_user
from tests.factories_children import children
from tests.helpers import log_in, post_form, signed_in
from tests.statements import recorded_statements

EN = {"Accept-Language": "en"}


def text(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.fixture
def annas_activities(preili):
    """Anna's registrations (with her children, on a waiting list, attended), her hours as a volunteer, her idea and
    its role she applied for; someone else's alongside."""
    coordinator = make_user(email="dace@example.com", display_name="Dace Koordinatore", moderates=[preili])
    anna = make_user(email="anna@example.com", display_name="Anna Bērziņa", language="en", home_centre=preili)
    other = make_user(email="other@example.com", display_name="Pēteris Svešais", language="en")
    workshop = make_activity(preili, coordinator, title="Keramikas darbnīca", starts_in_days=5)
    full = make_activity(preili, coordinator, title="Pilna darbnīca", capacity=1, starts_in_days=8)
    past = make_activity(preili, coordinator, state="completed", title="Rudens talka", starts_in_days=-20)
    registration_services.register(anna, workshop, includes_self=True, companions=children("Elzīte", "Markuss"))
    registration_services.register(other, full)
    registration_services.register(anna, full)  # on the waiting list
    registration_services.register(other, workshop, companions=children("Svešs Bērns"))
    make_registration(past, anna, "attended")
    make_registration(past, other, "attended")
    role = make_role(activity=past, name="Tējas galda saimniece", places=3)
    idea = make_idea(author=anna, centre=preili, title="Soliņi Raiņa parkā")
    idea_role = make_role(idea=idea, name="Galdnieks", places=2)
    confirmed = utcnow() - timedelta(days=19)
    for person, minutes in ((anna, 150), (other, 600)):
        make_signup(
            role, person, "attended", decided_by=coordinator, decided_at=confirmed, minutes=minutes, attendance_at=confirmed
        )
    make_signup(idea_role, anna, "applied")
    return {
        "anna": anna,
        "other": other,
        "coordinator": coordinator,
        "workshop": workshop,
        "full": full,
        "past": past,
        "idea": idea,
    }


def feeds():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(CalendarFeed))


@pytest.mark.parametrize("path", ["/me", "/me/registrations", "/me/record"])
def test_the_pages_need_logging_in(client, annas_activities, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_my_page_shows_ideas_signups_registrations_and_hours(client, annas_activities):
    signed_in(client, annas_activities["anna"])
    response = client.get("/me", headers=EN)
    page = text(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert "You have written 1 idea." in page and 'href="/me/ideas"' in page
    assert "Keramikas darbnīca" in page and "Pilna darbnīca" in page and "On the waiting list" in page
    assert "Rudens talka" not in re.search(r'id="registrations".*?</section>', page, re.S).group(0)  # past
    assert 'href="/me/registrations"' in page
    assert "Tējas galda saimniece" in page and "Galdnieks" in page and "Waiting for an answer" in page
    assert 'href="/me/signups"' in page
    assert "Hours confirmed by the coordinators: 2.5" in page
    assert 'href="/me/record"' in page
    assert "Create my calendar address" in page
    assert "Edit profile" in page and "Notification settings" in page  # the account links stay
    assert "Elzīte" not in page and "Pēteris" not in page


def test_my_page_runs_a_fixed_number_of_statements(client, annas_activities):
    signed_in(client, annas_activities["anna"])
    client.get("/me")
    with recorded_statements(requests_only=True) as few:
        client.get("/me")
    for number in range(6):  # more of everything
        activity = make_activity(annas_activities["workshop"].centre, None, title=f"Darbnīca {number}", starts_in_days=number + 1)
        registration_services.register(annas_activities["anna"], activity)
        make_idea(author=annas_activities["anna"], centre=annas_activities["workshop"].centre, title=f"Ideja {number}")
    db.session.commit()
    with recorded_statements(requests_only=True) as many:
        client.get("/me")
    assert len(many) == len(few) <= 7, few


def test_getting_my_page_makes_no_calendar_address(client, annas_activities):
    signed_in(client, annas_activities["anna"])
    client.get("/me")
    client.get("/me")
    assert feeds() == 0


def test_create_renew_and_revoke_my_calendar_address(client, annas_activities):
    signed_in(client, annas_activities["anna"])
    response = post_form(client, "/me/calendar", token_from="/me")
    assert response.status_code == 302 and response.headers["Location"].endswith("/me#calendar")
    token = db.session.scalar(select(CalendarFeed.token))
    page = text(client.get("/me", headers=EN))
    site = client.application.config["BASE_URL"].split("://", 1)[1]  # on BASE_URL, whatever Host the page had
    assert f"/me/calendar/{token}.ics" in page and f"webcal://{site}/me/calendar/{token}.ics" in page
    assert "Create my calendar address" not in page
    post_form(client, "/me/calendar", token_from="/me")  # a second click keeps the address
    assert db.session.scalar(select(CalendarFeed.token)) == token
    assert client.get(f"/me/calendar/{token}.ics").status_code == 200

    post_form(client, "/me/calendar/renew", token_from="/me")
    renewed = db.session.scalar(select(CalendarFeed.token))
    assert renewed != token
    assert client.get(f"/me/calendar/{token}.ics").status_code == 404
    assert f"/me/calendar/{renewed}.ics" in text(client.get("/me"))

    post_form(client, "/me/calendar/revoke", token_from="/me")
    assert feeds() == 0
    assert client.get(f"/me/calendar/{renewed}.ics").status_code == 404
    assert "Create my calendar address" in text(client.get("/me", headers=EN))


def test_calendar_buttons_need_the_csrf_token(client, annas_activities):
    signed_in(client, annas_activities["anna"])
    assert client.post("/me/calendar", data={}).status_code == 400
    assert feeds() == 0


def test_my_registrations_upcoming_first_with_companions_and_cancel_buttons(client, annas_activities):
    signed_in(client, annas_activities["anna"])
    response = client.get("/me/registrations", headers=EN)
    page = text(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert page.index("Keramikas darbnīca") < page.index("Pilna darbnīca") < page.index("Rudens talka")
    assert "Elzīte, Ages 7–9; Markuss, Ages 7–9" in page  # my own companions
    assert "Svešs Bērns" not in page and "Pēteris" not in page
    assert "Registered" in page and "On the waiting list" in page and "Took part" in page
    mine = db.session.scalars(
        select(Registration).where(Registration.user_id == annas_activities["anna"].id).order_by(Registration.id)
    ).all()
    actions = re.findall(r'href="/registrations/(\d+)/cancel"', page)  # links to the page that asks first
    assert sorted(int(number) for number in actions) == sorted(r.id for r in mine if r.state in ("registered", "waiting"))
    assert "Leave the waiting list" in page and "Cancel my registration" in page


def test_cancelling_from_my_registrations(client, annas_activities):
    signed_in(client, annas_activities["anna"])
    registration = db.session.scalar(
        select(Registration).where(
            Registration.user_id == annas_activities["anna"].id, Registration.activity_id == annas_activities["workshop"].id
        )
    )
    response = post_form(client, f"/registrations/{registration.id}/cancel", token_from="/me/registrations")
    assert response.status_code == 302
    db.session.refresh(registration)
    assert registration.state == "cancelled"


def test_the_volunteer_record_shows_my_hours_and_who_confirmed_them(client, annas_activities):
    signed_in(client, annas_activities["anna"])
    response = client.get("/me/record", headers=EN)
    page = text(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert "Kopiena — Preiļi" in page and "Anna Bērziņa" in page
    assert "Rudens talka" in page and "Tējas galda saimniece" in page
    assert "Dace Koordinatore" in page
    assert 'volunteer-record__number">2.5<' in page and "confirmed by the coordinators: 2.5." in page
    assert "Activities I took part in" in page
    assert "Printed on" in page and "Print" in page
    assert "Pēteris" not in page and 'volunteer-record__number">10<' not in page  # not the other volunteer's
    assert "<script" not in page


def test_the_volunteer_record_of_someone_without_hours(client, annas_activities):
    annas_activities["coordinator"].language = "en"  # a signed-in person's own language wins over the browser's
    db.session.commit()
    log_in(client, annas_activities["coordinator"].email)
    page = text(client.get("/me/record", headers=EN))
    assert "No volunteer hours have been confirmed yet." in page
    assert "Anna" not in page and "Rudens talka" not in page


def test_seed_demo_adds_the_demo_activities_once_and_they_show_on_my_pages(client):
    runner = client.application.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "3 demo activities added." in result.output
    db.session.expire_all()
    activities = {activity.title: activity for activity in db.session.scalars(select(Activity))}
    workshop = activities["Keramikas darbnīca: puķu podi dienas centram"]
    assert workshop.state == "open" and workshop.idea is not None and workshop.registered_count == 4
    assert workshop.starts_at > utcnow()
    clean_up = activities["Rudens talka Raiņa parkā"]
    assert clean_up.state == "completed" and clean_up.outcome and clean_up.starts_at < utcnow()
    assert activities["Remontu kafejnīca: pirmā tikšanās"].state == "planned"

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "0 demo activities added." in result.output
    assert db.session.scalar(select(func.count()).select_from(Activity)) == 3

    log_in(client, "marija@kopiena.example", "kopiena-demo-parole")
    page = text(client.get("/me/record", headers=EN))
    assert "Tējas galda saimniece" in page and "3,5" in page and "Koordinatore Dace (Preiļi)" in page  # in Latvian
    anna = client.application.test_client()
    log_in(anna, "anna@kopiena.example", "kopiena-demo-parole")
    assert "Keramikas darbnīca" in text(anna.get("/me"))
    assert "Elza, 7–9 gadi; Markuss, Pirmsskola (līdz 6 gadiem)" in text(anna.get("/me/registrations"))
