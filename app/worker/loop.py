"""The worker's loop: a mail round, the daily jobs that are due, a heartbeat; sleep; until SIGTERM or SIGINT."""

import logging
import signal
import threading

from flask import current_app
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.jobs.heartbeats import beat
from app.jobs.leases import this_process
from app.jobs.schedule import due_period, parse_time_of_day
from app.timeutil import utcnow
from app.worker.jobs import JOBS, run_leased, send_mail_round

log = logging.getLogger(__name__)


def job_times(config):
    """{job: its local time of day or None (off)}, read from the settings; ValueError on a malformed time."""
    return {job: parse_time_of_day(config[job.time_setting]) for job in JOBS}


def run_due_jobs(times, worker, stopping, report, now=None):
    """Run every job whose time has come today and whose lease this worker wins; return what was done."""
    timezone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    done = []
    for job, at in times.items():
        if stopping.is_set():
            break
        period = due_period(now or utcnow(), at, timezone, job.hourly)
        if period is None:
            continue
        try:
            result = run_leased(job, period, holder=worker)
        except Exception:
            log.exception("job %s %s failed; it is tried again after JOB_RETRY_SECONDS", job.name, period)
            done.append(f"{job.name} {period} failed")
            continue
        if result is not None:
            report(f"{job.name} {period}: {result}")
            done.append(f"{job.name} {period}: {result}")
    return done


def one_round(times, worker, stopping, report):
    """Send the due mail, run the due jobs, and note the heartbeat with what was done."""
    done = []
    queued, sent, failed = send_mail_round()
    if queued or sent or failed:
        report(f"mail: {queued} notification mail(s) queued, {sent} sent, {failed} failed (will be retried)")
    done.append(f"mail: {sent} sent, {failed} failed")
    done += run_due_jobs(times, worker, stopping, report)
    beat(worker, "; ".join(done))


def run_worker(interval, report, rounds=None):
    """Loop until SIGTERM/SIGINT (the current step is finished first) or, for tests, after `rounds` rounds."""
    times = job_times(current_app.config)
    worker = this_process()
    stopping = threading.Event()

    def stop(_signum, _frame):
        stopping.set()  # only this: the handler may interrupt anything, a print to the same stream too

    previous = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGINT)}
    beat(worker, "started")
    schedule = ", ".join(f"{job.name} {at.strftime('%H:%M') if at else 'off'}" for job, at in times.items())
    report(f"worker {worker} started; jobs at {schedule}")
    done_rounds = 0
    while not stopping.is_set():
        try:
            one_round(times, worker, stopping, report)
        except OperationalError as error:
            # The database busy or briefly gone: the next round tries again (leases keep every job to one worker).
            log.warning("worker round failed, trying again in %s s: %s", interval, error)
        finally:
            db.session.rollback()  # never sleep inside a transaction
        done_rounds += 1
        if rounds is not None and done_rounds >= rounds:
            break
        stopping.wait(interval)
    try:
        beat(worker, "stopped")
    except OperationalError as error:
        log.warning("could not note the stop: %s", error)
    for number, handler in previous.items():
        signal.signal(number, handler)
    report(f"worker {worker} stopped" + (" (told to stop; the step under way was finished)" if stopping.is_set() else ""))
