"""Full-text search over ideas (SQLite FTS5 / PostgreSQL tsvector), and the list's cursors and allow-lists."""

from datetime import datetime

import pytest

from app.extensions import db
from app.ideas.list_queries import (
    IdeaFilters,
    decode_cursor,
    encode_cursor,
    list_ideas,
    parse_filters,
    parse_per_page,
    parse_sort,
)
from app.search_index import parse_query, postgresql_tsquery, sqlite_match_query
from tests.factories import make_category, make_centre, make_idea, make_user


@pytest.fixture
def make(ctx):
    """make_idea with one shared author, centre and category."""
    shared = {"author": make_user(), "centre": make_centre(), "category": make_category()}

    def build(**fields):
        return make_idea(**shared, **fields)

    return build


def found(query, **filters):
    """The ids of every public idea the search finds (all states open to the list), newest first."""
    page = list_ideas(IdeaFilters(q=query, state="all", **filters), per_page=50)
    return [idea.id for idea in page.ideas]


@pytest.fixture
def canteen(make):
    return make(
        title="Zupas virtuve",
        summary="Siltas pusdienas senioriem.",
        description="Skolas **ēdnīca** vakaros varētu pabarot vientuļos kaimiņus Preiļos.",
    )


def test_found_by_a_word_of_the_title_the_summary_or_the_description(canteen):
    assert found("virtuve") == [canteen.id]
    assert found("pusdienas") == [canteen.id]
    assert found("kaimiņus") == [canteen.id]


def test_found_by_the_beginning_of_a_word(canteen):
    assert found("kaimi") == [canteen.id]
    assert found("pabarot vientu") == [canteen.id]
    assert found("pabar vientuļos") == []  # only the last word may be unfinished: the one being typed


@pytest.mark.parametrize("query", ["ēdnīca", "ednica", "ĒDNĪCA", "EDNICA", "Ēdnīca", "ēdn", "edn", "ednīca"])
def test_found_with_or_without_diacritics_and_whatever_the_case(canteen, query):
    assert found(query) == [canteen.id]


@pytest.mark.parametrize("text", ["Ednica", "ēdnīca", "ĒDNĪCA", "ednica"])
def test_the_idea_is_found_whatever_diacritics_its_text_has(make, text):
    idea = make(title=f"Jauna {text} tirgū", description="Nekā vairāk.")

    assert found("ēdnīca") == [idea.id]
    assert found("ednica") == [idea.id]


def test_every_word_must_match(canteen, make):
    other = make(title="Ēdnīca Aglonā", description="Tikai pusdienas.")

    assert found("ēdnīca") == [other.id, canteen.id]
    assert found("ēdnīca preiļos") == [canteen.id]
    assert found("ēdnīca aglonā") == [other.id]
    assert found("ēdnīca daugavpilī") == []


@pytest.mark.parametrize("state", ["draft", "submitted", "changes_requested", "declined"])
def test_ideas_that_are_not_public_are_never_found(make, state):
    make(state=state, title="Slepena ēdnīca")

    assert found("slepena") == []
    assert list_ideas(IdeaFilters(q="slepena", state=state)).ideas == []


def test_published_promoted_and_archived_ideas_are_found_by_state(make):
    published = make(state="published", title="Ēdnīca viens")
    promoted = make(state="promoted", title="Ēdnīca divi")
    archived = make(state="archived", title="Ēdnīca trīs")

    assert {idea.id for idea in list_ideas(IdeaFilters(q="ēdnīca")).ideas} == {published.id, promoted.id}
    assert [idea.id for idea in list_ideas(IdeaFilters(q="ēdnīca", state="archived")).ideas] == [archived.id]
    assert set(found("ēdnīca")) == {published.id, promoted.id, archived.id}


def test_search_combines_with_filters(ctx):
    author, centre, other_centre, category = make_user(), make_centre(), make_centre(), make_category()
    here = make_idea(author=author, centre=centre, category=category, title="Ēdnīca šeit", kind="social_enterprise")
    make_idea(author=author, centre=other_centre, category=category, title="Ēdnīca tur", kind="social_enterprise")
    make_idea(author=author, centre=centre, category=category, title="Ēdnīca arī šeit")

    assert found("ēdnīca", centre_id=centre.id, kind="social_enterprise") == [here.id]


def test_a_changed_idea_is_found_by_its_new_words_only(canteen):
    canteen.description = "Tagad runa ir par kafejnīcu."
    db.session.commit()

    assert found("kafejn") == [canteen.id]
    assert found("kaimiņus") == []


def test_search_results_are_paginated_with_cursors(make):
    ideas = [make(title=f"Ēdnīca numur {number}") for number in range(5)]
    make(title="Kaut kas cits")

    first = list_ideas(IdeaFilters(q="ednica"), per_page=2)
    second = list_ideas(IdeaFilters(q="ednica"), cursor=first.next_cursor, per_page=2)
    third = list_ideas(IdeaFilters(q="ednica"), cursor=second.next_cursor, per_page=2)
    back = list_ideas(IdeaFilters(q="ednica"), cursor=third.prev_cursor, per_page=2)

    newest_first = [idea.id for idea in reversed(ideas)]
    assert [idea.id for page in (first, second, third) for idea in page.ideas] == newest_first
    assert third.next_cursor is None
    assert [idea.id for idea in back.ideas] == newest_first[2:4]


NASTY_QUERIES = [
    '"',
    "'",
    '""',
    "AND OR (",
    "*",
    "NEAR(a b)",
    "a:*",
    "!&|",
    "(",
    ")",
    "-",
    "^ednica",
    "ednica*",
    "col:ednica",
    "search_text:ednica",
    "\\",
    "%",
    "_",
    "'; DROP TABLE ideas; --",
    "<script>",
    "{}[]",
    "ā" * 100,
    "word " * 50,
    "\x00",
    "🙂",
    "a & b | !c",
    "ednica:*",
    "ednica'",
    '"ednica',
    "AND",
    "NOT",
    "ºª²",
    "ǅ ⅷ ½",
    "\u0301",
    "-ednica",
    "+ednica",
    "ednica OR 1",
]


@pytest.mark.parametrize("query", NASTY_QUERIES)
def test_special_characters_never_break_the_search(canteen, query):
    page = list_ideas(IdeaFilters(q=query, state="all"))

    assert isinstance(page.ideas, list)
    assert all(idea.state in ("published", "promoted", "archived") for idea in page.ideas)


@pytest.mark.parametrize("query", ["ednica*", '"ednica"', "(ednica)", "ednica:*", "^ednica", "-ednica", "ednica'"])
def test_syntax_characters_are_only_separators(canteen, query):
    assert found(query) == [canteen.id]


def test_the_search_page_answers_special_characters_with_200(client, canteen):
    for query in NASTY_QUERIES:
        response = client.get("/ideas", query_string={"q": query})
        # No browser sends a NUL byte; an address with one is refused as a whole (app/inputs.py).
        assert response.status_code == (404 if "\x00" in query else 200), query


# The pieces, without the database ---------------------------------------------------------------------------------


def words_of(query):
    return [sorted(alternatives) for alternatives in parse_query(query).alternatives]


def test_a_search_is_its_words_analysed_each_in_latvian_and_english():
    assert words_of("  Ēdnīca, Preiļos! 2024 ") == [["ednic", "ednica"], ["preil", "preilo"], ["2024"]]
    assert words_of('"AND" OR (x*)') == [["and"], ["or"], ["x"]]
    assert words_of("snake_case") == [["snak", "snake"], ["cas", "case"]]
    assert words_of('" * ( ) : -') == []
    assert len(words_of(" ".join(f"vards{number}" for number in range(50)))) == 8
    assert parse_query("x" * 500).text == "x" * 100


def test_the_database_queries_quote_every_term_and_take_the_last_word_as_a_prefix():
    query = parse_query("ēdnīca and")
    assert sqlite_match_query(query) == '("ednic" OR "ednica") AND ("and"*)'
    assert sqlite_match_query(query, "search_title") == 'search_title : ("ednic" OR "ednica") AND search_title : ("and"*)'
    assert postgresql_tsquery(query) == "(ednic | ednica) & (and:*)"
    assert postgresql_tsquery(query, "A") == "(ednic:A | ednica:A) & (and:*A)"


def test_cursors_round_trip_and_reject_garbage():
    moment = datetime(2025, 3, 1, 12, 30, 15, 123456)
    assert decode_cursor(encode_cursor("newest", "next", moment, 42), "newest") == ("next", moment, 42)
    assert decode_cursor(encode_cursor("supported", "prev", 7, 3), "supported") == ("prev", 7, 3)
    assert decode_cursor(encode_cursor("supported", "prev", 7, 3), "newest") is None  # another sort's cursor
    assert encode_cursor("newest", "next", None, 1) is None
    for garbage in (
        None,
        "",
        "x",
        "!!!",
        "A" * 300,
        encode_cursor("newest", "next", "yesterday", 1),
        encode_cursor("newest", "sideways", moment, 1),
        encode_cursor("supported", "next", 2**70, 1),
        encode_cursor("supported", "next", 1, -5),
        encode_cursor("supported", "next", 1, "x"),
    ):
        assert decode_cursor(garbage, "supported") is None
        assert decode_cursor(garbage, "newest") is None


def test_parameters_come_from_allow_lists():
    assert parse_sort("supported") == "supported"
    assert parse_sort("title") == parse_sort(None) == parse_sort("published_at desc; --") == "newest"
    assert [parse_per_page(value) for value in ("10", "20", "50", "7", "", None, "x", "-20")] == [10, 20, 50] + [20] * 5
    filters = parse_filters(
        {"kind": "evil", "category": "3", "centre": "9", "state": "draft", "partner": "1", "q": "  a   lot   of  space "},
        category_ids={3},
        centre_ids={1},
    )
    assert filters == IdeaFilters(
        kind="", category_id=3, centre_id=None, state="", seeking_school_partner=True, q="a lot of space"
    )
    assert parse_filters({"q": "x" * 500}).q == "x" * 100
    assert IdeaFilters().states == ("published", "promoted")
