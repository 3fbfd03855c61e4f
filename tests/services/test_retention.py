"""Retention (`flask purge`): old personal data of every kind is removed, new data and every figure stay, and a
second run changes nothing. The command as a real process on its own database: tests/test_purge_process.py."""

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.activities.models import Registration
from app.audit.models import AuditEntry
from app.extensions import db
from app.privacy import retention
from app.privacy.retention import STEPS, purge, without_names
from tests.factories import make_activity, make_idea, make_registration, make_support, make_user
from tests.factories_retention import aged, make_audit_entry, make_mail
from tests.helpers import count
from tests.retention_scene import assert_purged, figures, make_scene, personal_leftovers


@pytest.fixture
def exports(ctx, tmp_path, monkeypatch):
    """The folder prepared downloads are kept in during the test."""
    folder = tmp_path / "exports"
    monkeypatch.setitem(ctx.config, "EXPORT_FOLDER", str(folder))
    return folder


@pytest.fixture
def scene(exports):
    return make_scene(exports)


def test_old_personal_data_goes_new_data_and_the_figures_stay(scene):
    before = figures()
    assert personal_leftovers()  # the scene really holds what must go

    counts = purge()

    assert_purged(scene)
    assert personal_leftovers() == []
    assert figures() == before
    assert counts == {
        "sent mail deleted": 2,
        "registrations: names of the people brought removed": 3,
        "volunteer sign-up messages blanked": 1,
        "audit entries: IP addresses blanked": 2,
        "sessions: browser names blanked": 1,
        "expired sessions deleted": 2,  # the volunteer's, and the one of the account never confirmed
        "expired or used password reset links deleted": 2,
        "unconfirmed accounts deleted": 1,
        "read notifications deleted": 1,
        "expired data downloads deleted": 1,
        "unused uploaded photos and logos deleted (older than a day)": 0,  # tests/services/test_unused_uploads.py
    }


def test_a_second_run_changes_nothing(scene):
    purge()
    after_first = figures()

    assert set(purge().values()) == {0}

    assert_purged(scene)
    assert figures() == after_first


def test_the_command_prints_one_line_per_step_and_a_second_run_finds_nothing(scene, ctx):
    runner = ctx.test_cli_runner()

    first = runner.invoke(args=["purge"])
    db.session.expire_all()

    assert first.exit_code == 0, first.output
    lines = first.output.splitlines()
    assert len(lines) == len(STEPS)
    assert "sent mail deleted (older than 30 days): 2" in lines
    assert "registrations: names of the people brought removed (older than 30 days): 3" in lines
    assert "expired data downloads deleted: 1" in lines
    assert_purged(scene)
    second = runner.invoke(args=["purge"])
    assert second.exit_code == 0, second.output
    assert [line.rsplit(": ", 1)[1] for line in second.output.splitlines()] == ["0"] * len(STEPS)


def test_the_periods_come_from_the_settings(scene, ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "RETENTION_SENT_MAIL_DAYS", 1)  # the two-day-old message is old now
    monkeypatch.setitem(ctx.config, "RETENTION_COMPANION_NAMES_DAYS", 90)  # the two-month-old activity is not

    counts = purge()

    assert counts["sent mail deleted"] == 3
    assert counts["registrations: names of the people brought removed"] == 0
    assert db.session.get(Registration, scene.old_strings).companions == ["Elza", "Markuss"]


def test_names_go_the_count_and_the_age_groups_stay():
    assert without_names(["Elza", {"name": "Markuss", "age_group": "4-6"}, {"name": "", "age_group": "7-9"}]) == [
        {"name": "", "age_group": ""},
        {"name": "", "age_group": "4-6"},
        {"name": "", "age_group": "7-9"},
    ]
    assert without_names([]) == [] and without_names(None) == []


def test_an_unconfirmed_account_anything_refers_to_stays(ctx):
    idea = make_idea()
    supporter = aged(make_user(confirmed=False), 400)
    make_support(idea, supporter)
    registered = aged(make_user(confirmed=False), 400)
    make_registration(make_activity(), registered)
    alone = aged(make_user(confirmed=False), 400)
    entry = make_audit_entry("account.registered", alone, days_old=400)  # the audit log is no reason to keep it
    alone_id, entry_id = alone.id, entry.id

    assert purge()["unconfirmed accounts deleted"] == 1

    assert db.session.get(User, alone_id) is None
    assert db.session.get(AuditEntry, entry_id).actor_id is None  # the entry stays, without the person
    assert db.session.get(User, supporter.id) is not None
    assert db.session.get(User, registered.id) is not None
    assert idea.support_count == 1


def test_work_goes_in_batches_each_committed(ctx, monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 3)
    for _ in range(8):
        make_mail(status="sent", days_old=40)
    make_mail(status="sent", days_old=1)
    commits = []
    monkeypatch.setattr(db.session, "commit", lambda original=db.session.commit: commits.append(1) or original())

    assert retention.purge_sent_mail(retention.utcnow()) == 8

    assert len(commits) == 3  # 3 + 3 + 2 rows
    assert count(retention.OutboxMessage) == 1


def test_an_export_file_name_that_is_not_a_plain_name_is_never_followed(ctx, exports, tmp_path):
    from tests.factories_retention import make_export

    outside = tmp_path / "precious.txt"
    outside.write_text("keep me")
    export = make_export(make_user(), exports, expires_in_days=-1)
    export.file_name = "../precious.txt"
    db.session.commit()

    assert purge()["expired data downloads deleted"] == 1

    assert outside.read_text() == "keep me"
    assert db.session.scalars(select(retention.DataExport)).all() == []
