"""Browser tests: Debian's Chromium, driven by Playwright, against the app served on a loopback port.

One live server (a SQLite file, the four initiative centres, mail to a real SMTP sink) serves the
whole browser session; each test gets a fresh browser context, so no cookies are shared between
tests. Without Chromium or Playwright these tests are skipped, except with CI=true, where that fails.
"""

import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from werkzeug.serving import WSGIRequestHandler, make_server

from app import create_app
from app.centres.services import seed_initiative_centres
from app.extensions import db, limiter
from tests.browser.helpers import (
    BROWSER_DIR,
    CHROMIUM_ARGS,
    PERSON_PASSWORD,
    TIMEOUT_MS,
    Mailbox,
    chromium_executable,
    preili_centre,
    stale_catalogues,
)
from tests.databases import skip_or_fail
from tests.factories import make_user
from tests.helpers import RecordingHandler, free_port


def pytest_collection_modifyitems(config, items):
    """Everything under tests/browser/ carries the `browser` marker (`-m "not browser"` leaves it out).

    The live server commits for real (`real_commits`); with pytest-xdist (`--dist loadgroup`) every browser
    test runs on one worker, so that one Chromium and one live server serve them all, in order.
    """
    for item in items:
        if BROWSER_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.real_commits)
            item.add_marker(pytest.mark.xdist_group("browser"))


# --- Chromium ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_instance():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        skip_or_fail(f"Playwright is not installed ({error})")
    if chromium_executable() is None:
        skip_or_fail("Chromium is not installed (/usr/bin/chromium, or `chromium` on PATH)")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    """Debian's Chromium: Playwright's own browser download cannot work here (closed network)."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        browser = playwright_instance.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
    except PlaywrightError as error:
        skip_or_fail(f"Chromium does not start: {str(error).splitlines()[0]}")
    yield browser
    browser.close()


# --- the live server and its mail ----------------------------------------------------------------


@pytest.fixture(scope="session")
def smtp_sink():
    """A real SMTP server on a free loopback port; `.handler.messages` holds what the app sent."""
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def live_app(smtp_sink, tmp_path_factory):
    """The app on a SQLite file with the four initiative centres, sending its mail to the sink."""
    stale = stale_catalogues()
    if stale:
        pytest.fail(
            f"compiled translations are missing or older than their .po ({', '.join(stale)}): "
            "run `make translations` (`make test` does)",
            pytrace=False,
        )
    app = make_live_app(tmp_path_factory.mktemp("browser") / "browser.db", smtp_sink)
    with app.app_context():
        seed_initiative_centres()
        db.session.commit()
    yield app
    close_live_app(app)


def make_live_app(database, smtp_sink):
    """The app on a new SQLite file (its tables made), sending its mail to the sink."""
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_sink.port,
        },
    )
    with app.app_context():
        db.create_all()
    return app


def close_live_app(app):
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class QuietRequestHandler(WSGIRequestHandler):
    """No log line per request (a failing test's output stays readable); errors are still logged."""

    def log_request(self, code="-", size="-"):
        pass


@contextmanager
def serving(app):
    """Serve the app with werkzeug from a daemon thread on a free loopback port; gives its base URL."""
    server = make_server("127.0.0.1", free_port(), app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="browser-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def live_server(live_app):
    """The base URL of the app, served by werkzeug from a daemon thread on a free loopback port."""
    with serving(live_app) as url:
        yield url


@pytest.fixture(scope="session")
def mailbox(live_app, smtp_sink):
    """Delivers the outbox as `flask send-mail` would and reads what reached the SMTP sink."""
    return Mailbox(live_app, smtp_sink.handler)


# --- one browser tab per test --------------------------------------------------------------------


def open_context(browser, live_server, **options):
    """A fresh browser context (no cookies) on the live server.

    `bypass_csp` lets the tests inject axe-core: the app's CSP rightly forbids inline and injected
    scripts. Chromium sends `Accept-Language: lv-LV` like a Latvian resident's browser.
    """
    options.setdefault("locale", "lv-LV")
    options.setdefault("bypass_csp", True)
    context = browser.new_context(base_url=live_server, **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


def watch_for_problems(page, problems):
    """Collect what a person would not notice but a broken page shows: script errors, console errors
    (e.g. a stylesheet or image that answers 404) and requests that fail."""

    def on_console(message):
        if message.type == "error":
            problems.append(f"console error on {page.url}: {message.text}")

    def on_request_failed(request):
        if request.failure != "net::ERR_ABORTED":  # aborted: the page was left before it finished
            problems.append(f"request failed: {request.method} {request.url} ({request.failure})")

    page.on("pageerror", lambda error: problems.append(f"script error on {page.url}: {error}"))
    page.on("console", on_console)
    page.on("requestfailed", on_request_failed)


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh contexts (`new_page(viewport=...)`); every page must stay free of script errors
    and failed requests."""
    contexts, problems = [], []

    def open_page(**options):
        context = open_context(browser, live_server, **options)
        contexts.append(context)
        page = context.new_page()
        watch_for_problems(page, problems)
        return page

    limiter.reset()  # every test starts with fresh rate limits, as in the other tests
    yield open_page
    for context in contexts:
        context.close()
    assert not problems, "the browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def page(new_page):
    """A tab in a fresh desktop-sized browser context on the live server (base_url set)."""
    return new_page()


# --- people and categories for the ideas journeys (tests/browser/test_ideas_journey.py) ----------


@pytest.fixture(scope="session")
def live_categories(live_app):
    """The default categories in the live app (as `flask seed-categories` adds them)."""
    from app.ideas.services import seed_categories

    with live_app.app_context():
        seed_categories()
        db.session.commit()


@pytest.fixture(scope="session")
def live_person(live_app, live_categories):
    """Make a confirmed person in the live app: `live_person("Name", moderates="preili")` → their e-mail.

    Everyone's home centre is Preiļi and their password PERSON_PASSWORD; log in through the real page.
    """
    import itertools

    from app.centres.models import Centre

    numbers = itertools.count(1)

    def make(display_name, moderates=None):
        with live_app.app_context():
            email = f"person{next(numbers)}@ideas.example.lv"
            moderated = [db.session.query(Centre).filter_by(slug=moderates).one()] if moderates else []
            make_user(
                email=email,
                display_name=display_name,
                password=PERSON_PASSWORD,
                language="lv",
                home_centre=preili_centre(),
                moderates=moderated,
            )
        return email

    return make
