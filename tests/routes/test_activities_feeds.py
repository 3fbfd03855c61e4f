"""Calendar feeds: every centre's, one centre's, one activity's and a person's private one; valid RFC 5545
(parsed back with icalendar, CRLF, folded lines), escaped text, no children's names, tokens that stop working."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from app.activities import registrations as registration_services
from app.activities import services
from app.extensions import db
from app.timeutil import utcnow
from tests.factories import make_activity, make_centre, make_registration, make_role, make_signup, make_user
from tests.factories_children import children


def parse(response):
    """The feed parsed back, after checking the things calendar programs rely on."""
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert ".ics" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.endswith(b"\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)  # only CRLF ends lines
    assert all(len(line) <= 75 for line in lines), [line for line in lines if len(line) > 75]
    calendar = Calendar.from_ical(body)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//Kopiena//LV"
    assert "X-WR-CALNAME" in calendar
    for event in calendar.walk("VEVENT"):
        for name in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            assert name in event, name
    return calendar


def events(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def activities_in_time(preili, aglona):
    """Preiļi's activities (coming, cancelled, last week, long ago), one in Aglona, one of a closed centre."""
    closed = make_centre(name="Slēgtais", slug="closed", is_active=False)
    coordinator = make_user(email="dace@example.com", display_name="Dace Koordinatore", moderates=[preili])
    return {
        "preili": preili,
        "aglona": aglona,
        "closed": closed,
        "coordinator": coordinator,
        "workshop": make_activity(preili, coordinator, title="Keramikas darbnīca", starts_in_days=5),
        "cancelled": make_activity(
            preili, coordinator, state="cancelled", title="Atcelta talka", starts_in_days=2, cancel_reason="Lietus"
        ),
        "last_week": make_activity(preili, coordinator, state="completed", title="Pagājusī talka", starts_in_days=-7),
        "long_ago": make_activity(preili, coordinator, state="completed", title="Sena talka", starts_in_days=-60),
        "in_aglona": make_activity(aglona, None, title="Nūjošana", starts_in_days=3),
        "in_closed": make_activity(closed, None, title="Slēgtā centra pasākums", starts_in_days=3),
    }


def uid(activity):
    return f"activity-{activity.id}@127.0.0.1"


def test_the_centre_feed_lists_its_activities_from_a_month_ago_on(client, activities_in_time):
    for path in ("/centres/preili/calendar.ics", "/calendar.ics?centre=preili"):
        calendar = parse(client.get(path))
        found = events(calendar)
        assert set(found) == {uid(activities_in_time[name]) for name in ("workshop", "cancelled", "last_week")}
        assert "Preiļi" in str(calendar["X-WR-CALNAME"])
    found = events(parse(client.get("/centres/preili/calendar.ics")))
    workshop = found[uid(activities_in_time["workshop"])]
    assert str(workshop["SUMMARY"]) == "Keramikas darbnīca"
    assert str(workshop["STATUS"]) == "CONFIRMED"
    assert workshop.decoded("DTSTART") == activities_in_time["workshop"].starts_at.replace(
        tzinfo=workshop.decoded("DTSTART").tzinfo
    )
    assert workshop.decoded("DTSTART").utcoffset() == timedelta(0)
    assert "Preiļu KRC" in str(workshop["LOCATION"])
    assert str(workshop["URL"]).endswith(f"/activities/{activities_in_time['workshop'].id}")
    assert str(workshop["URL"]) in str(workshop["DESCRIPTION"])
    assert "LAST-MODIFIED" in workshop and "SEQUENCE" in workshop
    cancelled = found[uid(activities_in_time["cancelled"])]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert "Lietus" in str(cancelled["DESCRIPTION"])


def test_the_feed_of_every_centre_leaves_out_inactive_centres(client, activities_in_time):
    found = events(parse(client.get("/calendar.ics")))
    assert uid(activities_in_time["in_aglona"]) in found and uid(activities_in_time["workshop"]) in found
    assert uid(activities_in_time["in_closed"]) not in found and uid(activities_in_time["long_ago"]) not in found


@pytest.mark.parametrize(
    "path",
    ["/centres/nowhere/calendar.ics", "/centres/closed/calendar.ics", "/calendar.ics?centre=nowhere", "/activities/999999.ics"],
)
def test_unknown_feeds_are_404(client, activities_in_time, path):
    assert client.get(path).status_code == 404


def test_one_activity_as_a_file_to_add(client, activities_in_time):
    activity = activities_in_time["workshop"]
    response = client.get(f"/activities/{activity.id}.ics")
    found = events(parse(response))
    assert list(found) == [uid(activity)]
    assert response.headers["Content-Disposition"].startswith("attachment")
    description = str(found[uid(activity)]["DESCRIPTION"])
    assert "Veidosim puķu podus" in description and "<" not in description  # plain text, not HTML


def test_user_text_is_escaped_and_cannot_add_events_or_properties(client, activities_in_time):
    title = "Talka, grābekļi; tēja\nX\r\nBEGIN:VEVENT\r\nUID:evil"
    activity = make_activity(
        activities_in_time["preili"],
        None,
        title=title,
        description="Līnija 1\r\nDTSTART:20000101T000000Z",
        place="Raiņa 1; 2. stāvs, zāle",
    )
    response = client.get(f"/activities/{activity.id}.ics")
    body = response.get_data()
    unfolded = body.replace(b"\r\n ", b"")
    # escaped per RFC 5545: the line breaks become the two characters \n, inside the one SUMMARY line
    assert "SUMMARY:Talka\\, grābekļi\\; tēja\\nX\\nBEGIN:VEVENT\\nUID:evil\r\n".encode() in unfolded
    assert body.count(b"BEGIN:VEVENT\r\n") == 1
    assert b"\r\nUID:evil" not in body and b"\r\nDTSTART:2000" not in body
    event = parse(response).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Talka, grābekļi; tēja\nX\nBEGIN:VEVENT\nUID:evil"
    assert str(event["LOCATION"]).startswith("Raiņa 1; 2. stāvs, zāle")
    assert str(event["UID"]) == uid(activity)


def test_long_text_is_folded_at_75_octets(client, activities_in_time):
    activity = make_activity(activities_in_time["preili"], None, title="Ļoti garš nosaukums " * 7, description="Ē" * 300)
    event = parse(client.get(f"/activities/{activity.id}.ics")).walk("VEVENT")[0]  # parse() checks the lengths
    assert str(event["DESCRIPTION"]).startswith("Ē" * 300)


# The private feed -------------------------------------------------------------------------------------------


@pytest.fixture
def person(activities_in_time):
    """Anna: registered with her children, on a waiting list, cancelled, took part; a volunteer shift."""
    anna = make_user(email="anna@example.com", display_name="Anna Bērziņa")
    other = make_user(email="other@example.com", display_name="Cits Cilvēks")
    preili = activities_in_time["preili"]
    full = make_activity(preili, None, title="Pilna darbnīca", capacity=1, starts_in_days=9)
    left = make_activity(preili, None, title="Atteiktā darbnīca", starts_in_days=10)
    shift_activity = make_activity(preili, None, title="Tirdziņš", starts_in_days=12)
    not_mine = make_activity(preili, None, title="Citu darbnīca", starts_in_days=13)
    registration_services.register(
        anna, activities_in_time["workshop"], includes_self=True, companions=children("Elzīte", "Markuss")
    )
    registration_services.register(other, full)
    registration_services.register(anna, full)  # waiting list
    registration_services.cancel_registration(anna, registration_services.register(anna, left))
    registration_services.register(other, not_mine, companions=children("Svešs Bērns"))
    make_registration(activities_in_time["last_week"], anna, "attended", companions=children("Elzīte"))
    role = make_role(
        activity=shift_activity,
        name="Kasiere",
        places=2,
        starts_at=shift_activity.starts_at - timedelta(hours=1),
        ends_at=shift_activity.ends_at,
    )
    applied_role = make_role(activity=not_mine, name="Palīgs", places=2)
    signup = make_signup(role, anna, "accepted", decided_by=activities_in_time["coordinator"])
    make_signup(applied_role, anna, "applied")
    return {"anna": anna, "full": full, "left": left, "shift_activity": shift_activity, "not_mine": not_mine, "signup": signup}


def test_the_private_feed_has_my_activities_and_shifts_without_logging_in(client, activities_in_time, person):
    token = services.calendar_feed_token(person["anna"])
    db.session.commit()
    response = client.get(f"/me/calendar/{token}.ics")
    assert response.headers["Cache-Control"] == "private, no-store"
    found = events(parse(response))
    assert set(found) == {
        uid(activities_in_time["workshop"]),
        uid(activities_in_time["last_week"]),
        f"signup-{person['signup'].id}@127.0.0.1",
    }
    shift = found[f"signup-{person['signup'].id}@127.0.0.1"]
    assert "Kasiere" in str(shift["SUMMARY"]) and "Tirdziņš" in str(shift["SUMMARY"])
    assert shift.decoded("DTSTART").replace(tzinfo=None) == person["shift_activity"].starts_at - timedelta(hours=1)


def test_no_feed_has_the_names_of_the_people_brought(client, activities_in_time, person):
    token = services.calendar_feed_token(person["anna"])
    db.session.commit()
    bodies = [
        client.get(path).get_data()
        for path in (
            "/calendar.ics",
            "/centres/preili/calendar.ics",
            f"/activities/{activities_in_time['workshop'].id}.ics",
            f"/activities/{person['not_mine'].id}.ics",
            f"/me/calendar/{token}.ics",
        )
    ]
    for body in bodies:
        for name in ("Elzīte", "Markuss", "Svešs Bērns"):
            assert name.encode() not in body


def test_a_wrong_renewed_or_revoked_token_is_404(client, activities_in_time, person):
    anna = person["anna"]
    assert client.get("/me/calendar/not-a-token.ics").status_code == 404
    old = services.calendar_feed_token(anna)
    db.session.commit()
    assert client.get(f"/me/calendar/{old}.ics").status_code == 200
    new = services.renew_calendar_feed(anna).token
    db.session.commit()
    assert new != old
    assert client.get(f"/me/calendar/{old}.ics").status_code == 404
    assert client.get(f"/me/calendar/{new}.ics").status_code == 200
    services.revoke_calendar_feed(anna)
    db.session.commit()
    assert client.get(f"/me/calendar/{new}.ics").status_code == 404


def test_a_suspended_persons_feed_is_404(client, activities_in_time, person):
    anna = person["anna"]
    token = services.calendar_feed_token(anna)
    anna.suspended_at = utcnow()
    db.session.commit()
    assert client.get(f"/me/calendar/{token}.ics").status_code == 404
