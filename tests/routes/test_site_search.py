"""Searching the lists of activities, organisations and partners, and /search across the whole site.

What a person sees: other word forms find a text, the words found are marked, the count, the order (title matches
first), the typed words kept in the form and the page links, only what the person may see, and bad input answered
calmly. The Latvian analysis itself is tested in tests/test_text_analysis.py.
"""

import re
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from app.extensions import db
from app.timeutil import utcnow
from tests.factories import make_activity, make_idea, make_organisation, make_partner_call, make_user
from tests.helpers import signed_in
from tests.statements import recorded_statements

XSS = '<script>alert("x")</script>'
GARBAGE = [
    "x" * 10_000,
    "ezers " * 2_000,
    '"',
    '"ezers',
    "'; DROP TABLE ideas; --",
    "*",
    "ezer*",
    "NEAR(",
    "NEAR(ezers skola, 2)",
    "AND OR NOT",
    "search_title:ezers",
    "(((",
    "ezers & !skola | :*",
    "\\",
    "%_",
    "🙂",
]
LISTS = ["/activities", "/activities?when=past", "/organisations", "/partners", "/partners?type=calls", "/search"]


def text_of(response):
    """The page's text as a person reads it: tags removed, entities decoded, spaces collapsed."""
    html = response.get_data(as_text=True)
    main = html[html.index("<main") :]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def links_of(response):
    """Every href of the page, decoded."""
    return [unescape(href) for href in re.findall(r'href="([^"]*)"', response.get_data(as_text=True))]


def query_of(link):
    """The query string of a link as a dict of single values."""
    return {key: values[0] for key, values in parse_qs(urlsplit(link).query).items()}


@pytest.fixture
def client(ctx):
    """A visitor reading the site in English (the tests read its English texts; Latvian is the default)."""
    client = ctx.test_client()
    client.set_cookie("kopiena_lang", "en")
    return client


@pytest.fixture
def things(preili):
    """A few of each kind, with Latvian titles whose other forms are searched for."""
    school = make_organisation(centre=preili, name="Preiļu sociālā uzņēmējdarbība", kind="business", description="Atbalsts.")
    return {
        "lake_activity": make_activity(centre=preili, title="Talka pie ezera", description="Sakopsim krastu."),
        "past_lake_activity": make_activity(
            centre=preili, title="Ezera svētki", description="Pagājušā vasara.", starts_in_days=-30, state="completed"
        ),
        "ceramics": make_activity(centre=preili, title="Keramikas darbnīca", description="Podi pie ezera mājas."),
        "enterprise": school,
        "library": make_organisation(centre=preili, name="Preiļu bibliotēka", kind="municipal", description="Grāmatas."),
        "call": make_partner_call(school, title="Skolēni pēta ezeru ūdeni", description="Dabaszinību projekts."),
        "other_call": make_partner_call(school, title="Teātra izrāde", description="Kopā ar skolēniem."),
    }


# Each list finds other word forms, counts, marks and keeps the words ---------------------------------------------


def test_activities_are_found_by_another_form_of_a_word(client, things):
    response = client.get("/activities?q=ezers")
    text = text_of(response)
    assert "Talka pie ezera" in text
    assert "Keramikas darbnīca" in text  # "ezera" only in its description
    assert "2 activities found" in text
    html = response.get_data(as_text=True)
    assert "Talka pie <mark>ezera</mark>" in html
    # the title match first, then the list's own order
    assert text.index("Talka pie ezera") < text.index("Keramikas darbnīca")
    assert "Ezera svētki" not in text  # it is past: the past view has it
    assert 'value="ezers"' in html
    assert "Ezera svētki" in text_of(client.get("/activities?q=ezeram&when=past"))


def test_a_title_match_comes_before_an_earlier_activity_matching_only_in_its_description(client, preili):
    make_activity(centre=preili, title="Rīta vingrošana", description="Pie skolas stadiona.", starts_in_days=1)
    make_activity(centre=preili, title="Skolas balle", description="Deju vakars.", starts_in_days=20)
    text = text_of(client.get("/activities?q=skolā"))
    assert text.index("Skolas balle") < text.index("Rīta vingrošana")
    text = text_of(client.get("/activities"))
    assert text.index("Rīta vingrošana") < text.index("Skolas balle")  # without a search: the soonest first


def test_organisations_are_found_by_another_form_of_their_name(client, things):
    response = client.get("/organisations?q=uzņēmējdarbības")
    text = text_of(response)
    assert "Preiļu sociālā uzņēmējdarbība" in text
    assert "Preiļu bibliotēka" not in text
    assert "1 organisation found" in text
    assert "sociālā <mark>uzņēmējdarbība</mark>" in response.get_data(as_text=True)
    assert "Preiļu bibliotēka" in text_of(client.get("/organisations?q=bibliotēkā&kind=municipal"))
    assert "Preiļu bibliotēka" not in text_of(client.get("/organisations?q=bibliotēkā&kind=school"))


def test_partner_calls_and_projects_seeking_a_partner_are_searched(client, things, preili):
    make_idea(centre=preili, title="Ezera krasta sakopšana", seeking_school_partner=True, partner_age_groups="10-12")
    make_idea(centre=preili, title="Soliņi parkā", seeking_school_partner=True, partner_age_groups="10-12")
    make_activity(centre=preili, title="Ezeru pētnieki", seeking_school_partner=True, partner_age_groups="10-12")
    make_activity(centre=preili, title="Galda spēles", seeking_school_partner=True, partner_age_groups="10-12")
    response = client.get("/partners?q=ezeri")
    text = text_of(response)
    assert "Skolēni pēta ezeru ūdeni" in text
    assert "Teātra izrāde" not in text
    assert "Ezera krasta sakopšana" in text
    assert "Soliņi parkā" not in text
    assert "Ezeru pētnieki" in text and "Galda spēles" not in text
    assert text.count("Results: 1") == 3
    html = response.get_data(as_text=True)
    assert "pēta <mark>ezeru</mark> ūdeni" in html
    assert "<mark>Ezera</mark> krasta sakopšana" in html
    assert 'id="filter-q"' in html and 'value="ezeri"' in html
    # the other filters keep the search
    assert all(query_of(link).get("q") == "ezeri" for link in links_of(response) if "type=" in link and "/partners" in link)


def test_a_search_is_kept_in_the_page_links(client, preili):
    for number in range(25):
        make_activity(centre=preili, title=f"Ezera talka {number}", starts_in_days=number + 1)
    response = client.get("/activities?q=ezers")
    assert "25 activities found" in text_of(response)
    next_links = [link for link in links_of(response) if "page=2" in link]
    assert next_links and all(query_of(link)["q"] == "ezers" for link in next_links)
    second = text_of(client.get(next_links[0]))
    assert "Ezera talka 20" in second and "Ezera talka 3 " not in second


def test_a_search_without_results_says_so(client, things):
    assert "No activities match your search" in text_of(client.get("/activities?q=zvaigzne"))
    assert "No organisations match your search" in text_of(client.get("/organisations?q=zvaigzne"))


# /search: grouped, counted, linked to the lists -------------------------------------------------------------------


def test_the_site_search_groups_counts_and_links_to_each_list(client, things, preili):
    make_idea(centre=preili, title="Laipa pār ezeru", summary="Lai var iet pāri ezeram.")
    response = client.get("/search?q=ezers")
    assert response.status_code == 200
    text = text_of(response)
    for title in ("Laipa pār ezeru", "Talka pie ezera", "Keramikas darbnīca", "Ezera svētki", "Skolēni pēta ezeru ūdeni"):
        assert title in text
    assert "Preiļu bibliotēka" not in text and "Teātra izrāde" not in text
    assert "5 results for “ezers”" in text
    links = links_of(response)
    assert "/ideas?q=ezers" in links
    assert "/activities?q=ezers" in links
    assert "/activities?q=ezers&when=past" in links
    calls_link = {"q": "ezers", "type": "calls", "state": "any"}
    assert any(urlsplit(link).path == "/partners" and query_of(link) == calls_link for link in links)
    # each "See all" list holds what was counted
    assert "Laipa pār ezeru" in text_of(client.get("/ideas?q=ezers"))
    assert "Skolēni pēta ezeru ūdeni" in text_of(client.get("/partners?q=ezers&type=calls&state=any"))
    html = response.get_data(as_text=True)
    assert "<mark>Ezera</mark> svētki" in html
    assert 'id="site-search-q" name="q" value="ezers"' in html  # the header's box keeps the words


def test_each_group_shows_five_and_tells_how_many_more(client, preili):
    for number in range(7):
        make_organisation(centre=preili, name=f"Ezeru biedrība {number}", kind="ngo")
    text = text_of(client.get("/search?q=ezeri"))
    assert sum(f"Ezeru biedrība {number}" in text for number in range(7)) == 5
    assert "See all 7 organisations found" in text
    assert "/organisations?q=ezeri" in links_of(client.get("/search?q=ezeri"))


def test_hidden_draft_and_unpublished_ideas_are_never_found(client, preili):
    make_idea(centre=preili, title="Ezera laipa publiska")
    make_idea(centre=preili, title="Ezera laipa melnraksts", state="draft")
    make_idea(centre=preili, title="Ezera laipa iesniegta", state="submitted")
    make_idea(centre=preili, title="Ezera laipa noraidīta", state="declined")
    moderator = make_user(email="hider@example.com", admin=True)
    make_idea(centre=preili, title="Ezera laipa paslēpta", hidden_at=utcnow(), hidden_by_id=moderator.id, hidden_reason="Rupjš.")
    make_idea(centre=preili, title="Ezera laipa ziņota", hidden_at=utcnow())
    for person in (None, make_user(email="someone@example.com", language="en")):
        signed_in(client, person)
        text = text_of(client.get("/search?q=ezera laipa"))
        assert "Ezera laipa publiska" in text
        for hidden in ("melnraksts", "iesniegta", "noraidīta", "paslēpta", "ziņota"):
            assert f"Ezera laipa {hidden}" not in text
        assert "1 result for" in text


def test_an_empty_search_shows_only_the_form(client, things):
    for url in ("/search", "/search?q=", "/search?q=%20%20", "/search?q=***"):
        response = client.get(url)
        assert response.status_code == 200
        text = text_of(response)
        assert "Talka pie ezera" not in text and "Results" not in text and "Nothing was found" not in text
        assert 'id="search-q"' in response.get_data(as_text=True)


def test_nothing_found_gives_advice(client, things):
    text = text_of(client.get("/search?q=zvaigžņu kuģis"))
    assert "Nothing was found for “zvaigžņu kuģis”" in text
    assert "Check the spelling" in text and "Try fewer words" in text


def test_the_site_search_in_latvian(client, things):
    client.set_cookie("kopiena_lang", "lv")
    text = text_of(client.get("/search?q=ezers"))
    assert "Pasākumi" in text and "Organizācijas" in text
    assert "Meklējot „ezers”, atrasti 4 rezultāti" in text
    assert "Atrasts 1 pasākums" in text_of(client.get("/activities?q=talka"))


# The header's search box ------------------------------------------------------------------------------------------


def test_every_page_has_a_labelled_search_box_in_its_header(client, preili):
    for url in ("/", "/ideas", "/activities", "/organisations", "/partners"):
        html = client.get(url).get_data(as_text=True)
        header = html[html.index("<header") : html.index("</header>")]
        form = re.search(r'<form method="get" action="/search"[^>]*role="search"[^>]*>(.*?)</form>', header, re.S).group(1)
        assert re.search(r'<label for="site-search-q"[^>]*>[^<]+</label>', form)
        assert re.search(r'<input type="search" id="site-search-q" name="q" value=""', form)
        assert '<button type="submit"' in form


# Escaping and bad input -------------------------------------------------------------------------------------------


def test_script_in_the_search_and_in_titles_stays_text(client, preili):
    school = make_organisation(centre=preili, name=f"Ezera skola {XSS}")
    make_activity(centre=preili, title=f"Ezera talka {XSS}")
    make_partner_call(school, title=f"Ezera pētījums {XSS}")
    make_idea(centre=preili, title=f"Ezera laipa {XSS}", summary=f"Ezers {XSS}")
    for url in ("/search?q=", "/activities?q=", "/organisations?q=", "/partners?q="):
        for words in ("ezers", f"ezers {XSS}", f"{XSS} ezers script"):
            response = client.get(url + words.replace("&", "%26"))
            assert response.status_code == 200
            html = response.get_data(as_text=True)
            assert "<script>alert" not in html, (url, words)
            assert "&lt;script&gt;" in html or "script" not in words


@pytest.mark.parametrize("words", GARBAGE)
def test_garbage_searches_are_answered_calmly(client, things, words):
    for url in LISTS:
        joiner = "&" if "?" in url else "?"
        response = client.get(f"{url}{joiner}{urlencode({'q': words, 'page': '2'})}")
        assert response.status_code == 200, (url, words)
        response = client.get(f"{url}{joiner}{urlencode({'q': words})}")
        assert response.status_code == 200, (url, words)
        html = response.get_data(as_text=True)
        assert "\x00" not in html
        assert 'value="' + "x" * 101 not in html  # what is kept is the cleaned text, at most 100 characters


@pytest.mark.parametrize("words", ["a\x00b", "ezers\x00"])
def test_a_nul_byte_in_a_search_leads_nowhere(client, things, words):
    # the app's rule for every address (app/inputs.py): no text column can hold a NUL, so it is a 404, never a 500
    for url in LISTS:
        joiner = "&" if "?" in url else "?"
        assert client.get(f"{url}{joiner}{urlencode({'q': words})}").status_code == 404, (url, words)


# The statement budget ---------------------------------------------------------------------------------------------

#: ideas 1, activities 2 (coming up and past), organisations 1, partner calls 1; the rest is the header's
SEARCH_BUDGET = {None: 5, "resident": 7, "moderator": 8}


def statements_for(client, url):
    with recorded_statements(requests_only=True) as statements:
        response = client.get(url)
    assert response.status_code == 200
    return statements


@pytest.mark.parametrize("role", [None, "resident", "moderator"])
def test_the_site_search_runs_a_fixed_number_of_statements(client, preili, role):
    if role == "resident":
        signed_in(client, make_user(email="resident@example.com"))
    elif role == "moderator":
        signed_in(client, make_user(email="coordinator@example.com", moderates=[preili]))
    empty = len(statements_for(client, "/search"))
    counts = set()
    for round_ in range(2):
        school = make_organisation(centre=preili, name=f"Ezera skola {round_}")
        for number in range(1 + 8 * round_):
            make_idea(centre=preili, title=f"Ezera ideja {round_} {number}")
            make_activity(centre=preili, title=f"Ezera talka {round_} {number}", starts_in_days=number + 1)
            make_activity(centre=preili, title=f"Ezera svētki {round_} {number}", starts_in_days=-number - 2)
            make_organisation(centre=preili, name=f"Ezera biedrība {round_} {number}", kind="ngo")
            make_partner_call(school, title=f"Ezera pētījums {round_} {number}")
        db.session.commit()
        statements = statements_for(client, "/search?q=ezers")
        counts.add(len(statements))
    assert len(counts) == 1, counts
    (count,) = counts
    assert count - empty == 5
    assert count <= SEARCH_BUDGET[role], count


@pytest.mark.parametrize("url", ["/activities", "/activities?when=past", "/organisations", "/partners", "/partners?type=calls"])
def test_searching_a_list_costs_no_more_statements_than_the_list(client, things, preili, url):
    joiner = "&" if "?" in url else "?"
    plain = len(statements_for(client, url))
    searched = len(statements_for(client, f"{url}{joiner}q=ezers"))
    for number in range(30):
        make_activity(centre=preili, title=f"Ezera talka {number}", starts_in_days=(number % 2 or -1) * (number + 2))
        make_organisation(centre=preili, name=f"Ezera biedrība {number}", kind="ngo")
        make_partner_call(things["enterprise"], title=f"Ezera pētījums {number}")
    assert len(statements_for(client, f"{url}{joiner}q=ezers")) == searched == plain
