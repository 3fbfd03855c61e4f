"""/ideas with a search: Latvian word forms found, the words marked (escaped), the count in both languages,
the "best match" sort offered only with a search, its pages, the query budget, and garbage never a 500."""

import re
from datetime import timedelta

import pytest

from app.ideas.list_queries import RELEVANCE, encode_cursor
from app.timeutil import utcnow
from tests.factories import make_category, make_centre, make_idea, make_user
from tests.routes.test_ideas_list import QUERY_BUDGET, link, listed_ids
from tests.statements import recorded_statements

SORT_OPTIONS = re.compile(r'<select id="sort" name="sort">(.*?)</select>', re.S)


@pytest.fixture
def make(ctx):
    """make_idea with one shared author, centre and category; `minutes_ago` sets when it was published."""
    shared = {"author": make_user(), "centre": make_centre(), "category": make_category()}
    now = utcnow()

    def build(title, summary="Īss apraksts.", minutes_ago=0, **fields):
        return make_idea(title=title, summary=summary, published_at=now - timedelta(minutes=minutes_ago), **shared, **fields)

    return build


def text_of(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def english(client):
    client.set_cookie("kopiena_lang", "en")
    return client


def sort_options(page):
    """(value, selected?) of each option of the sort select."""
    [options] = SORT_OPTIONS.findall(page)
    return [(value, bool(selected)) for value, selected in re.findall(r'<option value="([^"]*)"( selected)?>', options)]


def test_a_search_for_ezers_shows_the_idea_written_pie_ezera_with_the_word_marked(client, make):
    lake = make("Laipa pie ezera", summary="Koka laipa ezera krastā.")
    make("Grāmatu maiņa bibliotēkā")

    response = client.get("/ideas", query_string={"q": "ezers"})

    page = text_of(response)
    assert listed_ids(response) == [lake.id]
    assert "Laipa pie <mark>ezera</mark>" in page
    assert "Koka laipa <mark>ezera</mark> krastā." in page


def test_every_word_is_marked_in_the_title_and_the_summary_and_nothing_else(client, make):
    make("Skolēni stāda kokus pie skolas", summary="Skolai vajag ēnu; kociņus iedos mežniecība.")

    page = text_of(client.get("/ideas", query_string={"q": "koks skola"}))

    # "skola" is the last word, so "skol…" is a beginning: it marks "Skolēni" too; "kociņus" is another word
    assert "<mark>Skolēni</mark> stāda <mark>kokus</mark> pie <mark>skolas</mark>" in page
    assert "<mark>Skolai</mark> vajag ēnu; kociņus iedos mežniecība." in page
    assert page.count("<mark>") == 4


def test_marked_titles_stay_escaped(client, make):
    make('<script>alert("ezers")</script> pie ezera', summary="<b>ezera</b> <img src=x onerror=alert(1)>")

    page = text_of(client.get("/ideas", query_string={"q": "ezers"}))

    assert "<script>alert" not in page
    assert "<img src=x" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&#34;<mark>ezers</mark>&#34;)&lt;/script&gt; pie <mark>ezera</mark>" in page
    assert "&lt;b&gt;<mark>ezera</mark>&lt;/b&gt;" in page


def test_the_search_words_themselves_stay_escaped(client, make):
    make("Laipa pie ezera")

    page = text_of(english(client).get("/ideas", query_string={"q": 'ezers <"'}))

    assert 'ezers <"' not in page
    assert "1 idea matches “ezers &lt;&#34;”" in page


def test_cards_without_a_search_mark_nothing(client, make):
    make("Laipa pie ezera", seeking_school_partner=True)

    assert "<mark>" not in text_of(client.get("/ideas"))
    assert "<mark>" not in text_of(client.get("/"))
    assert "Laipa pie ezera" in text_of(client.get("/ideas"))


@pytest.mark.parametrize(
    ("matching", "latvian", "english_text"),
    [
        (0, "Meklējumam „ezers” atbilst 0 ideju", "0 ideas match “ezers”"),
        (1, "Meklējumam „ezers” atbilst 1 ideja", "1 idea matches “ezers”"),
        (2, "Meklējumam „ezers” atbilst 2 idejas", "2 ideas match “ezers”"),
        (21, "Meklējumam „ezers” atbilst 21 ideja", "21 ideas match “ezers”"),
    ],
)
def test_the_count_of_a_search_in_latvian_and_english(client, make, matching, latvian, english_text):
    for number in range(matching):
        make(f"Laipa pie ezera {number}")
    make("Grāmatu maiņa bibliotēkā")

    assert latvian in text_of(client.get("/ideas", query_string={"q": "ezers", "per_page": 10}))
    assert english_text in text_of(english(client).get("/ideas", query_string={"q": "ezers", "per_page": 10}))


def test_best_match_is_offered_and_chosen_only_with_a_search(client, make):
    make("Laipa pie ezera")
    english(client)

    searching = text_of(client.get("/ideas", query_string={"q": "ezers"}))
    assert sort_options(searching)[0] == (RELEVANCE, True)
    assert ">Best match<" in searching
    assert [value for value, _selected in sort_options(text_of(client.get("/ideas")))] == ["newest", "supported", "discussed"]
    # asked for without a search: the newest first, nothing broken
    assert ("newest", True) in sort_options(text_of(client.get("/ideas", query_string={"sort": RELEVANCE})))
    # the other sorts stay selectable with a search
    assert ("supported", True) in sort_options(text_of(client.get("/ideas", query_string={"q": "ezers", "sort": "supported"})))


def test_best_match_is_latvian_too(client, make):
    make("Laipa pie ezera")

    assert ">Atbilstošākās<" in text_of(client.get("/ideas", query_string={"q": "ezers"}))


def test_the_pages_of_a_search_follow_the_best_match_order(client, make):
    in_text = [make(f"Talka {number}", summary="Sakopsim ezera krastu.", minutes_ago=number) for number in range(12)]
    in_title = [make(f"Ezera svētki {number}", minutes_ago=100 + number) for number in range(12)]
    expected = [idea.id for idea in in_title] + [idea.id for idea in in_text]  # each newest first already

    first = client.get("/ideas", query_string={"q": "ezers", "per_page": 10})
    pages = [listed_ids(first)]
    response = first
    while next_url := link(response, "next"):
        assert "sort=" not in next_url  # the best match is the search's default: links need not say it
        response = client.get(next_url)
        pages.append(listed_ids(response))
    assert [idea for page in pages for idea in page] == expected
    back = client.get(link(response, "prev"))
    assert listed_ids(back) == expected[10:20]


def test_a_chosen_sort_is_kept_by_the_page_links(client, make):
    for number in range(12):
        make(f"Laipa pie ezera {number}", minutes_ago=number)

    response = client.get("/ideas", query_string={"q": "ezers", "per_page": 10, "sort": "newest"})

    assert "sort=newest" in link(response, "next")


def test_a_search_costs_the_page_no_more_statements(client, make):
    for number in range(30):
        make(f"Laipa pie ezera {number}", summary="Sakopsim ezera krastu." if number % 2 else "Koka laipa.")

    def count(url):
        with recorded_statements(requests_only=True) as statements:
            response = client.get(url)
        assert response.status_code == 200
        return len(statements), response

    plain, _ = count("/ideas?per_page=10")
    searched, response = count("/ideas?per_page=10&q=ezers")
    second, _ = count(link(response, "next"))
    assert searched == second == plain <= QUERY_BUDGET


@pytest.mark.parametrize(
    ("sort", "value", "idea_id"),
    [
        ("supported", 2**40, 1),
        ("supported", -(2**40), 1),
        ("newest", utcnow(), 2**40),
        (RELEVANCE, (1, utcnow()), 2**40),
        (RELEVANCE, (0, utcnow()), 2**31),
    ],
)
def test_cursors_with_numbers_beyond_the_columns_give_the_first_page(client, make, sort, value, idea_id):
    lake = make("Laipa pie ezera")
    cursor = encode_cursor(sort, "next", value, idea_id)

    response = client.get("/ideas", query_string={"q": "ezers", "sort": sort, "cursor": cursor})

    assert listed_ids(response) == [lake.id]


GARBAGE = [
    "!?.,;:-–—()[]{}<>«»„”/\\|",
    "...",
    '"',
    '""""',
    "*",
    "ezers*",
    "NEAR(",
    "NEAR(ezers laipa, 2)",
    "col:x",
    "search_title:ezers",
    "x" * 10_000,
    "ezers " * 2_000,
    "ā" * 10_000,
    "':* & | !",
    "%_",
    "\u200b\u00ad",
]


@pytest.mark.parametrize("query", GARBAGE)
@pytest.mark.parametrize("sort", ["", RELEVANCE, "supported"])
def test_garbage_searches_answer_200(client, make, query, sort):
    make("Laipa pie ezera")

    response = client.get("/ideas", query_string={"q": query, "sort": sort})

    assert response.status_code == 200


def test_a_nul_byte_is_refused_as_a_whole_address_never_a_server_error(client, make):
    make("Laipa pie ezera")

    for query in ["\x00", "ezers\x00", "\x00" * 100]:
        assert client.get("/ideas", query_string={"q": query}).status_code == 404  # app/inputs.py
