"""`flask purge` as cron starts it: a real process on a real database (a SQLite file, and PostgreSQL), migrated with
`flask db upgrade` and filled by the test. Two runs at the same moment both succeed and leave the same result as one;
a third run finds nothing to do."""

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from app.privacy.retention import STEPS
from tests.apps import another_app
from tests.databases import BACKENDS, fresh_database
from tests.factories_photos import stored_photo
from tests.retention_scene import assert_purged, figures, make_scene, personal_leftovers

pytestmark = pytest.mark.real_commits

PROJECT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]


def environment(database_url, tmp_path):
    return {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "purge-test-secret-" + "x" * 32,
        "EXPORT_FOLDER": str(tmp_path / "exports"),
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "RATELIMIT_STORAGE_URI": "memory://",
        "PYTHONUNBUFFERED": "1",
    }


def flask(env, *args):
    result = subprocess.run([*FLASK, *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def counted(output):
    """{step: rows changed} from the output of `flask purge` ("sent mail deleted (older than 30 days): 2")."""
    pairs = (line.rsplit(": ", 1) for line in output.splitlines())
    return {label.split(" (older than")[0]: int(number) for label, number in pairs}


@contextmanager
def database(database_url):
    """An app context on the database the processes use (the test's own app rolls back; this one commits)."""
    with another_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url}) as app, app.app_context():
        yield


@pytest.mark.parametrize("backend", BACKENDS)
def test_purge_runs_as_a_process_twice_at_once_and_then_finds_nothing(backend, tmp_path):
    with fresh_database(backend, tmp_path) as database_url:
        env = environment(database_url, tmp_path)
        flask(env, "db", "upgrade")
        with database(database_url):
            scene = make_scene(tmp_path / "exports")
            before = figures()
        abandoned = stored_photo(tmp_path / "uploads", days_old=2)  # a photo kept for a form never sent again
        just_kept = stored_photo(tmp_path / "uploads")

        runs = [
            subprocess.Popen([*FLASK, "purge"], cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=180) for run in runs]
        for run, (stdout, stderr) in zip(runs, outputs, strict=True):
            assert run.returncode == 0, f"{stdout}\n{stderr}"
            assert len(stdout.splitlines()) == len(STEPS), stdout
        # between them the two runs deleted each row once
        deleted = {label: sum(counted(stdout)[label] for stdout, _ in outputs) for label in counted(outputs[0][0])}
        assert deleted["sent mail deleted"] == 2 and deleted["unconfirmed accounts deleted"] == 1
        assert deleted["unused uploaded photos and logos deleted"] == 1
        assert sorted(path.name for path in (tmp_path / "uploads").iterdir()) == [just_kept]
        assert not (tmp_path / "uploads" / abandoned).exists()

        with database(database_url):
            assert_purged(scene)
            assert personal_leftovers() == []
            assert figures() == before

        again = flask(env, "purge")
        assert set(counted(again).values()) == {0} and len(counted(again)) == len(STEPS), again
