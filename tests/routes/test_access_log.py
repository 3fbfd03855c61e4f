"""Secret links (reset, confirmation, e-mail change, private calendar) leave no token in the access logs
of the development server and of gunicorn started as the README says."""

import logging
import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.access_log import mask_secrets
from app.accounts.services import confirmation_token, email_change_token, request_password_reset
from app.extensions import db
from tests.databases import fresh_database
from tests.factories import make_calendar_feed, make_user
from tests.helpers import free_port, queued_mail

ROOT = Path(__file__).resolve().parents[2]
SPARE_APP = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def token_rules():
    return [rule for rule in SPARE_APP.url_map.iter_rules() if "token" in rule.arguments]


def test_every_route_with_a_token_is_masked():
    assert len(token_rules()) >= 4  # reset, confirmation, e-mail change, calendar
    adapter = SPARE_APP.url_map.bind("kopiena.example.lv")
    for rule in token_rules():
        token = secrets.token_urlsafe(32) + ".AbC"
        path = adapter.build(rule.endpoint, {"token": token})
        for line in (f'"GET {path} HTTP/1.1" 200 -', f"/login?next={path.replace('/', '%2F')}"):
            masked = mask_secrets(line)
            assert token not in masked and "[secret]" in masked, (rule.rule, masked)


def test_masking_leaves_other_addresses_alone():
    for line in ('"GET /confirm HTTP/1.1" 200', '"POST /me/calendar HTTP/1.1" 302', '"GET /ideas/12 HTTP/1.1"'):
        assert mask_secrets(line) == line


def http_get(url, headers=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def site(tmp_path):
    """An app on its own SQLite file, and a person with a live link of every secret kind."""
    with fresh_database("sqlite", tmp_path) as url:
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            db.create_all()
            person = make_user(email="anna@example.com")
            request_password_reset(person.email)
            feed = make_calendar_feed(person)
            reset_link = queued_mail(person.email)[0].body.split("/reset-password/", 1)[1].split()[0]
            tokens = [reset_link, confirmation_token(person), email_change_token(person, "new.anna@example.com"), feed.token]
            paths = [
                f"/reset-password/{tokens[0]}",
                f"/confirm/{tokens[1]}",
                f"/me/email/confirm/{tokens[2]}",
                f"/me/calendar/{tokens[3]}.ics",
            ]
        yield SimpleNamespace(app=app, url=url, tokens=tokens, paths=paths)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.real_commits
def test_the_development_server_log_shows_no_token(site, caplog):
    server = make_server("127.0.0.1", free_port(), site.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            statuses = [http_get(f"http://127.0.0.1:{server.port}{path}") for path in site.paths]
    finally:
        server.shutdown()
        thread.join(timeout=10)

    assert statuses == [200, 200, 200, 200]  # real, working links
    logged = caplog.text
    assert logged.count("[secret]") == len(site.paths), logged
    assert not [token for token in site.tokens if token in logged], logged


@pytest.mark.real_commits
def test_the_gunicorn_access_log_shows_no_token(site):
    port = free_port()
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": site.url,
        "SECRET_KEY": site.app.config["SECRET_KEY"],
        "PYTHONPATH": str(ROOT),
    }
    # The README's line (with one worker).
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if http_get(f"{base}/healthz") == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "gunicorn did not start"
            time.sleep(0.2)
        statuses = [http_get(base + path) for path in site.paths]
        # A page's own stylesheet is fetched with the page's address (and so its token) as the Referer.
        http_get(f"{base}/static/css/kopiena.css", headers={"Referer": base + site.paths[0]})
    finally:
        server.terminate()
        logged, _ = server.communicate(timeout=30)

    assert statuses == [200, 200, 200, 200]
    assert logged.count("[secret]") == len(site.paths) + 1, logged
    assert not [token for token in site.tokens if token in logged], logged
