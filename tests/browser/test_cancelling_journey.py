"""A parent on a 360 px phone registers two children, then one cannot come (issue 13, item 3): "Cancel my
registration" opens a page that asks first, where "Remove only <name>" takes that one child off; the other child
keeps the place and the activity has one free place more. No JavaScript is needed: links and plain forms.

Selectors are field ids, URL paths and the templates' own classes, not wording (the parent reads Latvian).
"""

import re

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (fails them with CI=true) and says why
    expect = None

from app.activities.models import Activity, Registration
from app.extensions import db
from tests.browser.helpers import PERSON_PASSWORD, A11yAudit, assert_no_sideways_scroll, log_in
from tests.browser.test_children_journey import CHILDREN, PHONE, open_workshop, screenshot


def places_taken(live_app, activity_id):
    """(the activity's places taken, the family's registration as (state, places, companions' names))."""
    with live_app.app_context():
        activity = db.session.get(Activity, activity_id)
        registration = db.session.scalars(db.select(Registration).where(Registration.activity_id == activity_id)).one()
        return activity.registered_count, (registration.state, registration.places, [c["name"] for c in registration.companions])


def test_a_parent_removes_one_child_and_the_other_keeps_the_place(new_page, live_app, live_person):
    a11y = A11yAudit()
    coordinator_email = live_person("Aija Koordinatore", moderates="preili")
    parent_email = live_person("Dace Mamma")
    activity_id = open_workshop(live_app, coordinator_email)
    (first, first_age, _), (second, second_age, _) = CHILDREN

    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(page, parent_email, PERSON_PASSWORD)
    page.goto(f"/activities/{activity_id}")
    form = page.locator(f"main form[action='/activities/{activity_id}/register']")
    expect(form.locator("#companions-1-name")).to_have_count(0)  # one row, and a button for another
    form.locator("#includes_self").uncheck()
    form.locator("#companions-0-name").fill(first)
    form.locator("#companions-0-age_group").select_option(first_age)
    form.locator("button[name=add_person]").click()
    form = page.locator(f"main form[action='/activities/{activity_id}/register']")
    expect(form.locator("#companions-0-name")).to_have_value(first)
    expect(form.locator("#includes_self")).not_to_be_checked()
    assert_no_sideways_scroll(page, PHONE["width"])
    a11y.check(page)  # the form with its second row
    form.locator("#companions-1-name").fill(second)
    form.locator("#companions-1-age_group").select_option(second_age)
    form.locator("button.registration-form__submit").click()
    page.wait_for_url(re.compile(rf"/activities/{activity_id}#registration$"))
    assert places_taken(live_app, activity_id) == (2, ("registered", 2, [first, second]))

    # "Cancel my registration" asks first; "Keep my registration" changes nothing.
    page.locator("main #registration a[href$='/cancel']").click()
    page.wait_for_url(re.compile(r"/registrations/\d+/cancel$"))
    expect(page.locator("main form[action$='/cancel'] button[type=submit]")).to_be_visible()
    assert_no_sideways_scroll(page, PHONE["width"])
    a11y.check(page)  # the confirmation page on a phone
    screenshot(page, "cancel-registration-360.png")
    page.locator("main .actions a[href$='#registration']").click()
    expect(page.locator("main #registration .activity-registration__status--registered")).to_be_visible()
    assert places_taken(live_app, activity_id) == (2, ("registered", 2, [first, second]))

    # One child cannot come: only that child is taken off, the other keeps the place, one place is free again.
    page.goto("/me/registrations")
    page.locator(f"main .my-registration:has(a[href='/activities/{activity_id}']) a[href$='/cancel']").click()
    page.locator("main form[action$='/companions/0/remove'] button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/activities/{activity_id}#registration$"))
    expect(page.locator("main #registration .activity-registration__status--registered")).to_be_visible()
    expect(page.locator("main #registration")).to_contain_text(second)
    assert places_taken(live_app, activity_id) == (1, ("registered", 1, [second]))
    assert_no_sideways_scroll(page, PHONE["width"])
    a11y.check(page)
    a11y.assert_clean()
