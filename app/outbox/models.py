from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class OutboxMessage(db.Model):
    """An e-mail waiting to be sent, being sent by a worker, sent, or given up on after repeated failures."""

    __tablename__ = "outbox_messages"

    PENDING = "pending"
    #: claimed by a worker, which talks to SMTP outside any transaction until claimed_until
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    #: the text part; below it, an empty line and lines of stored headers (Content-Language, List-Unsubscribe)
    #: (outbox.services.stored_headers_and_text); the HTML part is made from the text when the mail is sent
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: a failed attempt moves this forward (back-off), so a broken SMTP server is not hammered
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: the claim's lease: a message still `sending` after this time is taken to have lost its worker
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
