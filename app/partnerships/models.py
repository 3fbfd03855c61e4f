"""Partner calls (what an organisation seeks a partner for) and partnerships: an organisation working with an idea
or an activity, offered by one side and accepted by the other."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.centres.models import Centre
from app.extensions import db
from app.organisations.models import Organisation
from app.search_index import Searchable, index_for_search
from app.timeutil import utcnow


class PartnerCallState:
    OPEN = "open"
    MATCHED = "matched"
    CLOSED = "closed"
    ALL = (OPEN, MATCHED, CLOSED)
    LABELS = {OPEN: _l("Looking for a partner"), MATCHED: _l("Partner found"), CLOSED: _l("Closed")}


@index_for_search
class PartnerCall(Searchable, db.Model):
    """What an organisation (usually a school) seeks a community partner for: topic, ages, subjects, period."""

    __tablename__ = "partner_calls"
    __table_args__ = (
        CheckConstraint("state IN ('open', 'matched', 'closed')", name="call_state_known"),
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="period_in_order"),
        Index("ix_partner_calls_state_centre", "state", "centre_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    title: Mapped[str] = mapped_column(String(150))
    #: Markdown: what the project is about, what the partner would do
    description: Mapped[str] = mapped_column(Text, default="")
    #: comma-separated codes of ideas.models.AGE_GROUPS and SUBJECTS (as on ideas)
    age_groups: Mapped[str] = mapped_column(String(200), default="")
    subjects: Mapped[str] = mapped_column(String(300), default="")
    #: the period the project should happen in
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    #: who to talk to, e.g. "Ilze Liepa, class teacher of grade 6" (contact details stay on the organisation)
    contact_person: Mapped[str] = mapped_column(String(150), default="")
    state: Mapped[str] = mapped_column(String(20), default=PartnerCallState.OPEN)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    centre: Mapped[Centre] = relationship()

    @property
    def state_label(self):
        """Where the call stands, in words people read (Looking for a partner, Partner found, Closed)."""
        return PartnerCallState.LABELS.get(self.state, self.state)

    @property
    def is_open(self):
        """Still looking for a partner: organisations can be invited through it."""
        return self.state == PartnerCallState.OPEN

    @property
    def age_group_codes(self):
        """The age groups (AGE_GROUPS codes) the call seeks a partner for."""
        return [code for code in self.age_groups.split(",") if code]

    @property
    def subject_codes(self):
        """The school subjects (SUBJECTS codes) the call's project is about."""
        return [code for code in self.subjects.split(",") if code]


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
        """Where the partnership stands, in words people read (Offered, Partner, Declined, Withdrawn)."""
        return PartnershipState.LABELS.get(self.state, self.state)

    @property
    def is_active(self):
        """Offered or accepted: the organisation cannot be offered or invited to the same project again."""
        return self.state in PartnershipState.ACTIVE

    @property
    def is_accepted(self):
        """Both sides agreed: the partnership is public."""
        return self.state == PartnershipState.ACCEPTED
