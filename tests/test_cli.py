"""The flask commands: seed-demo, create-admin and send-mail."""

import time
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app import cli
from app.accounts.models import User
from app.accounts.passwords import verify_password
from app.audit.models import AuditEntry
from app.centres.models import Centre
from app.cli import DEMO_PASSWORD, DEMO_PEOPLE
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.outbox.services import queue_mail
from app.worker import jobs as worker_jobs
from tests.apps import another_app, production_database_url, production_settings
from tests.factories import make_user
from tests.helpers import count

STRONG_PASSWORD = "zaļā laiva peld pa Daugavu"


@pytest.fixture
def run(ctx):
    """Run a flask command in the test's app context, as `flask …` would."""
    runner = ctx.test_cli_runner()

    def invoke(*args):
        result = runner.invoke(args=list(args))
        db.session.expire_all()
        return result

    return invoke


def test_seed_demo_creates_the_four_centres_and_the_demo_accounts(run):
    result = run("seed-demo")

    assert result.exit_code == 0, result.output
    assert sorted(db.session.scalars(select(Centre.slug))) == ["aglona", "daugavpils", "preili", "rezekne"]
    assert count(User) == len(DEMO_PEOPLE)
    admin = db.session.scalar(select(User).where(User.email == "admin@kopiena.example"))
    assert admin.is_admin and admin.is_confirmed
    assert verify_password(admin.password_hash, DEMO_PASSWORD)
    coordinator = db.session.scalar(select(User).where(User.email == "koordinatore.rezekne@kopiena.example"))
    assert [centre.slug for centre in coordinator.moderated_centres] == ["rezekne"]
    assert not coordinator.is_admin


def test_seed_demo_twice_adds_nothing_the_second_time(run):
    run("seed-demo")
    result = run("seed-demo")

    assert result.exit_code == 0, result.output
    assert "(0 account(s) added)" in result.output
    assert count(User) == len(DEMO_PEOPLE)
    assert count(Centre) == 4


def test_seed_demo_is_refused_in_production(ctx):
    with another_app("production", production_settings(production_database_url(ctx))) as production:
        with production.app_context():  # the command must see the production app, not the test's
            result = production.test_cli_runner().invoke(args=["seed-demo"])

    assert result.exit_code != 0
    assert "development only" in result.output
    db.session.expire_all()
    assert count(User) == 0
    assert count(Centre) == 0


def test_create_admin_creates_a_confirmed_admin(run):
    result = run("create-admin", "--email", " Inese@Example.com ", "--name", "Inese", "--password", STRONG_PASSWORD)

    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(User).where(User.email == "inese@example.com"))
    assert admin.is_admin and admin.is_confirmed
    assert admin.display_name == "Inese"
    assert verify_password(admin.password_hash, STRONG_PASSWORD)
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.subject_id == admin.id)) == "admin.created_by_cli"


@pytest.mark.parametrize("password", ["short", "parole12345678", "inese@example.com"])
def test_create_admin_refuses_a_weak_password(run, password):
    result = run("create-admin", "--email", "inese@example.com", "--name", "Inese", "--password", password)

    assert result.exit_code != 0
    assert "Error" in result.output
    assert count(User) == 0


def test_create_admin_promotes_an_existing_account_keeping_its_password(run):
    person = make_user(email="inese@example.com", display_name="Inese")
    old_hash = person.password_hash

    result = run("create-admin", "--email", "inese@example.com", "--name", "Inese")

    assert result.exit_code == 0, result.output
    promoted = db.session.get(User, person.id)
    assert promoted.is_admin
    assert promoted.password_hash == old_hash


def test_send_mail_delivers_to_the_smtp_server(run, smtp_sink, user):
    queue_mail(user.email, "password_changed", user.language, user=user, reset_url="https://kopiena.example/x")
    db.session.commit()

    result = run("send-mail")

    assert result.exit_code == 0, result.output
    assert "1 sent, 0 failed" in result.output
    assert [envelope.rcpt_tos for envelope in smtp_sink.messages] == [[user.email]]
    assert db.session.scalar(select(OutboxMessage.status)) == OutboxMessage.SENT


def test_send_mail_loop_outlives_a_busy_database(run, smtp_sink, user, monkeypatch):
    """A round that meets a locked (or briefly unreachable) database is tried again, not the end of the worker."""
    queue_mail(user.email, "password_changed", user.language, user=user, reset_url="https://kopiena.example/x")
    db.session.commit()
    deliver = worker_jobs.deliver_due_mail  # the mail round of send-mail and of the worker
    rounds = iter([OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked")), None])

    def deliver_unless_locked():
        error = next(rounds)
        if error:
            raise error
        return deliver()

    class Stop(Exception):
        pass

    def sleep(_seconds):
        if not smtp_sink.messages:
            return  # the next round
        raise Stop

    monkeypatch.setattr(worker_jobs, "deliver_due_mail", deliver_unless_locked)
    monkeypatch.setattr(cli, "time", SimpleNamespace(sleep=sleep, monotonic=time.monotonic))

    result = run("send-mail", "--loop", "--interval", "1")

    assert isinstance(result.exception, Stop), result.output
    assert [envelope.rcpt_tos for envelope in smtp_sink.messages] == [[user.email]]
    assert db.session.scalar(select(OutboxMessage.status)) == OutboxMessage.SENT
