"""A school finds a partner for an idea, in a real browser (issue 5).

A teacher registers (confirming her address from the mail) and asks to represent her school, which is
listed but has nobody representing it; the centre's moderator approves her and verifies the school.
She posts a partner call; the call's page suggests a published idea of the same centre that seeks a
school partner, and says why. She offers the school's partnership from the idea's page; the idea's
author accepts on "My partnerships"; visitors see the school as a partner of the idea, and — once the
moderator has made the idea an activity — of the activity. On the way, a representative of another
school is refused the teacher's school's form (403, written to the audit log) and does not see the
pending offer. axe-core checks the pages; /partners and an organisation's page must fit a phone.

Selectors are field ids, URL paths and the templates' own classes, not wording (translations change).
Screenshots (not committed) go to /tmp/shots/.
"""

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (fails them with CI=true) and says why
    expect = None

from sqlalchemy import select

from app.extensions import db
from tests.browser.helpers import (
    PERSON_PASSWORD,
    A11yAudit,
    assert_no_sideways_scroll,
    first_category,
    link_path,
    log_in,
    person_with,
    preili_centre,
)
from tests.factories import make_idea, make_organisation

SHOTS = Path("/tmp/shots")
RIGA = ZoneInfo("Europe/Riga")
PHONE = {"width": 360, "height": 740}

SCHOOL = "Preiļu Valsts ģimnāzijas sākumskolas un pamatskolas filiāle"
OTHER_SCHOOL = "Aizkalnes pamatskola"
IDEA_TITLE = "Putnu būrīši Preiļu parkam"
CALL_TITLE = "6. klase meklē vides projektu pavasarī"
TEACHER = ("Ilze Liepa", "ilze.liepa@skola.example.lv", "zaļa lapa uz loga rāmja 2026")


# --- setting the scene (straight into the live app's database, as other journeys make people) ------------


def user_id(email):
    from app.accounts.models import User

    return db.session.scalar(select(User.id).where(User.email == email))


def idea_seeking_a_school(live_app, author_email):
    """A published idea of the Preiļi centre seeking a school partner for ages 10–12 in environment: its id."""
    with live_app.app_context():
        idea = make_idea(
            author=person_with(author_email),
            centre=preili_centre(),
            category=first_category(),
            state="published",
            kind="social_enterprise",
            title=IDEA_TITLE,
            summary="Skolēni kopā ar senioriem uztaisa un izvieto putnu būrīšus.",
            description="Dēļus sagādās centrs. Vajag klasi, kas palīdz ar zāģēšanu un krāsošanu.",
            place="Preiļu muižas parks",
            needs="Dēļi, naglas, krāsa.",
            seeking_school_partner=True,
            partner_age_groups="10-12",
            partner_subjects="environment",
        )
        return idea.id


def school(live_app, name, representative_email=None):
    """A school of the Preiļi centre (with an approved representative when one is given): its id."""
    with live_app.app_context():
        organisation = make_organisation(
            representative=person_with(representative_email) if representative_email else None,
            centre=preili_centre(),
            kind="school",
            name=name,
            description="Skola Preiļu novadā.",
            contact_email="kanceleja@skola.example.lv",
        )
        return organisation.id


def refusals(live_app, email, what):
    """The audit entries of refused attempts by this person at this page or action."""
    from app.audit.models import AuditEntry

    with live_app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "access.denied", AuditEntry.actor_id == user_id(email))
        ).all()
        return [entry for entry in entries if entry.details.get("what") == what]


def next_saturday(today):
    """The Saturday after today (a week on when today is a Saturday)."""
    return today + timedelta(days=(5 - today.weekday()) % 7 or 7)


# --- small steps ------------------------------------------------------------------------------------------


def register_and_confirm(page, mailbox, name, address, password):
    """Register through /register, follow the link in the confirmation mail and log in."""
    page.goto("/register")
    page.locator("#display_name").fill(name)
    page.locator("#email").fill(address)
    page.locator("#password").fill(password)
    page.locator("#home_centre").select_option(label="Preiļi")
    page.locator("#is_16_or_older").check()
    page.locator("#accept_terms").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#display_name")).to_have_count(0)  # "check your e-mail" (the form went away)
    page.goto(link_path(mailbox.latest_to(address), "/confirm/"))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/login$"))
    log_in(page, address, password)


def id_in_url(page, pattern):
    page.wait_for_url(re.compile(pattern + r"(#.*)?$"))
    return int(re.search(pattern, page.url).group(1))


def screenshot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


# --- the journey ------------------------------------------------------------------------------------------


def test_a_school_becomes_the_partner_of_an_idea_and_its_activity(new_page, live_app, live_person, mailbox):
    a11y = A11yAudit()  # checks each page on the way; fails at the end, listing all it found
    author_email = live_person("Valdis Būrītis")
    moderator_email = live_person("Daina Koordinatore", moderates="preili")
    other_email = live_person("Ojārs Citskolas")
    idea_id = idea_seeking_a_school(live_app, author_email)
    school_id = school(live_app, SCHOOL)
    other_id = school(live_app, OTHER_SCHOOL, representative_email=other_email)

    # 1. A teacher registers, finds her school in the directory and asks to represent it.
    name, teacher_email, password = TEACHER
    teacher = new_page()
    register_and_confirm(teacher, mailbox, name, teacher_email, password)
    teacher.goto("/organisations?kind=school&centre=preili")
    expect(teacher.locator(f"main a[href='/organisations/{other_id}']")).to_have_count(1)
    a11y.check(teacher)  # the directory
    teacher.locator(f"main a[href='/organisations/{school_id}']").click()
    expect(teacher.locator("main h1")).to_have_text(SCHOOL)
    a11y.check(teacher)  # an organisation's page, as a signed-in person who may ask to represent it
    teacher.locator(f"main a[href='/organisations/{school_id}/represent']").click()
    teacher.locator("#message").fill("Esmu 6. klases audzinātāja šajā skolā.")
    teacher.locator("main form button[type=submit]").click()
    teacher.wait_for_url(re.compile(rf"/organisations/{school_id}$"))
    expect(teacher.locator(f"main a[href='/organisations/{school_id}/calls/new']")).to_have_count(0)  # not yet
    # The form for registering a new organisation is there too (she needs none: her school is listed).
    teacher.goto("/organisations/new")
    expect(teacher.locator("#name")).to_be_visible()
    a11y.check(teacher)  # the new organisation form

    # 2. The centre's moderator approves her and verifies the school.
    moderator = new_page()
    log_in(moderator, moderator_email, PERSON_PASSWORD)
    moderator.goto(f"/organisations/{school_id}")
    moderator.locator(f"main a[href='/organisations/{school_id}/representatives']").click()
    request = moderator.locator("main .org-person").filter(has_text=name)
    expect(request).to_have_count(1)
    a11y.check(moderator)  # the representatives page with a request
    request.locator("form[action$='/approve'] button[type=submit]").click()
    moderator.wait_for_url(re.compile(rf"/organisations/{school_id}/representatives$"))
    expect(moderator.locator("main form[action$='/approve']")).to_have_count(0)
    moderator.goto(f"/organisations/{school_id}")
    expect(moderator.locator("main .org-badge--verified")).to_have_count(0)
    moderator.locator(f"main form[action='/organisations/{school_id}/verify'] button[type=submit]").click()
    moderator.wait_for_url(re.compile(rf"/organisations/{school_id}$"))
    expect(moderator.locator("main .org__header .org-badge--verified")).to_be_visible()

    # 3. She posts a partner call: ages 10–12, environment, from next March to May.
    teacher.goto(f"/organisations/{school_id}")
    expect(teacher.locator("main .org__header .org-badge--verified")).to_be_visible()
    teacher.locator(f"main a[href='/organisations/{school_id}/calls/new']").click()
    expect(teacher).to_have_url(re.compile(rf"/organisations/{school_id}/calls/new$"))
    a11y.check(teacher)  # the call form
    teacher.locator("#title").fill(CALL_TITLE)
    teacher.locator("#description").fill("Klasē ir 18 skolēni. Gribam kopā ar kopienu darīt kaut ko dabai.")
    teacher.locator("main input[name=age_groups][value='10-12']").check()
    teacher.locator("main input[name=subjects][value=environment]").check()
    teacher.locator("#starts_on").fill("2027-03-01")
    teacher.locator("#ends_on").fill("2027-05-31")
    expect(teacher.locator("#centre option:checked")).to_have_text("Preiļi")  # the school's centre
    teacher.locator("#contact_person").fill(f"{name}, 6. klases audzinātāja")
    teacher.locator("main form button[type=submit]").click()
    call_id = id_in_url(teacher, r"/partner-calls/(\d+)")
    expect(teacher.locator("main h1")).to_have_text(CALL_TITLE)

    # ... and the call's page suggests the idea, saying why.
    suggestion = teacher.locator("main .call__suggestions .suggestion").filter(has=teacher.locator(f"a[href='/ideas/{idea_id}']"))
    expect(suggestion).to_have_count(1)
    expect(suggestion.locator(".suggestion__why")).not_to_be_empty()
    assert len(suggestion.locator(".suggestion__why").inner_text().strip()) > 10, "the suggestion is not explained"
    a11y.check(teacher)  # the call's page with a suggestion
    screenshot(teacher, "partner-call-with-suggestions.png")

    # 4. She offers the school's partnership from the idea's page.
    suggestion.locator(f"a[href='/ideas/{idea_id}']").first.click()
    expect(teacher.locator("main h1")).to_have_text(IDEA_TITLE)
    teacher.locator(f"main #partners a[href='/ideas/{idea_id}/offer-partnership']").click()
    expect(teacher).to_have_url(re.compile(rf"/ideas/{idea_id}/offer-partnership$"))
    a11y.check(teacher)  # the offer form
    teacher.locator("#organisation").select_option(str(school_id))
    teacher.locator("#message").fill("Mūsu 6. klase var palīdzēt aprīlī, darbmācības stundās.")
    teacher.locator(f"main form[action='/ideas/{idea_id}/offer-partnership'] button[type=submit]").click()
    teacher.wait_for_url(re.compile(rf"/ideas/{idea_id}#partners$"))
    expect(teacher.locator("main #partners .partnership")).to_have_count(1)  # her own offer, waiting
    expect(teacher.locator("main #partners .partner")).to_have_count(0)

    # 5. Another school's representative may not change the teacher's school, and the attempt is recorded ...
    other = new_page()
    log_in(other, other_email, PERSON_PASSWORD)
    # (asked with the tab's cookies but not shown in it: the tab would report the 403 as a console error)
    response = other.request.get(f"/organisations/{school_id}/edit")
    assert response.status == 403
    assert len(refusals(live_app, other_email, "organisations.edit_organisation")) == 1, "the refusal is not audited"
    other.goto(f"/organisations/{school_id}")
    expect(other.locator(f"main a[href='/organisations/{school_id}/edit']")).to_have_count(0)
    expect(other.locator(f"main a[href='/organisations/{school_id}/calls/new']")).to_have_count(0)
    # ... nor see the offer that waits for an answer.
    other.goto(f"/ideas/{idea_id}")
    expect(other.locator("main h1")).to_have_text(IDEA_TITLE)
    expect(other.locator("main #partners .partnership")).to_have_count(0)
    expect(other.locator("main")).not_to_contain_text(SCHOOL)

    # 6. The idea's author sees the offer on "My partnerships" and accepts.
    author = new_page()
    log_in(author, author_email, PERSON_PASSWORD)
    author.goto(f"/ideas/{idea_id}")
    expect(author.locator("main #partners .partnership")).to_have_count(1)
    author.goto("/me/partnerships")
    offer = author.locator("main .partnership").filter(has=author.locator(f"a[href='/organisations/{school_id}']"))
    expect(offer).to_have_count(1)
    expect(offer.locator(".partnership-state--offered")).to_be_visible()
    a11y.check(author)  # my partnerships, with an offer to answer
    offer.locator("form[action$='/accept'] button[type=submit]").click()
    author.wait_for_url(re.compile(r"/me/partnerships$"))
    expect(author.locator("main .partnership .partnership-state--accepted")).to_have_count(1)
    teacher.goto("/me/partnerships")
    expect(teacher.locator("main .partnership .partnership-state--accepted")).to_have_count(1)
    a11y.check(teacher)  # my partnerships, as the school's representative

    # The school is the idea's partner for everyone to see, and the idea is on the school's page.
    visitor = new_page()
    visitor.goto(f"/ideas/{idea_id}")
    expect(visitor.locator(f"main #partners .partner a[href='/organisations/{school_id}']")).to_have_text(SCHOOL)
    expect(visitor.locator("main #partners .partner .org-badge--verified")).to_be_visible()
    visitor.goto(f"/organisations/{school_id}")
    expect(visitor.locator(f"main a[href='/ideas/{idea_id}']")).to_have_text(IDEA_TITLE)
    expect(visitor.locator(f"main a[href='/partner-calls/{call_id}']")).to_have_text(CALL_TITLE)

    # 7. The moderator makes the idea an activity for next Saturday; the school stays its partner.
    moderator.goto(f"/ideas/{idea_id}/promote")
    saturday = next_saturday(datetime.now(RIGA).date())
    moderator.locator("#starts_at").fill(f"{saturday.isoformat()}T10:00")
    moderator.locator("#ends_at").fill(f"{saturday.isoformat()}T13:00")
    moderator.locator("#capacity").fill("20")
    moderator.locator(f"main form[action='/ideas/{idea_id}/promote'] button[type=submit]").click()
    activity_id = id_in_url(moderator, r"/activities/(\d+)")
    visitor.goto(f"/activities/{activity_id}")
    expect(visitor.locator(f"main #partners .partner a[href='/organisations/{school_id}']")).to_have_text(SCHOOL)
    visitor.goto(f"/organisations/{school_id}")
    expect(visitor.locator(f"main a[href='/activities/{activity_id}']")).to_have_text(IDEA_TITLE)
    a11y.check(visitor)  # an organisation's page with partnerships, as a visitor
    screenshot(visitor, "organisation-page.png")

    # 8. /partners lists the call; the visitor can open it.
    visitor.goto("/partners")
    expect(visitor.locator(f"main a[href='/partner-calls/{call_id}']")).to_have_count(1)
    a11y.check(visitor)  # /partners
    screenshot(visitor, "partners.png")
    visitor.goto(f"/partner-calls/{call_id}")
    a11y.check(visitor)  # the call's page, as a visitor

    a11y.assert_clean()


# --- a phone-sized screen ---------------------------------------------------------------------------------


def test_partners_and_an_organisation_page_fit_a_phone_screen(new_page, live_app, live_person):
    from tests.factories import make_partner_call

    representative_email = live_person("Anita Tālrune")
    school_id = school(
        live_app,
        "Preiļu novada Vārkavas vidusskolas pirmsskolas izglītības grupu filiāle",
        representative_email=representative_email,
    )
    with live_app.app_context():
        from app.organisations.models import Organisation

        organisation = db.session.get(Organisation, school_id)
        organisation.website = "https://www.varkava.edu.lv/lv/par-skolu/pirmsskolas-izglitibas-grupas-filiale"
        call = make_partner_call(
            organisation,
            title="Pirmsskolas grupa meklē partneri dabas izziņas pastaigām un ilgtermiņa projektam par Preiļu parka kokiem",
        )
        call_id = call.id

    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto("/partners")
    call_link = page.locator(f"main a[href='/partner-calls/{call_id}']")
    expect(call_link).to_be_visible()
    assert_no_sideways_scroll(page, PHONE["width"])
    screenshot(page, "partners-360.png")

    page.goto(f"/organisations/{school_id}")
    expect(page.locator("main h1")).to_be_visible()
    assert_no_sideways_scroll(page, PHONE["width"])
    screenshot(page, "organisation-page-360.png")
