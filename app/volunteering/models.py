"""Volunteer roles on ideas and the sign-ups of the people who want to help."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text, text
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
        CheckConstraint("idea_id IS NOT NULL OR activity_id IS NOT NULL", name="role_has_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the idea the role was made for (kept after the idea became an activity, for the record)
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    #: set when the role belongs to an activity (made there, or carried over when its idea was promoted);
    #: the activity's coordinators then manage it
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
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
    activity = relationship("Activity")

    @property
    def free_places(self):
        """How many more people can still be accepted in the role."""
        return max(self.places - self.accepted_count, 0)

    @property
    def is_full(self):
        """Every place is taken by an accepted volunteer."""
        return self.accepted_count >= self.places

    @property
    def is_open(self):
        """Its idea is still published, or its activity has not started, been held or cancelled."""
        if self.activity_id is not None:
            return self.activity.open_for_people
        return self.idea.is_published

    @property
    def takes_applications(self):
        """Open and not full: people can still offer to help (a full role takes no more offers)."""
        return self.is_open and not self.is_full


class SignUp(db.Model):
    """A person offers to help in a role; the idea's author (or a moderator) accepts or declines."""

    __tablename__ = "signups"
    __table_args__ = (
        CheckConstraint(
            "state IN ('applied', 'accepted', 'declined', 'withdrawn', 'attended', 'no_show')", name="signup_state_known"
        ),
        CheckConstraint("state NOT IN ('accepted', 'declined') OR decided_by_id IS NOT NULL", name="decision_has_decider"),
        CheckConstraint("state NOT IN ('attended', 'no_show') OR attendance_by_id IS NOT NULL", name="attendance_has_recorder"),
        CheckConstraint("minutes IS NULL OR (minutes >= 0 AND minutes <= 1440)", name="minutes_within_a_day"),
        Index(
            "uq_signups_active",
            "role_id",
            "user_id",
            unique=True,
            sqlite_where=text("state IN ('applied', 'accepted')"),
            postgresql_where=text("state IN ('applied', 'accepted')"),
        ),
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
    #: volunteer time confirmed by the coordinator when marking attendance (in minutes)
    minutes: Mapped[int | None] = mapped_column(Integer)
    attendance_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    attendance_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: the reminder the day before the shift or activity was queued (flask send-reminders)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)

    role: Mapped[VolunteerRole] = relationship()
    attendance_by: Mapped[User | None] = relationship(foreign_keys=[attendance_by_id])
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def hours(self):
        """The volunteer time confirmed by the coordinator, in hours, or None when not recorded."""
        return None if self.minutes is None else self.minutes / 60

    @property
    def state_label(self):
        """The sign-up's state in words for people (translated)."""
        return SignUpState.LABELS.get(self.state, self.state)

    @property
    def is_active(self):
        """Applied or accepted: the offer to help still stands."""
        return self.state in SignUpState.ACTIVE


#: the people a message to volunteers reached (kept with the message: notifications are purged after a while)
volunteer_message_recipients = Table(
    "volunteer_message_recipients",
    db.metadata,
    Column("message_id", Integer, ForeignKey("volunteer_messages.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class VolunteerMessage(db.Model):
    """An idea's author or a coordinator writes to the accepted volunteers (of one role, or of every role of an idea
    or activity); they read it in Kopiena and by mail, and nobody's address is shown to anyone."""

    __tablename__ = "volunteer_messages"
    __table_args__ = (CheckConstraint("idea_id IS NOT NULL OR activity_id IS NOT NULL", name="message_has_project"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: the project it is about; role_id empty: the volunteers of all its roles
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    role_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_roles.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    sender: Mapped[User | None] = relationship()
    idea = relationship("Idea")
    activity = relationship("Activity")
    role: Mapped[VolunteerRole | None] = relationship()
    recipients: Mapped[list[User]] = relationship(secondary=volunteer_message_recipients, order_by=User.id)

    @property
    def project(self):
        """The idea or the activity the message is about."""
        return self.activity if self.activity_id is not None else self.idea
