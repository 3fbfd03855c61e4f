"""Partnerships: an organisation working with an idea or an activity, offered by one side and accepted by the other."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import db
from app.organisations.models import Organisation, PartnerCall
from app.timeutil import utcnow


class PartnershipState:
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    ALL = (OFFERED, ACCEPTED, DECLINED, WITHDRAWN)
    ACTIVE = (OFFERED, ACCEPTED)
    LABELS = {OFFERED: _l("Offered"), ACCEPTED: _l("Partner"), DECLINED: _l("Declined"), WITHDRAWN: _l("Withdrawn")}


class Partnership(db.Model):
    """An organisation ↔ an idea or activity. Offered by the organisation (an offer), or asked of it by the idea's
    author in answer to its partner call (an invitation); the other side accepts or declines."""

    __tablename__ = "partnerships"
    __table_args__ = (
        CheckConstraint("state IN ('offered', 'accepted', 'declined', 'withdrawn')", name="partnership_state_known"),
        CheckConstraint("direction IN ('offer', 'invitation')", name="direction_known"),
        CheckConstraint("idea_id IS NOT NULL OR activity_id IS NOT NULL", name="partnership_has_project"),
        CheckConstraint("state NOT IN ('accepted', 'declined') OR decided_by_id IS NOT NULL", name="decision_has_decider"),
        Index(
            "uq_partnerships_active_idea",
            "organisation_id",
            "idea_id",
            unique=True,
            sqlite_where=text("state IN ('offered', 'accepted') AND activity_id IS NULL"),
            postgresql_where=text("state IN ('offered', 'accepted') AND activity_id IS NULL"),
        ),
        Index(
            "uq_partnerships_active_activity",
            "organisation_id",
            "activity_id",
            unique=True,
            sqlite_where=text("state IN ('offered', 'accepted') AND activity_id IS NOT NULL"),
            postgresql_where=text("state IN ('offered', 'accepted') AND activity_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    #: the idea it was made for (kept after the idea became an activity)
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    #: set when it belongs to an activity (made there, or carried over when the idea was promoted)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    #: the partner call an invitation answers
    partner_call_id: Mapped[int | None] = mapped_column(ForeignKey("partner_calls.id", ondelete="SET NULL"))
    #: "offer": the organisation offers itself; "invitation": the idea's author asks the organisation
    direction: Mapped[str] = mapped_column(String(20), default="offer")
    message: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default=PartnershipState.OFFERED)
    offered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    idea = relationship("Idea")
    activity = relationship("Activity")
    partner_call: Mapped[PartnerCall | None] = relationship()
    offered_by: Mapped[User | None] = relationship(foreign_keys=[offered_by_id])

    @property
    def state_label(self):
        return PartnershipState.LABELS.get(self.state, self.state)

    @property
    def is_active(self):
        return self.state in PartnershipState.ACTIVE

    @property
    def is_accepted(self):
        """Both sides agreed: the partnership is public."""
        return self.state == PartnershipState.ACCEPTED
