"""A person downloads their data and deletes their account on a phone-sized screen (360 px), in Latvian."""

import io
import json
import zipfile

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (fails them with CI=true) and says why
    expect = None

from tests.browser.helpers import PERSON_PASSWORD, A11yAudit, assert_no_sideways_scroll, log_in

PHONE = {"width": 360, "height": 740}


def test_download_my_data_and_delete_my_account_on_a_phone(new_page, live_person):
    email = live_person("Laimdota Garumgarā-Uzvārdiņa")
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    audit = A11yAudit()
    log_in(page, email, PERSON_PASSWORD)

    page.goto("/me")
    page.get_by_role("link", name="Lejupielādēt manus datus").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lejupielādēt manus datus")
    assert_no_sideways_scroll(page, 360)
    audit.check(page)
    page.locator("#password").fill("nepareiza parole šeit")
    page.get_by_role("button", name="Sagatavot manu lejupielādi").click()
    expect(page.locator("#password-error")).to_contain_text("Pašreizējā parole nav pareiza.")
    assert_no_sideways_scroll(page, 360)
    audit.check(page)
    page.locator("#password").fill(PERSON_PASSWORD)
    page.get_by_role("button", name="Sagatavot manu lejupielādi").click()
    expect(page.locator(".flash")).to_contain_text("Jūsu dati ir sagatavoti")
    assert_no_sideways_scroll(page, 360)
    with page.expect_download() as download_info:
        page.locator("#downloads a[download]").first.click()
    with zipfile.ZipFile(io.BytesIO(open(download_info.value.path(), "rb").read())) as archive:
        assert json.loads(archive.read("data.json"))["person"]["email"] == email

    page.goto("/me/delete")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dzēst manu kontu")
    assert_no_sideways_scroll(page, 360)
    audit.check(page)
    page.locator("#password").fill(PERSON_PASSWORD)
    page.get_by_role("button", name="Dzēst manu kontu").click()
    expect(page.locator("#confirm-error")).to_be_visible()  # the box was not ticked
    assert_no_sideways_scroll(page, 360)
    page.locator("#password").fill(PERSON_PASSWORD)
    page.locator("#confirm").check()
    page.get_by_role("button", name="Dzēst manu kontu").click()
    expect(page.locator(".flash")).to_contain_text("Jūsu konts ir dzēsts")
    audit.assert_clean()

    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PERSON_PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator("#password-error")).to_be_visible()
