"""In Latvian: three residents report an idea, it disappears from /ideas, and the centre's coordinator restores it
from the reports queue on a phone (360 px). Every page is checked with axe-core; the phone pages must not scroll
sideways."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import PERSON_PASSWORD, A11yAudit, assert_no_sideways_scroll, log_in, person_with, preili_centre
from tests.factories import make_idea

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
TITLE = "Reklāmas stends tirgus laukumā"


def test_three_reports_hide_an_idea_and_the_coordinator_restores_it_on_a_phone(new_page, live_app, live_person):
    author = live_person("Autore Dace")
    with live_app.app_context():
        idea_id = make_idea(author=person_with(author), centre=preili_centre(), title=TITLE).id
    a11y = A11yAudit()

    for number, name in enumerate(("Anna Ziņotāja", "Valdis Ziņotājs", "Marija Ziņotāja"), start=1):
        page = new_page()
        log_in(page, live_person(name), PERSON_PASSWORD)
        page.goto(f"/ideas/{idea_id}")
        page.get_by_role("link", name="Ziņot par šo ideju").click()
        page.wait_for_url(re.compile(rf"/ideas/{idea_id}/report$"))
        if number == 1:
            page.locator("main button[type=submit]").click()  # no reason: the error stands next to the field
            expect(page.locator("#reason-error")).to_contain_text("Lūdzu, norādiet iemeslu")
            a11y.check(page)
        page.locator("#reason").fill("Tā ir reklāma, nevis ideja")
        page.locator("main button[type=submit]").click()
        expect(page.locator(".flash").first).to_contain_text("Paldies! Centrs izskatīs šo ideju.")
        page.close()

    visitor = new_page()
    visitor.goto("/ideas")
    expect(visitor.locator("main")).not_to_contain_text(TITLE)
    visitor.close()
    assert live_app.test_client().get(f"/ideas/{idea_id}").status_code == 404  # not in the browser: its console would report it

    page = new_page(**PHONE)
    log_in(page, live_person("Koordinatore Ilze", moderates="preili"), PERSON_PASSWORD)
    page.goto("/moderation/reports")
    report = page.locator("article.report", has_text=TITLE)
    expect(report).to_contain_text("3 ziņojumi")
    expect(report).to_contain_text("paslēpts, līdz pieņemsiet lēmumu")
    a11y.check(page)
    assert_no_sideways_scroll(page, 360)
    report.get_by_role("link", name="Rādīt atkal").click()
    page.wait_for_url(re.compile(rf"/ideas/{idea_id}/restore"))
    page.locator("main button[type=submit]").click()
    expect(page.locator("#reason-error")).to_contain_text("Lūdzu, norādiet iemeslu")
    a11y.check(page)
    assert_no_sideways_scroll(page, 360)
    page.locator("#reason").fill("Pārbaudīju: tā ir īsta ideja")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/moderation/reports$"))
    expect(page.locator(".flash").first).to_contain_text("Ideja atkal ir redzama")
    expect(page.locator("main")).not_to_contain_text(TITLE)

    page.goto("/ideas")
    expect(page.locator("main")).to_contain_text(TITLE)
    assert_no_sideways_scroll(page, 360)
    a11y.assert_clean()
