"""A visitor on a 360 px phone finds what the home page offers (issue 13, item 6): ideas seeking volunteers, upcoming
activities, open partner calls and new ideas, each with a link to its full list; the volunteers link leads to /ideas
filtered, with the count. In Latvian and in English, without sideways scrolling; axe-core checks every page.

Selectors are ids, URL paths and the templates' own classes, not wording. Screenshots (not committed) go to /tmp/shots/.
"""

from pathlib import Path

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (fails them with CI=true) and says why
    expect = None

from tests.browser.helpers import A11yAudit, assert_no_sideways_scroll, first_category, preili_centre
from tests.factories import make_activity, make_idea, make_organisation, make_partner_call, make_role, make_user

PHONE = {"width": 360, "height": 740}
SHOTS = Path("/tmp/shots")
LONG_TITLE = "Sabiedriskā dārza izveide pie Preiļu bibliotēkas kopā ar apkaimes ģimenēm un skolēniem"


def screenshot(page, name):
    """A full-page picture for a person to look at (not committed)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def a_bit_of_everything(live_app):
    """An open idea seeking volunteers (a long title), an open activity next week and an open partner call: their ids."""
    with live_app.app_context():
        centre = preili_centre()
        idea = make_idea(
            author=make_user(email="home.journey@example.lv"),
            centre=centre,
            category=first_category(),
            title=LONG_TITLE,
            summary="Vajag rokas dobēm, laistīšanai un soliņiem.",
        )
        make_role(idea=idea, name="Dārznieks", places=4)
        activity = make_activity(centre=centre, title="Rudens talka Raiņa parkā", starts_in_days=6)
        call = make_partner_call(
            make_organisation(centre=centre, name="Preiļu Valsts ģimnāzija"), title="7. klase meklē vides projektu"
        )
        return idea.id, activity.id, call.id


def test_a_visitor_on_a_phone_finds_the_home_page_sections_and_the_volunteers_list(new_page, live_app):
    a11y = A11yAudit()
    idea_id, activity_id, call_id = a_bit_of_everything(live_app)

    for locale in ("lv-LV", "en-GB"):
        page = new_page(viewport=PHONE, is_mobile=True, has_touch=True, locale=locale)
        page.goto("/")
        for heading in ("volunteers-heading", "upcoming-activities-heading", "partner-calls-heading", "new-ideas-heading"):
            expect(page.locator(f"main #{heading}")).to_be_visible()
        volunteers = page.locator("main section.home-volunteers")
        expect(volunteers.locator(f"#idea-{idea_id}-title")).to_be_visible()
        expect(page.locator(f"main section.home-activities #activity-{activity_id}-title")).to_be_visible()
        expect(page.locator(f"main section.home-calls #call-{call_id}-title")).to_be_visible()
        assert_no_sideways_scroll(page, PHONE["width"])
        a11y.check(page)
        screenshot(page, f"home-{locale}-360.png")

        volunteers.locator("a[href='/ideas?state=published&volunteers=1']").click()
        page.wait_for_url("**/ideas?state=published&volunteers=1")
        expect(page.locator(f"main #idea-{idea_id}-title")).to_be_visible()
        expect(page.locator("main .idea-list__count")).to_be_visible()
        expect(page.locator("main #volunteers")).to_be_checked()
        assert_no_sideways_scroll(page, PHONE["width"])
        a11y.check(page)
        screenshot(page, f"ideas-volunteers-{locale}-360.png")

    a11y.assert_clean()
