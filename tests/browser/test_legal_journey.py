"""Registering on a 360 px phone screen, with the age question, the acceptance of the terms and the footer's legal
pages, in a real browser checked with axe-core. A child under 13 is told how to take part and nothing is kept; a
14-year-old gets an account with the year of birth kept and the acceptance recorded.

Selectors are field ids, paths and the templates' own classes; the footer's link names are the Latvian ones.
"""

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (fails them with CI=true) and says why
    expect = None

from sqlalchemy import select

from app.extensions import db
from app.legal.models import Consent
from app.timeutil import utcnow
from tests.browser.helpers import A11yAudit, assert_no_sideways_scroll, person_with

WIDTH = 360
YEAR = utcnow().year
PASSWORD = "zaļš ezers starp kalniem"
FOOTER = [
    ("Privātuma paziņojums", "/privacy"),
    ("Lietošanas noteikumi", "/terms"),
    ("Paziņojums par piekļūstamību", "/accessibility"),
    ("Kontaktinformācija", "/contact"),
    ("Sīkdatnes", "/cookies"),
]


def fill_registration(page, name, address, year):
    page.locator("#display_name").fill(name)
    page.locator("#email").fill(address)
    page.locator("#password").fill(PASSWORD)
    page.locator("#home_centre").select_option(label="Preiļi")
    page.locator("#birth_year").fill(str(year))
    page.locator("#accept_terms").check()
    page.locator("main form button[type=submit]").tap()


def test_registering_on_a_phone_with_the_age_the_terms_and_the_footer(new_page, live_app, mailbox):
    page = new_page(viewport={"width": WIDTH, "height": 740}, is_mobile=True, has_touch=True)
    a11y = A11yAudit()

    page.goto("/register")
    footer = page.locator("footer.site-footer nav")
    for name, path in FOOTER:
        expect(footer.get_by_role("link", name=name, exact=True)).to_have_attribute("href", path)
    expect(page.locator("main label[for=accept_terms] a[href='/terms']")).to_be_visible()
    expect(page.locator("main .privacy-line a[href='/privacy']")).to_be_visible()
    assert_no_sideways_scroll(page, WIDTH)
    a11y.check(page)

    # Nothing filled in: every message fits the screen, the age question's too.
    page.locator("main form button[type=submit]").tap()
    expect(page.locator("#birth_year-error")).to_be_visible()
    expect(page.locator("#accept_terms-error")).to_be_visible()
    assert_no_sideways_scroll(page, WIDTH)
    a11y.check(page)

    # A child of 10: told kindly how to take part; no account, nothing kept.
    fill_registration(page, "Mazā Anniņa", "annina@example.lv", YEAR - 10)
    expect(page.locator("h1")).to_have_text("Tu vari piedalīties kopā ar vecākiem")
    expect(page.locator("main a[href='/contact']")).to_be_visible()
    assert_no_sideways_scroll(page, WIDTH)
    a11y.check(page)
    with live_app.app_context():
        assert person_with("annina@example.lv") is None

    # A 14-year-old: an account, the year kept, the terms and the privacy notice accepted.
    page.locator("main a[href='/register']").tap()
    fill_registration(page, "Anna Bērziņa", "anna.14@example.lv", YEAR - 14)
    expect(page.locator("h1")).to_have_text("Pārbaudiet savu e-pastu")
    assert_no_sideways_scroll(page, WIDTH)
    with live_app.app_context():
        person = person_with("anna.14@example.lv")
        assert person.birth_year == YEAR - 14
        documents = db.session.scalars(select(Consent.document).where(Consent.user_id == person.id)).all()
        assert sorted(documents) == ["privacy", "terms"]
    assert mailbox.latest_to("anna.14@example.lv")

    # The footer's pages, read on the phone.
    page.locator("footer.site-footer").get_by_role("link", name="Privātuma paziņojums").tap()
    expect(page.locator("h1")).to_have_text("Privātuma paziņojums")
    for name, path in FOOTER:
        page.goto(path)
        expect(page.locator("h1")).to_have_text(name if path != "/contact" else "Kontakti un par Kopienu")
        assert_no_sideways_scroll(page, WIDTH)
        a11y.check(page)
    a11y.assert_clean()
