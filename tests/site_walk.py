"""Walking the site as people would: the demo data, a login for every role, and the links and forms of its pages.

Used by the tests that assert no page and no input ever answers with a server error (tests/test_no_server_errors.py).
"""

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from flask import current_app
from sqlalchemy import select

from app.accounts.models import User
from app.activities.models import Activity, ActivityPhoto, Registration
from app.centres.models import Centre
from app.cli import DEMO_PASSWORD, seed_demo
from app.comments.models import Comment
from app.extensions import db, limiter
from app.ideas.models import Category, Idea
from app.moderation.models import ReasonTemplate
from app.notifications.models import Notification
from app.organisations.models import Organisation, Representative
from app.partnerships.models import PartnerCall, Partnership
from app.privacy.models import DataExport
from app.volunteering.models import SignUp, VolunteerMessage, VolunteerRole
from tests.helpers import log_in

#: who walks the site, and the demo person (app/cli.py DEMO_PEOPLE) in that role; a visitor is not logged in
ROLES = {
    "visitor": None,
    "resident": "anna@kopiena.example",
    "representative": "skolotaja.ilga@kopiena.example",  # of the verified demo school
    "coordinator": "koordinatore.preili@kopiena.example",
    "admin": "admin@kopiena.example",
}

#: what each id in an address names; a new kind of id in a route must be added here (a test checks)
ID_ARGUMENTS = {
    "activity_id": Activity,
    "call_id": PartnerCall,
    "category_id": Category,
    "centre_id": Centre,
    "comment_id": Comment,
    "export_id": DataExport,
    "idea_id": Idea,
    "message_id": VolunteerMessage,
    "notification_id": Notification,
    "organisation_id": Organisation,
    "partnership_id": Partnership,
    "photo_id": ActivityPhoto,
    "registration_id": Registration,
    "representative_id": Representative,
    "role_id": VolunteerRole,
    "signup_id": SignUp,
    "template_id": ReasonTemplate,
    "user_id": User,
}
#: the other arguments of addresses, by name: a value that names something real (or a well-formed stranger)
OTHER_ARGUMENTS = {
    "slug": lambda: db.session.scalars(select(Centre.slug)).all(),
    "token": lambda: ["x" * 40],
    "version": lambda: ["1"],  # of a legal page (the default text is version 1)
    "index": lambda: ["0"],  # of a person on a registration (activities.remove_companion)
}
ARGUMENT = re.compile(r"<(?:(?P<converter>[^:<>()]+)(?:\((?P<options>[^)]*)\))?:)?(?P<name>[^<>:]+)>")


def seed_demo_data():
    """The data of `flask seed-demo`, made through the same services."""
    seed_demo()


def log_in_as(client, role):
    limiter.reset()  # logging in five people one after another is not an attack
    if ROLES[role]:
        log_in(client, ROLES[role], DEMO_PASSWORD)


def rules(methods=("GET", "POST")):
    """(rule, method) for every rule of the app but static files, in a stable order."""
    found = []
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if rule.endpoint == "static":
            continue
        found += [(rule, method) for method in methods if method in rule.methods]
    return found


def argument_values(rule, name):
    """Real values for an argument of a rule: every id of the table it names, or a choice of the AnyConverter."""
    converter = rule._converters[name]
    if hasattr(converter, "items"):  # <any(a, b):action>
        return list(converter.items)
    if name in OTHER_ARGUMENTS:
        return OTHER_ARGUMENTS[name]()
    model = ID_ARGUMENTS[name]
    return [str(value) for value in db.session.scalars(select(model.id).order_by(model.id))]


def fill(rule, values):
    """The rule's address with each argument replaced by values[name] (taken as it is: no quoting)."""
    return ARGUMENT.sub(lambda match: str(values[match.group("name")]), rule.rule)


def demo_addresses():
    """Every GET address of every object of the current data: each idea, activity, organisation, … page."""
    addresses = []
    for rule, _method in rules(methods=("GET",)):
        names = sorted(rule._converters)
        if not names:
            addresses.append(rule.rule)
        elif len(names) == 1:
            addresses += [fill(rule, {names[0]: value}) for value in argument_values(rule, names[0])]
    return addresses


@dataclass
class Field:
    name: str
    kind: str  # an input's type, or "textarea", "select", "button"
    value: str = ""
    checked: bool = False
    options: list = field(default_factory=list)


@dataclass
class Form:
    method: str
    action: str
    fields: list = field(default_factory=list)


class PageParser(HTMLParser):
    """The links and forms of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.forms = [], []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = Form(attrs.get("method", "get").lower(), attrs.get("action", ""))
            self.forms.append(self._form)
        elif self._form is None or not attrs.get("name"):
            return
        elif tag == "input":
            self._form.fields.append(
                Field(attrs["name"], attrs.get("type", "text").lower(), attrs.get("value", ""), "checked" in attrs)
            )
        elif tag == "button" and attrs.get("type", "submit") == "submit":
            self._form.fields.append(Field(attrs["name"], "button", attrs.get("value", "")))
        elif tag == "textarea":
            self._textarea = Field(attrs["name"], "textarea")
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(attrs["name"], "select")
            self._form.fields.append(self._select)
        if tag == "option" and self._select is not None:
            self._select.options.append(attrs.get("value", ""))
            if "selected" in attrs:
                self._select.value = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def parse(html):
    parser = PageParser()
    parser.feed(html)
    return parser


def local_address(page, href):
    """The path and query of a link on this site, or None for a link elsewhere (or to a static file)."""
    target = urlsplit(urljoin("http://localhost" + page, href))
    if target.scheme not in ("http", "https") or target.netloc != "localhost" or target.path.startswith("/static/"):
        return None
    return target.path + (f"?{target.query}" if target.query else "")


def submission(form, replace=None):
    """The pairs a browser would send for the form, with replace(field) instead of each value where it gives one."""
    pairs, pressed, radios = [], False, set()
    for item in form.fields:
        value = replace(item) if replace else None
        if item.kind == "button":
            if not pressed:  # the first button is the one pressed
                pairs.append((item.name, item.value if value is None else value))
                pressed = True
        elif item.kind in ("checkbox", "radio"):
            if item.kind == "radio" and item.name in radios:
                continue
            if item.checked or item.kind == "radio" or value is not None:
                pairs.append((item.name, item.value if value is None else value))
                radios.add(item.name)
        elif item.kind == "select":
            default = item.value or next((option for option in item.options if option), "")
            pairs.append((item.name, default if value is None else value))
        elif item.kind not in ("file", "submit", "reset", "image"):
            pairs.append((item.name, item.value if value is None else value))
    return pairs


def form_address(page, form):
    return local_address(page, form.action or page)


def get_form_address(page, form):
    """The address a GET form (a filter) leads to when sent as it is."""
    action = form_address(page, form)
    if action is None:
        return None
    query = urlencode([(name, value) for name, value in submission(form) if name != "csrf_token"])
    return action.split("?")[0] + (f"?{query}" if query else "")


@dataclass
class Visit:
    address: str
    status: int
    html: str


def walk(client, start, limit, key=lambda address: address):
    """Follow every link (and GET form) from the start addresses, breadth first, up to limit pages.

    key(address) decides which addresses count as the same page (visited once).
    """
    queue, seen, visits = deque(start), set(), []
    while queue and len(visits) < limit:
        address = queue.popleft()
        if key(address) in seen:
            continue
        seen.add(key(address))
        response = client.get(address)
        html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        visits.append(Visit(address, response.status_code, html))
        if response.status_code in (301, 302, 303, 307, 308):
            target = local_address(address, response.headers["Location"])
            if target:
                queue.append(target)
        if not html:
            continue
        page = parse(html)
        queue += [target for target in (local_address(address, href) for href in page.links) if target]
        queue += [target for target in (get_form_address(address, form) for form in page.forms if form.method == "get") if target]
    return visits


def endpoint_of(address):
    """The endpoint an address leads to (None if none), and its query's names: pages that differ only in ids
    or in the values of their query are the same kind of page."""
    parts = urlsplit(address)
    adapter = current_app.url_map.bind("localhost")
    try:
        endpoint, _values = adapter.match(parts.path, method="GET")
    except Exception:  # a 404 or a redirect: the address itself is the key
        return address
    return endpoint, tuple(sorted(set(query_names(address))))


def query_names(address):
    return [name for name, _ in parse_qsl(urlsplit(address).query, keep_blank_values=True)]


def with_query_value(address, name, value):
    """The address with the query argument `name` set to value (unquoted: taken as the attacker typed it)."""
    parts = urlsplit(address)
    pairs = [(key, old) for key, old in parse_qsl(parts.query, keep_blank_values=True) if key != name]
    query = urlencode(pairs)
    return f"{parts.path}?{query}{'&' if query else ''}{name}={value}"
