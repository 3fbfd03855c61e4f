"""`flask worker`'s schedule and leases: a daily job is due at its Riga time, runs once per local day (also across
the clock changes), catches up later that day; of two claims of one period one wins; a lapsed lease is retaken.
The one-off commands take the same lease. The processes themselves: tests/test_worker_process.py."""

import threading
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.jobs.heartbeats import beat, latest_heartbeat
from app.jobs.leases import claim, finish
from app.jobs.models import JobRun, WorkerHeartbeat
from app.jobs.schedule import current_period, due_period, parse_time_of_day
from app.notifications.models import Notification
from app.timeutil import utcnow
from app.worker.jobs import Job, run_leased
from app.worker.loop import run_due_jobs, run_worker
from tests.factories import make_activity, make_registration, make_user

RIGA = "Europe/Riga"


def test_a_job_at_seven_is_due_from_seven_riga_time_winter_and_summer():
    # winter: Riga is UTC+2
    assert due_period(datetime(2026, 12, 3, 4, 59), time(7, 0), RIGA) is None
    assert due_period(datetime(2026, 12, 3, 5, 0), time(7, 0), RIGA) == "2026-12-03"
    # summer: UTC+3
    assert due_period(datetime(2026, 7, 1, 3, 59), time(7, 0), RIGA) is None
    assert due_period(datetime(2026, 7, 1, 4, 0), time(7, 0), RIGA) == "2026-07-01"


def test_a_late_start_catches_up_within_the_day_but_not_the_next_morning():
    assert due_period(datetime(2026, 12, 3, 21, 59), time(7, 0), RIGA) == "2026-12-03"  # 23:59 in Riga
    # 00:30 in Riga the next day: yesterday's run is not made up, today's is not due yet
    assert due_period(datetime(2026, 12, 3, 22, 30), time(7, 0), RIGA) is None


def test_clock_changes_neither_skip_nor_double_a_day():
    # 29 March 2026: 03:00 becomes 04:00; a job at 03:30 (a time that does not exist) is due from 04:00
    assert due_period(datetime(2026, 3, 29, 0, 59), time(3, 30), RIGA) is None
    assert due_period(datetime(2026, 3, 29, 1, 0), time(3, 30), RIGA) == "2026-03-29"
    # 25 October 2026: 04:00 becomes 03:00; 03:30 happens twice, both in the same period
    assert due_period(datetime(2026, 10, 25, 0, 30), time(3, 30), RIGA) == "2026-10-25"
    assert due_period(datetime(2026, 10, 25, 1, 30), time(3, 30), RIGA) == "2026-10-25"


def test_an_hourly_job_is_due_once_in_each_hour_from_its_time():
    assert due_period(datetime(2026, 12, 3, 5, 59), time(8, 0), RIGA, hourly=True) is None  # 07:59 in Riga
    assert due_period(datetime(2026, 12, 3, 6, 0), time(8, 0), RIGA, hourly=True) == "2026-12-03T08"
    assert due_period(datetime(2026, 12, 3, 6, 59), time(8, 0), RIGA, hourly=True) == "2026-12-03T08"
    assert due_period(datetime(2026, 12, 3, 21, 5), time(8, 0), RIGA, hourly=True) == "2026-12-03T23"
    # 25 October 2026: the hour 03:00–04:00 happens twice, one period
    assert due_period(datetime(2026, 10, 25, 0, 10), time(0, 0), RIGA, hourly=True) == "2026-10-25T03"
    assert due_period(datetime(2026, 10, 25, 1, 10), time(0, 0), RIGA, hourly=True) == "2026-10-25T03"


@pytest.mark.parametrize("value", ["7:00", "24:00", "07:60", "07-00", "07:00:00", "x" * 1000, "07:00\x00"])
def test_a_malformed_time_setting_is_refused(value):
    with pytest.raises(ValueError, match="HH:MM"):
        parse_time_of_day(value)


def test_an_empty_time_turns_the_job_off():
    assert parse_time_of_day("") is None
    assert due_period(datetime(2026, 12, 3, 12, 0), None, RIGA) is None


def counting_job():
    runs = []
    return Job("counting", "UNUSED", lambda: runs.append(1) or f"run {len(runs)}"), runs


def test_the_worker_runs_a_job_once_per_day_from_its_time_on(ctx):
    job, runs = counting_job()
    times = {job: time(7, 0)}
    never = threading.Event()
    # two workers, every ten minutes from 00:00 Riga on 3 December to 23:50 on 4 December (winter, UTC+2)
    start = datetime(2026, 12, 2, 22, 0)
    for step in range(2 * 24 * 6):
        now = start + timedelta(minutes=10 * step)
        for worker in ("node-a:1", "node-b:2"):
            run_due_jobs(times, worker, never, report=lambda _line: None, now=now)
        if now == datetime(2026, 12, 3, 4, 50):  # 06:50 in Riga
            assert runs == []
    assert runs == [1, 1]
    assert db.session.scalars(select(JobRun.period).order_by(JobRun.period)).all() == ["2026-12-03", "2026-12-04"]
    assert all(row.finished_at and row.result.startswith("run ") for row in db.session.scalars(select(JobRun)))


def test_of_two_claims_of_one_period_one_wins(ctx):
    first = claim("reminders", "2026-12-03", 3600, holder="node-a:1")
    second = claim("reminders", "2026-12-03", 3600, holder="node-b:2")
    assert first is not None and second is None
    assert claim("reminders", "2026-12-04", 3600, holder="node-b:2") is not None  # another day is another period
    assert claim("digests", "2026-12-03", 3600, holder="node-b:2") is not None  # another job too


def test_a_lapsed_lease_is_retaken_and_its_old_holder_cannot_finish_it(ctx):
    crashed = claim("reminders", "2026-12-03", 60, holder="node-a:1", now=utcnow() - timedelta(minutes=2))
    retaken = claim("reminders", "2026-12-03", 3600, holder="node-b:2")
    assert retaken is not None
    assert claim("reminders", "2026-12-03", 3600, holder="node-c:3") is None  # the new lease holds
    assert finish(crashed, "too late") is False
    assert finish(retaken, "3 reminder(s) made") is True
    row = db.session.scalar(select(JobRun))
    db.session.refresh(row)
    assert (row.holder, row.attempts, row.result) == ("node-b:2", 2, "3 reminder(s) made")


def test_a_finished_run_is_not_run_again_by_a_worker_but_may_be_by_a_command(ctx):
    lease = claim("reminders", "2026-12-03", 60, holder="node-a:1", now=utcnow() - timedelta(minutes=2))
    finish(lease, "done")
    assert claim("reminders", "2026-12-03", 3600, holder="node-b:2") is None
    assert claim("reminders", "2026-12-03", 3600, holder="command:3", retake_finished=True) is not None
    # …but never while another holds it
    assert claim("reminders", "2026-12-03", 3600, holder="command:4", retake_finished=True) is None


def test_a_failed_run_is_recorded_and_retried_after_the_retry_time(ctx):
    def broken():
        raise RuntimeError("SMTP away")

    job = Job("broken", "UNUSED", broken)
    with pytest.raises(RuntimeError):
        run_leased(job, "2026-12-03", holder="node-a:1")
    row = db.session.scalar(select(JobRun))
    assert row.finished_at is None and row.result == "failed: RuntimeError: SMTP away"
    assert run_leased(job, "2026-12-03", holder="node-b:2") is None  # not before JOB_RETRY_SECONDS
    row.lease_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    fixed = Job("broken", "UNUSED", lambda: "fixed")
    assert run_leased(fixed, "2026-12-03", holder="node-b:2") == "fixed"


def test_heartbeats_say_how_long_ago_the_newest_worker_was_seen(ctx):
    assert latest_heartbeat() is None
    now = utcnow()
    beat("node-a:1", "mail: 0 sent", now=now - timedelta(seconds=90))
    beat("node-b:2", "mail: 1 sent", now=now - timedelta(seconds=30))
    assert latest_heartbeat(now=now) == 30.0
    beat("node-a:1", "reminders done", now=now)
    assert latest_heartbeat(now=now) == 0.0
    assert db.session.get(WorkerHeartbeat, "node-a:1").last_did == "reminders done"
    beat("node-c:3", "started", now=now + timedelta(days=8))  # a week-old note is forgotten
    assert db.session.scalars(select(WorkerHeartbeat.worker)).all() == ["node-c:3"]


@pytest.fixture
def tomorrows_activity(preili):
    """An open activity tomorrow afternoon (Riga) with one registered person, not yet reminded."""
    person = make_user(email="anna@example.com", display_name="Anna")
    activity = make_activity(preili, None, state="open", title="Keramikas darbnīca")
    activity.starts_at = utcnow() + timedelta(days=1)
    activity.ends_at = activity.starts_at + timedelta(hours=2)
    make_registration(activity, person)
    db.session.commit()
    return person


def reminders():
    db.session.expire_all()
    return db.session.scalars(select(Notification).where(Notification.event == "activity_reminder")).all()


def test_send_reminders_does_nothing_while_another_process_holds_the_lease(tomorrows_activity, ctx):
    today = current_period(utcnow(), RIGA)
    held = claim("reminders", today, 3600, holder="worker-elsewhere:1")
    runner = ctx.test_cli_runner()

    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "another process" in result.output
    assert reminders() == []

    finish(held, "0 reminder(s) made")
    result = runner.invoke(args=["send-reminders"])
    assert "1 reminder(s) made" in result.output
    assert len(reminders()) == 1


def test_send_moderator_digest_does_nothing_while_another_process_holds_the_lease(ctx):
    claim("moderator-digest", current_period(utcnow(), RIGA, hourly=True), 3600, holder="worker-elsewhere:1")
    result = ctx.test_cli_runner().invoke(args=["send-moderator-digest"])
    assert result.exit_code == 0, result.output
    assert "another process" in result.output


def test_a_worker_round_sends_mail_runs_the_due_jobs_and_beats(tomorrows_activity, ctx, smtp_sink, monkeypatch):
    for setting in ("DIGEST_TIME", "MODERATOR_DIGEST_TIME", "REMINDER_TIME"):
        monkeypatch.setitem(ctx.config, setting, "00:00")  # due as soon as the day has begun: now
    monkeypatch.setitem(ctx.config, "PURGE_TIME", "")
    lines = []

    run_worker(0.01, report=lines.append, rounds=2)

    assert [envelope.rcpt_tos for envelope in smtp_sink.messages] == [["anna@example.com"]]
    assert sorted(db.session.scalars(select(JobRun.job))) == ["digests", "moderator-digest", "reminders"]
    assert any("reminders" in line and "1 reminder(s) made" in line for line in lines), lines
    assert latest_heartbeat() < 5
    assert db.session.scalar(select(WorkerHeartbeat.last_did)) == "stopped"


@pytest.mark.parametrize("setting", ["DIGEST_TIME", "REMINDER_TIME"])
def test_the_worker_refuses_to_start_with_a_malformed_time(ctx, monkeypatch, setting):
    monkeypatch.setitem(ctx.config, setting, "7 am")
    result = ctx.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code != 0
    assert "HH:MM" in result.output
    assert db.session.scalars(select(WorkerHeartbeat)).all() == []
