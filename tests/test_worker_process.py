"""`flask worker` as deployed on two nodes: two worker processes at once on one real database (a SQLite file, and
PostgreSQL), migrated with `flask db upgrade` and filled by the test, mailing to an SMTP sink. With reminders, a
digest and a moderator digest due (their times set to 00:00: due now), each person gets each mail exactly once,
every job period is run by one worker, both workers beat, and both stop cleanly on SIGTERM."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.extensions import db
from app.jobs.models import JobRun, WorkerHeartbeat
from app.notifications.models import EmailFrequency
from app.notifications.services import notify, update_settings
from tests.apps import another_app
from tests.databases import BACKENDS, fresh_database
from tests.factories import make_activity, make_centre, make_idea, make_registration, make_user
from tests.helpers import RecordingHandler, free_port

pytestmark = pytest.mark.real_commits

PROJECT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
WORKERS = 2
#: every mail the scene makes: two reminders, one digest, one moderator digest
EXPECTED = {"anna@example.com", "valdis@example.com", "follower@example.com", "moderator@example.com"}
JOBS = ["digests", "moderator-digest", "reminders"]


def environment(database_url, tmp_path, mail_port):
    return {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "worker-test-secret-" + "x" * 32,
        "BASE_URL": "https://kopiena.example.lv",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(mail_port),
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "EXPORT_FOLDER": str(tmp_path / "exports"),
        "RATELIMIT_STORAGE_URI": "memory://",
        "PYTHONUNBUFFERED": "1",
        # due as soon as the local day has begun, i.e. now; purge is tested on its own (tests/test_purge_process.py)
        "DIGEST_TIME": "00:00",
        "MODERATOR_DIGEST_TIME": "00:00",
        "REMINDER_TIME": "00:00",
        "PURGE_TIME": "",
        "WORKER_INTERVAL": "0.3",
    }


@contextmanager
def smtp_sink():
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


@contextmanager
def database(database_url):
    """An app context on the database the processes use (the test's own app rolls back; this one commits)."""
    with another_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url}) as app, app.app_context():
        yield


def make_scene():
    """Two people registered for tomorrow's activity, a follower waiting for a digest, a moderator with an idea to
    review."""
    preili = make_centre(name="Preiļi", slug="preili")
    activity = make_activity(preili, None, state="open", starts_in_days=1)
    for email, name in (("anna@example.com", "Anna"), ("valdis@example.com", "Valdis")):
        make_registration(activity, make_user(email=email, display_name=name))
    make_user(email="moderator@example.com", display_name="Dace", moderates=[preili])
    author = make_user(email="author@example.com", display_name="Jānis")
    follower = make_user(email="follower@example.com", display_name="Marija")
    update_settings(follower, EmailFrequency.DAILY, EmailFrequency.DAILY)
    notify("idea_archived", [follower], actor=author, idea=make_idea(author=author, centre=preili))
    make_idea(author=author, centre=preili, state="submitted", title="Jauns parks")
    db.session.commit()


def job_runs():
    db.session.rollback()
    return db.session.scalars(select(JobRun).order_by(JobRun.job)).all()


def wait_for(condition, workers, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for worker in workers:
            assert worker.poll() is None, f"a worker stopped: {worker.returncode}"
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_workers_at_once_send_each_reminder_and_digest_once(backend, tmp_path):
    with fresh_database(backend, tmp_path) as database_url, smtp_sink() as (sink, mail_port):
        env = environment(database_url, tmp_path, mail_port)
        migrated = subprocess.run([*FLASK, "db", "upgrade"], cwd=PROJECT, env=env, capture_output=True, text=True)
        assert migrated.returncode == 0, migrated.stderr
        with database(database_url):
            make_scene()
        logs = [open(tmp_path / f"worker-{number}.log", "w+") for number in range(WORKERS)]  # noqa: SIM115
        workers = [
            subprocess.Popen([*FLASK, "worker"], cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT) for log in logs
        ]
        try:
            with database(database_url):
                wait_for(lambda: len(sink.messages) >= len(EXPECTED), workers)
                wait_for(lambda: {run.job for run in job_runs() if run.finished_at} == set(JOBS), workers)
                time.sleep(3)  # ten more rounds of each worker: nothing more may go out
                for worker in workers:
                    worker.send_signal(signal.SIGTERM)
                for worker in workers:
                    assert worker.wait(timeout=30) == 0
                runs = job_runs()
                heartbeats = db.session.scalars(select(WorkerHeartbeat)).all()
        finally:
            for worker, log in zip(workers, logs, strict=True):
                if worker.poll() is None:
                    worker.kill()
                    worker.wait()
                log.seek(0)
                print(f"--- {log.name} ---\n{log.read()}")  # shown when the test fails
                log.close()

        recipients = sorted(rcpt for envelope in sink.messages for rcpt in envelope.rcpt_tos)
        assert recipients == sorted(EXPECTED)
        subjects = {
            envelope.rcpt_tos[0]: message_from_bytes(envelope.content, policy=policy.default)["Subject"]
            for envelope in sink.messages
        }
        assert "Keramikas darbnīca" in subjects["anna@example.com"], subjects
        # each period run by one worker, at the first attempt (the moderator digest's is an hour: a new hour may begin)
        assert sorted({run.job for run in runs}) == JOBS and {run.attempts for run in runs} == {1}
        assert [run.result for run in runs if run.job == "reminders"] == ["2 reminder(s) made"]
        assert len(heartbeats) == WORKERS and {beat.last_did for beat in heartbeats} == {"stopped"}
