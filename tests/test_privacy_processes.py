"""Download my data and delete my account with the real processes of `make run` (tests/test_processes.py's make_run):
`flask db upgrade`, `flask seed-demo`, the mail worker and `flask run` on a fresh SQLite file; a person logs in as
in a browser (cookies, CSRF tokens read from the page), downloads the ZIP, deletes the account and cannot log in.
"""

import io
import json
import re
import urllib.error
import zipfile

import pytest
from sqlalchemy import create_engine, text

from app.cli import DEMO_PASSWORD
from tests.test_processes import DEMO_EMAIL, Browser, make_run, smtp_sink

pytestmark = pytest.mark.real_commits


def logged_in(base_url, email):
    browser = Browser(base_url)
    status, page = browser.submit("/login", "/login", {"email": email, "password": DEMO_PASSWORD})
    assert status == 302, f"logging in as {email} failed: {page[:500]}"
    return browser


def fetch(browser, path):
    """(status, body bytes) of a GET, without following redirects."""
    try:
        with browser.opener.open(browser.base_url + path, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_download_my_data_then_delete_my_account_on_the_real_server(tmp_path):
    with (
        smtp_sink() as (_sink, mail_port),
        make_run("sqlite", tmp_path, mail_port, EXPORT_FOLDER=str(tmp_path / "exports")) as (
            base_url,
            database_url,
            _processes,
        ),
    ):
        anna = logged_in(base_url, DEMO_EMAIL)
        status, page = anna.submit("/me/data", "/me/data", {"password": DEMO_PASSWORD})
        assert status == 302, page[:500]
        download = re.search(r'href="(/me/data/\d+/download)"', anna.get("/me/data")).group(1)
        status, body = fetch(anna, download)
        assert status == 200
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            data = json.loads(archive.read("data.json"))
        assert data["person"]["email"] == DEMO_EMAIL
        assert any("Elza" in json.dumps(r["companions"]) for r in data["registrations"])  # the demo children

        valdis = logged_in(base_url, "valdis@kopiena.example")
        assert fetch(valdis, download)[0] == 404  # another person's download

        status, page = anna.submit("/me/delete", "/me/delete", {"password": DEMO_PASSWORD, "confirm": "y"})
        assert status == 302, page[:500]
        status, _body = fetch(anna, "/me")
        assert status == 302  # the session ended: sent to log in
        again = Browser(base_url)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', again.get("/login")).group(1)
        status, page, _elapsed = again.request("/login", {"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "csrf_token": token})
        assert status == 200 and 'id="password-error"' in page

        engine = create_engine(database_url)
        try:
            with engine.connect() as connection:
                emails = connection.execute(text("SELECT email FROM users WHERE deleted_at IS NOT NULL")).scalars().all()
                companions = connection.execute(text("SELECT companions FROM registrations")).scalars().all()
        finally:
            engine.dispose()
        assert len(emails) == 1 and emails[0].startswith("deleted-") and emails[0].endswith("@invalid")
        assert not any("Elza" in (value or "") for value in companions)
