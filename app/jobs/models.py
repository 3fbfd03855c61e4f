from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class JobRun(db.Model):
    """One period of one scheduled job (e.g. the reminders of 2026-12-03): the lease a worker holds while it runs it.

    The unique (job, period) key makes the claim safe on SQLite and PostgreSQL alike: of the workers inserting the
    same row, one succeeds. A run that never finished (its worker died) is retaken once lease_until has passed.
    """

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(50))
    #: the local date the run is for (ISO, e.g. "2026-12-03")
    period: Mapped[str] = mapped_column(String(20))
    #: the worker or command running it: host:pid
    holder: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    lease_until: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    #: what the run did ("12 reminder(s) made") or why it failed
    result: Mapped[str] = mapped_column(Text, default="")


class WorkerHeartbeat(db.Model):
    """A running worker: when it was last seen and what it last did (for /readyz and the operator)."""

    __tablename__ = "worker_heartbeats"

    #: host:pid
    worker: Mapped[str] = mapped_column(String(200), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    last_did: Mapped[str] = mapped_column(String(500), default="")
