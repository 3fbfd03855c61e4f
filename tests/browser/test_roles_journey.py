"""On a phone (360 px), in Latvian: a volunteer opens an activity whose only volunteer place is taken and sees, instead
of the "I want to help" button, a clear line that all places are taken (issue 13, item 2). The page is checked with
axe-core and must not scroll sideways."""

from playwright.sync_api import expect

from tests.browser.helpers import PERSON_PASSWORD, A11yAudit, assert_no_sideways_scroll, log_in, person_with, preili_centre
from tests.factories import make_activity, make_role, make_signup

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def test_a_volunteer_finds_a_full_role_on_a_phone(new_page, live_app, live_person):
    coordinator = live_person("Koordinatore Ilze", moderates="preili")
    taken_by = live_person("Brīvprātīgais Jānis")
    volunteer = live_person("Brīvprātīgā Marta")
    with live_app.app_context():
        activity = make_activity(preili_centre(), person_with(coordinator), title="Talka Preiļu parkā")
        role = make_role(activity=activity, name="Lapu grābējs", places=1)
        make_signup(role, person_with(taken_by), "accepted", decided_by=person_with(coordinator))
        activity_id, role_id = activity.id, role.id
    a11y = A11yAudit()
    page = new_page(**PHONE)
    log_in(page, volunteer, PERSON_PASSWORD)
    page.goto(f"/activities/{activity_id}")

    full_role = page.locator(".volunteer-role").filter(has_text="Lapu grābējs")
    expect(full_role.locator(".volunteer-role__full")).to_contain_text("Visas vietas ir aizņemtas.")
    expect(full_role).to_contain_text("0 no 1")
    expect(page.locator(f"form[action='/roles/{role_id}/apply']")).to_have_count(0)
    expect(full_role.locator("button[type=submit]")).to_have_count(0)
    a11y.check(page)
    assert_no_sideways_scroll(page, 360)
    a11y.assert_clean()
