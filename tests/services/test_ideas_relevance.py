"""The "best match" sort of a search: ideas whose title holds every word first, then the others, newest first in
each; its keyset cursors carry the tier, forwards and backwards, on both databases."""

from datetime import timedelta

import pytest

from app.ideas.list_queries import RELEVANCE, IdeaFilters, decode_cursor, encode_cursor, list_ideas, parse_sort
from app.timeutil import utcnow
from tests.factories import make_category, make_centre, make_idea, make_user


@pytest.fixture
def make(ctx):
    """make_idea with one shared author, centre and category; `minutes_ago` sets when it was published."""
    shared = {"author": make_user(), "centre": make_centre(), "category": make_category()}
    now = utcnow()

    def build(title, description="Nekas īpašs.", minutes_ago=0, **fields):
        return make_idea(
            title=title, description=description, published_at=now - timedelta(minutes=minutes_ago), **shared, **fields
        )

    return build


@pytest.fixture
def lake_ideas(make):
    """Three ideas with the lake in the title (older) and three with it only in the text (newer), and one without."""
    in_title = [
        make("Laipa pie ezera", minutes_ago=50),
        make("Ezera krasta sakopšana", minutes_ago=40),
        make("Soliņi pie ezera", minutes_ago=40),  # published at the same moment as the one before: the id decides
    ]
    in_text = [
        make("Peldvieta", description="Smiltis pie ezera.", minutes_ago=30),
        make("Makšķernieku talka", description="Sakopsim ezeru.", minutes_ago=20),
        make("Putnu būrīši", description="Pie ezeriem ligzdo putni.", minutes_ago=10),
    ]
    make("Grāmatu maiņa", minutes_ago=5)
    return in_title, in_text


def ids(page):
    return [idea.id for idea in page.ideas]


def newest_first(ideas):
    return [idea.id for idea in sorted(ideas, key=lambda idea: (idea.published_at, idea.id), reverse=True)]


def test_a_search_lists_title_matches_first_then_the_newest(lake_ideas):
    in_title, in_text = lake_ideas

    page = list_ideas(IdeaFilters(q="ezers"))

    assert ids(page) == newest_first(in_title) + newest_first(in_text)
    assert page.total == 6


def test_the_title_must_hold_every_word_to_come_first(make):
    both_in_title = make("Laipa pie ezera", minutes_ago=30)
    one_in_title = make("Laipa", description="Pie ezera.", minutes_ago=20)
    none_in_title = make("Talka", description="Laipa pie ezera.", minutes_ago=10)

    assert ids(list_ideas(IdeaFilters(q="laipa ezers"))) == [both_in_title.id, none_in_title.id, one_in_title.id]


def test_the_newest_and_the_other_sorts_stay_selectable_with_a_search(lake_ideas, make):
    in_title, in_text = lake_ideas
    supported = make("Ezera svētki", minutes_ago=60, support_count=9)

    assert ids(list_ideas(IdeaFilters(q="ezers"), sort="newest")) == newest_first([*in_title, *in_text, supported])
    assert ids(list_ideas(IdeaFilters(q="ezers"), sort="supported"))[0] == supported.id
    assert ids(list_ideas(IdeaFilters(q="ezers"), sort=RELEVANCE)) == newest_first([*in_title, supported]) + newest_first(in_text)


@pytest.mark.parametrize("per_page", [10, 20])
def test_relevance_without_a_search_is_the_newest_first(lake_ideas, per_page):
    newest = list_ideas(IdeaFilters(), sort="newest", per_page=per_page)

    assert ids(list_ideas(IdeaFilters(), sort=RELEVANCE, per_page=per_page)) == ids(newest)
    assert parse_sort(RELEVANCE) == parse_sort(None) == "newest"
    assert parse_sort(None, searching=True) == parse_sort("nonsense", searching=True) == RELEVANCE
    assert parse_sort("supported", searching=True) == "supported"


def test_pages_of_a_search_follow_on_across_the_tiers_and_back(lake_ideas):
    in_title, in_text = lake_ideas
    expected = newest_first(in_title) + newest_first(in_text)
    search = IdeaFilters(q="ezers")

    pages = [list_ideas(search, per_page=4)]
    pages.append(list_ideas(search, cursor=pages[-1].next_cursor, per_page=4))
    assert [ids(page) for page in pages] == [expected[:4], expected[4:]]
    assert pages[-1].next_cursor is None
    back = list_ideas(search, cursor=pages[-1].prev_cursor, per_page=4)
    assert ids(back) == expected[:4]

    # two a page: every page boundary, inside a tier, between the tiers and between the same moments
    forwards, page = [], list_ideas(search, per_page=2)
    while True:
        forwards.append(ids(page))
        if not page.next_cursor:
            break
        page = list_ideas(search, cursor=page.next_cursor, per_page=2)
    assert forwards == [expected[0:2], expected[2:4], expected[4:6]]
    backwards = [ids(page)]
    while page.prev_cursor:
        page = list_ideas(search, cursor=page.prev_cursor, per_page=2)
        backwards.append(ids(page))
    assert backwards == list(reversed(forwards))


def test_relevance_cursors_round_trip_and_reject_garbage(lake_ideas):
    in_title, in_text = lake_ideas
    moment = in_title[0].published_at
    cursor = encode_cursor(RELEVANCE, "next", (1, moment), 7)

    assert decode_cursor(cursor, RELEVANCE) == ("next", (1, moment), 7)
    assert decode_cursor(cursor, "newest") is None
    assert decode_cursor(encode_cursor("newest", "next", moment, 7), RELEVANCE) is None
    for garbage in [(2, moment), (-1, moment), ("x", moment), (1, "yesterday"), (1, 5)]:
        assert decode_cursor(encode_cursor(RELEVANCE, "next", garbage, 7), RELEVANCE) is None
    assert decode_cursor(encode_cursor(RELEVANCE, "next", (1, moment), 2**31), RELEVANCE) is None  # no such id
    assert encode_cursor(RELEVANCE, "next", (1, None), 7) is None
    # a made-up cursor only moves the reader within the same list: after the oldest title match come the others
    after_the_titles = encode_cursor(RELEVANCE, "next", (1, moment), 0)
    assert ids(list_ideas(IdeaFilters(q="ezers"), cursor=after_the_titles)) == newest_first(in_text)
