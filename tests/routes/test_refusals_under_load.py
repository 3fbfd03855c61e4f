"""A refused page answers 403 at once even while another process writes: its audit entry cannot fail the answer.

On SQLite a GET holds no write lock; the entry for a refused GET needs it. Waiting the whole busy timeout for it
while a command or another request wrote ended in "database is locked" and a 503 instead of the 403.
"""

import logging
import sqlite3

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from app.audit.models import AuditEntry
from app.extensions import db
from tests.apps import another_app
from tests.databases import fresh_database
from tests.factories import make_user
from tests.helpers import log_in


def refusals(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "access.denied"))


@pytest.mark.real_commits
def test_a_refused_get_answers_403_while_another_connection_holds_the_sqlite_write_lock(tmp_path, caplog):
    with fresh_database("sqlite", tmp_path) as url, another_app("testing", {"SQLALCHEMY_DATABASE_URI": url}) as app:
        with app.app_context():
            db.create_all()
            make_user(email="resident@example.com", language="en")
        browser = app.test_client()
        log_in(browser, "resident@example.com")

        writer = sqlite3.connect(make_url(url).database, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")  # e.g. the mail worker, or another request, in the middle of a write
        try:
            with caplog.at_level(logging.WARNING, logger="app.audit.services"):
                response = browser.get("/moderation")
        finally:
            writer.execute("ROLLBACK")
            writer.close()

        assert response.status_code == 403
        assert "You do not have permission to do this." in response.get_data(as_text=True)
        assert "refusal not recorded" in caplog.text and "/moderation" in caplog.text  # kept in the log instead
        assert refusals(app) == 0

        # With the database free again, refusals are recorded as before.
        assert browser.get("/moderation").status_code == 403
        assert refusals(app) == 1
