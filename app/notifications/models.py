from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db
from app.timeutil import utcnow


class EmailFrequency:
    IMMEDIATELY = "immediately"
    DAILY = "daily"
    OFF = "off"
    ALL = (IMMEDIATELY, DAILY, OFF)


class Notification(db.Model):
    """Something happened that a person should know about: shown in-app and, per their settings, mailed."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        Index("ix_notifications_email_due", "email_status", "created_at"),
    )

    EMAIL_NONE = "none"
    EMAIL_IMMEDIATE = "immediate"
    EMAIL_DIGEST = "digest"
    EMAIL_DONE = "done"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: what happened, e.g. "idea_published", "comment_new", "comment_reply"
    event: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    #: values the message needs besides the linked rows (e.g. the decision's reason)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: whether and how this still has to be mailed: none, immediate, digest, done
    email_status: Mapped[str] = mapped_column(String(10), default=EMAIL_NONE)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    idea: Mapped["Idea | None"] = relationship("Idea")  # noqa: F821  (by name: avoids an import cycle)
    comment: Mapped["Comment | None"] = relationship("Comment")  # noqa: F821
    activity: Mapped["Activity | None"] = relationship("Activity")  # noqa: F821
