"""The home page's sections (ideas seeking volunteers, upcoming activities, open partner calls, new ideas) and
/ideas' "seeking volunteers" filter and result count (issue 13, item 6)."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask_babel import force_locale, ngettext

from app.extensions import db
from app.timeutil import utcnow
from tests.factories import make_activity, make_role, make_signup, make_user
from tests.factories_homepage import (
    home_scene,
    make_activities,
    make_calls,
    make_idea_seeking_volunteers,
    make_open_idea,
)
from tests.helpers import html, signed_in
from tests.statements import recorded_statements

EN = {"Accept-Language": "en"}
LV = {"Accept-Language": "lv"}
IDEA_TITLE = re.compile(r'<h[23] class="idea-card__title" id="idea-(\d+)-title"><a [^>]*>(.*?)</a>')
#: the home page's own three statements (the ideas of both idea sections, the centres with the next activities, the
#: open calls), and what the header costs a signed-in person (+2) and a coordinator (+1, the items waiting for them)
HOME_STATEMENTS = {"visitor": 3, "resident": 5, "moderator": 6}


@pytest.fixture
def scene(preili):
    return home_scene(preili)


def section(page, heading_id):
    """The HTML of the home page's section whose heading has this id (up to the next section)."""
    start = page.index(f'id="{heading_id}"')
    return page[start : page.find("</section>", start)]


def titles(fragment):
    """The idea titles in a piece of HTML, in page order (a search's <mark>s taken out)."""
    return [re.sub(r"</?mark>", "", title) for _id, title in IDEA_TITLE.findall(fragment)]


# The sections -------------------------------------------------------------------------------------------------------


def test_each_section_shows_its_own_items_newest_or_soonest_first(client, scene, preili):
    make_idea_seeking_volunteers(scene, "Talka parkā", minutes_ago=50)
    make_idea_seeking_volunteers(scene, "Pilna loma", minutes_ago=40, places=1, accepted=1)
    make_open_idea(scene, "Bez lomām", minutes_ago=30)
    make_idea_seeking_volunteers(scene, "Melnraksts ar lomu", state="draft")
    make_idea_seeking_volunteers(scene, "Iesniegta ar lomu", state="submitted")
    make_idea_seeking_volunteers(scene, "Arhivēta ar lomu", state="archived")
    moved = make_open_idea(scene, "Loma aizgāja uz pasākumu", minutes_ago=20)
    make_role(idea=moved, activity=make_activity(centre=preili, title="Pasākums ar lomu", starts_in_days=30))
    past_shift = make_open_idea(scene, "Maiņa jau beigusies", minutes_ago=10)
    make_role(idea=past_shift, starts_at=utcnow() - timedelta(days=2), ends_at=utcnow() - timedelta(days=2, hours=-2))
    make_idea_seeking_volunteers(scene, "Grāmatu maiņa", minutes_ago=5)

    page = html(client.get("/", headers=EN))

    assert titles(section(page, "volunteers-heading")) == ["Grāmatu maiņa", "Talka parkā"]
    new_ideas = titles(section(page, "new-ideas-heading"))
    assert new_ideas == ["Grāmatu maiņa", "Maiņa jau beigusies", "Loma aizgāja uz pasākumu", "Bez lomām"]  # four, newest first
    for hidden in ("Melnraksts ar lomu", "Iesniegta ar lomu", "Arhivēta ar lomu"):
        assert hidden not in page
    assert "/ideas?state=published&amp;volunteers=1" in section(page, "volunteers-heading")
    assert 'href="/ideas?state=published"' in section(page, "new-ideas-heading")


def test_upcoming_activities_are_planned_or_open_and_still_to_start_soonest_first(client, preili):
    make_activities(
        preili,
        ("Vēlāk", "open", 20),
        ("Drīz", "planned", 2),
        ("Atcelta", "cancelled", 3),
        ("Pabeigta", "completed", -3),
        ("Jau sākusies", "open", -0.01),
        ("Pagājusi", "open", -5),
        ("Pēc mēneša", "open", 30),
        ("Pēc diviem", "open", 60),
        ("Pēc trim", "open", 90),
    )

    upcoming = section(html(client.get("/", headers=EN)), "upcoming-activities-heading")

    shown = re.findall(r'class="activity-card__title" id="activity-\d+-title"><a [^>]*>([^<]*)</a>', upcoming)
    assert shown == ["Drīz", "Vēlāk", "Pēc mēneša", "Pēc diviem"]
    assert 'href="/activities"' in upcoming


def test_only_open_partner_calls_are_shown_newest_first_with_a_link_to_all(client, preili):
    make_calls(preili, ("Vecs aicinājums", "open"), ("Atrasts partneris", "matched"), ("Slēgts", "closed"), ("Jauns", "open"))

    calls = section(html(client.get("/", headers=EN)), "partner-calls-heading")

    shown = re.findall(r'class="call-card__title" id="call-\d+-title"><a [^>]*>([^<]*)</a>', calls)
    assert shown == ["Jauns", "Vecs aicinājums"]
    assert 'href="/partners?type=calls"' in calls


def test_empty_sections_say_so_kindly_in_both_languages(client, scene):
    english = html(client.get("/", headers=EN))
    assert "No idea is looking for volunteers just now." in english
    assert "No activities are planned just now." in english
    assert "No partner calls just now." in english
    assert "No ideas have been published yet." in english

    latvian = html(client.get("/", headers=LV))
    assert "Pašlaik nevienai idejai nevajag brīvprātīgos." in latvian
    assert "Idejas, kurām vajag brīvprātīgos" in latvian and "Atvērtie sadarbības aicinājumi" in latvian


def statements_of_home(client):
    client.get("/")  # warm up: the session's last-seen time is written at most once a minute
    with recorded_statements(requests_only=True) as statements:
        response = client.get("/")
    assert response.status_code == 200
    return statements


@pytest.mark.parametrize("role", ["visitor", "resident", "moderator"])
def test_the_home_page_runs_the_same_few_statements_with_few_or_many_rows(client, scene, preili, role):
    if role != "visitor":
        signed_in(client, make_user(email="viewer@example.com", moderates=[preili] if role == "moderator" else []))
    few = statements_of_home(client)
    for number in range(12):
        make_idea_seeking_volunteers(scene, f"Ideja {number}", minutes_ago=number)
        make_open_idea(scene, f"Bez lomas {number}", minutes_ago=number)
    make_activities(preili, *((f"Pasākums {number}", "open", number + 1) for number in range(8)))
    make_calls(preili, *((f"Aicinājums {number}", "open") for number in range(8)))
    many = statements_of_home(client)

    assert len(few) == len(many) == HOME_STATEMENTS[role], "\n\n".join(many)


# /ideas: the "seeking volunteers" filter and the count ---------------------------------------------------------------


def listed_titles(client, url, headers=EN):
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return titles(html(response)), html(response)


def next_link(page):
    match = re.search(r'<a href="([^"]+)" rel="next">', page)
    return match.group(1).replace("&amp;", "&") if match else None


def test_the_volunteers_filter_lists_ideas_whose_roles_take_people_with_the_other_filters(client, scene, aglona):
    make_idea_seeking_volunteers(scene, "Talka", minutes_ago=3)
    make_idea_seeking_volunteers(scene, "Talka uzņēmumam", minutes_ago=2, kind="social_enterprise")
    make_idea_seeking_volunteers(scene, "Pilna", minutes_ago=1, places=1, accepted=1)
    make_open_idea(scene, "Bez lomām")
    make_idea_seeking_volunteers({**scene, "centre": aglona}, "Aglonā", minutes_ago=4)
    draft = make_idea_seeking_volunteers(scene, "Melnraksts", state="draft")
    make_signup(make_role(idea=draft, places=1), state="accepted")

    shown, page = listed_titles(client, "/ideas?volunteers=1")
    assert shown == ["Talka uzņēmumam", "Talka", "Aglonā"]
    assert 'id="volunteers" name="volunteers" value="1" checked' in page
    assert "3 ideas" in page

    assert listed_titles(client, "/ideas?volunteers=1&kind=social_enterprise")[0] == ["Talka uzņēmumam"]
    assert listed_titles(client, f"/ideas?volunteers=1&centre={aglona.id}")[0] == ["Aglonā"]
    assert listed_titles(client, "/ideas?volunteers=1&q=uzņēm")[0] == ["Talka uzņēmumam"]
    assert "Pilna" in listed_titles(client, "/ideas")[0]  # without the filter, every open idea


def test_the_volunteers_filter_pages_by_keyset_and_keeps_itself_and_the_count(client, scene):
    for number in range(23):
        make_idea_seeking_volunteers(scene, f"Loma {number:02d}", minutes_ago=100 - number, support_count=number % 4)
        make_open_idea(scene, f"Bez {number:02d}", minutes_ago=100 - number)

    for sort in ("newest", "supported"):
        seen, url, pages = [], f"/ideas?volunteers=1&per_page=10&sort={sort}", 0
        while url:
            shown, page = listed_titles(client, url)
            assert "23 ideas" in page  # the count is of the whole list, on every page
            seen += shown
            url, pages = next_link(page), pages + 1
            if url:
                assert parse_qs(urlsplit(url).query)["volunteers"] == ["1"]
        assert pages == 3
        assert sorted(seen) == [f"Loma {number:02d}" for number in range(23)]  # each once, none without a role


@pytest.mark.parametrize(
    ("count", "latvian", "english"), [(1, "1 ideja", "1 idea"), (2, "2 idejas", "2 ideas"), (21, "21 ideja", "21 ideas")]
)
def test_the_count_uses_the_right_plural_form(client, scene, count, latvian, english):
    for number in range(count):
        make_open_idea(scene, f"Ideja {number}", minutes_ago=number)

    assert f">{latvian}<" in listed_titles(client, "/ideas?per_page=10", LV)[1]
    assert f">{english}<" in listed_titles(client, "/ideas?per_page=10", EN)[1]


def test_the_latvian_plural_forms_of_the_count(app):
    with app.test_request_context(), force_locale("lv"):
        forms = {number: ngettext("%(num)d idea", "%(num)d ideas", number) for number in (0, 1, 2, 10, 11, 21, 111)}
    assert forms == {
        0: "0 ideju",
        1: "1 ideja",
        2: "2 idejas",
        10: "10 idejas",
        11: "11 idejas",
        21: "21 ideja",
        111: "111 idejas",
    }


def test_the_count_and_the_filter_keep_the_list_page_within_its_budget(client, scene):
    for number in range(15):
        make_idea_seeking_volunteers(scene, f"Loma {number}", minutes_ago=number)
    client.get("/ideas")
    with recorded_statements(requests_only=True) as statements:
        page = html(client.get("/ideas?volunteers=1&per_page=10&q=loma", headers=EN))

    assert len(statements) <= 5, "\n\n".join(statements)  # as tests/routes/test_ideas_list.py QUERY_BUDGET
    assert "15 ideas" in page
    assert len(titles(page)) == 10
    db.session.rollback()
