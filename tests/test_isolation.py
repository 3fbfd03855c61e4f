"""How tests are kept apart (tests/conftest.py): rolled back by default, committed for real with `real_commits`."""

import pytest
from sqlalchemy import func, select

from app.accounts.models import User, UserSession
from app.extensions import db
from tests.apps import another_app
from tests.conftest import everything_rolled_back
from tests.factories import make_user
from tests.helpers import log_in


def emails_seen_by_another_connection(app):
    with another_app("testing", {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}) as other:
        with other.app_context():
            return db.session.scalars(select(User.email)).all()


def test_what_a_test_commits_is_never_committed_and_is_gone_afterwards(app):
    with app.app_context():
        with everything_rolled_back():
            make_user(email="anna@example.com")  # make_user commits: a savepoint is released
            db.session.remove()
            assert db.session.scalar(select(User.email)) == "anna@example.com"  # a new session sees it
            assert emails_seen_by_another_connection(app) == []
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_each_request_sees_what_the_test_committed_and_the_test_sees_what_requests_committed(client, user):
    log_in(client, user.email)  # the request reads the person the test made, and saves a signed-in session
    assert db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)) == 1
    assert client.get("/me").status_code == 200  # the next request reads that session


@pytest.mark.real_commits
def test_a_real_commits_test_commits_for_other_connections_to_see(ctx):
    make_user(email="anna@example.com")
    assert emails_seen_by_another_connection(ctx) == ["anna@example.com"]
