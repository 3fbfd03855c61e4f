from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db
from app.ideas.models import REPORTS_TO_HIDE  # noqa: F401  (the same rule for ideas and comments)
from app.timeutil import utcnow


class Comment(db.Model):
    """A comment on an idea or on an activity, or a reply to one (one level only)."""

    __tablename__ = "comments"
    __table_args__ = (
        # hidden by a moderator: the reason is always recorded
        CheckConstraint(
            "hidden_at IS NULL OR hidden_by_id IS NULL OR length(hidden_reason) > 0", name="moderator_hide_has_reason"
        ),
        # the same form sent twice (a double-click) makes one comment
        UniqueConstraint("author_id", "submission_key"),
        # on exactly one thing: an idea or an activity
        CheckConstraint("(idea_id IS NULL) <> (activity_id IS NULL)", name="on_idea_or_activity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the idea it is on (empty for a comment on an activity)
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    #: the activity it is on (empty for a comment on an idea); by table name: activities sit above comments
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: the comment this one answers; replies to replies attach to the same top comment
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: deleted by its author: the text is removed, the thread stays
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: hidden by a moderator (hidden_by_id set) or by reports pending review (hidden_by_id empty)
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    #: reports not yet reviewed by a moderator
    open_report_count: Mapped[int] = mapped_column(Integer, default=0)
    #: the random key of the form it was written in (empty for comments from before keys, or from elsewhere)
    submission_key: Mapped[str | None] = mapped_column(String(64))

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    hidden_by: Mapped[User | None] = relationship(foreign_keys=[hidden_by_id])
    parent: Mapped["Comment | None"] = relationship(remote_side=[id])
    #: what it is on; by class name (activities sit above comments), one of the two is set
    idea = relationship("Idea")
    activity = relationship("Activity")

    @property
    def subject(self):
        """What the comment is on: its Activity, or its Idea (tell them apart by .project_kind)."""
        return self.activity if self.activity_id is not None else self.idea

    @property
    def is_hidden(self):
        """Hidden, by a moderator or by several people's reports."""
        return self.hidden_at is not None

    @property
    def is_deleted(self):
        """Deleted by its author: its place stays, without the text, so that its replies keep theirs."""
        return self.deleted_at is not None


class CommentReport(db.Model):
    """A person reports a comment as inappropriate; one report per person per comment."""

    __tablename__ = "comment_reports"
    __table_args__ = (UniqueConstraint("comment_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: set when a moderator restores or confirms the comment
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)

    reporter: Mapped[User] = relationship()
