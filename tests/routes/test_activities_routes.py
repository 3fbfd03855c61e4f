"""Activity pages: the list, the month view, an activity's page, creating, promoting an idea, editing (lowering the
capacity), the lifecycle buttons, registering (with children, the waiting list), the coordinators' list of
registrations, volunteer roles on activities, who gets 403/404, and the list's query budget."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.activities.models import Activity, Registration
from app.extensions import db
from app.ideas.models import Idea
from app.timeutil import utcnow
from app.volunteering.models import SignUp, VolunteerRole
from tests.factories import make_activity, make_idea, make_role, make_user
from tests.helpers import log_in, signed_in
from tests.helpers import post_form as post_with_token
from tests.statements import statements_of

EN = {"Accept-Language": "en"}
RIGA = ZoneInfo("Europe/Riga")


@pytest.fixture
def activity_and_people(preili, aglona):
    """An open activity of Preiļi by its coordinator, Aglona's moderator, Anna and Valdis."""
    moderator = make_user(email="mod@example.com", display_name="Dace Koordinatore", moderates=[preili], language="en")
    return {
        "preili": preili,
        "aglona": aglona,
        "moderator": moderator,
        "other_moderator": make_user(email="mod2@example.com", display_name="Juris", moderates=[aglona]),
        "anna": make_user(email="anna@example.com", display_name="Anna Bērziņa", language="en"),
        "valdis": make_user(email="valdis@example.com", display_name="Valdis Ozols", language="en"),
        "activity": make_activity(centre=preili, creator=moderator, title="Keramikas darbnīca", capacity=10),
    }


def post_form(client, path, data=None, token_from="/", **kwargs):
    """POST a form with a CSRF token read from a page (the home page's header has one for everyone)."""
    return post_with_token(client, path, data, token_from=token_from, **kwargs)


def text(response):
    return response.get_data(as_text=True)


def fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def local_input(days, hour):
    """A datetime-local value `days` from now at `hour` o'clock (Riga time), and the same moment in naive UTC."""
    day = (utcnow() + timedelta(days=days)).date()
    from datetime import datetime

    local = datetime(day.year, day.month, day.day, hour, 0, tzinfo=RIGA)
    return local.strftime("%Y-%m-%dT%H:%M"), local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def activity_form(**overrides):
    starts, _ = local_input(20, 10)
    ends, _ = local_input(20, 13)
    data = {
        "title": "Puķu podu apgleznošana",
        "description": "Krāsosim **podus**.",
        "place": "Preiļu KRC",
        "starts_at": starts,
        "ends_at": ends,
        "leader_name": "Inese",
        "capacity": "12",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# Pages render -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["visitor", "anna", "moderator"])
def test_the_pages_render_for_everyone(client, activity_and_people, who):
    activity = activity_and_people["activity"]
    cancelled = make_activity(centre=activity_and_people["aglona"], state="cancelled", title="Atcelta pastaiga")
    past = make_activity(centre=activity_and_people["preili"], state="completed", title="Pagājusī talka", starts_in_days=-10)
    signed_in(client, activity_and_people.get(who))  # "visitor": nobody

    page = text(client.get("/activities", headers=EN))
    assert "Keramikas darbnīca" in page and "Atcelta pastaiga" in page and "Cancelled" in page
    assert "Pagājusī talka" not in page
    assert "10 places free of 10" in page
    assert 'href="/activities/calendar"' in page
    past_page = text(client.get("/activities?when=past", headers=EN))
    assert "Pagājusī talka" in past_page and "Keramikas darbnīca" not in past_page
    only_aglona = text(client.get("/activities?centre=aglona", headers=EN))
    assert "Atcelta pastaiga" in only_aglona and "Keramikas darbnīca" not in only_aglona
    assert "Keramikas darbnīca" in text(client.get("/activities?centre=nowhere&page=abc", headers=EN))

    detail = text(client.get(f"/activities/{activity.id}", headers=EN))
    assert "Keramikas darbnīca" in detail and "Inese Kalniņa" in detail and "Preiļu KRC" in detail
    assert f"/activities/{activity.id}.ics" in detail
    assert ("Edit" in detail) == (who == "moderator")
    assert ("I take part myself" in detail) == (who != "visitor")
    assert ("Log in to register" in detail) == (who == "visitor")
    assert "Slimība" in text(client.get(f"/activities/{cancelled.id}", headers=EN))
    assert client.get(f"/activities/{past.id}").status_code == 200
    assert client.get("/activities/calendar").status_code == 200
    assert client.get("/").status_code == 200


def test_the_home_page_and_the_menu_show_the_activities(client, activity_and_people):
    make_activity(centre=activity_and_people["preili"], state="cancelled", title="Atcelta")
    page = text(client.get("/", headers=EN))
    assert "Upcoming activities" in page and "Keramikas darbnīca" in page and "Atcelta" not in page
    assert '<a href="/activities"' in page


def test_unknown_activities_are_not_found(client, activity_and_people):
    signed_in(client, activity_and_people["moderator"])
    assert client.get("/activities/9999").status_code == 404
    assert client.get("/activities/9999/edit").status_code == 404
    assert client.get("/activities/9999/registrations").status_code == 404
    assert client.get("/activities/9999/roles/new").status_code == 404
    assert client.get("/ideas/9999/promote").status_code == 404
    assert post_form(client, "/registrations/9999/cancel").status_code == 404


@pytest.mark.parametrize("who", ["anna", "other_moderator"])
def test_coordinator_pages_are_refused_to_others(client, activity_and_people, who):
    activity = activity_and_people["activity"]
    idea = make_idea(centre=activity_and_people["preili"], state="published")
    signed_in(client, activity_and_people[who])
    for path in (
        f"/activities/{activity.id}/edit",
        f"/activities/{activity.id}/cancel",
        f"/activities/{activity.id}/complete",
        f"/activities/{activity.id}/registrations",
        f"/activities/{activity.id}/roles/new",
        f"/ideas/{idea.id}/promote",
    ):
        assert client.get(path).status_code == 403, path
    if who == "anna":
        assert client.get("/activities/new").status_code == 403
    assert post_form(client, f"/activities/{activity.id}/open").status_code == 403
    assert post_form(client, f"/activities/{activity.id}/cancel", {"reason": "Nē"}).status_code == 403
    assert fresh(Activity, activity.id).state == "open"


def test_visitors_are_sent_to_log_in(client, activity_and_people):
    response = client.get("/activities/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# Creating ----------------------------------------------------------------------------------------------------


def test_a_form_with_mistakes_keeps_the_input_and_says_what_is_wrong(client, activity_and_people):
    signed_in(client, activity_and_people["moderator"])
    earlier, _ = local_input(-2, 10)
    before_start, _ = local_input(-3, 10)
    response = post_form(
        client,
        "/activities/new",
        activity_form(title="Mana darbnīca", starts_at=earlier, ends_at=before_start, capacity="0"),
        headers=EN,
    )
    page = text(response)
    assert response.status_code == 200
    assert "The start must be in the future." in page
    assert "The end must be after the start." in page
    assert "Please give a number from 1 to 1000." in page
    assert 'value="Mana darbnīca"' in page
    assert db.session.scalars(select(Activity).where(Activity.title == "Mana darbnīca")).first() is None


def test_a_coordinator_creates_an_activity_in_local_time(client, activity_and_people):
    signed_in(client, activity_and_people["moderator"])
    page = text(client.get("/activities/new", headers=EN))
    assert 'name="centre"' not in page  # one centre: no picker
    starts, starts_utc = local_input(20, 10)
    response = post_form(client, "/activities/new", activity_form(starts_at=starts, open_registration="y"))
    assert response.status_code == 302
    activity = db.session.scalars(select(Activity).where(Activity.title == "Puķu podu apgleznošana")).one()
    assert (activity.centre_id, activity.state, activity.capacity) == (activity_and_people["preili"].id, "open", 12)
    assert activity.starts_at == starts_utc
    assert response.headers["Location"].endswith(f"/activities/{activity.id}")
    detail = text(client.get(f"/activities/{activity.id}", headers=EN))
    assert "<strong>podus</strong>" in detail and "10:00" in detail


def test_an_admin_chooses_the_centre_and_a_centre_outside_the_list_is_refused(client, activity_and_people):
    admin = make_user(email="boss@example.com", admin=True, language="en")
    log_in(client, admin.email)
    assert 'name="centre"' in text(client.get("/activities/new"))
    response = post_form(client, "/activities/new", activity_form(centre="999999"), headers=EN)
    assert response.status_code == 200 and "Please choose a centre from the list." in text(response)
    assert post_form(client, "/activities/new", activity_form(centre=str(activity_and_people["aglona"].id))).status_code == 302
    assert (
        db.session.scalars(select(Activity.centre_id).where(Activity.title == "Puķu podu apgleznošana")).one()
        == activity_and_people["aglona"].id
    )


# Promoting an idea ----------------------------------------------------------------------------------------------


def test_promoting_an_idea_moves_its_roles_and_links_both_ways(client, activity_and_people):
    idea = make_idea(
        centre=activity_and_people["preili"],
        state="published",
        title="Puķu podi dienas centram",
        summary="Podi vecajiem ļaudīm.",
        place="Raiņa bulvāris 19",
    )
    role = make_role(idea=idea, name="Podu nesējs", places=2)
    signed_in(client, activity_and_people["moderator"])
    assert f'href="/ideas/{idea.id}/promote"' in text(client.get(f"/ideas/{idea.id}", headers=EN))
    form_page = text(client.get(f"/ideas/{idea.id}/promote", headers=EN))
    assert 'value="Puķu podi dienas centram"' in form_page and "Podi vecajiem ļaudīm." in form_page
    assert 'value="Raiņa bulvāris 19"' in form_page

    response = post_form(client, f"/ideas/{idea.id}/promote", activity_form(title="Puķu podi", place="Zāle"))
    assert response.status_code == 302
    activity = db.session.scalars(select(Activity).where(Activity.idea_id == idea.id)).one()
    assert fresh(Idea, idea.id).state == "promoted"
    assert fresh(VolunteerRole, role.id).activity_id == activity.id

    idea_page = text(client.get(f"/ideas/{idea.id}", headers=EN))
    assert "This idea became the activity" in idea_page and f'href="/activities/{activity.id}"' in idea_page
    assert "Podu nesējs" not in idea_page  # the role lives on the activity now
    activity_page = text(client.get(f"/activities/{activity.id}", headers=EN))
    assert f'href="/ideas/{idea.id}"' in activity_page and "Podu nesējs" in activity_page
    # a second promotion goes to the activity
    again = client.get(f"/ideas/{idea.id}/promote")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/activities/{activity.id}")


# Registering -----------------------------------------------------------------------------------------------------


def register(client, activity, data):
    return post_form(client, f"/activities/{activity.id}/register", data, token_from=f"/activities/{activity.id}", headers=EN)


def registration_of(user, activity):
    db.session.expire_all()
    return db.session.scalars(
        select(Registration).where(Registration.user_id == user.id, Registration.activity_id == activity.id)
    ).first()


def test_registering_with_two_children_keeps_their_names_private(client, activity_and_people):
    activity = activity_and_people["activity"]
    signed_in(client, activity_and_people["anna"])
    response = register(
        client,
        activity,
        {
            "includes_self": "y",
            "companions-0-name": "Jānītis",
            "companions-0-age_group": "7-9",
            "companions-1-name": "Ilzīte",
            "companions-1-age_group": "preschool",
        },
    )
    assert response.status_code == 302
    registration = registration_of(activity_and_people["anna"], activity)
    assert (registration.state, registration.places) == ("registered", 3)
    assert registration.companions == [{"name": "Jānītis", "age_group": "7-9"}, {"name": "Ilzīte", "age_group": "preschool"}]
    own = client.get(f"/activities/{activity.id}", headers=EN)
    assert "You are registered." in text(own) and "Jānītis, Ages 7–9; Ilzīte, Pre-school (up to 6)" in text(own)
    assert own.headers["Cache-Control"] == "no-store"
    assert "3 taken" in text(own) and "7 free" in text(own)

    visitor = client.application.test_client()
    public = text(visitor.get(f"/activities/{activity.id}", headers=EN))
    assert "Jānītis" not in public and "Ilzīte" not in public and "Anna Bērziņa" not in public
    other = client.application.test_client()
    log_in(other, activity_and_people["valdis"].email)
    assert "Jānītis" not in text(other.get(f"/activities/{activity.id}"))

    coordinator = client.application.test_client()
    log_in(coordinator, activity_and_people["moderator"].email)
    listing = coordinator.get(f"/activities/{activity.id}/registrations", headers=EN)
    assert listing.headers["Cache-Control"] == "no-store"
    assert "Anna Bērziņa" in text(listing) and "Jānītis, Ages 7–9; Ilzīte, Pre-school (up to 6)" in text(listing)


def test_registration_mistakes_are_shown_next_to_the_fields(client, activity_and_people):
    activity = activity_and_people["activity"]
    signed_in(client, activity_and_people["anna"])
    response = register(client, activity, {"companions-0-name": ""})
    assert response.status_code == 200
    assert "Tick “I take part myself” or write the name of at least one person you bring." in text(response)
    response = register(client, activity, {"includes_self": "y", "companions-0-name": "J" * 60, "companions-0-age_group": "7-9"})
    assert response.status_code == 200 and "Please keep a name under 40 characters." in text(response)
    assert 'value="' + "J" * 60 + '"' in text(response)
    assert registration_of(activity_and_people["anna"], activity) is None


def test_a_full_activity_puts_people_on_the_waiting_list_and_a_cancellation_moves_them_up(client, activity_and_people):
    activity = make_activity(centre=activity_and_people["preili"], title="Maza darbnīca", capacity=1)
    signed_in(client, activity_and_people["anna"])
    assert register(client, activity, {"includes_self": "y"}).status_code == 302
    valdis = client.application.test_client()
    log_in(valdis, activity_and_people["valdis"].email)
    page = text(valdis.get(f"/activities/{activity.id}", headers=EN))
    assert "All places are taken." in page and "Join the waiting list" in page
    assert register(valdis, activity, {"includes_self": "y"}).status_code == 302
    page = text(valdis.get(f"/activities/{activity.id}", headers=EN))
    assert "You are on the waiting list (position 1)." in page and "Leave the waiting list" in page

    anna_registration = registration_of(activity_and_people["anna"], activity)
    response = post_form(client, f"/registrations/{anna_registration.id}/cancel", token_from=f"/activities/{activity.id}")
    assert response.status_code == 302
    assert registration_of(activity_and_people["anna"], activity).state == "cancelled"
    assert registration_of(activity_and_people["valdis"], activity).state == "registered"
    assert "You are registered." in text(valdis.get(f"/activities/{activity.id}", headers=EN))
    # nobody cancels another person's registration
    valdis_registration = registration_of(activity_and_people["valdis"], activity)
    assert post_form(client, f"/registrations/{valdis_registration.id}/cancel").status_code == 404


def test_registering_is_only_possible_while_registration_is_open(client, activity_and_people):
    planned = make_activity(centre=activity_and_people["preili"], state="planned", title="Plānota")
    signed_in(client, activity_and_people["anna"])
    assert "Registration is not open yet." in text(client.get(f"/activities/{planned.id}", headers=EN))
    response = register(client, planned, {"includes_self": "y"})
    assert response.status_code == 302
    assert registration_of(activity_and_people["anna"], planned) is None


# Editing: lowering the capacity ------------------------------------------------------------------------------


def test_lowering_the_capacity_below_the_registered_places_asks_whom_to_move(client, activity_and_people):
    activity = make_activity(centre=activity_and_people["preili"], title="Talka", capacity=5)
    for who in ("anna", "valdis"):
        person = client.application.test_client()
        log_in(person, activity_and_people[who].email)
        assert (
            register(
                person, activity, {"includes_self": "y", "companions-0-name": "Bērns", "companions-0-age_group": "10-12"}
            ).status_code
            == 302
        )
    signed_in(client, activity_and_people["moderator"])
    edit_page = text(client.get(f"/activities/{activity.id}/edit", headers=EN))
    assert 'value="Talka"' in edit_page and 'name="capacity"' in edit_page

    fields = activity_form(title="Talka", capacity="2")
    fields["starts_at"] = fields["ends_at"] = None
    page_data = {**fields}
    start = fresh(Activity, activity.id).starts_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(RIGA)
    page_data["starts_at"] = start.strftime("%Y-%m-%dT%H:%M")
    page_data["ends_at"] = (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    page_data = {key: value for key, value in page_data.items() if value is not None}
    response = post_form(client, f"/activities/{activity.id}/edit", page_data, headers=EN)
    page = text(response)
    assert response.status_code == 200
    assert "Choose whom to move to the waiting list" in page
    assert "Anna Bērziņa (2 places)" in page and "Valdis Ozols (2 places)" in page
    assert fresh(Activity, activity.id).capacity == 5

    valdis_registration = registration_of(activity_and_people["valdis"], activity)
    response = post_form(
        client, f"/activities/{activity.id}/edit", {**page_data, "move_to_waiting": str(valdis_registration.id)}, headers=EN
    )
    assert response.status_code == 302
    assert fresh(Activity, activity.id).capacity == 2
    assert registration_of(activity_and_people["valdis"], activity).state == "waiting"
    assert registration_of(activity_and_people["anna"], activity).state == "registered"


# The lifecycle -------------------------------------------------------------------------------------------------


def test_open_cancel_and_complete(client, activity_and_people):
    planned = make_activity(centre=activity_and_people["preili"], state="planned", title="Plānota")
    signed_in(client, activity_and_people["moderator"])
    assert post_form(client, f"/activities/{planned.id}/open", token_from=f"/activities/{planned.id}").status_code == 302
    assert fresh(Activity, planned.id).state == "open"

    response = post_form(client, f"/activities/{planned.id}/cancel", {"reason": ""}, headers=EN)
    assert response.status_code == 200 and "Please write a reason" in text(response)
    assert post_form(client, f"/activities/{planned.id}/cancel", {"reason": "Lietus."}).status_code == 302
    cancelled = fresh(Activity, planned.id)
    assert (cancelled.state, cancelled.cancel_reason) == ("cancelled", "Lietus.")
    assert client.get(f"/activities/{planned.id}/cancel").status_code == 302  # nothing more to cancel

    started = make_activity(centre=activity_and_people["preili"], title="Notiek", starts_in_days=-1, hours=2)
    assert "Mark as held" in text(client.get(f"/activities/{started.id}", headers=EN))
    assert client.get(f"/activities/{started.id}/complete").status_code == 200
    assert post_form(client, f"/activities/{started.id}/complete", {"outcome": "Izveidojām 20 podus."}).status_code == 302
    completed = fresh(Activity, started.id)
    assert (completed.state, completed.outcome) == ("completed", "Izveidojām 20 podus.")
    assert "Izveidojām 20 podus." in text(client.application.test_client().get(f"/activities/{started.id}"))


# The month view ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("month", ["", "2026-13", "abc", "1999-01", "20266-01", "2026-1"])
def test_the_month_view_falls_back_to_this_month(client, activity_and_people, month):
    response = client.get(f"/activities/calendar?month={month}", headers=EN)
    page = text(response)
    assert response.status_code == 200
    today = utcnow().replace(tzinfo=ZoneInfo("UTC")).astimezone(RIGA)
    assert f"{today.year}</caption>" in page or f"{today.year} ·" in page
    assert '<th scope="col"><abbr title="Monday">' in page
    assert page.index('title="Monday"') < page.index('title="Sunday"')


def test_the_month_view_lists_the_month_s_activities(client, activity_and_people):
    activity = activity_and_people["activity"]
    start = activity.starts_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(RIGA)
    month = f"{start.year:04d}-{start.month:02d}"
    page = text(client.get(f"/activities/calendar?month={month}", headers=EN))
    assert f'href="/activities/{activity.id}"' in page
    assert "Previous month" in page and "Next month" in page
    other = text(client.get(f"/activities/calendar?month={month}&centre=aglona", headers=EN))
    assert f'href="/activities/{activity.id}"' not in other


# Volunteer roles on activities -----------------------------------------------------------------------------------


def test_roles_on_an_activity_through_the_pages(client, activity_and_people):
    activity = activity_and_people["activity"]
    signed_in(client, activity_and_people["moderator"])
    response = post_form(
        client, f"/activities/{activity.id}/roles/new", {"name": "Tējas vārītājs", "places": "2", "auto_accept": "y"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/activities/{activity.id}#volunteers")
    role = db.session.scalars(select(VolunteerRole).where(VolunteerRole.activity_id == activity.id)).one()
    assert client.get(f"/roles/{role.id}/edit").status_code == 200
    assert client.get(f"/roles/{role.id}/signups").status_code == 200

    anna = client.application.test_client()
    log_in(anna, activity_and_people["anna"].email)
    assert "Tējas vārītājs" in text(anna.get(f"/activities/{activity.id}", headers=EN))
    response = post_form(anna, f"/roles/{role.id}/apply", {"message": ""}, token_from=f"/activities/{activity.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/activities/{activity.id}#volunteers")
    signup = db.session.scalars(select(SignUp).where(SignUp.role_id == role.id)).one()
    assert signup.state == "accepted"
    mine = text(anna.get("/me/signups", headers=EN))
    assert "Keramikas darbnīca" in mine and f'href="/activities/{activity.id}#volunteers"' in mine
    assert "Tējas vārītājs" in text(client.get(f"/activities/{activity.id}/registrations", headers=EN))
    assert anna.get(f"/roles/{role.id}/edit").status_code == 403

    role_id = role.id
    response = post_form(client, f"/roles/{role_id}/delete", token_from=f"/activities/{activity.id}")
    assert response.status_code == 302 and f"/activities/{activity.id}" in response.headers["Location"]
    assert fresh(VolunteerRole, role_id) is None


# The query budget ---------------------------------------------------------------------------------------------

LIST_BUDGET = 5


@pytest.mark.parametrize("who", ["visitor", "anna", "moderator"])
def test_the_list_runs_a_fixed_small_number_of_statements(client, activity_and_people, who):
    signed_in(client, activity_and_people.get(who))  # "visitor": nobody
    client.get("/")
    counts = set()
    for total in (3, 45):
        while db.session.scalar(select(db.func.count(Activity.id))) < total:
            make_activity(centre=activity_and_people["aglona"], title="Darbnīca")
        for path in (
            "/activities",
            "/activities?page=2",
            "/activities?centre=aglona",
            "/activities?when=past",
            "/activities/calendar",
        ):
            statements = statements_of(client, path)
            assert len(statements) <= LIST_BUDGET, "\n\n".join([path, *statements])
            counts.add((path, len(statements)))
    assert len(counts) == 5, counts  # the same for 3 and for 45 activities
