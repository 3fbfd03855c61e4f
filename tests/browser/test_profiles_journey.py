"""On a phone (360 px), in Latvian: a resident writes their skills and turns their profile page on; another person
opens it from the idea the resident wrote and sees the name, about and skills, but never the e-mail address. Every
page is checked with axe-core and must not scroll sideways."""

import re

from playwright.sync_api import expect

from app.extensions import db
from tests.browser.helpers import PERSON_PASSWORD, A11yAudit, assert_no_sideways_scroll, log_in, person_with, preili_centre
from tests.factories import make_idea

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def test_a_resident_shows_their_profile_and_another_person_opens_it_on_a_phone(new_page, live_app, live_person):
    email = live_person("Ilze Kalniņa-Ābeltiņa")
    reader_email = live_person("Valdis Ozols")
    with live_app.app_context():
        owner = person_with(email)
        idea = make_idea(author=owner, centre=preili_centre(), state="published", title="Puķu podi dienas centram")
        db.session.commit()
        owner_id, idea_id = owner.id, idea.id
    a11y = A11yAudit()

    page = new_page(**PHONE)
    log_in(page, email, PERSON_PASSWORD)
    page.goto("/me/profile")
    page.get_by_label("Par sevi", exact=True).fill("# Mana pieredze\n\nMāku **veidot podus** un vadīt darbnīcas.")
    page.get_by_label("Prasmes", exact=True).fill("keramika, fotografēšana")
    checkbox = page.get_by_label(re.compile("Rādīt citiem manu profila lapu"))
    expect(checkbox).not_to_be_checked()
    a11y.check(page)
    assert_no_sideways_scroll(page, 360)
    checkbox.check()
    page.locator("main button[type=submit]").click()
    expect(page.locator(".flash").first).to_be_visible()
    expect(page.get_by_label(re.compile("Rādīt citiem manu profila lapu"))).to_be_checked()

    reader = new_page(**PHONE)
    log_in(reader, reader_email, PERSON_PASSWORD)
    reader.goto(f"/ideas/{idea_id}")
    reader.locator("main").get_by_role("link", name="Ilze Kalniņa-Ābeltiņa").click()
    reader.wait_for_url(re.compile(rf"/people/{owner_id}$"))
    main = reader.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Ilze Kalniņa-Ābeltiņa")
    expect(main.get_by_role("heading", name="Mana pieredze", level=3)).to_be_visible()
    expect(main).to_contain_text("keramika")
    expect(main.get_by_role("link", name="Puķu podi dienas centram")).to_be_visible()
    assert email not in reader.content()
    a11y.check(reader)
    assert_no_sideways_scroll(reader, 360)
    a11y.assert_clean()
