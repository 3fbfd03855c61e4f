"""The real processes of `make run` together: the web server and the mail worker on one database.

The same commands `make run` starts (`flask db upgrade`, `flask seed-demo`, `flask send-mail --loop`,
`flask run`) run as subprocesses on their own SQLite file, and again on their own PostgreSQL
database, sending mail to an SMTP sink in the test. While the worker loops, a person registers, logs
in and comments as in a browser (cookies, CSRF tokens read from the page): every POST must be
answered at once, and the confirmation mail must arrive with a link to BASE_URL. Once with a sink that
answers at once, once with a sink that hangs for 30 s on a message while the person is at work.
"""

import asyncio
import http.cookiejar
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text

from app.cli import DEMO_PASSWORD
from tests.databases import BACKENDS, fresh_database
from tests.helpers import CSRF_PATTERN, free_port

pytestmark = pytest.mark.real_commits

PROJECT = Path(__file__).resolve().parent.parent
FLASK = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi"]
DEMO_EMAIL = "anna@kopiena.example"
#: what "at once" means for a person pressing a button (a request waiting for a lock waits 15 s)
ANSWER_WITHIN = 2.0
COMMENTS = 20
STALL_SECONDS = 30
WORKER_NAME = "kopiena-send-mail"  # PostgreSQL's application_name of the worker's connections


class SlowSink:
    """An SMTP server that records what it receives; told to, it hangs once before answering DATA."""

    def __init__(self):
        self.messages = []
        self.stall_seconds = 0
        self.stall_started = threading.Event()
        self.stall_ended = threading.Event()

    def stall_next(self, seconds):
        """The next message's DATA is answered only after this many seconds (others meanwhile at once)."""
        self.stall_seconds = seconds

    async def handle_DATA(self, server, session, envelope):
        if self.stall_seconds and not self.stall_started.is_set():
            self.stall_started.set()
            await asyncio.sleep(self.stall_seconds)
            self.stall_ended.set()
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait_for_mail_to(self, address, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in list(self.messages):
                if message["To"] == address:
                    return message
            time.sleep(0.2)
        raise AssertionError(f"no mail to {address} within {timeout} s; got mail to {[m['To'] for m in self.messages]}")


@contextmanager
def smtp_sink():
    handler = SlowSink()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the test looks at the 302 itself, as at any other answer


class Browser:
    """Cookies, CSRF tokens read from the page's form, and how long each answer took."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects())

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        started = time.monotonic()
        try:
            with self.opener.open(self.base_url + path, data=body, timeout=60) as response:
                status, page = response.status, response.read().decode()
        except urllib.error.HTTPError as error:  # 302 (not followed), 4xx, 5xx
            status, page = error.code, error.read().decode(errors="replace")
        return status, page, time.monotonic() - started

    def get(self, path):
        status, page, _elapsed = self.request(path)
        assert status == 200, f"GET {path} answered {status}: {page[:500]}"
        return page

    def submit(self, form_page, action, data):
        """POST a form as the browser would after showing form_page; the answer must come at once."""
        match = CSRF_PATTERN.search(self.get(form_page))
        assert match, f"no CSRF token on {form_page}"
        status, page, elapsed = self.request(action, {**data, "csrf_token": match.group(1)})
        assert status in (200, 302) and elapsed < ANSWER_WITHIN, (
            f"POST {action} answered {status} after {elapsed:.1f} s: {page[:500]}"
        )
        return status, page


class Processes:
    """Subprocesses whose output goes to files; all are killed at the end and their output shown."""

    def __init__(self, env, log_dir):
        self.env = env
        self.log_dir = log_dir
        self.started = []

    def run(self, *args, timeout=180):
        result = subprocess.run([*FLASK, *args], cwd=PROJECT, env=self.env, capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"

    def start(self, name, *args, env=None):
        log = open(self.log_dir / f"{name}.log", "w")  # noqa: SIM115 (closed in stop_all)
        process = subprocess.Popen([*FLASK, *args], cwd=PROJECT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT)
        self.started.append((name, process, log))
        return process

    def assert_running(self):
        for name, process, _log in self.started:
            assert process.poll() is None, f"{name} stopped with exit code {process.returncode}"

    def stop_all(self):
        for _name, process, _log in self.started:
            process.terminate()
        for name, process, log in self.started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()
            # pytest shows this only when the test fails
            print(f"--- output of {name} ---\n{(self.log_dir / f'{name}.log').read_text(errors='replace')}")


def wait_until_serving(base_url, processes, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        processes.assert_running()
        try:
            with urllib.request.urlopen(base_url + "/login", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the web server did not answer at {base_url} within {timeout} s")


@contextmanager
def make_run(backend, tmp_path, mail_port, **settings):
    """What `make run` starts, on a fresh database of the backend; yields (base_url, database url, processes)."""
    with fresh_database(backend, tmp_path) as database_url:
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "APP_ENV": "development",
            "DATABASE_URL": database_url,
            "BASE_URL": base_url,
            "SECRET_KEY": "process-test-secret-" + "x" * 32,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(mail_port),
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "RATELIMIT_STORAGE_URI": "memory://",
            # one person posts 20 comments within a few seconds here; the spam limit is not under test
            "COMMENT_LIMIT": "1000 per minute",
            "PYTHONUNBUFFERED": "1",
            **settings,
        }
        processes = Processes(env, tmp_path)
        try:
            processes.run("db", "upgrade")
            processes.run("seed-demo")
            worker_url = database_url
            if backend == "postgresql":  # named, so that the test can find its connections
                worker_url += f"?application_name={WORKER_NAME}"
            processes.start("send-mail", "send-mail", "--loop", "--interval", "1", env={**env, "DATABASE_URL": worker_url})
            processes.start("web", "run", "--host", "127.0.0.1", "--port", str(port))
            wait_until_serving(base_url, processes)
            yield base_url, database_url, processes
        finally:
            processes.stop_all()


class IdleTransactionWatch:
    """On PostgreSQL: whether the worker ever sat "idle in transaction" (holding locks and a snapshot)."""

    def __init__(self, backend, database_url):
        self.engine = create_engine(database_url, isolation_level="AUTOCOMMIT") if backend == "postgresql" else None
        self.seen = []

    def look(self):
        if self.engine is None:
            return
        with self.engine.connect() as connection:
            # A transaction that has been idle for a while; a round's own short work does not count.
            self.seen += connection.execute(
                text(
                    "SELECT state, now() - state_change FROM pg_stat_activity WHERE application_name = :name "
                    "AND state LIKE 'idle in transaction%' AND now() - state_change > interval '200 milliseconds'"
                ),
                {"name": WORKER_NAME},
            ).all()

    def close(self):
        if self.engine is not None:
            self.engine.dispose()


def an_idea_to_comment_on(browser):
    for idea_path in dict.fromkeys(re.findall(r'href="(/ideas/\d+)[^"]*"', browser.get("/ideas"))):
        action = re.search(r'action="(/ideas/\d+/comments)"', browser.get(idea_path))
        if action:
            return idea_path, action.group(1)
    raise AssertionError("no demo idea with a comment form")


def register(base_url, email):
    browser = Browser(base_url)
    centre = re.search(r'<option[^>]*value="(\d+)"', browser.get("/register")).group(1)
    browser.submit(
        "/register",
        "/register",
        {
            "display_name": "Laura",
            "email": email,
            "password": "zils ezers aiz Preiļiem",
            "home_centre": centre,
            "language": "en",
            "is_16_or_older": "y",
            "accept_terms": "y",
        },
    )


def log_in_and_comment(base_url, watch):
    browser = Browser(base_url)
    status, page = browser.submit("/login", "/login", {"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    assert status == 302, f"logging in failed: {page[:500]}"
    idea_path, action = an_idea_to_comment_on(browser)
    for number in range(1, COMMENTS + 1):
        status, page = browser.submit(idea_path, action, {"body": f"Piekrītu, {number}. reizi."})
        assert status == 302, f"comment {number} was not published: {page[:500]}"
        watch.look()
    assert "Piekrītu, 20. reizi." in browser.get(idea_path)


def assert_confirmation_mail(sink, base_url, email, timeout):
    mail = sink.wait_for_mail_to(email, timeout)
    links = re.findall(r"https?://\S+/confirm/\S+", mail.get_body(("plain",)).get_content())
    assert links and all(link.startswith(base_url + "/confirm/") for link in links), mail.get_body(("plain",)).get_content()


def assert_worker_never_idled_in_a_transaction(watch, processes):
    if watch.engine is not None:
        for _ in range(8):  # a few more rounds of the worker, with nobody else at work
            watch.look()
            time.sleep(0.3)
    processes.assert_running()
    assert watch.seen == [], f"the mail worker sat idle in a transaction ({len(watch.seen)} times): {watch.seen[:3]}"


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_post_is_answered_at_once_while_the_mail_worker_runs(backend, tmp_path):
    with smtp_sink() as (sink, mail_port), make_run(backend, tmp_path, mail_port) as (base_url, database_url, processes):
        watch = IdleTransactionWatch(backend, database_url)
        try:
            register(base_url, "laura@example.com")
            log_in_and_comment(base_url, watch)
            assert_confirmation_mail(sink, base_url, "laura@example.com", timeout=20)
            assert_worker_never_idled_in_a_transaction(watch, processes)
        finally:
            watch.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_hanging_mail_server_does_not_hold_up_any_post(backend, tmp_path):
    # MAIL_TIMEOUT above the stall: the worker really waits inside an SMTP conversation the whole time.
    with (
        smtp_sink() as (sink, mail_port),
        make_run(backend, tmp_path, mail_port, MAIL_TIMEOUT=str(STALL_SECONDS * 2)) as (base_url, database_url, processes),
    ):
        watch = IdleTransactionWatch(backend, database_url)
        try:
            sink.stall_next(STALL_SECONDS)
            register(base_url, "laura@example.com")  # this mail, or demo data's mail still waiting, meets the hang
            assert sink.stall_started.wait(20), "the worker sent no mail"
            log_in_and_comment(base_url, watch)
            assert not sink.stall_ended.is_set(), "the posts were not made while the mail server hung"
            assert_confirmation_mail(sink, base_url, "laura@example.com", timeout=STALL_SECONDS + 20)
            assert_worker_never_idled_in_a_transaction(watch, processes)
        finally:
            watch.close()
