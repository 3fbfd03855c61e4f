"""/ideas and the home page's idea lists: filters, sort, keyset pagination, the query budget, escaping."""

import re
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from app.extensions import db
from app.ideas.list_queries import encode_cursor
from app.timeutil import utcnow
from tests.factories import make_category, make_idea, make_user
from tests.helpers import signed_in
from tests.statements import recorded_statements

CARD_TITLE = re.compile(r'<h[23] class="idea-card__title" id="idea-(\d+)-title">')
#: the result count ("23 ideas") is a column of the page's own statement, so it did not raise the budget
QUERY_BUDGET = 5


@pytest.fixture
def centres_and_categories(preili, aglona):
    """Two centres, two categories and an author, for ideas made by make_ideas()."""
    return {
        "author": make_user(email="author@example.com", display_name="Autore Ilze"),
        "preili": preili,
        "aglona": aglona,
        "environment": make_category(name_lv="Vide", name_en="Environment"),
        "culture": make_category(name_lv="Kultūra", name_en="Culture"),
    }


def make_ideas(
    centres_and_categories,
    count,
    state="published",
    centre="preili",
    category="environment",
    start=None,
    title=None,
    summary="Īss apraksts.",
    kind="local_improvement",
    **fields,
):
    """`count` ideas, published one minute apart (the last one newest); returns them oldest first."""
    start = start or utcnow() - timedelta(days=30)
    public = state in ("published", "promoted", "archived")
    return [
        make_idea(
            author=centres_and_categories["author"],
            centre=centres_and_categories[centre],
            category=centres_and_categories[category],
            state=state,
            title=title or f"Ideja {number}",
            summary=summary,
            description="Apraksts.",
            kind=kind,
            submitted_at=start,
            published_at=start + timedelta(minutes=number) if public else None,
            **fields,
        )
        for number in range(count)
    ]


def listed_ids(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    return [int(number) for number in CARD_TITLE.findall(response.get_data(as_text=True))]


def link(response, rel):
    """The href of the page's rel="next"/"prev" link, or None."""
    match = re.search(r'<a href="([^"]+)" rel="' + rel + '">', response.get_data(as_text=True))
    return match.group(1).replace("&amp;", "&") if match else None


def english(client):
    client.set_cookie("kopiena_lang", "en")
    return client


# Only public ideas, and the state filter ------------------------------------------------------------------------


def test_the_list_shows_published_and_promoted_ideas_but_never_unpublished_ones(client, centres_and_categories):
    shown = make_ideas(centres_and_categories, 1, "published") + make_ideas(centres_and_categories, 1, "promoted")
    archived = make_ideas(centres_and_categories, 1, "archived")
    hidden = [
        make_ideas(centres_and_categories, 1, state)[0] for state in ("draft", "submitted", "changes_requested", "declined")
    ]

    assert sorted(listed_ids(client.get("/ideas"))) == sorted(idea.id for idea in shown)
    assert listed_ids(client.get("/ideas?state=archived")) == [archived[0].id]
    assert sorted(listed_ids(client.get("/ideas?state=all"))) == sorted(idea.id for idea in shown + archived)
    for state in ("draft", "submitted", "changes_requested", "declined", "DRAFT", "x' OR 1=1 --"):
        ids = listed_ids(client.get("/ideas", query_string={"state": state}))
        assert not set(ids) & {idea.id for idea in hidden}, state
        assert sorted(ids) == sorted(idea.id for idea in shown), state  # unknown: the default


def test_an_unpublished_idea_is_not_found_by_search_or_on_the_home_page(client, centres_and_categories):
    make_ideas(centres_and_categories, 1, "submitted", title="Slepena ēdnīca")
    make_ideas(centres_and_categories, 1, "draft", title="Slepena ēdnīca")

    assert listed_ids(client.get("/ideas?q=slepena&state=all")) == []
    assert "Slepena" not in client.get("/").get_data(as_text=True)


# Filters -----------------------------------------------------------------------------------------------------------


def test_filter_by_kind(client, centres_and_categories):
    local = make_ideas(centres_and_categories, 2, kind="local_improvement")
    enterprise = make_ideas(centres_and_categories, 2, kind="social_enterprise")

    assert sorted(listed_ids(client.get("/ideas?kind=social_enterprise"))) == sorted(i.id for i in enterprise)
    assert sorted(listed_ids(client.get("/ideas?kind=local_improvement"))) == sorted(i.id for i in local)
    assert len(listed_ids(client.get("/ideas?kind=<script>"))) == 4


def test_filter_by_category(client, centres_and_categories):
    environment = make_ideas(centres_and_categories, 2, category="environment")
    culture = make_ideas(centres_and_categories, 3, category="culture")

    assert sorted(listed_ids(client.get(f"/ideas?category={centres_and_categories['culture'].id}"))) == sorted(
        i.id for i in culture
    )
    assert sorted(listed_ids(client.get(f"/ideas?category={centres_and_categories['environment'].id}"))) == sorted(
        i.id for i in environment
    )
    for garbage in ("abc", "999999", "-1", "1e3", "1 OR 1=1"):
        assert len(listed_ids(client.get("/ideas", query_string={"category": garbage}))) == 5, garbage


def test_filter_by_centre(client, centres_and_categories):
    preili = make_ideas(centres_and_categories, 2, centre="preili")
    aglona = make_ideas(centres_and_categories, 1, centre="aglona")

    assert listed_ids(client.get(f"/ideas?centre={centres_and_categories['aglona'].id}")) == [aglona[0].id]
    assert sorted(listed_ids(client.get(f"/ideas?centre={centres_and_categories['preili'].id}"))) == sorted(i.id for i in preili)
    assert len(listed_ids(client.get("/ideas?centre=999999"))) == 3


def test_filter_by_seeking_a_school_partner(client, centres_and_categories):
    make_ideas(centres_and_categories, 2)
    seeking = make_ideas(centres_and_categories, 1, seeking_school_partner=True, partner_subjects="science")

    assert listed_ids(client.get("/ideas?partner=1")) == [seeking[0].id]
    assert len(listed_ids(client.get("/ideas?partner=no"))) == 3


def test_filters_combine_and_the_form_keeps_the_chosen_values(client, centres_and_categories):
    wanted = make_ideas(
        centres_and_categories,
        1,
        centre="aglona",
        category="culture",
        kind="social_enterprise",
        seeking_school_partner=True,
        state="promoted",
    )
    make_ideas(
        centres_and_categories, 1, centre="aglona", category="culture", kind="local_improvement", seeking_school_partner=True
    )
    make_ideas(
        centres_and_categories, 1, centre="preili", category="culture", kind="social_enterprise", seeking_school_partner=True
    )

    response = client.get(
        f"/ideas?kind=social_enterprise&category={centres_and_categories['culture'].id}&centre={centres_and_categories['aglona'].id}"
        "&partner=1&state=promoted&sort=supported&per_page=10&q=ideja"
    )

    assert listed_ids(response) == [wanted[0].id]
    html = response.get_data(as_text=True)
    assert '<option value="social_enterprise" selected>' in html
    assert f'<option value="{centres_and_categories["culture"].id}" selected>' in html
    assert f'<option value="{centres_and_categories["aglona"].id}" selected>' in html
    assert '<option value="promoted" selected>' in html
    assert '<option value="supported" selected>' in html
    assert '<option value="10" selected>' in html
    assert 'name="partner" value="1" checked' in html
    assert 'name="q" value="ideja"' in html
    assert '<details class="idea-filters__more" open>' in html  # the chosen filters are not hidden


def test_the_other_filters_are_folded_away_until_one_is_chosen(client, centres_and_categories):
    assert '<details class="idea-filters__more">' in client.get("/ideas?q=ideja").get_data(as_text=True)
    assert '<details class="idea-filters__more" open>' in client.get("/ideas?sort=discussed").get_data(as_text=True)


def test_the_filter_form_is_a_labelled_get_form(client, centres_and_categories):
    html = client.get("/ideas").get_data(as_text=True)

    form = html[html.index('<form method="get" action="/ideas"') :]
    form = form[: form.index("</form>")]
    for name in ("q", "kind", "category", "centre", "state", "sort", "per_page", "partner"):
        assert f'<label class="field__label" for="{name}">' in form or f'<label for="{name}">' in form, name
    assert "csrf_token" not in form


def test_the_centre_filter_is_hidden_when_only_one_centre_is_active(client, centres_and_categories):
    make_ideas(centres_and_categories, 1)
    assert 'id="centre"' in client.get("/ideas").get_data(as_text=True)

    centres_and_categories["aglona"].is_active = False
    db.session.commit()

    html = client.get("/ideas").get_data(as_text=True)
    assert 'id="centre"' not in html
    assert "Preiļi" not in html[html.index('class="idea-list"') :]  # not on the cards either


def test_an_empty_result_says_so_and_offers_to_clear_the_filters(client, centres_and_categories):
    english(client)
    make_ideas(centres_and_categories, 2)

    html = client.get("/ideas?kind=social_enterprise").get_data(as_text=True)

    assert "No ideas match your search and filters" in html
    assert '<a href="/ideas">Clear the filters and show all ideas</a>' in html


def test_an_empty_list_without_filters_says_nothing_is_published_yet(client, centres_and_categories):
    english(client)
    assert "No ideas have been published yet" in client.get("/ideas").get_data(as_text=True)


# The card ----------------------------------------------------------------------------------------------------------


def test_a_card_shows_kind_category_centre_counts_state_and_the_partner_badge(client, centres_and_categories):
    english(client)
    idea = make_ideas(
        centres_and_categories,
        1,
        category="culture",
        centre="aglona",
        kind="social_enterprise",
        support_count=1,
        comment_count=2,
        seeking_school_partner=True,
        state="promoted",
        title="Keramikas darbnīca",
    )[0]

    html = client.get("/ideas").get_data(as_text=True)
    card = html[html.index(f'id="idea-{idea.id}-title"') :]
    card = card[: card.index("</article>")]

    assert f'<a href="/ideas/{idea.id}">Keramikas darbnīca</a>' in card
    assert "Social enterprise" in card and "Culture" in card and "Aglona" in card
    assert "1 supporter<" in card and "2 comments" in card
    assert "Became an activity" in card
    assert "Seeking a school partner" in card


def test_the_category_is_named_in_the_page_language(client, centres_and_categories):
    make_ideas(centres_and_categories, 1, category="culture")

    client.set_cookie("kopiena_lang", "lv")
    assert "Kultūra</span>" in client.get("/ideas").get_data(as_text=True)
    client.set_cookie("kopiena_lang", "en")
    assert "Culture</span>" in client.get("/ideas").get_data(as_text=True)


# Sort --------------------------------------------------------------------------------------------------------------


def test_sort_by_newest_most_supported_and_most_discussed(client, centres_and_categories):
    old, middle, new = make_ideas(centres_and_categories, 3)
    for idea, supports, comments in ((old, 5, 0), (middle, 9, 1), (new, 0, 7)):
        idea.support_count, idea.comment_count = supports, comments
    db.session.commit()

    assert listed_ids(client.get("/ideas")) == [new.id, middle.id, old.id]
    assert listed_ids(client.get("/ideas?sort=newest")) == [new.id, middle.id, old.id]
    assert listed_ids(client.get("/ideas?sort=supported")) == [middle.id, old.id, new.id]
    assert listed_ids(client.get("/ideas?sort=discussed")) == [new.id, middle.id, old.id]
    assert listed_ids(client.get("/ideas?sort=title;DROP TABLE ideas")) == [new.id, middle.id, old.id]


# Keyset pagination -------------------------------------------------------------------------------------------------


def walk(client, url, rel):
    """Follow rel links from url; return the list of pages (each a list of ids)."""
    pages = []
    while url:
        response = client.get(url)
        pages.append(listed_ids(response))
        url = link(response, rel)
        assert len(pages) < 50
    return pages


@pytest.mark.parametrize("sort", ["newest", "supported", "discussed"])
def test_next_and_previous_pages_walk_the_whole_list_in_order_both_ways(client, centres_and_categories, sort):
    ideas = make_ideas(centres_and_categories, 23) + make_ideas(
        centres_and_categories, 2, "promoted", start=utcnow() - timedelta(days=60)
    )
    for number, idea in enumerate(ideas):  # many equal counts: the id must break the ties
        idea.support_count, idea.comment_count = number % 3, number % 4
    db.session.commit()
    column = {"newest": "published_at", "supported": "support_count", "discussed": "comment_count"}[sort]
    expected = [idea.id for idea in sorted(ideas, key=lambda idea: (getattr(idea, column), idea.id), reverse=True)]

    forward = walk(client, f"/ideas?sort={sort}&per_page=10", "next")

    assert [len(page) for page in forward] == [10, 10, 5]
    assert [number for page in forward for number in page] == expected
    last_page = client.get(f"/ideas?sort={sort}&per_page=10")
    for _ in range(2):
        last_page = client.get(link(last_page, "next"))
    assert link(last_page, "next") is None
    backward = walk(client, link(last_page, "prev"), "prev")
    assert backward == [forward[1], forward[0]]
    assert link(client.get(f"/ideas?sort={sort}&per_page=10"), "prev") is None


def test_the_links_keep_the_filters_and_the_sort(client, centres_and_categories):
    make_ideas(centres_and_categories, 12, category="culture")
    make_ideas(centres_and_categories, 12, category="environment")

    first = client.get(f"/ideas?category={centres_and_categories['culture'].id}&sort=supported&per_page=10&q=ideja")
    query = parse_qs(urlsplit(link(first, "next")).query)

    assert query["category"] == [str(centres_and_categories["culture"].id)] and query["sort"] == ["supported"]
    assert query["per_page"] == ["10"] and query["q"] == ["ideja"] and query["cursor"]
    assert len(listed_ids(client.get(link(first, "next")))) == 2


# (A NUL byte in any address is a 404 before the list is asked: tests/test_no_server_errors.py.)
@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "",
        "=",
        "%%%",
        "bmV3ZXN0fG5leHR8eHx5",
        "A" * 500,
        "c3VwcG9ydGVkfG5leHR8M3wxMA",  # a cursor of another sort
        "bmV3ZXN0fHNpZGV3YXlzfDIwMjQtMDEtMDFUMDA6MDA6MDB8MQ",
    ],
)  # unknown direction
def test_a_malformed_or_foreign_cursor_gives_the_first_page(client, centres_and_categories, cursor):
    ideas = make_ideas(centres_and_categories, 3)

    assert listed_ids(client.get("/ideas", query_string={"cursor": cursor})) == [i.id for i in reversed(ideas)]


def test_a_cursor_past_the_end_offers_the_first_page(client, centres_and_categories):
    english(client)
    make_ideas(centres_and_categories, 3)
    beyond = encode_cursor("newest", "next", datetime(2000, 1, 1), 1)

    html = client.get(f"/ideas?cursor={beyond}").get_data(as_text=True)

    assert "There are no more ideas here." in html
    assert '<a href="/ideas">Back to the first page</a>' in html


@pytest.mark.parametrize(
    "asked, shown", [("10", 10), ("20", 20), ("50", 50), ("", 20), ("7", 20), ("1000", 20), ("-10", 20), ("abc", 20)]
)
def test_ideas_per_page_come_from_an_allow_list(client, centres_and_categories, asked, shown):
    make_ideas(centres_and_categories, 55)

    assert len(listed_ids(client.get("/ideas", query_string={"per_page": asked}))) == shown


# The query budget --------------------------------------------------------------------------------------------------


def statements_of(client, url):
    """The SQL statements a request runs (transaction control aside), and the response."""
    with recorded_statements(requests_only=True) as statements:
        response = client.get(url)
    assert response.status_code == 200
    return statements, response


def sign_in_as(client, centres_and_categories, role):
    """Nobody, a resident, or a coordinator (whose header also counts the items waiting for them)."""
    if role == "resident":
        signed_in(client, centres_and_categories["author"])
    elif role == "moderator":
        signed_in(client, make_user(email="coordinator@example.com", moderates=[centres_and_categories["preili"]]))


@pytest.mark.parametrize("role", ["visitor", "resident", "moderator"])
def test_the_list_page_runs_a_fixed_small_number_of_statements(client, centres_and_categories, role):
    sign_in_as(client, centres_and_categories, role)
    counts = {}
    made = 0
    for total in (5, 120):
        make_ideas(
            centres_and_categories,
            total - made,
            category="culture",
            centre="aglona",
            seeking_school_partner=True,
            support_count=3,
            comment_count=2,
        )
        made = total
        for per_page in (10, 20, 50):
            for extra in ("", "&sort=supported&state=all", "&q=ideja&kind=local_improvement&partner=1"):
                url = f"/ideas?per_page={per_page}{extra}"
                statements, response = statements_of(client, url)
                assert len(statements) <= QUERY_BUDGET, "\n\n".join(statements)
                counts[(total, per_page, extra)] = len(statements)
                if total == 120:
                    assert len(listed_ids(response)) == per_page
    second_page, _ = statements_of(client, link(client.get("/ideas?per_page=10"), "next"))
    assert len(second_page) <= QUERY_BUDGET

    assert len(set(counts.values())) == 1, counts  # the same for 5 and for 120 ideas, for 10, 20 and 50 a page


# The home page's sections and its budget: tests/routes/test_home_page.py


# Escaping ----------------------------------------------------------------------------------------------------------

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_user_written_text_is_inert_on_the_list_and_the_home_page(client, centres_and_categories):
    centres_and_categories["culture"].name_lv = centres_and_categories["culture"].name_en = XSS
    db.session.commit()
    make_ideas(centres_and_categories, 1, title=XSS, category="culture", summary=XSS)

    for url, args in (
        ("/ideas", {}),
        ("/", {}),
        ("/ideas", {"q": XSS}),
        ("/ideas", {"kind": XSS, XSS: XSS}),
        ("/ideas", {"cursor": XSS, "sort": XSS, "per_page": XSS}),
    ):
        response = client.get(url, query_string=args)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "<script>alert" not in html and "<img src=x" not in html, (url, args)
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html, (url, args)


def test_make_idea_factory_ideas_appear_too(client, centres_and_categories):
    """Ideas made by the shared factory (one commit each) are listed as well."""
    idea = make_idea(
        author=centres_and_categories["author"],
        centre=centres_and_categories["preili"],
        category=centres_and_categories["culture"],
    )

    assert listed_ids(client.get("/ideas")) == [idea.id]
