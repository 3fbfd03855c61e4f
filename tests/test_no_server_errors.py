"""No page and no input ever answers with a server error (5xx), for any role, on either database.

Generic on purpose: the addresses come from the app's URL map and from the links and forms of its pages, not
from a list of today's routes, so a new route or form is covered the day it is added. The data is the demo
data of `flask seed-demo`, so that addresses with ids lead to real ideas, activities, organisations, ….
"""

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.activities.models import Activity
from app.comments.models import Comment
from app.extensions import db
from app.i18n import LANGUAGE_COOKIE
from tests.factories import make_centre, make_idea, make_user, make_worker_heartbeat
from tests.helpers import csrf_token, log_in, post_form
from tests.site_walk import (
    ID_ARGUMENTS,
    OTHER_ARGUMENTS,
    ROLES,
    argument_values,
    demo_addresses,
    endpoint_of,
    fill,
    form_address,
    log_in_as,
    parse,
    query_names,
    rules,
    seed_demo_data,
    submission,
    walk,
)

#: pages one role may visit in the crawl: enough for every page of the demo data, bounded all the same
CRAWL_LIMIT = 400
#: what an attacker puts where a number is expected: beyond 64 and 32 bits (PostgreSQL's integer), far beyond,
#: digits Python's int() reads although they are not ASCII (Arabic-Indic "12"), a superscript two, a NUL byte
HOSTILE_NUMBERS = [str(2**63), str(2**31), str(10**30), "²", "١٢", "%00", "-1", "0"]


@pytest.fixture
def demo(ctx):
    seed_demo_data()
    make_worker_heartbeat()  # a running `flask worker`, as with `make run`: /readyz answers 200, not 503
    return ctx


def server_errors(visits):
    return [f"{visit.status} {visit.address}" for visit in visits if visit.status >= 500]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_can_follow_every_link_and_open_every_demo_page_without_a_server_error(demo, client, role):
    log_in_as(client, role)
    visits = walk(client, ["/", *demo_addresses()], CRAWL_LIMIT)
    assert len(visits) > 50  # the walk really went through the site
    assert server_errors(visits) == []


#: the roles that try the hostile addresses, one after another (each address is tried by one of them)
HOSTILE_ROLES = ("visitor", "resident", "admin")


def logged_in_clients(app):
    clients = {}
    for role in HOSTILE_ROLES:
        clients[role] = app.test_client()
        log_in_as(clients[role], role)
    return clients


def test_every_route_refuses_hostile_ids_in_its_address_without_a_server_error(demo):
    """Each argument of each route, for each method, holds a hostile value in turn; the others are real."""
    clients = logged_in_clients(demo)
    tokens = {role: csrf_token(client, "/") for role, client in clients.items()}
    failures, tried = [], 0
    for number, (rule, method) in enumerate(rules()):
        names = sorted(rule._converters)
        real = {name: (argument_values(rule, name) or ["1"])[0] for name in names}
        for name in names:
            for value in HOSTILE_NUMBERS:
                role = HOSTILE_ROLES[(number + tried) % len(HOSTILE_ROLES)]
                address = fill(rule, {**real, name: value})
                if method == "GET":
                    response = clients[role].get(address)
                else:
                    response = clients[role].post(address, data={"csrf_token": tokens[role]})
                tried += 1
                if response.status_code >= 500:
                    failures.append(f"{response.status_code} {method} {address} as {role}")
    assert tried > 500
    assert failures == [], "\n".join(failures)


#: query arguments that lists take although no link may show them yet (a second page needs more demo data)
PAGING_ARGUMENTS = {"page", "cursor", "centre"}


def test_every_page_refuses_hostile_numbers_in_its_query_without_a_server_error(demo, client):
    """Every kind of page the admin reaches, with every query argument any link or filter form uses set to a
    hostile value at once (each is read on its own, so one cannot hide another's error)."""
    log_in_as(client, "admin")
    pages = [
        visit.address for visit in walk(client, ["/", *demo_addresses()], CRAWL_LIMIT, key=endpoint_of) if visit.status == 200
    ]
    names = sorted(PAGING_ARGUMENTS.union(*(query_names(address) for address in pages)))
    assert {"q", "sort"} <= set(names), (names, pages)  # the filter forms were read
    failures = []
    for address in pages:
        for value in HOSTILE_NUMBERS:
            hostile = address.split("?")[0] + "?" + "&".join(f"{name}={value}" for name in names)
            response = client.get(hostile)
            if response.status_code >= 500:
                failures.append(f"{response.status_code} {address.split('?')[0]} with every argument={value}")
    assert len(pages) > 30
    assert failures == [], "\n".join(failures)


#: fields a person types text into; what they typed must come back when the form is shown again
TEXT_KINDS = {"text", "textarea", "search"}
#: the fields that hold a choice or a hidden value (e.g. a reply's parent_id); their hostile value is a number
CHOICE_KINDS = {"select", "radio", "checkbox", "hidden"}
#: the answers that show a form again (with its errors)
SHOWN_AGAIN = {200, 400, 422}


def hostile_value(kind, variant, number):
    """What an attacker sends in a field of this kind; variant picks one of three sets of values."""
    if kind in TEXT_KINDS:
        return [f"Teksts {number} ar\x00nulles baitu", f"Garš teksts {number} " + "ēūīķļņ" * 1700, f"Parasts teksts {number} ²"][
            variant
        ]
    if kind in ("email", "url", "tel", "password"):
        return ["x\x00@example.com", "a" * 10_000, "²"][variant]
    if kind == "number":
        return ["²", str(10**30), str(2**31)][variant]
    if kind == "date":
        return ["0001-01-01", "9999-12-31", "١٢"][variant]
    if kind == "datetime-local":
        return ["0001-01-01T00:00", "9999-12-31T23:59", "2026-13-45T99:99"][variant]
    if kind == "time":
        return ["25:99", "\x00", "١٢:٠٠"][variant]
    if kind in CHOICE_KINDS:
        return ["١٢", str(2**63), str(2**31)][variant]
    return None  # buttons keep their own value


def posted_forms(app):
    """(role, client, page, form) for every kind of form with fields that each role finds on the site."""
    found, seen = [], set()
    for role in ROLES:
        client = app.test_client()
        log_in_as(client, role)
        for visit in walk(client, ["/", *demo_addresses()], CRAWL_LIMIT, key=endpoint_of):
            for form in parse(visit.html).forms:
                fields = tuple(sorted(item.name for item in form.fields if item.kind != "button" and item.name != "csrf_token"))
                action = form_address(visit.address, form)
                kind = (endpoint_of(action) if action else None, fields)
                if form.method == "post" and fields and action and kind not in seen:
                    seen.add(kind)
                    found.append((role, client, visit.address, form))
    return found


def test_every_form_takes_hostile_values_without_a_server_error_or_losing_what_was_typed(demo):
    """Every form on the site, sent with a valid CSRF token and hostile values: NUL bytes, 10,000 characters,
    numbers beyond 64 and 32 bits, "²", dates in the years 1 and 9999. A form shown again keeps the text."""
    forms = posted_forms(demo)
    failures = []
    # All forms with one set of values before the next: the first two sets are refused by the forms (and the
    # third mostly accepted), so a form that changes something (e.g. cancels an activity) does so last.
    for variant in range(3):
        for role, client, page, form in forms:
            typed = {}

            def replace(item, variant=variant, typed=typed):
                if item.name == "csrf_token":
                    return None
                value = hostile_value(item.kind, variant, len(typed))
                if item.kind in TEXT_KINDS:
                    typed[item.name] = value
                return value

            action = form_address(page, form)
            response = client.post(action, data=MultiDict(submission(form, replace)))
            html = response.get_data(as_text=True)
            where = f"POST {action} (form on {page}, as {role}, values {variant})"
            if response.status_code >= 500:
                failures.append(f"{response.status_code} {where}")
            elif response.status_code in SHOWN_AGAIN:
                lost = [name for name, text in typed.items() if text not in html and text.replace("\x00", "") not in html]
                if lost:
                    failures.append(f"text of {', '.join(lost)} lost: {where}")
    assert len(forms) > 20
    assert failures == [], "\n".join(failures)


def junk_headers(app):
    cookies = {
        app.config["SESSION_COOKIE_NAME"]: "eyJ4IjoiMSJ9.junk.junk",
        LANGUAGE_COOKIE: "²\x00",
        app.config.get("REMEMBER_COOKIE_NAME", "remember_token"): "١٢|" + "x" * 5000,
    }
    return {
        "Accept-Language": "²;q=١٢, *;q=99999999999999999999, \x00, " + "x-" * 2000,
        "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
        "X-Request-ID": "\x00" * 10,
        "Referer": "http://\x00/²",
        "If-Modified-Since": "Mon, 1 Jan 0001 00:00:00 GMT",
        "Range": f"bytes={2**63}-{10**30}",
        "X-Forwarded-For": "\x00, ²",
    }


def test_junk_headers_cookies_and_bodies_are_no_server_error(demo, client):
    """Every page without ids, and every form address, with junk in the headers, the cookies and the body."""
    headers = junk_headers(demo)
    failures = []
    for rule, method in rules():
        if rule._converters:
            continue
        if method == "GET":
            response = client.get(rule.rule, headers=headers)
        else:
            response = client.post(
                rule.rule, headers={**headers, "Content-Type": "application/json"}, data=b'{"csrf_token": [\x00], "page": 1e999'
            )
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {method} {rule.rule}")
    assert failures == [], "\n".join(failures)


def test_every_address_has_an_id_the_walk_knows():
    """A new kind of id in a route is added to tests/site_walk.ID_ARGUMENTS, so the tests above try it."""
    from app import create_app

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        unknown = {
            name
            for rule, _ in rules()
            for name in rule._converters
            if name not in ID_ARGUMENTS and name not in OTHER_ARGUMENTS and not hasattr(rule._converters[name], "items")
        }
    assert unknown == set()


# What the person sees: the message next to the field, and what they typed -----------------------------------

EN = {"Accept-Language": "en"}


@pytest.fixture
def commenter(ctx, client):
    author = make_user(email="autore@example.com", language="en")
    idea = make_idea(author=author)
    log_in(client, make_user(email="anna@example.com", language="en").email)
    return idea


def test_a_nul_byte_in_a_comment_is_an_error_next_to_the_field_and_the_text_is_kept(client, commenter):
    response = post_form(
        client, f"/ideas/{commenter.id}/comments", {"body": "Labs\x00 priekšlikums"}, token_from=f"/ideas/{commenter.id}"
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Text contains a character that cannot be saved." in page
    assert "Labs priekšlikums</textarea>" in page
    assert db.session.scalars(select(Comment)).all() == []


@pytest.mark.parametrize("parent_id", [str(2**63), str(2**31), "١٢", "²"])
def test_a_reply_to_a_comment_beyond_any_id_is_refused_and_the_text_is_kept(client, commenter, parent_id):
    response = post_form(
        client,
        f"/ideas/{commenter.id}/comments",
        {"body": "Piekrītu", "parent_id": parent_id},
        token_from=f"/ideas/{commenter.id}",
    )

    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert "Piekrītu</textarea>" in response.get_data(as_text=True)
    assert db.session.scalars(select(Comment)).all() == []


@pytest.mark.parametrize("starts_at", ["0001-01-01T10:00", "9999-12-31T23:00"])
def test_a_date_beyond_the_calendar_is_an_error_next_to_the_field(client, ctx, starts_at):
    centre = make_centre()
    log_in(client, make_user(email="koordinatore@example.com", moderates=[centre], language="en").email)
    form = {
        "title": "Puķu podu apgleznošana",
        "place": "Preiļu KRC",
        "centre": str(centre.id),
        "starts_at": starts_at,
        "ends_at": "9999-12-31T23:59",
        "capacity": "12",
    }

    response = post_form(client, "/activities/new", form, token_from="/activities/new", headers=EN)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please give a date between the years 1900 and 2199." in page
    assert "Puķu podu apgleznošana" in page
    assert db.session.scalars(select(Activity)).all() == []
