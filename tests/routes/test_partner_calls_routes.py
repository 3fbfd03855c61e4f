"""Partner call pages: posting and changing a call (its organisation's representatives only), the period check,
the state buttons, the call's page with suggestions, the /partners filters and query budget, the suggestions
partial for an idea's people, and the activity form's school-partner fields."""

import re
from datetime import date, timedelta

import pytest
from flask import g, render_template_string
from flask_login import login_user
from sqlalchemy import select

from app.activities.models import Activity
from app.audit.models import AuditEntry
from app.extensions import db
from app.partnerships.models import PartnerCall
from app.timeutil import utcnow
from tests.factories import (
    make_activity,
    make_idea,
    make_organisation,
    make_partner_call,
    make_user,
)
from tests.helpers import client_for, log_in, signed_in
from tests.helpers import post_form as post_with_token
from tests.statements import statements_of

EN = {"Accept-Language": "en"}


@pytest.fixture
def partners(preili, aglona):
    """A verified school in Preiļi and an NGO in Aglona with a representative each, Anna and Preiļi's moderator."""
    teacher = make_user(email="ilze@example.com", display_name="Ilze Liepa", language="en")
    other_rep = make_user(email="juris@example.com", display_name="Juris", language="en")
    return {
        "preili": preili,
        "aglona": aglona,
        "teacher": teacher,
        "other_rep": other_rep,
        "anna": make_user(email="anna@example.com", display_name="Anna Bērziņa", language="en"),
        "moderator": make_user(email="mod@example.com", display_name="Dace", moderates=[preili], language="en"),
        "school": make_organisation(representative=teacher, centre=preili, name="Preiļu 1. pamatskola", verified=True),
        "ngo": make_organisation(representative=other_rep, centre=aglona, kind="ngo", name="Aglonas biedrība"),
    }


def post_form(client, path, data=None, token_from="/", **kwargs):
    return post_with_token(client, path, data, token_from=token_from, **kwargs)


def text(response):
    return response.get_data(as_text=True)


def call_form(**overrides):
    data = {
        "title": "6. klase meklē projektu par šķirošanu",
        "description": "Pavasara semestrī, **6 nedēļas**.",
        "age_groups": ["10-12"],
        "subjects": ["environment", "science"],
        "starts_on": "2027-03-01",
        "ends_on": "2027-05-31",
        "contact_person": "Ilze Liepa, klases audzinātāja",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def denials(what):
    db.session.expire_all()
    return [
        entry
        for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.action == "access.denied"))
        if entry.details.get("what", "").startswith(what)
    ]


def calls():
    db.session.expire_all()
    return db.session.scalars(select(PartnerCall).order_by(PartnerCall.id)).all()


# Posting a call -----------------------------------------------------------------------------------------------


def test_a_representative_posts_a_call(client, partners):
    school = partners["school"]
    signed_in(client, partners["teacher"])
    page = text(client.get(f"/organisations/{school.id}/calls/new"))
    assert "New partner call" in page
    assert re.search(rf'<option selected value="{partners["preili"].id}">Preiļi</option>', page), (
        "the organisation's centre is chosen"
    )

    response = post_form(
        client,
        f"/organisations/{school.id}/calls/new",
        call_form(centre=str(partners["preili"].id)),
        token_from=f"/organisations/{school.id}/calls/new",
    )

    [call] = calls()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/partner-calls/{call.id}")
    assert (call.title, call.age_groups, call.subjects) == (
        "6. klase meklē projektu par šķirošanu",
        "10-12",
        "science,environment",
    )
    assert (call.starts_on, call.ends_on, call.state) == (date(2027, 3, 1), date(2027, 5, 31), "open")
    assert call.organisation_id == school.id and call.centre_id == partners["preili"].id
    assert call.created_by_id == partners["teacher"].id
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "partner_call.create")) is not None
    detail = text(client.get(f"/partner-calls/{call.id}"))
    assert "Your partner call is published" in detail and "Ilze Liepa, klases audzinātāja" in detail


def test_another_organisations_representative_gets_403_and_is_audited(client, partners):
    school = partners["school"]
    call = make_partner_call(school)
    signed_in(client, partners["other_rep"])
    assert client.get(f"/organisations/{school.id}/calls/new").status_code == 403
    assert (
        post_form(client, f"/organisations/{school.id}/calls/new", call_form(centre=str(partners["preili"].id))).status_code
        == 403
    )
    assert client.get(f"/partner-calls/{call.id}/edit").status_code == 403
    assert (
        post_form(
            client, f"/partner-calls/{call.id}/edit", call_form(title="Hijacked", centre=str(partners["preili"].id))
        ).status_code
        == 403
    )
    for action in ("mark_matched", "close"):
        assert post_form(client, f"/partner-calls/{call.id}/{action}").status_code == 403

    assert len(denials("partnerships.new_call")) == 2
    assert len(denials("partnerships.edit_call")) == 2
    assert len(denials("partnerships.change_call")) == 2
    assert all(entry.actor_id == partners["other_rep"].id for entry in denials("partnerships."))
    [kept] = calls()
    assert (kept.title, kept.state) == (call.title, "open")


@pytest.mark.parametrize("who", ["anna", "moderator"])
def test_people_who_do_not_represent_the_organisation_get_403(client, partners, who):
    call = make_partner_call(partners["school"])
    signed_in(client, partners[who])
    assert client.get(f"/organisations/{partners['school'].id}/calls/new").status_code == 403
    assert client.get(f"/partner-calls/{call.id}/edit").status_code == 403
    assert post_form(client, f"/partner-calls/{call.id}/close").status_code == 403


def test_visitors_are_sent_to_log_in(client, partners):
    call = make_partner_call(partners["school"])
    for path in (f"/organisations/{partners['school'].id}/calls/new", f"/partner-calls/{call.id}/edit"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = post_form(client, f"/partner-calls/{call.id}/close")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert calls()[0].state == "open"


def test_unknown_organisations_and_calls_are_404(client, partners):
    signed_in(client, partners["teacher"])
    assert client.get("/organisations/9999/calls/new").status_code == 404
    assert client.get("/partner-calls/9999").status_code == 404
    assert client.get("/partner-calls/9999/edit").status_code == 404
    assert post_form(client, "/partner-calls/9999/close").status_code == 404
    assert post_form(client, f"/partner-calls/{make_partner_call(partners['school']).id}/explode").status_code in (
        404,
        405,
    )


# Validation -------------------------------------------------------------------------------------------------------


def test_the_end_cannot_be_before_the_start_and_the_input_is_kept(client, partners):
    school = partners["school"]
    signed_in(client, partners["teacher"])
    path = f"/organisations/{school.id}/calls/new"
    response = post_form(
        client,
        path,
        call_form(starts_on="2027-05-01", ends_on="2027-04-01", centre=str(partners["preili"].id)),
        token_from=path,
    )
    page = text(response)
    assert response.status_code == 200 and calls() == []
    assert re.search(r'class="field__error" id="ends_on-error">\s*<span>The last day cannot be before the first day', page)
    assert 'value="6. klase meklē projektu par šķirošanu"' in page
    assert 'value="2027-05-01"' in page and 'value="Ilze Liepa, klases audzinātāja"' in page
    assert re.search(r'checked[^>]*value="10-12"|value="10-12"[^>]*checked', page)


def test_dates_typed_the_latvian_way_are_understood_and_nonsense_is_explained(client, partners):
    school = partners["school"]
    signed_in(client, partners["teacher"])
    path = f"/organisations/{school.id}/calls/new"
    page = text(post_form(client, path, call_form(starts_on="next spring", centre=str(partners["preili"].id)), token_from=path))
    assert "Please write the date as year-month-day" in page and calls() == []
    response = post_form(
        client,
        path,
        call_form(starts_on="01.03.2027", ends_on="", centre=str(partners["preili"].id)),
        token_from=path,
    )
    assert response.status_code == 302
    assert (calls()[0].starts_on, calls()[0].ends_on) == (date(2027, 3, 1), None)


def test_a_call_needs_a_topic_ages_subjects_and_a_known_centre(client, partners):
    school = partners["school"]
    signed_in(client, partners["teacher"])
    path = f"/organisations/{school.id}/calls/new"
    page = text(
        post_form(client, path, call_form(title="", age_groups=[], subjects=["nonsense"], centre="9999"), token_from=path)
    )
    for message in ("Please write the topic.", "Please choose at least one age group.", "Please choose a centre from the list."):
        assert message in page
    assert calls() == []


# Editing and the state buttons ----------------------------------------------------------------------------------


def test_a_representative_changes_the_call(client, partners):
    call = make_partner_call(partners["school"], starts_on=date(2027, 3, 1))
    signed_in(client, partners["teacher"])
    path = f"/partner-calls/{call.id}/edit"
    form_page = text(client.get(path))
    assert f'value="{call.title}"' in form_page and 'value="2027-03-01"' in form_page
    response = post_form(
        client,
        path,
        call_form(title="Jauna tēma", subjects=["arts"], starts_on="", ends_on="", centre=str(partners["aglona"].id)),
        token_from=path,
    )
    assert response.status_code == 302
    [changed] = calls()
    assert (changed.title, changed.subjects, changed.starts_on, changed.centre_id) == (
        "Jauna tēma",
        "arts",
        None,
        partners["aglona"].id,
    )


def test_state_buttons_move_the_call_and_are_shown_only_to_representatives(ctx, client, partners):
    call = make_partner_call(partners["school"])
    for who in ("visitor", "anna", "other_rep", "moderator"):
        page = text(client_for(ctx, partners.get(who)).get(f"/partner-calls/{call.id}", headers=EN))
        assert call.title in page
        assert f"/partner-calls/{call.id}/close" not in page and f"/partner-calls/{call.id}/edit" not in page
    signed_in(client, partners["teacher"])
    page = text(client.get(f"/partner-calls/{call.id}"))
    assert f"/partner-calls/{call.id}/mark_matched" in page and f"/partner-calls/{call.id}/close" in page
    assert f"/partner-calls/{call.id}/reopen" not in page and f"/partner-calls/{call.id}/edit" in page

    token_page = f"/partner-calls/{call.id}"
    assert post_form(client, f"/partner-calls/{call.id}/mark_matched", token_from=token_page).status_code == 302
    assert calls()[0].state == "matched"
    page = text(client.get(token_page))
    assert "Partner found" in page and f"/partner-calls/{call.id}/reopen" in page
    assert f"/partner-calls/{call.id}/mark_matched" not in page
    post_form(client, f"/partner-calls/{call.id}/close", token_from=token_page)
    assert calls()[0].state == "closed"
    # a second "close" (another tab): told, nothing breaks
    response = post_form(client, f"/partner-calls/{call.id}/close", token_from=token_page, follow_redirects=True)
    assert response.status_code == 200 and "This cannot be done any more" in text(response)
    post_form(client, f"/partner-calls/{call.id}/reopen", token_from=token_page)
    assert calls()[0].state == "open"
    actions = [entry.action for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert ["partner_call.matched", "partner_call.closed", "partner_call.open"] == [
        action for action in actions if action.startswith("partner_call.")
    ]


# The call's page ----------------------------------------------------------------------------------------------


def test_the_call_page_shows_the_call_and_explained_suggestions_to_everyone(client, partners):
    school, preili = partners["school"], partners["preili"]
    call = make_partner_call(
        school, age_groups="10-12", subjects="environment", starts_on=date(2027, 3, 1), ends_on=date(2027, 5, 31)
    )
    author = make_user(email="author@example.com", language="en")
    idea = make_idea(
        author=author,
        centre=preili,
        title="Šķirošanas stacija",
        seeking_school_partner=True,
        partner_age_groups="10-12",
        partner_subjects="environment",
    )
    make_idea(
        centre=partners["aglona"],
        title="Nekā kopīga",
        seeking_school_partner=True,
        partner_age_groups="adults",
        partner_subjects="music",
    )
    activity = make_activity(
        centre=preili, title="Putnu būrīši", seeking_school_partner=True, partner_age_groups="7-9", partner_subjects="technology"
    )
    page = text(client.get(f"/partner-calls/{call.id}", headers=EN))
    assert call.title in page and "Preiļu 1. pamatskola" in page and "Verified" in page
    assert "Ages 10–12" in page and "Environment" in page and "Looking for a partner" in page
    assert "2027" in page and "Ilze Liepa, klases audzinātāja" not in page  # the contact person: for partners
    assert "shared with the organisation's partners and the centre's coordinators" in page
    assert "Suggested ideas and activities" in page
    assert f"/ideas/{idea.id}" in page and f"/activities/{activity.id}" in page and "Nekā kopīga" not in page
    assert "same centre, both about environment, Ages 10–12" in page
    assert page.index("Šķirošanas stacija") < page.index("Putnu būrīši"), "the better match comes first"
    assert "Log in to invite" in page

    log_in(client, author.email)
    page = text(client.get(f"/partner-calls/{call.id}"))
    assert f"/partner-calls/{call.id}/invite?idea_id={idea.id}" in page
    assert "no-store" in client.get(f"/partner-calls/{call.id}").headers["Cache-Control"]


def test_a_closed_call_shows_no_suggestions(client, partners):
    call = make_partner_call(partners["school"], state="closed")
    make_idea(
        centre=partners["preili"],
        seeking_school_partner=True,
        partner_age_groups="10-12",
        partner_subjects="environment",
    )
    page = text(client.get(f"/partner-calls/{call.id}", headers=EN))
    assert "Closed" in page and "Suggested ideas and activities" not in page


# /partners --------------------------------------------------------------------------------------------------------


@pytest.fixture
def listed(partners):
    school, ngo, preili, aglona = (
        partners["school"],
        partners["ngo"],
        partners["preili"],
        partners["aglona"],
    )
    return {
        "spring_call": make_partner_call(
            school,
            title="Pavasara projekts",
            age_groups="10-12",
            subjects="environment",
            starts_on=date(2027, 3, 1),
            ends_on=date(2027, 5, 31),
        ),
        "any_time_call": make_partner_call(ngo, title="Jebkad", age_groups="16-18", subjects="arts"),
        "closed_call": make_partner_call(school, title="Slēgts aicinājums", state="closed"),
        "idea": make_idea(
            centre=preili,
            title="Ideja skolai",
            seeking_school_partner=True,
            partner_age_groups="10-12",
            partner_subjects="environment",
        ),
        "other_idea": make_idea(
            centre=aglona,
            title="Mūzikas ideja",
            seeking_school_partner=True,
            partner_age_groups="16-18",
            partner_subjects="music",
        ),
        "no_partner_idea": make_idea(centre=preili, title="Bez partnera"),
        "draft_idea": make_idea(
            centre=preili,
            title="Melnraksts",
            state="draft",
            seeking_school_partner=True,
            partner_age_groups="10-12",
            partner_subjects="environment",
        ),
        "activity": make_activity(
            centre=aglona,
            title="Darbnīca skolai",
            seeking_school_partner=True,
            partner_age_groups="16-18",
            partner_subjects="arts",
            starts_in_days=10,
        ),
        "done_activity": make_activity(
            centre=preili,
            title="Pagājusi",
            state="completed",
            starts_in_days=-10,
            seeking_school_partner=True,
            partner_age_groups="10-12",
            partner_subjects="environment",
        ),
    }


TITLES = (
    "Pavasara projekts",
    "Jebkad",
    "Slēgts aicinājums",
    "Ideja skolai",
    "Mūzikas ideja",
    "Bez partnera",
    "Melnraksts",
    "Darbnīca skolai",
    "Pagājusi",
)


def shown(client, query=""):
    response = client.get("/partners" + query, headers=EN)
    assert response.status_code == 200, query
    page = text(response)
    return {title for title in TITLES if title in page}


def test_partners_shows_open_calls_beside_ideas_and_activities_seeking_a_partner(client, partners, listed):
    assert shown(client) == {"Pavasara projekts", "Jebkad", "Ideja skolai", "Mūzikas ideja", "Darbnīca skolai"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?centre=preili", {"Pavasara projekts", "Ideja skolai"}),
        ("?centre=aglona", {"Jebkad", "Mūzikas ideja", "Darbnīca skolai"}),
        ("?age=10-12", {"Pavasara projekts", "Ideja skolai"}),
        ("?age=16-18", {"Jebkad", "Mūzikas ideja", "Darbnīca skolai"}),
        ("?subject=environment", {"Pavasara projekts", "Ideja skolai"}),
        ("?subject=arts", {"Jebkad", "Darbnīca skolai"}),
        ("?type=calls", {"Pavasara projekts", "Jebkad"}),
        ("?type=ideas", {"Ideja skolai", "Mūzikas ideja"}),
        ("?type=activities", {"Darbnīca skolai"}),
        ("?type=calls&state=closed", {"Slēgts aicinājums"}),
        ("?type=calls&state=any", {"Pavasara projekts", "Jebkad", "Slēgts aicinājums"}),
        ("?centre=preili&age=10-12&subject=environment&type=calls", {"Pavasara projekts"}),
    ],
)
def test_each_filter_narrows_the_lists(client, partners, listed, query, expected):
    assert shown(client, query) == expected


def test_the_period_filter(client, partners, listed):
    # April 2027 is inside the spring call; the call without a period suits any month; ideas have no period
    assert shown(client, "?period=2027-04&type=calls") == {"Pavasara projekts", "Jebkad"}
    assert shown(client, "?period=2027-09&type=calls") == {"Jebkad"}
    assert shown(client, "?period=2027-09&type=ideas") == {"Ideja skolai", "Mūzikas ideja"}
    starts = listed["activity"].starts_at
    # activities starting in the month (a start at the edge of a month may fall in the next one in Riga time)
    month = (starts + timedelta(hours=3)).strftime("%Y-%m")
    assert shown(client, f"?period={month}&type=activities") == {"Darbnīca skolai"}
    far = (starts + timedelta(days=70)).strftime("%Y-%m")
    assert shown(client, f"?period={far}&type=activities") == set()


@pytest.mark.parametrize(
    "query",
    [
        "?centre=nowhere",
        "?age=99",
        "?subject=<script>",
        "?period=2027-13",
        "?period=abc",
        "?period=99999-01",
        "?type=everything",
        "?state=deleted",
        "?page=-4",
        "?page=abc",
        "?page=999999999999",
        "?centre=&age=&type=",
        "?age=10-12%25",
        "?subject=environment,arts",
    ],
)
def test_bad_parameters_are_ignored(client, partners, listed, query):
    assert shown(client, query) == shown(client)


def test_long_lists_page(client, partners):
    for number in range(23):
        make_partner_call(partners["school"], title=f"Aicinājums {number:02d}")
    everything = text(client.get("/partners", headers=EN))
    assert "More partner calls" in everything and "/partners?type=calls" in everything
    first = text(client.get("/partners?type=calls", headers=EN))
    assert first.count('class="call-card ') == 20 and "page=2" in first
    second = text(client.get("/partners?type=calls&page=2", headers=EN))
    assert second.count('class="call-card ') == 3 and "Next page" not in second


PARTNERS_BUDGET = 4
#: a signed-in person: their session, their unread notifications, the organisations they represent
SIGNED_IN_EXTRA = 3


@pytest.mark.parametrize("who", ["visitor", "anna"])
def test_partners_and_a_call_run_a_fixed_small_number_of_statements(client, partners, who):
    signed_in(client, partners.get(who))  # "visitor": nobody
    client.get("/")
    call = make_partner_call(partners["school"])
    counts = set()
    for total in (2, 30):
        while db.session.scalar(select(db.func.count(PartnerCall.id))) < total:
            make_partner_call(partners["ngo"], title="Vēl viens")
            make_idea(
                centre=partners["preili"],
                seeking_school_partner=True,
                partner_age_groups="10-12",
                partner_subjects="environment",
            )
            make_activity(
                centre=partners["aglona"],
                seeking_school_partner=True,
                partner_age_groups="10-12",
                partner_subjects="arts",
            )
        for path in (
            "/partners",
            "/partners?type=calls&page=2",
            "/partners?centre=preili&age=10-12&period=2027-04",
            f"/partner-calls/{call.id}",
        ):
            statements = statements_of(client, path)
            assert len(statements) <= PARTNERS_BUDGET + (SIGNED_IN_EXTRA if who != "visitor" else 0), "\n\n".join(
                [path, *statements]
            )
            counts.add((path, len(statements)))
    assert len(counts) == 4, counts  # the same for few and for many rows


# The suggestions partial on an idea's or activity's page ------------------------------------------------------

PARTIAL = '{% with project=project %}{% include "partnerships/_suggestions.html" %}{% endwith %}'


def render_partial(app, user, project):
    with app.test_request_context("/", headers=EN):
        g.pop("_login_user", None)  # the test's app context is shared: forget who the last render was for
        if user is not None:
            login_user(db.session.merge(user))
        return render_template_string(PARTIAL, project=project)


def test_the_suggestions_partial_is_for_the_projects_people_only(ctx, partners):
    author = make_user(email="author@example.com", language="en")
    idea = make_idea(
        author=author,
        centre=partners["preili"],
        seeking_school_partner=True,
        partner_age_groups="10-12",
        partner_subjects="environment",
    )
    call = make_partner_call(partners["school"], age_groups="10-12", subjects="environment")
    make_partner_call(partners["ngo"], title="Cits", age_groups="adults", subjects="music")

    page = render_partial(ctx, author, idea)
    assert "Possible school partners" in page and call.title in page and "Cits" not in page
    assert "same centre, both about environment, Ages 10–12" in page
    assert "Preiļu 1. pamatskola" in page and "a school in the same centre" in page
    assert f"/partner-calls/{call.id}/invite?idea_id={idea.id}" in page
    assert "Possible school partners" in render_partial(ctx, partners["moderator"], idea)
    for stranger in (None, partners["anna"], partners["teacher"]):
        assert render_partial(ctx, stranger, idea).strip() == ""
    not_seeking = make_idea(author=author, centre=partners["preili"])
    assert render_partial(ctx, author, not_seeking).strip() == ""

    activity = make_activity(
        centre=partners["preili"],
        seeking_school_partner=True,
        partner_age_groups="10-12",
        partner_subjects="environment",
    )
    page = render_partial(ctx, partners["moderator"], activity)
    assert f"/partner-calls/{call.id}/invite?activity_id={activity.id}" in page
    assert render_partial(ctx, author, activity).strip() == ""


# The activity form's school-partner fields -----------------------------------------------------------------------


def test_an_activity_can_seek_a_school_partner(client, partners):
    from datetime import datetime

    signed_in(client, partners["moderator"])
    day = (utcnow() + timedelta(days=20)).date()
    starts = datetime(day.year, day.month, day.day, 10).strftime("%Y-%m-%dT%H:%M")
    ends = datetime(day.year, day.month, day.day, 13).strftime("%Y-%m-%dT%H:%M")
    data = {
        "title": "Putnu būrīši",
        "description": "",
        "place": "Preiļu KRC",
        "starts_at": starts,
        "ends_at": ends,
        "capacity": "12",
        "seeking_school_partner": "y",
        "partner_age_groups": ["10-12", "7-9"],
        "partner_subjects": [],
    }
    page = text(post_form(client, "/activities/new", data, token_from="/activities/new"))
    assert "Please choose at least one subject for the school partner." in page
    data["partner_subjects"] = ["technology"]
    assert post_form(client, "/activities/new", data, token_from="/activities/new").status_code == 302
    activity = db.session.scalars(select(Activity)).one()
    assert (activity.seeking_school_partner, activity.partner_age_groups, activity.partner_subjects) == (
        True,
        "7-9,10-12",
        "technology",
    )
