"""Organisations (schools, NGOs, institutions…) and their representatives."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.centres.models import Centre
from app.extensions import db
from app.search_index import Searchable, index_for_search
from app.timeutil import utcnow


class OrganisationType:
    SCHOOL = "school"
    KINDERGARTEN = "kindergarten"
    NGO = "ngo"
    MUNICIPAL = "municipal"
    BUSINESS = "business"
    MEDIA = "media"
    OTHER = "other"
    ALL = (SCHOOL, KINDERGARTEN, NGO, MUNICIPAL, BUSINESS, MEDIA, OTHER)
    #: the types that answer "seeking a school partner"
    SCHOOLS = (SCHOOL, KINDERGARTEN)
    LABELS = {
        SCHOOL: _l("School"),
        KINDERGARTEN: _l("Kindergarten"),
        NGO: _l("NGO"),
        MUNICIPAL: _l("Municipal institution"),
        BUSINESS: _l("Business"),
        MEDIA: _l("Local media"),
        OTHER: _l("Other"),
    }


@index_for_search
class Organisation(Searchable, db.Model):
    """A school, NGO, municipal institution, business or local medium taking part through its representatives."""

    search_title_field = "name"

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('school', 'kindergarten', 'ngo', 'municipal', 'business', 'media', 'other')", name="organisation_kind_known"
        ),
        CheckConstraint("verified_at IS NULL OR verified_by_id IS NOT NULL", name="verification_has_verifier"),
        Index("ix_organisations_centre_kind", "centre_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(20))
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    #: Markdown, rendered sanitised
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    #: shown only to its representatives and partners and the centre's coordinators (partnerships.queries.can_see_contacts)
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    logo_name: Mapped[str | None] = mapped_column(String(64))
    #: a moderator of the centre checked that the organisation is real (the badge)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    centre: Mapped[Centre] = relationship()
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])

    @property
    def kind_label(self):
        """The organisation's type in words people read (School, NGO, Local media, …)."""
        return OrganisationType.LABELS.get(self.kind, self.kind)

    @property
    def is_verified(self):
        """A moderator of its centre checked that the organisation is real (the "Verified" badge)."""
        return self.verified_at is not None

    @property
    def is_school(self):
        """A school or a kindergarten: the kinds that answer an idea seeking a school partner."""
        return self.kind in OrganisationType.SCHOOLS


class MembershipState:
    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"
    LEFT = "left"
    ALL = (REQUESTED, APPROVED, DECLINED, LEFT)
    ACTIVE = (REQUESTED, APPROVED)
    LABELS = {
        REQUESTED: _l("Asked to represent"),
        APPROVED: _l("Representative"),
        DECLINED: _l("Declined"),
        LEFT: _l("No longer a representative"),
    }


class Representative(db.Model):
    """A person acting for an organisation: asked for, then approved by a representative or a moderator."""

    __tablename__ = "representatives"
    __table_args__ = (
        CheckConstraint("state IN ('requested', 'approved', 'declined', 'left')", name="membership_state_known"),
        CheckConstraint("state NOT IN ('approved', 'declined') OR decided_by_id IS NOT NULL", name="decision_has_decider"),
        Index(
            "uq_representatives_active",
            "organisation_id",
            "user_id",
            unique=True,
            sqlite_where=text("state IN ('requested', 'approved')"),
            postgresql_where=text("state IN ('requested', 'approved')"),
        ),
        Index("ix_representatives_user", "user_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: e.g. "class teacher of grade 6"
    message: Mapped[str] = mapped_column(Text, default="")
    #: the person agreed to be named on the organisation's public page (otherwise only counted)
    named_publicly: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    state: Mapped[str] = mapped_column(String(20), default=MembershipState.REQUESTED)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def state_label(self):
        """Where the request to represent stands, in words people read (Asked to represent, Representative, …)."""
        return MembershipState.LABELS.get(self.state, self.state)
