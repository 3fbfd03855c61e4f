"""An idea becomes a centre activity and the activity takes place, in a real browser (issue 4).

A resident volunteers for a published idea's role and the idea's author accepts; the centre's
moderator makes the idea an activity for next Saturday, and the volunteer and a supporter are told.
A parent registers with two children, another person takes the last place, the next one lands on
the waiting list; someone cancels and the waiting person moves up and is told. After the day the
coordinator records who came and the volunteer's hours, marks the activity as held and writes what
came of it; the volunteer's record shows the hours; the centre's calendar feed has the activity.
On the way, axe-core checks the pages; the list and an activity's page must fit a phone's screen.

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

from icalendar import Calendar
from sqlalchemy import select

from app.extensions import db
from tests.browser.helpers import (
    PERSON_PASSWORD,
    A11yAudit,
    assert_no_sideways_scroll,
    first_category,
    log_in,
    person_with,
    preili_centre,
)
from tests.factories import make_idea, make_role

SHOTS = Path("/tmp/shots")
RIGA = ZoneInfo("Europe/Riga")
PHONE = {"width": 360, "height": 740}

TITLE = "Puķu podu apgleznošana ģimenēm"
ROLE_NAME = "Palīgs pie krāsām"
#: the people the parent brings: first name and age group (code)
CHILDREN = (("Anniņa", "7-9"), ("Kārlītis", "preschool"))
OUTCOME = "40 puķu podi aizceļoja uz bērnudārzu."
VOLUNTEER_HOURS = "3"


# --- setting the scene (straight into the live app's database, as other journeys make people) ------------


def published_idea_with_role(live_app, author_email):
    """A published idea of the Preiļi centre with one volunteer role (answered by hand): (idea id, role id)."""
    with live_app.app_context():
        idea = make_idea(
            author=person_with(author_email),
            centre=preili_centre(),
            category=first_category(),
            state="published",
            kind="social_enterprise",
            title=TITLE,
            summary="Bērni un vecāki kopā apglezno puķu podus bērnudārzam.",
            description="Krāsas un podus sagādās centrs. **Līdzi** ņemiet priekšautu.",
            place="Preiļu centrs, Raiņa bulvāris 19",
            needs="Krāsas, otas, podi.",
        )
        role = make_role(idea=idea, name=ROLE_NAME, description="Palīdzēt bērniem ar krāsām.", places=2)
        return idea.id, role.id


def next_saturday(today):
    """The Saturday after today (a week on when today is a Saturday)."""
    return today + timedelta(days=(5 - today.weekday()) % 7 or 7)


def activity_row(live_app, activity_id):
    from app.activities.models import Activity

    with live_app.app_context():
        activity = db.session.get(Activity, activity_id)
        db.session.expunge(activity)
        return activity


def move_into_the_past(live_app, activity_id):
    """Shift the activity back by whole weeks until it has ended (same weekday and local hours)."""
    from app.activities.models import Activity
    from app.timeutil import utcnow

    with live_app.app_context():
        activity = db.session.get(Activity, activity_id)
        while activity.ends_at >= utcnow():
            activity.starts_at -= timedelta(days=7)
            activity.ends_at -= timedelta(days=7)
        db.session.commit()


# --- small steps ------------------------------------------------------------------------------------------


def activity_id_of(page):
    page.wait_for_url(re.compile(r"/activities/\d+(#.*)?$"))
    return int(re.search(r"/activities/(\d+)", page.url).group(1))


def register(page, activity_id, companions=()):
    """Register on the activity's page: oneself, plus the people one brings (first name, age group code)."""
    page.goto(f"/activities/{activity_id}")
    form = page.locator(f"main form[action='/activities/{activity_id}/register']")
    expect(form.locator("#includes_self")).to_be_checked()  # taking part oneself is the default
    for number, (name, age_group) in enumerate(companions):
        if number:  # one row at first: "Add another person" brings the next, the typed ones kept
            form.locator("button[name=add_person]").click()
        form.locator(f"#companions-{number}-name").fill(name)
        form.locator(f"#companions-{number}-age_group").select_option(age_group)
    form.locator("button.registration-form__submit").click()
    page.wait_for_url(re.compile(rf"/activities/{activity_id}#registration$"))


def expect_registration(page, state):
    """The person's own registration on the activity's page is in this state (registered or waiting)."""
    expect(page.locator(f"main #registration .activity-registration__status--{state}")).to_be_visible()


def screenshot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


# --- the journey ------------------------------------------------------------------------------------------


def test_idea_becomes_an_activity_that_takes_place(new_page, live_app, live_person):
    a11y = A11yAudit()  # checks each page on the way; fails at the end, listing all it found
    author_email = live_person("Ilze Podiņa")
    volunteer_email = live_person("Rūdolfs Palīgs")
    supporter_email = live_person("Vija Atbalstītāja")
    moderator_email = live_person("Guntis Koordinators", moderates="preili")
    parent_email = live_person("Māra Mamma")
    second_email = live_person("Jānis Otrais")
    waiting_email = live_person("Baiba Gaidītāja")
    idea_id, role_id = published_idea_with_role(live_app, author_email)

    # 1. A resident volunteers for the idea's role; another supports the idea; the author accepts the volunteer.
    volunteer = new_page()
    log_in(volunteer, volunteer_email, PERSON_PASSWORD)
    volunteer.goto(f"/ideas/{idea_id}")
    volunteer.locator(f"#message-{role_id}").fill("Varu palīdzēt visu dienu.")
    volunteer.locator(f"main form[action='/roles/{role_id}/apply'] button[type=submit]").click()
    expect(volunteer.locator("main .signup-state--applied")).to_be_visible()

    supporter = new_page()
    log_in(supporter, supporter_email, PERSON_PASSWORD)
    supporter.goto(f"/ideas/{idea_id}")
    supporter.locator(f"main form[action='/ideas/{idea_id}/support'] button[type=submit]").click()
    expect(supporter.locator(f"main form[action='/ideas/{idea_id}/unsupport']")).to_be_visible()

    author = new_page()
    log_in(author, author_email, PERSON_PASSWORD)
    author.goto(f"/roles/{role_id}/signups")
    signup = author.locator("main .signup").filter(has_text="Rūdolfs Palīgs")
    signup.locator("form[action$='/accept'] button[type=submit]").click()
    expect(author.locator("main .signup .signup-state--accepted")).to_have_count(1)

    # 2. The moderator makes the idea an activity for next Saturday, 11:00–14:00, four places, open at once.
    moderator = new_page()
    log_in(moderator, moderator_email, PERSON_PASSWORD)
    moderator.goto(f"/ideas/{idea_id}")
    moderator.locator(f"main a[href='/ideas/{idea_id}/promote']").click()
    expect(moderator).to_have_url(re.compile(rf"/ideas/{idea_id}/promote$"))
    expect(moderator.locator("#title")).to_have_value(TITLE)  # prefilled from the idea
    a11y.check(moderator)  # the promote form
    saturday = next_saturday(datetime.now(RIGA).date())
    moderator.locator("#starts_at").fill(f"{saturday.isoformat()}T11:00")
    moderator.locator("#ends_at").fill(f"{saturday.isoformat()}T14:00")
    moderator.locator("#capacity").fill("4")
    moderator.locator("#open_registration").check()
    moderator.locator(f"main form[action='/ideas/{idea_id}/promote'] button[type=submit]").click()
    activity_id = activity_id_of(moderator)
    expect(moderator.locator("main h1")).to_have_text(TITLE)
    expect(moderator.locator("main .activity__header .activity-state--open")).to_be_visible()
    stored = activity_row(live_app, activity_id)
    starts = datetime(saturday.year, saturday.month, saturday.day, 11, tzinfo=RIGA)
    assert stored.starts_at == starts.astimezone(ZoneInfo("UTC")).replace(tzinfo=None), "Riga time not kept"
    assert stored.ends_at - stored.starts_at == timedelta(hours=3)
    assert stored.capacity == 4 and stored.idea_id == idea_id
    # The role moved with the idea: its sign-ups are on the activity's page now.
    expect(moderator.locator(f"main #volunteers a[href='/roles/{role_id}/signups']")).to_be_visible()
    a11y.check(moderator)  # the activity's page, as its coordinator
    # The idea's page leads to the activity.
    moderator.goto(f"/ideas/{idea_id}")
    expect(moderator.locator(f"main .idea__became a[href='/activities/{activity_id}']")).to_have_text(TITLE)

    # 3. The volunteer and the supporter are told, with a link to the activity.
    for person in (volunteer, supporter):
        person.goto("/me/notifications")
        expect(person.locator(f"main .notification a[href='/activities/{activity_id}']")).to_have_count(1)
    a11y.check(supporter)  # the notifications
    volunteer.locator(f"main .notification a[href='/activities/{activity_id}']").click()
    expect(volunteer.locator("main h1")).to_have_text(TITLE)
    expect(volunteer.locator(f"main #role-{role_id}-name")).to_have_text(ROLE_NAME)

    # 4. A parent registers with two children (3 places), another person takes the 4th: the activity is full.
    parent = new_page()
    log_in(parent, parent_email, PERSON_PASSWORD)
    register(parent, activity_id, CHILDREN)
    expect_registration(parent, "registered")
    for child, _age in CHILDREN:  # the parent sees whom they bring
        expect(parent.locator("main #registration")).to_contain_text(child)
    second = new_page()
    log_in(second, second_email, PERSON_PASSWORD)
    register(second, activity_id)
    expect_registration(second, "registered")
    assert activity_row(live_app, activity_id).registered_count == 4

    # ... so the next person lands on the waiting list, and the page says so.
    waiting = new_page()
    log_in(waiting, waiting_email, PERSON_PASSWORD)
    register(waiting, activity_id)
    expect_registration(waiting, "waiting")
    waiting.goto("/me/registrations")
    expect(
        waiting.locator(f"main .my-registration:has(a[href='/activities/{activity_id}']) .registration-state--waiting")
    ).to_be_visible()

    # The children's names are nobody else's business: a visitor does not see them.
    visitor = new_page()
    visitor.goto(f"/activities/{activity_id}")
    expect(visitor.locator("main h1")).to_have_text(TITLE)
    for child, _age in CHILDREN:
        expect(visitor.locator("body")).not_to_contain_text(child)
    a11y.check(visitor)  # the activity's page, as a visitor
    visitor.goto("/activities")
    expect(visitor.locator(f"main .activity-card a[href='/activities/{activity_id}']")).to_have_text(TITLE)
    a11y.check(visitor)  # the list
    visitor.goto(f"/activities/calendar?month={saturday:%Y-%m}")
    day = visitor.locator(f"main .month-calendar td:has(time[datetime='{saturday.isoformat()}'])")
    expect(day.locator(f".month-calendar__item a[href='/activities/{activity_id}']")).to_have_text(TITLE)
    a11y.check(visitor)  # the month view
    screenshot(visitor, "activities-calendar.png")
    visitor.goto(f"/activities/{activity_id}")
    screenshot(visitor, "activity-page.png")

    # 5. The second person cancels on their registrations page: the waiting person moves up and is told.
    second.goto("/me/registrations")
    a11y.check(second)  # my registrations
    mine = second.locator(f"main .my-registration:has(a[href='/activities/{activity_id}'])")
    expect(mine.locator(".registration-state--registered")).to_be_visible()
    mine.locator("a[href^='/registrations/'][href$='/cancel']").click()  # a page that asks first
    second.locator("main form[action$='/cancel'] button[type=submit]").click()
    second.goto("/me/registrations")
    expect(
        second.locator(f"main .my-registration:has(a[href='/activities/{activity_id}']) .registration-state--cancelled")
    ).to_be_visible()

    waiting.goto("/me/notifications")
    moved_up = waiting.locator(f"main .notification--unread a[href='/activities/{activity_id}']")
    expect(moved_up).to_have_count(1)
    moved_up.click()
    expect_registration(waiting, "registered")
    waiting.goto("/me/registrations")
    expect(
        waiting.locator(f"main .my-registration:has(a[href='/activities/{activity_id}']) .registration-state--registered")
    ).to_be_visible()
    assert activity_row(live_app, activity_id).registered_count == 4

    # 6. After the day. The browser cannot wait until next Saturday, so the activity is moved into the past in
    #    the database (by whole weeks: same weekday and hours), as if the week had gone by.
    move_into_the_past(live_app, activity_id)
    moderator.goto(f"/activities/{activity_id}")
    moderator.locator(f"main a[href='/activities/{activity_id}/attendance']").first.click()
    expect(moderator).to_have_url(re.compile(rf"/activities/{activity_id}/attendance$"))
    form = moderator.locator(f"main form[action='/activities/{activity_id}/attendance']")
    rows = form.locator(".attendance-row")
    expect(rows).to_have_count(3)  # the parent and the person who moved up; the volunteer
    for name in ("Māra Mamma", "Baiba Gaidītāja", "Rūdolfs Palīgs"):
        rows.filter(has_text=name).locator(".attendance-row__came input[type=checkbox]").check()
    for child, _age in CHILDREN:  # the coordinator knows whom the parent brought
        expect(rows.filter(has_text="Māra Mamma")).to_contain_text(child)
    volunteer_row = rows.filter(has_text="Rūdolfs Palīgs")
    volunteer_row.locator("input[type=number]").fill(VOLUNTEER_HOURS)
    a11y.check(moderator)  # the attendance page
    form.locator("button[type=submit]").click()
    expect(moderator).to_have_url(re.compile(rf"/activities/{activity_id}/attendance$"))
    expect(rows.filter(has_text="Baiba Gaidītāja").locator("input[type=checkbox]")).to_be_checked()
    expect(volunteer_row.locator("input[type=number]")).to_have_value(VOLUNTEER_HOURS)
    moderator.set_viewport_size(PHONE)
    assert_no_sideways_scroll(moderator, PHONE["width"])
    screenshot(moderator, "attendance-360.png")
    moderator.set_viewport_size({"width": 1280, "height": 720})

    moderator.goto(f"/activities/{activity_id}")
    moderator.locator(f"main a[href='/activities/{activity_id}/complete']").click()
    moderator.locator(f"main form[action='/activities/{activity_id}/complete'] button[type=submit]").click()
    moderator.wait_for_url(re.compile(rf"/activities/{activity_id}$"))
    expect(moderator.locator("main .activity__header .activity-state--completed")).to_be_visible()
    moderator.locator(f"main #outcome a[href='/activities/{activity_id}/outcome']").click()
    expect(moderator).to_have_url(re.compile(rf"/activities/{activity_id}/outcome$"))
    a11y.check(moderator)  # the outcome page
    moderator.locator("#outcome").fill(OUTCOME)
    moderator.locator("main button[name=action][value=outcome]").click()
    expect(moderator).to_have_url(re.compile(rf"/activities/{activity_id}/outcome$"))
    expect(moderator.locator("#outcome")).to_have_value(OUTCOME)

    visitor.goto(f"/activities/{activity_id}")
    expect(visitor.locator("main #outcome .prose")).to_have_text(OUTCOME)
    expect(visitor.locator("main #outcome .outcome-figures li")).to_have_count(2)  # who took part, the hours
    a11y.check(visitor)  # a held activity's page, as a visitor
    moderator.goto(f"/activities/{activity_id}")
    expect(moderator.locator("main #outcome .prose")).to_have_text(OUTCOME)
    a11y.check(moderator)  # a held activity's page, as its coordinator

    volunteer.goto("/me/record")
    expect(volunteer.locator("main .volunteer-record tbody tr")).to_have_count(1)
    expect(volunteer.locator("main .volunteer-record tbody tr")).to_contain_text(TITLE)
    expect(volunteer.locator("main .volunteer-record tbody .volunteer-record__number")).to_have_text(VOLUNTEER_HOURS)
    expect(volunteer.locator("main .volunteer-record__total")).to_have_text(VOLUNTEER_HOURS)
    a11y.check(volunteer)  # the volunteer record
    volunteer.goto("/me")
    a11y.check(volunteer)  # the person's own page
    waiting.goto("/me/registrations")
    expect(
        waiting.locator(f"main .my-registration:has(a[href='/activities/{activity_id}']) .registration-state--attended")
    ).to_be_visible()

    # 7. The centre's calendar feed, fetched as a calendar program would, has the activity.
    response = visitor.request.get("/centres/preili/calendar.ics")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.body())
    events = [event for event in calendar.walk("VEVENT") if str(event["UID"]).startswith(f"activity-{activity_id}@")]
    assert len(events) == 1, "the activity is not in the centre's calendar feed"
    event = events[0]
    assert str(event["SUMMARY"]) == TITLE
    held = activity_row(live_app, activity_id)
    assert event.decoded("DTSTART").astimezone(ZoneInfo("UTC")).replace(tzinfo=None) == held.starts_at
    assert event.decoded("DTEND").astimezone(ZoneInfo("UTC")).replace(tzinfo=None) == held.ends_at

    a11y.assert_clean()


# --- a phone-sized screen ---------------------------------------------------------------------------------


def test_activity_list_and_page_fit_a_phone_screen(new_page, live_app, live_person):
    from app.accounts.models import User
    from app.activities.services import create_activity
    from app.centres.models import Centre
    from app.timeutil import utcnow

    moderator_email = live_person("Aina Tālrune", moderates="preili")
    with live_app.app_context():
        moderator = db.session.scalar(select(User).where(User.email == moderator_email))
        starts = utcnow().replace(second=0, microsecond=0) + timedelta(days=10)
        activity = create_activity(
            moderator,
            open_registration=True,
            centre_id=db.session.scalar(select(Centre.id).where(Centre.slug == "preili")),
            title="Pašvaldības līdzfinansētā keramikas darbnīca ģimenēm ar bērniem un vecvecākiem",
            description="Skatīt https://www.preili.lv/lv/jaunumi/2026/keramikas-darbnica-gimenem-ar-berniem-"
            "un-vecvecakiem-pieteikumi-lidz-piektdienai\n\n**Līdzi**: priekšauts.",
            place="Preiļu novada kultūras centra lielā zāle, Raiņa bulvāris 19, Preiļi",
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            leader_name="Inese Kalniņa, keramikas pulciņš",
            capacity=12,
        )
        db.session.commit()
        activity_id = activity.id

    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto("/activities")
    card_link = page.locator(f"main .activity-card a[href='/activities/{activity_id}']")
    expect(card_link).to_be_visible()
    assert_no_sideways_scroll(page, PHONE["width"])

    card_link.tap()
    expect(page).to_have_url(re.compile(rf"/activities/{activity_id}$"))
    expect(page.locator("main .activity__facts")).to_be_visible()
    assert_no_sideways_scroll(page, PHONE["width"])
    screenshot(page, "activity-page-360.png")
