"""The security baseline: headers, cookies, CSRF on every POST, no state change on any GET, access
control, mass assignment, escaping, error pages, a database outage, and rate limits shared by workers."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from app import create_app
from app.accounts.models import User
from app.accounts.services import confirmation_token, email_change_token
from app.audit.models import AuditEntry
from app.extensions import db
from app.notifications import unsubscribing
from tests.apps import (
    PRODUCTION_SITE,
    another_app,
    production_database_url,
    production_settings,
)
from tests.databases import BACKENDS, POSTGRES_ADMIN_URL, skip_or_fail
from tests.factories import (
    PASSWORD,
    make_activity,
    make_activity_photo,
    make_category,
    make_centre,
    make_comment,
    make_idea,
    make_notification,
    make_organisation,
    make_partner_call,
    make_partnership,
    make_password_reset,
    make_reason_template,
    make_registration,
    make_representative,
    make_role,
    make_signup,
    make_user,
    make_worker_heartbeat,
)
from tests.factories_messages import make_volunteer_message
from tests.factories_mydata import make_data_export
from tests.helpers import csrf_token, html, log_in, post_form, signed_in

ROOT = Path(__file__).resolve().parents[2]

# The URL map is read from an app built only for that, so every route added later is covered too.
# The same app gives the catalogue's texts where a test has no app context of its own.
SPARE_APP = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
URL_MAP = SPARE_APP.url_map


def rules_with(method):
    return [
        pytest.param(rule.endpoint, tuple(sorted(rule.arguments)), id=rule.rule)
        for rule in sorted(URL_MAP.iter_rules(), key=lambda rule: rule.rule)
        if method in rule.methods
    ]


def snapshot(exclude=()):
    """Every row of every table (except the excluded ones), as committed."""
    # End the test's own transaction first: on SQLite it would keep reading an old snapshot.
    db.session.commit()
    rows = {
        table.name: db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        for table in db.metadata.sorted_tables
        if table.name not in exclude
    }
    db.session.commit()
    return rows


def changed_tables(before, after):
    return [name for name in before if before[name] != after[name]]


def in_latvian(message, **variables):
    """The Latvian catalogue's text for a message, as a page would show it (escaped)."""
    with SPARE_APP.app_context(), force_locale("lv"):
        return str(escape(gettext(message, **variables)))


def location_path(response):
    parts = urlsplit(response.headers["Location"])
    assert parts.netloc in ("", "localhost"), response.headers["Location"]
    return parts.path


# --- headers and cookies --------------------------------------------------------------------------


def csp_directives(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, "no Content-Security-Policy header"
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_html_page_sends_a_strict_content_security_policy(client):
    response = client.get("/")
    directives = csp_directives(response)
    assert directives["frame-ancestors"] == ["'none'"]
    assert any(re.fullmatch(r"'nonce-[A-Za-z0-9+/=_-]{16,}'", source) for source in directives["script-src"])
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]


def test_csp_nonce_is_new_on_every_request(client):
    first = csp_directives(client.get("/"))["script-src"]
    second = csp_directives(client.get("/"))["script-src"]
    assert first != second


def test_html_page_sends_the_other_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] in {
        "strict-origin-when-cross-origin",
        "same-origin",
        "no-referrer",
        "strict-origin",
    }


@pytest.mark.parametrize("url", ["/me", "/me/profile", "/me/security", "/admin/users", "/admin/users/{id}", "/admin/audit"])
def test_pages_with_personal_data_are_not_cached(client, admin, url):
    log_in(client, admin.email)
    response = client.get(url.format(id=admin.id))
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def cookie_header(response, name):
    headers = [value for value in response.headers.getlist("Set-Cookie") if value.startswith(name + "=")]
    assert headers, f"no {name} cookie set; got {response.headers.getlist('Set-Cookie')}"
    return headers[-1]


def cookie_flags(header):
    return {part.strip().split("=")[0].lower(): part.strip() for part in header.split(";")[1:]}


def test_session_cookie_is_http_only_and_same_site_lax(client):
    flags = cookie_flags(cookie_header(client.get("/login"), "kopiena_session"))
    assert "httponly" in flags
    assert flags["samesite"].lower() == "samesite=lax"


class HttpsClient(FlaskClient):
    """A test client whose requests arrive over HTTPS, as behind the production TLS terminator."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", PRODUCTION_SITE)
        return super().open(*args, **kwargs)


@pytest.fixture
def production(ctx):
    """The app with production settings on the test database, and a client that speaks HTTPS.

    Production runs on PostgreSQL only (it refuses SQLite), so these run in the PostgreSQL half.
    """
    if ctx.config["SQLALCHEMY_DATABASE_URI"] != production_database_url(ctx):
        pytest.skip("production runs on PostgreSQL only")
    with another_app("production", production_settings(ctx.config["SQLALCHEMY_DATABASE_URI"])) as app:
        yield SimpleNamespace(app=app, client=HttpsClient(app, app.response_class))


def test_production_redirects_plain_http_to_https(production):
    response = production.app.test_client().get("/login", base_url=PRODUCTION_SITE.replace("https:", "http:"))
    assert response.status_code in (301, 302)
    assert response.headers["Location"].startswith("https://")


def test_production_sends_hsts(production):
    response = production.client.get("/")
    assert response.status_code == 200
    assert "max-age=" in response.headers["Strict-Transport-Security"]


@pytest.mark.real_commits  # the production app, on its own connection, must see the person `user` commits
def test_production_cookies_are_secure_http_only_and_same_site_lax(production, user):
    client = production.client
    # Over HTTPS, Flask-WTF also checks that a form was posted from this site (the Referer).
    response = post_form(
        client,
        "/login",
        {"email": user.email, "password": PASSWORD, "remember": "y"},
        headers={"Referer": f"{PRODUCTION_SITE}/login"},
    )
    assert response.status_code == 302, html(response)[:2000]
    for name in ("kopiena_session", "kopiena_remember"):
        flags = cookie_flags(cookie_header(response, name))
        assert "secure" in flags, name
        assert "httponly" in flags, name
        assert flags["samesite"].lower() == "samesite=lax", name


def test_production_language_cookie_is_secure(production):
    client = production.client
    response = post_form(client, "/language", {"language": "en", "next": "/"}, headers={"Referer": f"{PRODUCTION_SITE}/"})
    assert response.status_code == 302
    assert "secure" in cookie_flags(cookie_header(response, "kopiena_lang"))


@pytest.mark.parametrize(
    "secret", ["dev-only-not-secret", "", None, "too-short-" + "x" * 21], ids=["old-dev-key", "empty", "unset", "short"]
)
def test_production_refuses_to_start_without_a_real_secret_key(secret):
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set") as refusal:
        create_app("production", production_settings(SECRET_KEY=secret))
    assert "BASE_URL must" not in str(refusal.value)  # only what is wrong is named


# --- every POST needs a CSRF token; no GET changes anything ---------------------------------------


@pytest.fixture
def rows_for_every_url(client, admin, preili, aglona):
    """Rows for every kind of URL variable, with the admin signed in so that permissions never hide a check."""
    centre = preili
    resident = make_user(email="valdis@example.com", display_name="Valdis Ozols")
    newcomer = make_user(email="jauns@example.com", display_name="Jānis Jaunais", confirmed=False)
    reset = make_password_reset(resident)
    make_worker_heartbeat()  # /readyz: a worker is alive
    notification = make_notification(admin, "idea_published")  # the admin's own, unread
    category = make_category()
    idea = make_idea(
        author=resident,
        centre=centre,
        category=category,
        seeking_school_partner=True,
        partner_age_groups="10-12",
        partner_subjects="environment",
    )
    comment = make_comment(idea, resident, body="Labs!")
    reason = make_reason_template(centre, "declined", title="Nav vietējā", text="Ārpus novada.")
    role = make_role(idea=idea, name="Palīgs", places=3)
    signup = make_signup(role, admin, "applied")  # the admin's own: may withdraw it
    activity = make_activity(centre=centre, creator=admin, seeking_school_partner=True)
    registration = make_registration(activity, admin, "waiting")  # the admin's own: may cancel it
    photo = make_activity_photo(activity, image_name="0" * 32 + ".jpg", caption="Podi")
    # an organisation the admin represents, another person's pending request to represent it (so approve and
    # decline make sense), its open partner call, and its offer to the resident's idea
    organisation = make_organisation(representative=admin, centre=centre)
    asking = make_representative(organisation, resident, "requested", message="Klases audzinātājs")
    partner_call = make_partner_call(organisation)
    partnership = make_partnership(organisation, idea=idea, state="offered", offered_by=admin, message="Palīdzēsim")
    make_signup(role, resident, "accepted", decided_by=admin)  # someone for the admin to write to
    message = make_volunteer_message(admin, idea, role=role, recipients=[resident])  # the admin's own
    signed_in(client, admin)
    return SimpleNamespace(
        admin=admin,
        # Real, valid tokens: a check that passes only because a token is broken proves nothing.
        by_endpoint={
            ("accounts.confirm_email", "token"): confirmation_token(newcomer),
            ("accounts.reset_password", "token"): reset,
            ("accounts.confirm_email_change", "token"): email_change_token(resident, "valdis.jauns@example.com"),
            ("notifications.unsubscribe", "token"): unsubscribing.serializer().dumps([admin.id, unsubscribing.OTHER]),
            # the legal pages are named by their own short names, not a centre's
            **{(endpoint, "slug"): "privacy" for endpoint in ("legal.page", "legal.admin_edit", "legal.admin_history")},
            ("legal.admin_version", "slug"): "privacy",
            ("legal.admin_version", "version"): 1,
        },
        by_name={
            "user_id": resident.id,
            "centre_id": centre.id,
            "token": "x",
            "filename": "css/kopiena.css",
            "notification_id": notification.id,
            "idea_id": idea.id,
            "comment_id": comment.id,
            "category_id": category.id,
            "template_id": reason.id,
            "role_id": role.id,
            "signup_id": signup.id,
            "activity_id": activity.id,
            "registration_id": registration.id,
            "photo_id": photo.id,
            "slug": centre.slug,
            "organisation_id": organisation.id,
            "representative_id": asking.id,
            "call_id": partner_call.id,
            "partnership_id": partnership.id,
            "message_id": message.id,
            "export_id": make_data_export(admin).id,  # the admin's own prepared download
            "index": 0,
            "action": "close",
        },
        # Values that every form of the app would accept, so that a missing CSRF check would show.
        form={
            "display_name": "Changed Name",
            "name": "Changed",
            "municipality": "Changed",
            "slug": "changed",
            "email": newcomer.email,
            "new_email": "changed@example.com",
            "current_password": PASSWORD,
            "password": "a brand new and long passphrase",
            "new_password": "a brand new and long passphrase",
            "language": "en",
            "is_admin": "y",
            "is_active": "y",
            "moderated_centres": str(centre.id),
            "home_centre": str(centre.id),
            "about": "changed",
            "next": "/me",
            "places": "5",
            "message": "changed",
            "body": "changed",
            "title": "Changed",
            "kind": "school",
        },
    )


def build_url(ctx, rows_for_every_url, endpoint, arguments):
    values = {}
    for name in arguments:
        if (endpoint, name) in rows_for_every_url.by_endpoint:
            values[name] = rows_for_every_url.by_endpoint[(endpoint, name)]
        elif name in rows_for_every_url.by_name:
            values[name] = rows_for_every_url.by_name[name]
        else:
            pytest.fail(f"no test value for <{name}> of {endpoint}: add one to the `rows_for_every_url` fixture")
    return ctx.url_map.bind("localhost").build(endpoint, values)


#: POSTs without CSRF protection on purpose, and why (each has its own tests)
CSRF_EXEMPT = {
    # RFC 8058 one-click unsubscribe: mail programs POST without a page; the signed token is the proof
    # (tests/routes/test_unsubscribe_routes.py)
    "notifications.unsubscribe",
}


@pytest.mark.parametrize("token", ["missing", "from another session"])
@pytest.mark.parametrize(("endpoint", "arguments"), [param for param in rules_with("POST") if param.values[0] not in CSRF_EXEMPT])
def test_post_without_a_valid_csrf_token_is_refused_and_changes_nothing(
    ctx, client, rows_for_every_url, endpoint, arguments, token
):
    url = build_url(ctx, rows_for_every_url, endpoint, arguments)
    form = dict(rows_for_every_url.form)
    if token == "from another session":
        form["csrf_token"] = csrf_token(ctx.test_client())
    before = snapshot()

    response = client.post(url, data=form)

    assert response.status_code == 400, f"{url}: {response.status_code}"
    assert changed_tables(before, snapshot()) == []
    assert client.get("/me").status_code == 200  # still signed in: not even the session was touched


@pytest.mark.parametrize(("endpoint", "arguments"), rules_with("GET"))
def test_get_changes_nothing(ctx, client, rows_for_every_url, endpoint, arguments):
    url = build_url(ctx, rows_for_every_url, endpoint, arguments)
    # The only write a GET may make: an audit entry (e.g. for a refused page); not even the session's last-seen time.
    before = snapshot(exclude={"audit_entries"})

    response = client.get(url)

    assert response.status_code < 500, f"{url}: {response.status_code}"
    assert changed_tables(before, snapshot(exclude={"audit_entries"})) == []


# --- access control -------------------------------------------------------------------------------

#: URL → expected status for each role (anonymous people are sent to the log-in page)
ACCESS = {
    "/me": {"anonymous": 302, "resident": 200, "moderator": 200, "admin": 200},
    "/me/profile": {"anonymous": 302, "resident": 200, "moderator": 200, "admin": 200},
    "/me/security": {"anonymous": 302, "resident": 200, "moderator": 200, "admin": 200},
    # another person's profile page that they did not make public: nobody else sees it, not even an admin
    "/people/{user_id}": {"anonymous": 404, "resident": 404, "moderator": 404, "admin": 404},
    "/admin/users": {"anonymous": 302, "resident": 403, "moderator": 403, "admin": 200},
    "/admin/users/{user_id}": {"anonymous": 302, "resident": 403, "moderator": 403, "admin": 200},
    "/admin/audit": {"anonymous": 302, "resident": 403, "moderator": 200, "admin": 200},
    "/admin/centres": {"anonymous": 302, "resident": 403, "moderator": 403, "admin": 200},
    "/admin/centres/new": {"anonymous": 302, "resident": 403, "moderator": 403, "admin": 200},
    "/admin/centres/{centre_id}/edit": {"anonymous": 302, "resident": 403, "moderator": 403, "admin": 200},
    "/admin/categories": {"anonymous": 302, "resident": 403, "moderator": 403, "admin": 200},
    "/admin/legal": {"anonymous": 302, "resident": 403, "moderator": 403, "admin": 200},
    "/moderation": {"anonymous": 302, "resident": 403, "moderator": 200, "admin": 200},
    "/moderation/reasons": {"anonymous": 302, "resident": 403, "moderator": 200, "admin": 200},
}
ACCESS_CASES = [
    pytest.param(url, role, status, id=f"{url}-{role}") for url, statuses in ACCESS.items() for role, status in statuses.items()
]


def acting_user(role, centre):
    if role == "anonymous":
        return None
    return make_user(
        email=f"{role}@example.com",
        display_name=role.title(),
        admin=role == "admin",
        moderates=[centre] if role == "moderator" else [],
    )


@pytest.mark.parametrize(("url", "role", "expected"), ACCESS_CASES)
def test_protected_page_answers_each_role(client, url, role, expected):
    centre = make_centre()
    someone = make_user(display_name="Someone Else")
    person = acting_user(role, centre)
    if person is not None:
        log_in(client, person.email)
    path = url.format(user_id=someone.id, centre_id=centre.id)

    response = client.get(path)

    assert response.status_code == expected
    if expected == 302:
        assert location_path(response) == "/login"
        assert parse_qs(urlsplit(response.headers["Location"]).query)["next"] == [path]


@pytest.mark.parametrize("url", [url for url, statuses in ACCESS.items() if statuses["resident"] == 403])
def test_resident_refused_an_admin_page_leaves_an_audit_entry(client, user, url):
    centre = make_centre()
    path = url.format(user_id=user.id, centre_id=centre.id)
    log_in(client, user.email)

    assert client.get(path).status_code == 403

    db.session.expire_all()
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "access.denied")).all()
    assert [(entry.actor_id, entry.details["path"]) for entry in entries] == [(user.id, path)]


@pytest.mark.parametrize("role", ["resident", "moderator"])
@pytest.mark.parametrize("url", ["/admin/users/{user_id}", "/admin/centres/new", "/admin/centres/{centre_id}/edit"])
def test_admin_actions_are_refused_to_others_even_with_a_valid_form(client, role, url):
    centre = make_centre(slug="preili")
    person = acting_user(role, centre)
    log_in(client, person.email)
    path = url.format(user_id=person.id, centre_id=centre.id)  # e.g. making oneself an admin
    form = {
        "is_admin": "y",
        "moderated_centres": str(centre.id),
        "name": "Taken",
        "municipality": "Taken",
        "slug": "taken",
        "is_active": "y",
    }
    before = snapshot(exclude={"audit_entries", "user_sessions"})

    response = post_form(client, path, form, token_from="/me/profile")

    assert response.status_code == 403
    assert changed_tables(before, snapshot(exclude={"audit_entries", "user_sessions"})) == []
    db.session.expire_all()
    assert db.session.get(User, person.id).is_admin is False
    assert (
        db.session.scalar(
            select(AuditEntry.action).where(AuditEntry.actor_id == person.id).order_by(AuditEntry.id.desc()).limit(1)
        )
        == "access.denied"
    )


@pytest.mark.parametrize("url", ["/admin/users/999999", "/admin/centres/999999/edit"])
def test_admin_gets_404_for_unknown_ids(client, admin, url):
    log_in(client, admin.email)
    assert client.get(url).status_code == 404


def test_profile_form_ignores_fields_it_does_not_declare(logged_in, user):
    centre = make_centre()
    response = post_form(
        logged_in,
        "/me/profile",
        {
            "display_name": "Anna B.",
            "language": "lv",
            "is_admin": "y",
            "email": "evil@example.com",
            "moderated_centres": str(centre.id),
        },
        token_from="/me/profile",
    )

    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert saved.display_name == "Anna B."  # the form was accepted…
    assert saved.is_admin is False  # …but only its own fields were used
    assert saved.email == "anna@example.com"
    assert saved.moderated_centres == []


# --- escaping -------------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


@pytest.mark.parametrize("url", ["/me", "/admin/users", "/admin/users/{id}", "/admin/audit"])
def test_display_name_is_escaped(client, url):
    person = make_user(email="xss@example.com", display_name=SCRIPT, admin=True)
    log_in(client, person.email)  # also records an audit entry with this person as the actor

    page = html(client.get(url.format(id=person.id)))

    assert str(escape(SCRIPT)) in page
    assert SCRIPT not in page


def test_centre_name_is_escaped_on_admin_pages(client, admin):
    log_in(client, admin.email)
    response = post_form(
        client,
        "/admin/centres/new",
        {"name": SCRIPT, "municipality": SCRIPT, "slug": "xss", "is_active": "y"},
        token_from="/admin/centres/new",
    )
    assert response.status_code == 302
    for url in ("/admin/centres", "/admin/audit", f"/admin/users/{admin.id}"):
        page = html(client.get(url))
        assert str(escape(SCRIPT)) in page, url
        assert SCRIPT not in page, url


# --- error pages ----------------------------------------------------------------------------------


def assert_friendly_page(response, status, title):
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = html(response)
    assert '<html lang="lv">' in page
    assert f"<h1>{in_latvian(title)}</h1>" in page
    assert "Traceback" not in page
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[A-Za-z0-9._-]{8,64}", request_id)
    assert request_id in page


def test_not_found_page_is_friendly_latvian_html_with_the_request_id(client):
    response = client.get("/no-such-page")
    assert_friendly_page(response, 404, "Page not found")
    assert in_latvian("Page not found") != "Page not found", "the 404 page title is not translated"


def test_request_id_from_a_proxy_is_kept_and_a_malformed_one_replaced(client):
    assert client.get("/", headers={"X-Request-ID": "proxy-id-12345"}).headers["X-Request-ID"] == "proxy-id-12345"
    replaced = client.get("/", headers={"X-Request-ID": "<b>bad</b>"}).headers["X-Request-ID"]
    assert replaced and "<" not in replaced


def test_csrf_failure_page_carries_the_request_id(client):
    assert_friendly_page(client.post("/login", data={"email": "a@example.com"}), 400, "Bad request")


def test_get_on_a_post_only_url_answers_405(client):
    response = client.get("/logout")
    assert_friendly_page(response, 405, "Not allowed this way")
    assert "POST" in response.headers["Allow"]


def test_too_large_body_answers_413(client, monkeypatch):
    token = csrf_token(client)
    monkeypatch.setitem(client.application.config, "MAX_CONTENT_LENGTH", 1000)
    response = client.post("/login", data={"csrf_token": token, "email": "a" * 5000 + "@example.com", "password": "x"})
    assert_friendly_page(response, 413, "File too large")


def test_unexpected_error_shows_the_friendly_500_page_and_is_logged(ctx, caplog):
    with another_app("testing", {"SQLALCHEMY_DATABASE_URI": ctx.config["SQLALCHEMY_DATABASE_URI"]}) as app:

        @app.route("/boom")
        def boom():
            raise RuntimeError("secret internals")

        response = app.test_client().get("/boom")

    assert_friendly_page(response, 500, "Something went wrong")
    assert "secret internals" not in html(response)
    assert any("unhandled error" in record.getMessage() and record.exc_info for record in caplog.records)


# --- the database goes away and comes back --------------------------------------------------------


@pytest.fixture
def missing_sqlite_database(tmp_path):
    """A SQLite file in a directory that does not exist yet; `restore` creates it."""
    path = tmp_path / "not-yet" / "kopiena.db"
    return SimpleNamespace(url=f"sqlite:///{path}", restore=lambda: path.parent.mkdir())


@pytest.fixture
def missing_postgresql_database():
    """A PostgreSQL database that does not exist yet; `restore` creates it (it is dropped afterwards)."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        connection = admin.connect()
    except Exception:
        admin.dispose()
        skip_or_fail("PostgreSQL is not reachable")
    name = f"kopiena_missing_{os.getpid()}_{secrets.token_hex(4)}"
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield SimpleNamespace(url=url, restore=lambda: connection.execute(text(f'CREATE DATABASE "{name}"')))
    finally:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.close()
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def outage(request):
    return request.getfixturevalue(f"missing_{request.param}_database")


def assert_database_unavailable(client):
    assert_friendly_page(client.get("/"), 503, "Temporarily unavailable")
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json["status"] == "unavailable"
    assert ready.json["checks"]["database"] == {"status": "fail", "error": "unreachable"}
    assert client.get("/healthz").status_code == 200  # alive all the same: restarting it would not help


def test_database_outage_gives_503_and_the_app_recovers_by_itself(outage):
    with another_app("testing", {"SQLALCHEMY_DATABASE_URI": outage.url}) as app:
        client = app.test_client()
        assert_database_unavailable(client)
        assert_database_unavailable(client)  # and stays so, without breaking the connection pool

        outage.restore()
        with app.app_context():
            db.create_all()

        assert client.get("/").status_code == 200
        assert client.get("/readyz").json["checks"]["database"] == {"status": "ok"}


def test_database_server_not_listening_gives_503():
    with another_app("testing", {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:1/nope"}) as app:
        assert_database_unavailable(app.test_client())


def test_database_outage_while_signed_in_gives_503(tmp_path):
    """A signed-in person's page needs the database before the route runs (to load them): still a 503."""
    database = tmp_path / "kopiena.db"
    with another_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"}) as app:
        with app.app_context():
            db.create_all()
            person = make_user()
            email = person.email
        client = app.test_client()
        log_in(client, email)
        with app.app_context():
            db.engine.dispose()
        database.unlink()
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        database.mkdir()  # now nothing can open it as a database file

        response = client.get("/me")

    assert response.status_code == 503


# --- rate limits are shared by every worker -------------------------------------------------------

#: a Redis database of this test's own: other tests build apps on Redis whose limiter.reset() empties theirs
LIMITS_REDIS_URL = os.environ.get("TEST_REDIS_LIMITS_URL", "redis://127.0.0.1:6379/14")
#: one worker: its own process with its own app, trying to log in with a wrong password
WORKER = """
import re, sys
from app import create_app
database_url, redis_url, key_prefix, email, attempts = sys.argv[1:]
app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_STORAGE_URI": redis_url,
                             "RATELIMIT_KEY_PREFIX": key_prefix, "LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes"})
client = app.test_client()
token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").get_data(as_text=True))
statuses = [client.post("/login", data={"csrf_token": token.group(1), "email": email,
                                        "password": "not the right password"}).status_code
            for _ in range(int(attempts))]
print(" ".join(map(str, statuses)))
"""


def run_worker(database_url, key_prefix, email, attempts):
    result = subprocess.run(
        [sys.executable, "-c", WORKER, database_url, LIMITS_REDIS_URL, key_prefix, email, str(attempts)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return [int(status) for status in result.stdout.split()[-attempts:]]


@pytest.fixture
def redis_storage():
    """A key prefix of this test's own in the shared Redis (other runs may use it at the same time)."""
    import redis

    client = redis.Redis.from_url(LIMITS_REDIS_URL)
    prefix = f"kopiena-test-{secrets.token_hex(8)}"
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        skip_or_fail(f"Redis is not reachable at {LIMITS_REDIS_URL}")
    yield prefix
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
    client.close()


@pytest.mark.real_commits
@pytest.mark.xdist_group("redis")  # one Redis database (flushed by redis_storage): one worker at a time
def test_login_failures_count_across_workers_sharing_redis(ctx, user, redis_storage):
    database_url = ctx.config["SQLALCHEMY_DATABASE_URI"]

    assert run_worker(database_url, redis_storage, user.email, 3) == [200, 200, 200]  # worker A: three failures
    assert run_worker(database_url, redis_storage, user.email, 1) == [429]  # worker B already knows
