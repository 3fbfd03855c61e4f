"""Worker heartbeats: each worker notes every round that it is alive; /readyz asks how old the newest note is."""

from datetime import timedelta

from sqlalchemy import delete, func, select

from app.extensions import db
from app.jobs.models import WorkerHeartbeat
from app.timeutil import utcnow

#: the notes of workers gone this long are deleted (a stopped worker's note stays a while, showing when it stopped)
FORGOTTEN_AFTER = timedelta(days=7)


def beat(worker, did, now=None):
    """Note that the worker is alive and what it last did; commit (one short transaction)."""
    now = now or utcnow()
    db.session.rollback()
    heartbeat = db.session.get(WorkerHeartbeat, worker)
    if heartbeat is None:
        heartbeat = WorkerHeartbeat(worker=worker, started_at=now)
        db.session.add(heartbeat)
    heartbeat.last_seen = now
    heartbeat.last_did = did[:500]
    db.session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.last_seen < now - FORGOTTEN_AFTER))
    db.session.commit()


def latest_heartbeat(now=None):
    """Seconds since the newest heartbeat of any worker (a float), or None when no worker has ever beaten."""
    newest = db.session.scalar(select(func.max(WorkerHeartbeat.last_seen)))
    if newest is None:
        return None
    return max(((now or utcnow()) - newest).total_seconds(), 0.0)
