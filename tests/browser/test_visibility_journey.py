"""On a phone (360 px), in Latvian: a school's representative agrees to be named on its public page, and a
coordinator adding an outcome photo is asked to confirm the people shown agreed. Every page is checked with axe-core
and must not scroll sideways."""

import re

from playwright.sync_api import expect

from app.extensions import db
from tests.browser.helpers import (
    PERSON_PASSWORD,
    A11yAudit,
    assert_no_sideways_scroll,
    log_in,
    person_with,
    preili_centre,
)
from tests.factories import make_activity, make_organisation
from tests.pictures import picture

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def test_a_representative_agrees_to_be_named_on_a_phone(new_page, live_app, live_person):
    email = live_person("Skolotāja Rasma Ozoliņa")
    with live_app.app_context():
        school = make_organisation(
            representative=person_with(email),
            centre=preili_centre(),
            name="Preiļu 2. vidusskola",
            contact_email="info@p2.example.lv",
        )
        school_id = school.id
    a11y = A11yAudit()
    page = new_page(**PHONE)
    page.goto(f"/organisations/{school_id}")
    expect(page.locator("main")).to_contain_text("1 persona")
    expect(page.locator("main")).not_to_contain_text("Rasma")

    log_in(page, email, PERSON_PASSWORD)
    page.goto(f"/organisations/{school_id}")
    page.get_by_role("link", name="Mainīt, vai jūsu vārds tiek rādīts").click()
    page.wait_for_url(re.compile(rf"/organisations/{school_id}/representatives$"))
    a11y.check(page)
    assert_no_sideways_scroll(page, 360)
    page.get_by_label("Rādīt manu vārdu organizācijas publiskajā lapā").check()
    page.locator("main form.org-person__named button[type=submit]").click()
    expect(page.locator(".flash").first).to_contain_text("Jūsu vārds tiek rādīts")
    expect(page.get_by_label("Rādīt manu vārdu organizācijas publiskajā lapā")).to_be_checked()

    visitor = new_page(**PHONE)
    visitor.goto(f"/organisations/{school_id}")
    expect(visitor.locator("main")).to_contain_text("Skolotāja Rasma Ozoliņa")
    expect(visitor.locator("main")).not_to_contain_text("info@p2.example.lv")
    expect(visitor.locator("main")).to_contain_text("Kontaktinformācija ir pieejama organizācijas partneriem")
    assert_no_sideways_scroll(visitor, 360)
    a11y.assert_clean()


def test_an_outcome_photo_needs_the_consent_tick_on_a_phone(new_page, live_app, live_person, tmp_path):
    email = live_person("Koordinatore Zane", moderates="preili")
    with live_app.app_context():
        activity_id = make_activity(preili_centre(), person_with(email), state="completed", starts_in_days=-1).id
        db.session.commit()
    photo = tmp_path / "podi.jpg"
    photo.write_bytes(picture())
    a11y = A11yAudit()
    page = new_page(**PHONE)
    log_in(page, email, PERSON_PASSWORD)
    page.goto(f"/activities/{activity_id}/outcome")
    page.set_input_files("#photo", str(photo))
    page.locator("#caption").fill("Bērni apglezno puķu podus")
    page.locator("button[name=action][value=photo]").click()

    expect(page.locator("#consent-error")).to_contain_text("Lūdzu, apliecinājiet")
    expect(page.locator("#caption")).to_have_value("Bērni apglezno puķu podus")
    a11y.check(page)
    assert_no_sideways_scroll(page, 360)

    page.set_input_files("#photo", str(photo))
    page.locator("#consent").check()
    page.locator("button[name=action][value=photo]").click()
    expect(page.locator("#photos img")).to_have_count(1)
    assert_no_sideways_scroll(page, 360)
    a11y.assert_clean()
