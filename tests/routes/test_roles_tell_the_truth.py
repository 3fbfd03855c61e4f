"""Volunteer roles and activities tell the truth (issue 13, item 2): a full role takes no new offers (the button
gives way to "All places are taken", a forged POST is refused with that message and adds nothing, automatic roles
too, and of two people at once for the last place one gets it); completed or cancelled activities show no
"Volunteers wanted" and no free places; moving an activity moves its roles' shifts (the printable record shows the
new date); the waiting list says the queue position, never "you take part"."""

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.activities import services as activity_services
from app.extensions import db
from app.i18n import format_date
from app.volunteering import services
from app.volunteering.models import SignUp, VolunteerRole
from tests.factories import make_activity, make_idea, make_registration, make_role, make_signup, make_user
from tests.helpers import count, html, post_form, reloaded, run_at_once, signed_in

EN = {"Accept-Language": "en"}
RIGA = ZoneInfo("Europe/Riga")


@pytest.fixture
def people(preili):
    """Preiļi's coordinator, and Anna and Valdis (English) and Līga (Latvian), residents."""
    return {
        "preili": preili,
        "coordinator": make_user(email="mod@example.com", display_name="Dace", moderates=[preili], language="en"),
        "anna": make_user(email="anna@example.com", display_name="Anna Bērziņa", language="en"),
        "valdis": make_user(email="valdis@example.com", display_name="Valdis Ozols", language="en"),
        "liga": make_user(email="liga@example.com", display_name="Līga Kalna", language="lv"),
    }


def full_activity_role(people, auto_accept=False):
    """An open activity with a role of one place, already taken by Valdis."""
    activity = make_activity(centre=people["preili"], creator=people["coordinator"], title="Talka parkā")
    role = make_role(activity=activity, name="Grābējs", places=1, auto_accept=auto_accept)
    make_signup(role, people["valdis"], "accepted", decided_by=people["coordinator"])
    return activity, role


# A full role ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("auto_accept", [False, True])
def test_a_full_role_shows_no_button_and_refuses_a_forged_offer(client, people, auto_accept):
    activity, role = full_activity_role(people, auto_accept)
    signed_in(client, people["anna"])
    page = html(client.get(f"/activities/{activity.id}", headers=EN))
    assert "Grābējs" in page and "0 of 1 places free" in page
    assert "All places are taken." in page and "This role takes no more offers of help." in page
    assert "I want to help" not in page and f"/roles/{role.id}/apply" not in page

    response = post_form(client, f"/roles/{role.id}/apply", {"message": "Es varu!"}, token_from=f"/activities/{activity.id}")
    assert response.status_code == 302
    page = html(client.get(response.headers["Location"], headers=EN))
    assert "All places in this role are taken, so it takes no more offers of help." in page
    assert "The organiser will answer" not in page
    assert count(SignUp) == 1 and reloaded(role).accepted_count == 1


def test_a_full_role_in_latvian_and_for_a_visitor(client, people):
    activity, role = full_activity_role(people)
    page = html(client.get(f"/activities/{activity.id}", headers=EN))
    assert "All places are taken." in page and "Log in to offer your help" not in page
    signed_in(client, people["liga"])
    page = html(client.get(f"/activities/{activity.id}"))
    assert "Visas vietas ir aizņemtas." in page and "Šajā lomā palīdzības piedāvājumus vairs nepieņem." in page
    response = post_form(client, f"/roles/{role.id}/apply", token_from=f"/activities/{activity.id}")
    assert "Visas šīs lomas vietas ir aizņemtas" in html(client.get(response.headers["Location"]))


def test_a_full_role_on_an_idea_takes_no_offers(client, people):
    idea = make_idea(author=people["anna"], centre=people["preili"], state="published", title="Soliņi")
    role = make_role(idea=idea, name="Krāsotājs", places=1)
    make_signup(role, people["valdis"], "accepted", decided_by=people["anna"])
    signed_in(client, people["liga"])
    page = html(client.get(f"/ideas/{idea.id}"))
    assert "Visas vietas ir aizņemtas." in page and f"/roles/{role.id}/apply" not in page
    post_form(client, f"/roles/{role.id}/apply", token_from=f"/ideas/{idea.id}")
    assert count(SignUp) == 1


def test_a_role_with_a_free_place_still_takes_offers(client, people):
    activity = make_activity(centre=people["preili"], creator=people["coordinator"])
    role = make_role(activity=activity, name="Grābējs", places=1)
    signed_in(client, people["anna"])
    page = html(client.get(f"/activities/{activity.id}", headers=EN))
    assert "I want to help" in page and "All places are taken." not in page
    assert post_form(client, f"/roles/{role.id}/apply", token_from=f"/activities/{activity.id}").status_code == 302
    assert count(SignUp) == 1


@pytest.mark.real_commits
def test_two_people_at_once_for_the_last_automatic_place(ctx, people):
    activity = make_activity(centre=people["preili"], creator=people["coordinator"])
    role = make_role(activity=activity, name="Grābējs", places=1, auto_accept=True)
    role_id, ids = role.id, [people["anna"].id, people["liga"].id]
    db.session.commit()

    def applying(user_id):
        def job():
            user, the_role = db.session.get(User, user_id), db.session.get(VolunteerRole, role_id)
            return lambda: services.apply_for_role(user, the_role, "")

        return job

    outcomes = run_at_once(ctx, [applying(user_id) for user_id in ids])

    assert sorted(outcomes) == ["CapacityReached", "accepted"], outcomes
    assert db.session.get(VolunteerRole, role_id).accepted_count == 1
    assert count(SignUp) == 1


# Completed and cancelled activities -------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["completed", "cancelled"])
def test_a_closed_activity_wants_no_volunteers_and_shows_no_free_places(client, people, state):
    activity = make_activity(centre=people["preili"], creator=people["coordinator"], state=state, starts_in_days=-3)
    make_role(activity=activity, name="Grābējs", places=4)
    for who in (None, people["anna"]):
        signed_in(client, who)
        page = html(client.get(f"/activities/{activity.id}", headers=EN))
        assert "Grābējs" in page
        assert "Volunteers wanted" not in page and "places free" not in page and " free" not in page
        assert "I want to help" not in page and "All places are taken." not in page
    listing = html(client.get("/activities?when=past", headers=EN))
    assert "places free" not in listing and "waiting list" not in listing


def test_an_open_activity_still_wants_volunteers(client, people):
    activity = make_activity(centre=people["preili"], creator=people["coordinator"], capacity=10)
    make_role(activity=activity, name="Grābējs", places=4)
    page = html(client.get(f"/activities/{activity.id}", headers=EN))
    assert "Volunteers wanted" in page and "4 of 4 places free" in page and "10 free" in page
    assert "10 places free of 10" in html(client.get("/activities", headers=EN))


# Moving an activity moves its shifts --------------------------------------------------------------------------------


def test_moving_an_activity_moves_its_shifts_and_the_record_shows_the_new_date(client, people):
    coordinator, anna = people["coordinator"], people["anna"]
    activity = make_activity(centre=people["preili"], creator=coordinator, starts_in_days=-1, title="Talka parkā")
    role = make_role(
        activity=activity, name="Grābējs", places=2, starts_at=activity.starts_at, ends_at=activity.starts_at + timedelta(hours=2)
    )
    make_signup(role, anna, "attended", decided_by=coordinator, minutes=120)
    old_start = activity.starts_at
    new_start = old_start - timedelta(days=9)  # it was held earlier than planned
    local = new_start.replace(tzinfo=UTC).astimezone(RIGA)
    fields = {
        "title": "Talka parkā",
        "description": "Grābsim lapas.",
        "place": "Parks",
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "leader_name": "Inese",
        "capacity": "10",
    }
    signed_in(client, coordinator)
    response = post_form(client, f"/activities/{activity.id}/edit", fields, token_from=f"/activities/{activity.id}/edit")
    assert response.status_code == 302, html(response)[:3000]
    moved = reloaded(role)
    assert (moved.starts_at, moved.ends_at) == (new_start, new_start + timedelta(hours=2))
    page = html(signed_in(client.application.test_client(), anna).get("/me/record", headers=EN))
    with client.application.test_request_context(headers=EN):
        new_day, old_day = format_date(new_start, "short"), format_date(old_start, "short")
    assert "Grābējs" in page and new_day in page and old_day not in page


def test_roles_of_other_activities_do_not_move(ctx, people):
    coordinator = people["coordinator"]
    activity = make_activity(centre=people["preili"], creator=coordinator)
    other = make_activity(centre=people["preili"], creator=coordinator, title="Cita")
    shift = other.starts_at
    make_role(activity=other, name="Cits", starts_at=shift)
    without_shift = make_role(activity=activity, name="Bez laika")
    later = {"starts_at": activity.starts_at + timedelta(days=2), "ends_at": activity.ends_at + timedelta(days=2)}
    activity_services.update_activity(coordinator, activity, **later)
    db.session.commit()
    assert db.session.scalar(select(VolunteerRole.starts_at).where(VolunteerRole.name == "Cits")) == shift
    assert reloaded(without_shift).starts_at is None


# The waiting list ---------------------------------------------------------------------------------------------------


def test_the_waiting_list_says_the_position_not_that_you_take_part(client, people):
    activity = make_activity(centre=people["preili"], creator=people["coordinator"], capacity=1)
    make_registration(activity, people["valdis"], "registered")
    make_registration(activity, people["anna"], "waiting")
    make_registration(activity, people["liga"], "waiting")

    signed_in(client, people["anna"])
    page = html(client.get(f"/activities/{activity.id}", headers=EN))
    assert "You are on the waiting list (position 1)." in page and "You will be told when a place frees up." in page
    assert "You take part yourself." not in page and "You do not take part yourself." not in page
    mine = html(client.get("/me/registrations", headers=EN))
    assert "You will be told when a place frees up." in mine and "I take part myself." not in mine

    latvian = client.application.test_client()
    signed_in(latvian, people["liga"])
    page = html(latvian.get(f"/activities/{activity.id}"))
    assert "Jūs esat rindā: 2. pēc kārtas." in page and "Jums paziņos, kad atbrīvosies vieta." in page
    assert "Jūs piedalāties." not in page


def test_a_registered_person_still_reads_that_they_take_part(client, people):
    activity = make_activity(centre=people["preili"], creator=people["coordinator"], capacity=3)
    make_registration(activity, people["valdis"], "registered")
    signed_in(client, people["valdis"])
    page = html(client.get(f"/activities/{activity.id}", headers=EN))
    assert "You are registered." in page and "You take part yourself." in page
    assert "waiting list (position" not in page
