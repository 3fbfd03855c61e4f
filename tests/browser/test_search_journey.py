"""Searching the whole site from the header, in a real browser (issue 14).

A visitor on a phone types another form of a word into the header's search box ("ezers" for "ezera",
"uzņēmējdarbības" for "uzņēmējdarbība") and gets the ideas, activities and organisations that hold it, grouped,
with the words marked; "See all" opens the list searched the same way. The same works with JavaScript off. The
header's box fits at 360 px and at 1280 px, where the coordinator's long menu still stays on one line.

Selectors are field ids, URL paths and the templates' own classes, not wording (translations change).
Screenshots (not committed) go to /tmp/shots/.
"""

from pathlib import Path

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (fails them with CI=true) and says why
    expect = None

from app.extensions import db
from tests.browser.helpers import (
    PERSON_PASSWORD,
    A11yAudit,
    assert_no_sideways_scroll,
    first_category,
    log_in,
    person_with,
    preili_centre,
)
from tests.factories import make_activity, make_idea, make_notification, make_organisation

SHOTS = Path("/tmp/shots")
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


@pytest.fixture(scope="module")
def scene(live_app, live_person):
    """An idea, an activity and an organisation whose titles use other forms of the words searched for."""
    author = live_person("Iedzīvotāja Ilze Ozola")
    coordinator = live_person("Koordinatore Inga Ezeriņa", moderates="preili")
    with live_app.app_context():
        centre = preili_centre()
        idea = make_idea(author=person_with(author), centre=centre, category=first_category(), title="Laipa pār ezeru")
        make_idea(author=person_with(author), centre=centre, category=first_category(), title="Ezera melnraksts", state="draft")
        activity = make_activity(centre=centre, title="Talka pie ezera", description="Sakopsim krastu.")
        organisation = make_organisation(centre=centre, name="Preiļu sociālā uzņēmējdarbība", kind="business")
        # the coordinator's menu shows two-digit counts too
        for _ in range(12):
            make_idea(author=person_with(author), centre=centre, category=first_category(), state="submitted")
            make_notification(person_with(coordinator))
        db.session.commit()
        ids = {"idea": idea.id, "activity": activity.id, "organisation": organisation.id}
    return {"coordinator": coordinator, "ids": ids}


def search_from_the_header(page, words):
    """Type into the header's search box and send it as a person would (Enter)."""
    box = page.locator("#site-search-q")
    box.fill(words)
    with page.expect_navigation():
        box.press("Enter")


def test_a_visitor_on_a_phone_finds_other_word_forms_from_the_header(new_page, scene):
    a11y = A11yAudit()
    page = new_page(**PHONE)
    page.goto("/")
    assert_no_sideways_scroll(page, 360)
    search_from_the_header(page, "ezers")
    assert page.url.endswith("/search?q=ezers")
    expect(page.locator("#site-search-q")).to_have_value("ezers")
    expect(page.locator("#search-q")).to_have_value("ezers")
    results = page.locator(".search-result__title")
    expect(results.filter(has_text="Laipa pār ezeru")).to_have_count(1)
    expect(results.filter(has_text="Talka pie ezera")).to_have_count(1)
    expect(results.filter(has_text="Ezera melnraksts")).to_have_count(0)  # a draft is nobody's search result
    expect(page.locator(f'a[href="/activities/{scene["ids"]["activity"]}"] mark')).to_have_text("ezera")
    assert_no_sideways_scroll(page, 360)
    a11y.check(page)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "search-360.png"), full_page=True)

    page.locator('#found-activities ~ .search-group__all a[href="/activities?q=ezers"]').first.click()
    page.wait_for_url("**/activities?q=ezers")
    expect(page.locator("#q")).to_have_value("ezers")
    expect(page.locator(".activity-card__title mark")).to_have_text("ezera")
    assert_no_sideways_scroll(page, 360)
    a11y.check(page)
    page.screenshot(path=str(SHOTS / "activities-360.png"), full_page=True)
    page.goto("/partners?q=ezers")
    assert_no_sideways_scroll(page, 360)
    a11y.check(page)
    page.screenshot(path=str(SHOTS / "partners-360.png"), full_page=True)
    page.go_back()

    search_from_the_header(page, "uzņēmējdarbības")
    organisation = page.locator(f'a[href="/organisations/{scene["ids"]["organisation"]}"]')
    expect(organisation).to_contain_text("Preiļu sociālā uzņēmējdarbība")
    page.locator('#found-organisations ~ .search-group__all a[href^="/organisations?q="]').click()
    page.wait_for_url("**/organisations?q=*")
    expect(page.locator(".org-card__name mark")).to_have_text("uzņēmējdarbība")
    a11y.check(page)
    a11y.assert_clean()


def test_searching_works_without_javascript(new_page, scene):
    page = new_page(java_script_enabled=False, **PHONE)
    page.goto("/organisations")
    search_from_the_header(page, "ezeram")
    expect(page.locator(".search-result__title").filter(has_text="Talka pie ezera")).to_have_count(1)
    # the page's own form too, and the list's
    page.locator("#search-q").fill("laipas")
    with page.expect_navigation():
        page.locator("main form[role=search] button[type=submit]").click()
    expect(page.locator(".search-result__title").filter(has_text="Laipa pār ezeru")).to_have_count(1)
    page.goto("/activities")
    page.locator("#q").fill("talkā ezerā")  # other tests leave other "talka"s on the shared server
    with page.expect_navigation():
        page.locator("main form.filters button[type=submit]").click()
    expect(page.locator(".activity-card__title")).to_have_text("Talka pie ezera")


def test_the_header_search_fits_beside_the_coordinators_menu_at_1280px(new_page, scene):
    visitor = new_page(**DESKTOP)
    visitor.goto("/")
    SHOTS.mkdir(exist_ok=True)
    visitor.screenshot(path=str(SHOTS / "search-1280-visitor.png"))
    page = new_page(**DESKTOP)
    log_in(page, scene["coordinator"], PERSON_PASSWORD)
    for language in ("lv", "en"):
        page.goto("/search?q=ezers")
        if page.evaluate("document.documentElement.lang") != language:
            with page.expect_navigation(wait_until="load"):
                page.locator(f".language-switch button[value={language}]").click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        middles = page.locator(".site-nav li, .brand, .language-switch").evaluate_all(
            "items => items.map(li => { const box = li.getBoundingClientRect(); return Math.round(box.top + box.height / 2); })"
        )
        assert len(middles) >= 11 and max(middles) - min(middles) <= 2, f"the menu wraps at 1280px ({language}): {middles}"
        box = page.locator("#site-search-q").bounding_box()
        button = page.locator(".site-search__button").bounding_box()
        assert box["width"] >= 120, f"the search box is too narrow to type in: {box}"
        assert button["x"] + button["width"] <= 1280
        assert_no_sideways_scroll(page, 1280)
        page.screenshot(path=str(SHOTS / f"search-1280-{language}.png"))
