"""The daily jobs (digests, moderator digests, reminders, purge) and the mail round, as the worker and the
one-off commands run them. Each function commits its own work and returns a line saying what it did."""

import logging
from dataclasses import dataclass

from flask import current_app

from app.activities.services import send_reminders
from app.extensions import db
from app.jobs.leases import claim, finish, release_after_failure
from app.jobs.schedule import current_period
from app.moderation.services import send_moderator_digests
from app.notifications.services import digest_recipients, queue_immediate_notification_mail, send_digest
from app.outbox.services import deliver_due_mail
from app.privacy.retention import purge
from app.timeutil import utcnow

log = logging.getLogger(__name__)


def send_mail_round():
    """Queue the notifications to be mailed at once, then deliver the outbox's due mail; return (queued, sent, failed).

    Each step commits its own work; no transaction is open while SMTP is talked to (app/outbox/services.py).
    """
    try:
        queued = queue_immediate_notification_mail()
        db.session.commit()
        sent, failed = deliver_due_mail()
    finally:
        db.session.rollback()  # never wait (sleep, SMTP) inside a transaction; each step above committed its work
    return queued, sent, failed


def queue_digests():
    """Queue the daily summary mail of notifications, one person per transaction."""
    mailed = 0
    for user_id in digest_recipients():
        mailed += send_digest(user_id)
        db.session.commit()  # one person at a time: a failure later loses nothing already queued
    return f"{mailed} digest(s) queued"


def queue_moderator_digests():
    """Queue one mail per moderator listing what waits in their centres (at most one a day each)."""
    # POST, so that SQLite takes the write lock at the start of the transaction, as every writing command does;
    # the request context also gives the mail's links their BASE_URL.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"], method="POST"):
        queued = send_moderator_digests()
        db.session.commit()
    return f"{queued} moderator digest(s) queued"


def make_reminders():
    """Remind people of tomorrow's activities (each registration and sign-up once: reminded_at)."""
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"], method="POST"):
        made = send_reminders(timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"])
        db.session.commit()
    return f"{made} reminder(s) made"


def purge_old_data():
    """Remove personal data kept longer than its retention period (each step commits its own batches)."""
    try:
        counts = purge()
    finally:
        db.session.rollback()
    return f"purge: {sum(counts.values())} row(s) or file(s) changed in {len(counts)} step(s)"


@dataclass(frozen=True)
class Job:
    """A daily job: its name (the lease's key), the setting that says its local time, and what it runs; an hourly
    one runs again every hour from that time to the end of the day (its items have guards of their own)."""

    name: str
    time_setting: str
    run: object
    hourly: bool = False


JOBS = [
    Job("digests", "DIGEST_TIME", queue_digests),
    # hourly: a coordinator with nothing waiting in the morning is told later that day (still one mail a day at most)
    Job("moderator-digest", "MODERATOR_DIGEST_TIME", queue_moderator_digests, hourly=True),
    Job("reminders", "REMINDER_TIME", make_reminders),
    Job("purge", "PURGE_TIME", purge_old_data),
]
JOB_NAMED = {job.name: job for job in JOBS}


def run_leased(job, period, retake_finished=False, holder=None):
    """Run the job for the period if this process wins its lease; the result line, or None when another holds it.

    A failing job is recorded and its lease lapses after JOB_RETRY_SECONDS, so that a worker tries again; the
    exception is raised on (the worker logs it, a command shows it).
    """
    config = current_app.config
    lease = claim(job.name, period, config["JOB_LEASE_SECONDS"], holder=holder, retake_finished=retake_finished)
    if lease is None:
        return None
    try:
        result = job.run()
    except Exception as error:
        release_after_failure(lease, f"{type(error).__name__}: {error}", config["JOB_RETRY_SECONDS"])
        raise
    if not finish(lease, result):
        log.warning("job %s %s: the lease ran out before the run finished; another worker may run it too", job.name, period)
    return result


def run_now(job_name):
    """Run a job once now for its current period, as the one-off commands do: never while another process runs it
    (a worker or another command), but again after an earlier run of the day has finished (each item is guarded).
    The result line, or None when another process is running it."""
    job = JOB_NAMED[job_name]
    period = current_period(utcnow(), current_app.config["BABEL_DEFAULT_TIMEZONE"], job.hourly)
    return run_leased(job, period, retake_finished=True)
