"""Volunteer roles on ideas and the sign-ups of the people who want to help."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db
from app.timeutil import utcnow


class SignUpState:
    """The states of a sign-up; the allowed moves live in volunteering/services.py (TRANSITIONS)."""

    APPLIED = "applied"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    ALL = (APPLIED, ACCEPTED, DECLINED, WITHDRAWN, ATTENDED, NO_SHOW)
    #: a person has at most one of these per role (partial unique index uq_signups_active)
    ACTIVE = (APPLIED, ACCEPTED)
    LABELS = {
        APPLIED: _l("Waiting for an answer"),
        ACCEPTED: _l("Accepted"),
        DECLINED: _l("Declined"),
        WITHDRAWN: _l("Withdrawn"),
        ATTENDED: _l("Attended"),
        NO_SHOW: _l("Did not come"),
    }


class VolunteerRole(db.Model):
    """Help an idea needs: what to do, what skills help, how many people, optionally when (a shift)."""

    __tablename__ = "volunteer_roles"
    __table_args__ = (
        CheckConstraint("places >= 1", name="places_positive"),
        CheckConstraint("accepted_count >= 0 AND accepted_count <= places", name="accepted_within_places"),
        CheckConstraint("starts_at IS NULL OR ends_at IS NULL OR ends_at > starts_at", name="shift_ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    skills: Mapped[str] = mapped_column(Text, default="")
    #: how many people are wanted; accepted sign-ups never exceed it
    places: Mapped[int] = mapped_column(Integer)
    #: the shift, in UTC (both optional)
    starts_at: Mapped[datetime | None] = mapped_column(DateTime)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: sign-ups are accepted at once while places are free
    auto_accept: Mapped[bool] = mapped_column(Boolean, default=False)
    #: accepted sign-ups, maintained by the services with conditional UPDATEs (never counted by hand)
    accepted_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    idea = relationship("Idea")

    @property
    def free_places(self):
        return max(self.places - self.accepted_count, 0)


class SignUp(db.Model):
    """A person offers to help in a role; the idea's author (or a moderator) accepts or declines."""

    __tablename__ = "signups"
    __table_args__ = (
        CheckConstraint("state IN ('applied', 'accepted', 'declined', 'withdrawn', 'attended', 'no_show')",
                        name="signup_state_known"),
        CheckConstraint("state NOT IN ('accepted', 'declined') OR decided_by_id IS NOT NULL",
                        name="decision_has_decider"),
        Index("uq_signups_active", "role_id", "user_id", unique=True,
              sqlite_where=text("state IN ('applied', 'accepted')"),
              postgresql_where=text("state IN ('applied', 'accepted')")),
        Index("ix_signups_user", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("volunteer_roles.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default=SignUpState.APPLIED)
    #: who accepted or declined (the author, a moderator; for an automatic acceptance the volunteer)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    role: Mapped[VolunteerRole] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def state_label(self):
        return SignUpState.LABELS.get(self.state, self.state)

    @property
    def is_active(self):
        return self.state in SignUpState.ACTIVE
