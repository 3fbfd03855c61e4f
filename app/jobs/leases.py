"""Leases on job periods: whoever inserts the (job, period) row runs the job; a lapsed lease may be retaken.

Every function here ends its transaction (commit or rollback) before returning: a worker holds no database
transaction while it runs a job's slow parts, sleeps or talks to SMTP.
"""

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.jobs.models import JobRun
from app.timeutil import utcnow


@dataclass(frozen=True)
class Lease:
    """A claimed period of a job: the row, and the start time that shows the row is still this holder's."""

    job: str
    period: str
    holder: str
    started_at: datetime


def this_process():
    """The holder name of this process: host:pid (unique among running workers)."""
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def claim(job, period, lease_seconds, holder=None, retake_finished=False, now=None):
    """Claim the period of the job and commit; the Lease, or None when another holder has it (or it is done).

    The first claim inserts the row (the unique key lets one inserter win). A row already there is retaken only
    when its run never finished and its lease has run out (its worker died or its run failed), or, with
    retake_finished (the old one-off commands, run by hand or cron), when its run has finished: never while
    another holder is running it.
    """
    now = now or utcnow()
    holder = holder or this_process()
    until = now + timedelta(seconds=lease_seconds)
    db.session.commit()  # the claim in a transaction of its own (what the caller did is kept)
    db.session.add(JobRun(job=job, period=period, holder=holder, started_at=now, lease_until=until))
    try:
        db.session.commit()
        return Lease(job, period, holder, now)
    except IntegrityError:
        db.session.rollback()
    retakable = and_(JobRun.finished_at.is_(None), JobRun.lease_until <= now)
    if retake_finished:
        retakable = or_(retakable, JobRun.finished_at.is_not(None))
    # One UPDATE: of two workers retaking the row at once, the second finds the condition no longer true.
    taken = db.session.execute(
        update(JobRun)
        .where(JobRun.job == job, JobRun.period == period, retakable)
        .values(holder=holder, started_at=now, lease_until=until, finished_at=None, attempts=JobRun.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return Lease(job, period, holder, now) if taken == 1 else None


def still_mine(lease):
    """The condition that the row is still held by this lease (not retaken by another worker meanwhile)."""
    return and_(
        JobRun.job == lease.job,
        JobRun.period == lease.period,
        JobRun.holder == lease.holder,
        JobRun.started_at == lease.started_at,
    )


def finish(lease, result):
    """Record the run as done with its result and commit; False when the lease had been taken over meanwhile."""
    db.session.rollback()
    done = db.session.execute(
        update(JobRun)
        .where(still_mine(lease))
        .values(finished_at=utcnow(), result=str(result)[:2000])
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return done == 1


def release_after_failure(lease, error, retry_seconds):
    """Record why the run failed and let the lease lapse in retry_seconds, so that a worker tries again; commit."""
    db.session.rollback()  # the failed job's own work is undone first
    db.session.execute(
        update(JobRun)
        .where(still_mine(lease))
        .values(lease_until=utcnow() + timedelta(seconds=retry_seconds), result=f"failed: {error}"[:2000])
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
