"""On a phone (360 px), in Latvian: an idea's author writes to the volunteers they accepted („Rakstīt brīvprātīgajiem”),
and a volunteer gets the mail (without anyone else's address), follows its link and reads the message, also from
"my sign-ups" (issue 13, item 5). Each page is checked with axe-core and must not scroll sideways."""

from playwright.sync_api import expect

from app.extensions import db
from app.notifications.services import queue_immediate_notification_mail
from tests.browser.helpers import (
    PERSON_PASSWORD,
    A11yAudit,
    assert_no_sideways_scroll,
    link_path,
    log_in,
    mail_text,
    person_with,
    preili_centre,
)
from tests.factories import make_activity, make_idea, make_role, make_signup

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
TEXT = "Tiekamies sestdien 10:00 pie bibliotēkas.\nLīdzi: cimdi un lāpsta."


def test_the_author_writes_to_the_accepted_volunteers_and_a_volunteer_reads_it(new_page, live_app, live_person, mailbox):
    author = live_person("Autore Inga")
    volunteer = live_person("Brīvprātīgā Dārta")
    other = live_person("Brīvprātīgais Roberts")
    waiting = live_person("Gaidošā Sanita")
    with live_app.app_context():
        idea = make_idea(author=person_with(author), centre=preili_centre(), state="published", title="Puķu dobes skolā")
        role = make_role(idea=idea, name="Stādītājs", places=3)
        make_signup(role, person_with(volunteer), "accepted", decided_by=person_with(author))
        make_signup(role, person_with(other), "accepted", decided_by=person_with(author))
        make_signup(role, person_with(waiting), "applied")
        idea_id = idea.id
    a11y = A11yAudit()

    page = new_page(**PHONE)
    log_in(page, author, PERSON_PASSWORD)
    page.goto(f"/ideas/{idea_id}")
    page.get_by_role("link", name="Rakstīt brīvprātīgajiem").click()
    expect(page.locator("h1")).to_have_text("Rakstīt brīvprātīgajiem")
    expect(page.locator("main")).to_contain_text("2 cilvēki")
    a11y.check(page)
    assert_no_sideways_scroll(page, 360)
    page.get_by_role("button", name="Nosūtīt ziņu").click()  # empty: the error is next to the field
    expect(page.locator(".field__error")).to_contain_text("Lūdzu, uzrakstiet ziņu.")
    a11y.check(page)
    page.get_by_label("Ziņa").fill(TEXT)
    page.get_by_role("button", name="Nosūtīt ziņu").click()
    expect(page.locator("main")).to_contain_text("Jūsu ziņa nosūtīta 2 cilvēkiem.")
    expect(page.locator(".volunteer-message__recipients")).to_contain_text("Brīvprātīgā Dārta")
    a11y.check(page)
    assert_no_sideways_scroll(page, 360)

    with live_app.app_context():
        queue_immediate_notification_mail()
        db.session.commit()
    mail = mailbox.latest_to(volunteer)
    assert mail["To"] == volunteer and mail["Reply-To"] is None
    text = mail_text(mail)
    assert "Lūdzu, uzrakstiet" not in text and "Tiekamies sestdien 10:00 pie bibliotēkas." in text
    assert "Puķu dobes skolā" in mail["Subject"]
    for address in (author, other, waiting):
        assert address not in mail.as_string()
    path = link_path(mail, "/volunteer-messages/")

    reader = new_page(**PHONE)
    log_in(reader, volunteer, PERSON_PASSWORD)
    reader.goto(path)
    expect(reader.locator(".volunteer-message__body")).to_contain_text("Līdzi: cimdi un lāpsta.")
    expect(reader.locator("main")).to_contain_text("Autore Inga")
    expect(reader.locator("main")).not_to_contain_text("Roberts")
    a11y.check(reader)
    assert_no_sideways_scroll(reader, 360)
    reader.goto("/me/signups")
    reader.get_by_role("link", name="Puķu dobes skolā").last.click()
    expect(reader.locator(".volunteer-message__body")).to_contain_text("Tiekamies sestdien")
    a11y.check(reader)
    a11y.assert_clean()


NARROW = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}


def test_a_coordinators_pages_reflow_at_320px_with_a_long_role_name_and_an_error(new_page, live_app, live_person):
    coordinator = live_person("Koordinatore Marija", moderates="preili")
    volunteer = live_person("Brīvprātīgais Kārlis")
    with live_app.app_context():
        activity = make_activity(preili_centre(), person_with(coordinator), title="Rudens talka Preiļu muižas parkā")
        role = make_role(activity=activity, name="Lapu grābšanas un zaru savākšanas komandas vadītājs", places=2)
        make_signup(role, person_with(volunteer), "accepted", decided_by=person_with(coordinator))
        activity_id = activity.id
    a11y = A11yAudit()
    page = new_page(**NARROW)
    log_in(page, coordinator, PERSON_PASSWORD)
    page.goto(f"/activities/{activity_id}/volunteer-messages")
    page.get_by_role("button", name="Nosūtīt ziņu").click()  # empty: the error summary and the field's error
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.title().startswith("Kļūda")
    a11y.check(page)
    assert_no_sideways_scroll(page, 320)
    page.get_by_label("Ziņa").fill("Paldies visiem par palīdzību! " * 20)
    page.get_by_role("button", name="Nosūtīt ziņu").click()
    expect(page.locator(".volunteer-message__body")).to_contain_text("Paldies visiem")
    a11y.check(page)
    assert_no_sideways_scroll(page, 320)
    a11y.assert_clean()
