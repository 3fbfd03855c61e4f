"""A person's way through the account pages in a real browser, checked with axe-core on the way.

Register (first with a mistake), confirm the address from the mail, log in, switch the language
and back, log out, forget the password and choose a new one. Plus: the public pages in English,
a phone-sized screen, and the pages under the app's real Content Security Policy.
"""

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (fails them with CI=true) and says why
    expect = None

from tests.browser.helpers import (
    PERSON_PASSWORD,
    A11yAudit,
    assert_accessible,
    assert_no_sideways_scroll,
    link_path,
    log_in,
    mail_text,
    serious_axe_violations,
    unlabelled_fields,
)

PASSWORD = "zaļā laiva peld pa Daugavu"
NEW_PASSWORD = "sarkanais tramvajs brauc uz Jūrmalu"
TOO_SHORT = "īsa parole"  # 10 characters

# What the pages say in Latvian (the default language) and in English.
LV = {
    "home": "Idejas mūsu kopienai — un rokas, kas tās īsteno",
    "register": "Reģistrēties",
    "register_heading": "Izveidojiet kontu",
    "name": "Jūsu vārds",
    "email": "E-pasta adrese",
    "password": "Parole",
    "new_password": "Jaunā parole",
    "centre": "Jūsu centrs",
    "language": "Valoda",
    "too_short": "Izmantojiet vismaz 12 rakstzīmes",
    "check_email": "Pārbaudiet savu e-pastu",
    "confirm_heading": "Apstipriniet savu e-pasta adresi",
    "confirm_button": "Apstiprināt manu e-pasta adresi",
    "confirmed": "Paldies, jūsu e-pasta adrese ir apstiprināta.",
    "log_in": "Pieteikties",
    "log_out": "Iziet",
    "logged_out": "Jūs izgājāt no konta.",
    # greetings without the name (its case would be wrong); the very first log-in is welcomed to Kopiena
    "welcome_first": "Laipni lūdzam Kopienā!",
    "welcome": "Laipni lūdzam!",
    "my_page": "Mana lapa",
    "edit_profile": "Labot profilu",
    "forgot": "Aizmirsāt paroli?",
    "new_password_heading": "Izvēlieties jaunu paroli",
    "password_changed": "Parole ir nomainīta. Lūdzu, piesakieties ar jauno paroli.",
    "wrong_login": "E-pasta adrese vai parole nav pareiza.",
    "main_menu": "Galvenā izvēlne",
}
EN = {
    "home": "Ideas for our community, and hands to make them real",
    "register_heading": "Create an account",
    "log_in": "Log in",
    "forgot": "Forgot your password?",
    "my_page": "My page",
    "edit_profile": "Edit profile",
    "main_menu": "Main menu",
    "check_email": "Check your e-mail",
}


def submit(page):
    """Press the page's own submit button (not the header's log-out or language buttons)."""
    page.locator("main button[type=submit]").click()


def say_16_or_older_and_accept_the_terms(page):
    """The registration form's age question and the acceptance of the terms (tests/browser/test_legal_journey.py)."""
    page.locator("#is_16_or_older").check()
    page.locator("#accept_terms").check()


def header_nav(page, texts):
    return page.get_by_role("navigation", name=texts["main_menu"])


def expect_language(page, code, heading):
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def expect_logged_out(page):
    nav = header_nav(page, LV)
    expect(nav.get_by_role("link", name=LV["log_in"])).to_be_visible()
    expect(nav.get_by_role("button", name=LV["log_out"])).to_have_count(0)
    expect(nav.get_by_role("link", name=LV["my_page"])).to_have_count(0)


def fill_login(page, email, password):
    page.get_by_label(LV["email"]).fill(email)
    page.get_by_label(LV["password"], exact=True).fill(password)
    submit(page)


def field_error(page, field_id):
    """The error shown inside the field's own block, tied to the input by aria-describedby."""
    field = page.locator(f"#{field_id}")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", re.compile(rf"(^|\s){field_id}-error(\s|$)"))
    error = page.locator(".field", has=field).locator(f"#{field_id}-error")
    expect(error).to_be_visible()
    return error


def test_register_confirm_log_in_switch_language_log_out_and_reset_password(page, mailbox):
    name, address = "Ilze Ozola", "ilze.ozola@example.lv"
    a11y = A11yAudit()  # checks each page on the way; fails at the end, listing all it found

    # Home, in Latvian for a browser that asks for Latvian.
    page.goto("/")
    expect_language(page, "lv", LV["home"])
    a11y.check(page)

    # Register: first with a password that is too short.
    header_nav(page, LV).get_by_role("link", name=LV["register"]).click()
    expect(page).to_have_url(re.compile(r"/register$"))
    expect_language(page, "lv", LV["register_heading"])
    a11y.check(page)
    page.get_by_label(LV["name"]).fill(name)
    page.get_by_label(LV["email"]).fill(address)
    page.get_by_label(LV["password"]).fill(TOO_SHORT)
    page.get_by_label(LV["centre"]).select_option(label="Aglona")
    expect(page.get_by_label(LV["language"])).to_have_value("lv")
    say_16_or_older_and_accept_the_terms(page)
    submit(page)

    expect(field_error(page, "password")).to_contain_text(LV["too_short"])
    expect(page.locator(".field__error")).to_have_count(1)  # only the password was wrong
    # What the person typed is still there (except the password, which is never sent back).
    expect(page.locator("#display_name")).to_have_value(name)
    expect(page.locator("#email")).to_have_value(address)
    expect(page.locator("#home_centre option:checked")).to_have_text("Aglona")
    expect(page.locator("#password")).to_have_value("")
    # The summary at the top leads to the field.
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#password")
    expect(summary.get_by_role("link")).to_contain_text(LV["too_short"])
    a11y.check(page)

    page.get_by_label(LV["password"]).fill(PASSWORD)
    submit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(LV["check_email"])
    expect(page.locator("main")).to_contain_text(address)
    a11y.check(page)

    # Confirm from the mail: the link shows a page, the button confirms.
    confirmation = mailbox.latest_to(address)
    # a Latvian greeting without the name (its case would be wrong: "Labdien, Ilze Ozola!")
    assert mail_text(confirmation).startswith("Labdien!") and name not in mail_text(confirmation)
    page.goto(link_path(confirmation, "/confirm/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(LV["confirm_heading"])
    expect(page.locator("main")).to_contain_text("Labdien!")
    a11y.check(page)
    page.get_by_role("button", name=LV["confirm_button"]).click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("status")).to_contain_text(LV["confirmed"])

    # Log in.
    expect(page.get_by_role("heading", level=1)).to_have_text(LV["log_in"])
    a11y.check(page)
    fill_login(page, address, PASSWORD)
    expect(page.get_by_role("status")).to_contain_text(LV["welcome_first"])
    nav = header_nav(page, LV)
    expect(nav.get_by_role("button", name=LV["log_out"])).to_be_visible()

    # My page, the profile and the security page.
    nav.get_by_role("link", name=LV["my_page"]).click()
    expect(page).to_have_url(re.compile(r"/me$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(LV["my_page"])
    expect(page.locator("main")).to_contain_text(address)
    expect(page.locator("main")).to_contain_text("Aglona")
    a11y.check(page)
    page.get_by_role("link", name=LV["edit_profile"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LV["edit_profile"])
    expect(page.locator("#display_name")).to_have_value(name)
    a11y.check(page)
    page.goto("/me")
    page.locator("main a[href='/me/security']").click()
    expect(page).to_have_url(re.compile(r"/me/security$"))
    expect(page.locator("main input[type=password]")).to_have_count(3)  # current + new; current for the e-mail
    a11y.check(page)

    # Switch to English: the same page comes back in English, and the choice stays on other pages.
    page.get_by_role("button", name=re.compile("English")).click()
    expect(page).to_have_url(re.compile(r"/me/security$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Change password")).to_be_visible()
    a11y.check(page)
    page.goto("/me")
    expect_language(page, "en", EN["my_page"])
    a11y.check(page)
    page.goto("/me/profile")
    expect_language(page, "en", EN["edit_profile"])
    a11y.check(page)
    # ... and back to Latvian.
    page.get_by_role("button", name=re.compile("Latviešu")).click()
    expect(page).to_have_url(re.compile(r"/me/profile$"))
    expect_language(page, "lv", LV["edit_profile"])

    # Log out: the header offers to log in again and my page is closed.
    header_nav(page, LV).get_by_role("button", name=LV["log_out"]).click()
    expect(page.get_by_role("status")).to_contain_text(LV["logged_out"])
    expect_logged_out(page)
    page.goto("/me")
    expect(page).to_have_url(re.compile(r"/login\?next="))

    # Forgot the password: ask for a link, follow it, choose a new password.
    page.get_by_role("link", name=LV["forgot"]).click()
    expect(page).to_have_url(re.compile(r"/reset-password$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(LV["forgot"])
    a11y.check(page)
    page.get_by_label(LV["email"]).fill(address)
    submit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(LV["check_email"])

    reset_mail = mailbox.latest_to(address)
    page.goto(link_path(reset_mail, "/reset-password/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(LV["new_password_heading"])
    a11y.check(page)
    page.get_by_label(LV["new_password"]).fill(NEW_PASSWORD)
    submit(page)
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("status")).to_contain_text(LV["password_changed"])
    expect_logged_out(page)

    # The new password works; the old one does not any more.
    fill_login(page, address, NEW_PASSWORD)
    expect(page.get_by_role("status")).to_contain_text(LV["welcome"])
    header_nav(page, LV).get_by_role("button", name=LV["log_out"]).click()
    expect_logged_out(page)
    page.goto("/login")
    fill_login(page, address, PASSWORD)
    expect(field_error(page, "password")).to_contain_text(LV["wrong_login"])
    expect_logged_out(page)
    expect(page.locator("#email")).to_have_value(address)

    a11y.assert_clean()


@pytest.mark.parametrize(
    "path, heading",
    [
        ("/", EN["home"]),
        ("/register", EN["register_heading"]),
        ("/login", EN["log_in"]),
        ("/reset-password", EN["forgot"]),
    ],
)
def test_public_pages_in_english_have_no_serious_accessibility_violations(new_page, path, heading):
    """A browser that prefers English gets English pages (lang="en"), as accessible as the Latvian ones."""
    page = new_page(locale="en-GB")
    page.goto(path)
    expect_language(page, "en", heading)
    assert_accessible(page)


def test_error_summary_speaks_the_pages_language(page):
    """The summary above a form with mistakes is in Latvian on a Latvian page, like the messages in it."""
    page.goto("/login")
    submit(page)  # everything empty
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link")).to_have_count(2)
    expect(summary.get_by_role("link").first).to_have_attribute("href", "#email")
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    expect(summary.get_by_role("heading")).not_to_have_text("Please correct the following:")


def test_register_errors_in_english_are_accessible(new_page):
    page = new_page(locale="en-GB")
    page.goto("/register")
    submit(page)  # everything empty
    expect_language(page, "en", EN["register_heading"])
    for field_id in ("display_name", "email", "password", "birth_year", "accept_terms"):
        field_error(page, field_id)
    expect(page.get_by_role("alert").get_by_role("link")).to_have_count(5)
    assert_accessible(page)


def test_phone_sized_screen_has_no_sideways_scrolling_and_registration_works(new_page, mailbox):
    page = new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    address = "janis.kalnins@example.lv"

    def expect_fits_the_screen():
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{page.url} is {width}px wide on a 360px screen (sideways scrolling)"

    page.goto("/")
    expect_language(page, "lv", LV["home"])
    expect_fits_the_screen()

    page.goto("/register")
    expect(page.get_by_role("heading", level=1)).to_have_text(LV["register_heading"])
    expect_fits_the_screen()
    submit(page)  # everything empty: the error messages must fit too
    field_error(page, "password")
    expect_fits_the_screen()

    page.get_by_label(LV["name"]).fill("Jānis Kalniņš")
    page.get_by_label(LV["email"]).fill(address)
    page.get_by_label(LV["password"]).fill(PASSWORD)
    page.get_by_label(LV["centre"]).select_option(label="Rēzekne")
    say_16_or_older_and_accept_the_terms(page)
    page.locator("main button[type=submit]").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(LV["check_email"])
    expect_fits_the_screen()
    assert "/confirm/" in link_path(mailbox.latest_to(address), "/confirm/")


def test_pages_work_under_the_real_content_security_policy(new_page):
    """Without bypass_csp: the stylesheet loads and the CSP blocks nothing the pages need."""
    page = new_page(bypass_csp=False)
    blocked = []
    page.on("console", lambda message: blocked.append(message.text) if message.type == "error" else None)
    for path in ("/", "/register", "/login"):
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", "lv")
        # the stylesheet applied: the "Change language:" prefix is there for screen readers only
        expect(page.locator(".language-switch .visually-hidden").first).to_have_css("position", "absolute")
    assert not blocked, "blocked or broken under the real CSP:\n" + "\n".join(blocked)


def test_the_accessibility_checks_do_find_problems(page):
    """The checks above are only worth something if they fail on a page that has problems."""
    page.goto("/")
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Broken</title></head><body><main>'
        '<img src="/static/img/favicon.svg">'
        '<label for="code">Code</label><input id="code"><input id="code" name="again">'
        '<input name="nothing"></main></body></html>'
    )
    violations = {line.split()[1] for line in serious_axe_violations(page) if line.startswith("- ")}
    assert {"image-alt", "label"} <= violations
    assert len(unlabelled_fields(page)) == 1 + 2  # the heading line, the second "code" and "nothing"


def test_my_pages_fit_a_phone_screen(new_page, live_person):
    """The e-mail address and the other facts on /me wrap instead of pushing the page sideways."""
    email = live_person("Anna Bērziņa-Kalniņa")
    page = new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    log_in(page, email, PERSON_PASSWORD)
    for path in ("/me", "/me/ideas", "/me/signups", "/me/registrations", "/me/record", "/me/partnerships", "/me/security"):
        page.goto(path)
        assert_no_sideways_scroll(page, 360)
