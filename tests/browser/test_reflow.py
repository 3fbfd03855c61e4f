"""Reflow (WCAG 1.4.10): the main pages at 320 px, as a visitor, a resident and a coordinator, never scroll
sideways and axe-core finds no serious or critical violation on them. The coordinator's menu stays on one line
at 1280 px."""

import pytest
from playwright.sync_api import expect

from app.extensions import db
from tests.browser.helpers import (
    PERSON_PASSWORD,
    TEXT_SPACING,
    A11yAudit,
    assert_no_sideways_scroll,
    first_category,
    log_in,
    person_with,
    preili_centre,
)
from tests.factories import make_activity, make_idea, make_notification

NARROW = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}

PUBLIC_PAGES = [
    "/",
    "/ideas",
    "/ideas/{idea}",
    "/activities",
    "/activities/calendar",
    "/activities/{activity}",
    "/organisations",
    "/partners",
    "/privacy",
    "/terms",
    "/accessibility",
    "/contact",
    "/cookies",
    "/help/formatting",
    "/people/{person}",
]
MY_PAGES = [
    "/me",
    "/me/profile",
    "/me/security",
    "/me/ideas",
    "/me/registrations",
    "/me/signups",
    "/me/record",
    "/me/partnerships",
    "/me/notifications",
    "/me/notifications/settings",
    "/me/data",
    "/me/delete",
]
COORDINATOR_PAGES = [
    "/moderation",
    "/moderation/reports",
    "/ideas/{idea}/report",
    "/ideas/{idea}/hide",
    "/moderation/reasons",
    "/activities/{activity}/registrations",
    "/admin/users",
    "/admin/audit",
    "/admin/centres",
    "/admin/categories",
    "/admin/legal",
]


@pytest.fixture
def scene(live_app, live_person):
    """A published idea and an open activity in Preiļi, a resident and a coordinator who is also an administrator."""
    resident = live_person("Iedzīvotāja Anna Bērziņa")
    coordinator = live_person("Koordinatore Līga Kalniņa", moderates="preili")
    with live_app.app_context():
        person_with(coordinator).is_admin = True
        # her profile page is public, with long words that must wrap on a phone
        shown = person_with(resident)
        shown.profile_public, shown.about = True, "# Par mani\n\nMāku **veidot podus**: " + "keramikasdarbnīcuvadītāja" * 3
        shown.skills, shown.interests = "keramika, fotografēšana, " + "pasākumuorganizēšana" * 3, "vide, seniori"
        idea = make_idea(author=person_with(resident), centre=preili_centre(), category=first_category())
        # waiting for moderation and unread: the coordinator's menu shows two-digit counts too
        for _ in range(12):
            make_idea(author=person_with(resident), centre=preili_centre(), category=first_category(), state="submitted")
            make_notification(person_with(coordinator))
        activity = make_activity(centre=preili_centre(), creator=person_with(coordinator), title="Koka karošu darināšana")
        db.session.commit()
        ids = {"idea": idea.id, "activity": activity.id, "person": shown.id}
    return {"resident": resident, "coordinator": coordinator, "ids": ids}


def walk(new_page, pages, ids, email=None):
    """Open each page at 320 px (logged in when `email` is given): no sideways scroll, no serious axe finding."""
    a11y = A11yAudit()
    page = new_page(**NARROW)
    if email:
        log_in(page, email, PERSON_PASSWORD)
    too_wide = []
    for path in pages:
        response = page.goto(path.format(**ids))
        assert response.status == 200, f"{path}: {response.status}"
        try:
            assert_no_sideways_scroll(page, 320)
        except AssertionError as error:
            too_wide.append(str(error))
        a11y.check(page)
    assert not too_wide, "\n".join(too_wide)
    a11y.assert_clean()


def test_a_visitor_reads_every_public_page_at_320px(new_page, scene):
    walk(new_page, PUBLIC_PAGES, scene["ids"])


def test_a_resident_reads_their_own_pages_at_320px(new_page, scene):
    walk(new_page, PUBLIC_PAGES + MY_PAGES, scene["ids"], scene["resident"])


def test_a_coordinator_reads_their_pages_at_320px(new_page, scene):
    walk(new_page, COORDINATOR_PAGES + ["/", "/activities/{activity}", "/me"], scene["ids"], scene["coordinator"])


def test_the_coordinators_menu_stays_on_one_line_at_1280px(new_page, scene):
    page = new_page(**DESKTOP)
    log_in(page, scene["coordinator"], PERSON_PASSWORD)
    for language in ("lv", "en"):
        page.goto("/me")
        if page.evaluate("document.documentElement.lang") != language:
            # wait for the page in the other language, styles included, before measuring
            with page.expect_navigation(wait_until="load"):
                page.locator(f".language-switch button[value={language}]").click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        middles = page.locator(".site-nav li, .brand, .language-switch").evaluate_all(
            "items => items.map(li => { const box = li.getBoundingClientRect(); return Math.round(box.top + box.height / 2); })"
        )
        assert len(middles) >= 11 and max(middles) - min(middles) <= 2, f"the menu wraps at 1280px ({language}): {middles}"


def test_a_form_in_error_points_at_the_radio_group_at_320px(new_page, scene):
    a11y = A11yAudit()
    page = new_page(**NARROW)
    log_in(page, scene["resident"], PERSON_PASSWORD)
    page.goto("/ideas/new")
    page.locator("main form.panel button[type=submit]").last.click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    group = page.locator("fieldset#kind")
    expect(summary.locator('a[href="#kind"]')).to_have_count(1)
    expect(group).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#" + group.get_attribute("aria-describedby"))).to_contain_text("Lūdzu")
    summary.locator('a[href="#kind"]').click()
    expect(group).to_be_focused()
    # a text field in error shows the red border (2px, the error colour), not the plain grey one
    border = page.locator("#title").evaluate(
        "el => `${getComputedStyle(el).borderTopColor} ${getComputedStyle(el).borderTopWidth}`"
    )
    assert border == "rgb(176, 0, 32) 2px", border
    assert_no_sideways_scroll(page, 320)
    a11y.check(page)
    a11y.assert_clean()


def test_my_page_and_an_activity_reflow_with_wcag_text_spacing(new_page, scene):
    page = new_page(**NARROW)
    log_in(page, scene["resident"], PERSON_PASSWORD)
    for path in ("/me", "/me/record", "/activities/{activity}", "/activities"):
        page.goto(path.format(**scene["ids"]))
        page.add_style_tag(content=TEXT_SPACING)
        spacing = page.locator("main p").first.evaluate("el => getComputedStyle(el).wordSpacing")
        assert spacing != "0px", "the text spacing was not applied (blocked by the page's CSP?)"
        assert_no_sideways_scroll(page, 320)
