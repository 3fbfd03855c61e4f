"""No personal data on any public page or feed: distinctive e-mails, phone numbers, children's names, sign-up messages,
representatives who did not agree to be named, a 14-year-old's surname, organisation contacts, a partner call's
contact person, user agents, IP addresses and audit reasons are seeded, then every GET address of the app (each rule
without arguments, each rule with one argument for every row it can name, the iCal feeds) and every link from those
pages is opened as a visitor and as an unrelated resident. None of it may appear. As a control, the data is where it
belongs: the coordinator's list of registrations, the representative's own pages.
"""

from collections import deque
from types import SimpleNamespace

import pytest

from app.timeutil import utcnow
from tests.factories import (
    make_activity,
    make_centre,
    make_comment,
    make_idea,
    make_organisation,
    make_partner_call,
    make_partnership,
    make_registration,
    make_representative,
    make_role,
    make_signup,
    make_user,
)
from tests.factories_retention import make_audit_entry, make_session
from tests.helpers import client_for, html
from tests.site_walk import demo_addresses, local_address, parse

#: pages opened per person: every address of the URL map and the links found on them, bounded all the same
WALK_LIMIT = 600

#: what must never appear on a page or in a feed for anyone but the people it belongs to
SECRETS = {
    "author's e-mail": "anna.privata@example.lv",
    "teen's e-mail": "peteris.z@example.lv",
    "teen's surname": "Zvirbulēns",
    "parent's e-mail": "ilze.mamma@example.lv",
    "child's name": "Zelmīra",
    "another child's name": "Austrimants",
    "sign-up message": "Mans tālrunis 29112233",
    "sign-up phone": "29112233",
    "representative who did not agree": "Ingūna Slēptā",
    "representative's e-mail": "inguna@example.lv",
    "organisation e-mail": "kanceleja.slepena@skola.example.lv",
    "organisation phone": "6530 9999",
    "organisation phone in a link": "65309999",
    "partner call contact person": "Dzintra Kalna-Slepenā",
    "user agent": "SlepenaisParluks/7.7",
    "IP address": "203.0.113.99",
    "audit reason": "Iemesls-slepens-XYZ",
    "coordinator's e-mail": "dace.koord@example.lv",
}


@pytest.fixture
def seeded(ctx):
    """Personal data of every kind on ideas, activities, organisations and partner calls of one centre."""
    centre = make_centre(name="Preiļi", slug="preili")
    s = SimpleNamespace(centre=centre)
    s.coordinator = make_user(email=SECRETS["coordinator's e-mail"], display_name="Dace Koordinatore", moderates=[centre])
    s.author = make_user(email=SECRETS["author's e-mail"], display_name="Anna Bērziņa")
    s.teen = make_user(email=SECRETS["teen's e-mail"], display_name="Pēteris Zvirbulēns")
    s.teen.birth_year = utcnow().year - 14
    s.parent = make_user(email=SECRETS["parent's e-mail"], display_name="Ilze Liepa")
    s.hidden_rep = make_user(email=SECRETS["representative's e-mail"], display_name=SECRETS["representative who did not agree"])
    s.named_rep = make_user(email="rita@example.lv", display_name="Rita Redzamā")

    s.idea = make_idea(author=s.author, centre=centre, title="Puķu dobes skolas pagalmā", seeking_school_partner=True)
    make_comment(s.idea, s.teen, body="Es arī gribu palīdzēt!")
    role = make_role(idea=s.idea, name="Stādītāji")
    make_signup(role, s.teen, state="accepted", decided_by=s.author, message=SECRETS["sign-up message"])

    s.activity = make_activity(centre, s.coordinator, title="Keramikas darbnīca", capacity=20)
    make_registration(s.activity, s.parent, companions=[SECRETS["child's name"], SECRETS["another child's name"]])
    activity_role = make_role(activity=s.activity, name="Galdu klājēji")
    make_signup(activity_role, s.teen, state="applied", message=SECRETS["sign-up message"])
    s.held = make_activity(centre, s.coordinator, state="completed", title="Talka parkā", starts_in_days=-3)
    make_registration(s.held, s.parent, state="attended", companions=[SECRETS["child's name"]])

    s.school = make_organisation(
        representative=s.hidden_rep,
        centre=centre,
        contact_email=SECRETS["organisation e-mail"],
        contact_phone="+371 " + SECRETS["organisation phone"],
        verified=True,
    )
    make_representative(s.school, s.named_rep, "approved").named_publicly = True
    s.call = make_partner_call(s.school, contact_person=SECRETS["partner call contact person"])
    make_partnership(s.school, idea=s.idea, state="accepted", offered_by=s.hidden_rep)
    make_partnership(s.school, activity=s.activity, state="accepted", offered_by=s.hidden_rep, decided_by=s.coordinator)

    for person in (s.author, s.teen, s.parent, s.hidden_rep):
        make_session(person, user_agent=SECRETS["user agent"])
        make_audit_entry("account.login", person, ip_address=SECRETS["IP address"], reason=SECRETS["audit reason"])
    s.resident = make_user(email="unrelated@example.com", display_name="Valdis Ozols")
    return s


def feeds(s):
    """The iCal feeds, also with their query (the URL map gives them without)."""
    return [
        "/calendar.ics",
        "/calendar.ics?centre=preili",
        f"/centres/{s.centre.slug}/calendar.ics",
        f"/activities/{s.activity.id}.ics",
    ]


def walk_everything(client, start):
    """Every address from start and every link from the HTML pages on the way: (address, status, body)."""
    queue, seen, visits = deque(start), set(), []
    while queue and len(visits) < WALK_LIMIT:
        address = queue.popleft()
        if address in seen:
            continue
        seen.add(address)
        response = client.get(address)
        body = "" if response.mimetype.startswith("image/") else response.get_data(as_text=True)
        visits.append((address, response.status_code, body))
        if response.status_code in (301, 302, 303, 307, 308):
            target = local_address(address, response.headers["Location"])
            queue += [target] if target else []
        elif response.mimetype == "text/html":
            queue += [target for target in (local_address(address, href) for href in parse(body).links) if target]
    return visits


def leaks(visits):
    return sorted({(what, address) for address, _status, body in visits for what, secret in SECRETS.items() if secret in body})


@pytest.mark.parametrize("who", ["visitor", "unrelated resident"])
def test_no_public_page_or_feed_shows_personal_data(client, seeded, who):
    viewer = client_for(client.application, seeded.resident if who != "visitor" else None)

    visits = walk_everything(viewer, ["/", *feeds(seeded), *demo_addresses()])

    opened = {address for address, status, _body in visits if status == 200}
    for page in ("/", "/ideas", f"/ideas/{seeded.idea.id}", "/activities", "/activities/calendar", "/organisations"):
        assert page in opened, page
    for page in (f"/activities/{seeded.activity.id}", f"/organisations/{seeded.school.id}", "/partners", *feeds(seeded)):
        assert page in opened, page
    assert f"/partner-calls/{seeded.call.id}" in opened
    assert len(opened) > 40  # the walk really went through the site
    assert leaks(visits) == []
    idea_page = next(body for address, _status, body in visits if address == f"/ideas/{seeded.idea.id}")
    assert "Pēteris Z." in idea_page  # the teen is there, by first name and initial
    organisation_page = next(body for address, _status, body in visits if address == f"/organisations/{seeded.school.id}")
    assert "Rita Redzamā" in organisation_page  # the representative who agreed is named


def test_the_data_is_where_it_belongs(client, seeded):
    coordinator = client_for(client.application, seeded.coordinator)
    registrations = html(coordinator.get(f"/activities/{seeded.activity.id}/registrations"))
    assert SECRETS["child's name"] in registrations and SECRETS["another child's name"] in registrations
    organisation_page = html(coordinator.get(f"/organisations/{seeded.school.id}"))
    assert SECRETS["organisation e-mail"] in organisation_page

    representative = client_for(client.application, seeded.hidden_rep)
    own = html(representative.get(f"/organisations/{seeded.school.id}/representatives"))
    assert SECRETS["representative who did not agree"] in own
    organisation_page = html(representative.get(f"/organisations/{seeded.school.id}"))
    assert SECRETS["organisation e-mail"] in organisation_page
    call_page = html(representative.get(f"/partner-calls/{seeded.call.id}"))
    assert SECRETS["partner call contact person"] in call_page

    partner = client_for(client.application, seeded.author)  # the idea's author: a partner of the school
    assert SECRETS["organisation phone"] in html(partner.get(f"/organisations/{seeded.school.id}"))
    parent = client_for(client.application, seeded.parent)
    assert SECRETS["child's name"] in html(parent.get("/me/registrations"))
