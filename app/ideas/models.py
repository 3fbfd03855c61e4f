from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.centres.models import Centre
from app.extensions import db
from app.search_index import Searchable, index_for_search
from app.timeutil import utcnow

#: reports from this many different people hide an idea or a comment until a moderator looks at it
REPORTS_TO_HIDE = 3


def awaiting_review(thing):
    """Hidden by reports from several people (an idea or a comment), and no moderator has looked yet."""
    return thing.hidden_at is not None and thing.hidden_by_id is None and not thing.hidden_reason


class IdeaState:
    """The states of an idea; the allowed moves between them live in ideas/services.py (TRANSITIONS)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    CHANGES_REQUESTED = "changes_requested"
    DECLINED = "declined"
    PROMOTED = "promoted"
    ARCHIVED = "archived"
    ALL = (DRAFT, SUBMITTED, PUBLISHED, CHANGES_REQUESTED, DECLINED, PROMOTED, ARCHIVED)
    #: visible to everyone; the others only to the author and the centre's moderators
    PUBLIC = (PUBLISHED, PROMOTED, ARCHIVED)
    #: the author may change the text (and submit it again)
    EDITABLE_BY_AUTHOR = (DRAFT, CHANGES_REQUESTED)
    #: people may comment
    OPEN_FOR_COMMENTS = (PUBLISHED, PROMOTED)
    LABELS = {
        DRAFT: _l("Draft"),
        SUBMITTED: _l("Waiting for review"),
        PUBLISHED: _l("Published"),
        CHANGES_REQUESTED: _l("Changes requested"),
        DECLINED: _l("Declined"),
        PROMOTED: _l("Became an activity"),
        ARCHIVED: _l("Archived"),
    }


class IdeaKind:
    LOCAL_IMPROVEMENT = "local_improvement"
    SOCIAL_ENTERPRISE = "social_enterprise"
    ALL = (LOCAL_IMPROVEMENT, SOCIAL_ENTERPRISE)
    LABELS = {
        LOCAL_IMPROVEMENT: _l("Local improvement"),
        SOCIAL_ENTERPRISE: _l("Social enterprise"),
    }


#: age groups and subjects a school partner is sought for (stored as comma-separated codes)
AGE_GROUPS = {
    "preschool": _l("Pre-school (up to 6)"),
    "7-9": _l("Ages 7–9"),
    "10-12": _l("Ages 10–12"),
    "13-15": _l("Ages 13–15"),
    "16-18": _l("Ages 16–18"),
    "adults": _l("Adults"),
}
SUBJECTS = {
    "science": _l("Natural sciences"),
    "environment": _l("Environment"),
    "arts": _l("Arts and crafts"),
    "technology": _l("Design and technology"),
    "social": _l("Social studies and civics"),
    "languages": _l("Languages"),
    "history": _l("History and heritage"),
    "sport": _l("Sport and health"),
    "entrepreneurship": _l("Entrepreneurship"),
    "music": _l("Music"),
}


class Category(db.Model):
    """A theme of ideas (environment, culture, …), managed by admins, named in both languages."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name_lv: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    def name(self, language):
        """The category's name in this language (Latvian for "lv", English otherwise)."""
        return self.name_lv if language == "lv" else self.name_en


@index_for_search
class Idea(Searchable, db.Model):
    """A resident's idea for a local improvement or a social enterprise."""

    search_body_fields = ("summary", "description", "place")

    __tablename__ = "ideas"
    __table_args__ = (
        CheckConstraint(f"state IN {IdeaState.ALL!r}", name="state_known"),
        CheckConstraint(f"kind IN {IdeaKind.ALL!r}", name="kind_known"),
        CheckConstraint("support_count >= 0 AND comment_count >= 0", name="counts_not_negative"),
        # hidden by a moderator: the reason is always recorded
        CheckConstraint(
            "hidden_at IS NULL OR hidden_by_id IS NULL OR length(hidden_reason) > 0", name="idea_moderator_hide_has_reason"
        ),
        # the list pages: newest published first, per centre, by support
        Index("ix_ideas_state_published", "state", "published_at", "id"),
        Index("ix_ideas_state_supports", "state", "support_count", "id"),
        Index("ix_ideas_state_comments", "state", "comment_count", "id"),
        Index("ix_ideas_centre_state", "centre_id", "state", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(150))
    summary: Mapped[str] = mapped_column(String(300))
    #: Markdown as the author wrote it; rendered and sanitised when shown
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    #: materials, money and skills the idea needs, as free text (volunteer roles come separately)
    needs: Mapped[str] = mapped_column(Text, default="")
    seeking_school_partner: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    #: comma-separated codes of AGE_GROUPS and SUBJECTS
    partner_age_groups: Mapped[str] = mapped_column(String(200), default="")
    partner_subjects: Mapped[str] = mapped_column(String(300), default="")
    #: random file name of the re-encoded photo in the upload folder, outside static/
    image_name: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20), default=IdeaState.DRAFT)
    support_count: Mapped[int] = mapped_column(Integer, default=0)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: hidden by a moderator (hidden_by_id set) or by reports pending review (hidden_by_id empty), as comments are
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: reports not yet reviewed by a moderator
    open_report_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    hidden_by: Mapped[User | None] = relationship(foreign_keys=[hidden_by_id])
    category: Mapped[Category] = relationship()
    centre: Mapped[Centre] = relationship()
    events: Mapped[list["IdeaEvent"]] = relationship(back_populates="idea", order_by="IdeaEvent.id", cascade="all, delete-orphan")

    #: what this is, for pages and rules that take an idea or an activity (Activity.project_kind is "activity");
    #: not `kind`, which is the column for a local improvement or a social enterprise
    project_kind = "idea"

    @property
    def is_hidden(self):
        """Hidden, by a moderator or by several people's reports (app/ideas/reports.py)."""
        return self.hidden_at is not None

    @property
    def in_public_state(self):
        """Published, promoted or archived: public unless hidden (what may be reported, and hidden by a moderator)."""
        return self.state in IdeaState.PUBLIC

    @property
    def is_public(self):
        """Published, promoted or archived, and not hidden: everyone may see it, signed in or not.

        Every query listing public ideas says the same in SQL: state in IdeaState.PUBLIC and hidden_at IS NULL.
        """
        return self.state in IdeaState.PUBLIC and self.hidden_at is None

    @property
    def is_draft(self):
        """Only its author sees a draft; no moderator decides on it."""
        return self.state == IdeaState.DRAFT

    @property
    def is_published(self):
        """Published (and not yet promoted or archived) and not hidden: open for support, volunteers and promotion."""
        return self.state == IdeaState.PUBLISHED and self.hidden_at is None

    @property
    def is_promoted(self):
        """It became a centre activity."""
        return self.state == IdeaState.PROMOTED

    @property
    def editable_by_author(self):
        """A draft, or changes were requested: its author may change it."""
        return self.state in IdeaState.EDITABLE_BY_AUTHOR

    @property
    def open_for_comments(self):
        """Published or promoted, and not hidden: people may comment."""
        return self.state in IdeaState.OPEN_FOR_COMMENTS and self.hidden_at is None

    @property
    def awaiting_review(self):
        """Hidden by several people's reports, and no moderator has looked yet."""
        return awaiting_review(self)

    @property
    def open_for_partners(self):
        """It seeks a school partner and is published."""
        return bool(self.seeking_school_partner) and self.is_published

    @property
    def state_label(self):
        """The idea's state in words people read ("Waiting for review", "Became an activity", …)."""
        return IdeaState.LABELS[self.state]

    @property
    def changes_request(self):
        """The moderator's "changes requested" decision the author is answering now (an IdeaEvent), or None."""
        if self.state != IdeaState.CHANGES_REQUESTED:
            return None
        return next((e for e in reversed(self.events) if e.to_state == IdeaState.CHANGES_REQUESTED), None)

    @property
    def kind_label(self):
        """What kind of idea it is (a local improvement or a social enterprise), in words people read."""
        return IdeaKind.LABELS[self.kind]

    def age_group_codes(self):
        """The age groups (AGE_GROUPS codes) the idea suits, for the school partner it seeks."""
        return [code for code in self.partner_age_groups.split(",") if code]

    def subject_codes(self):
        """The school subjects (SUBJECTS codes) the idea relates to, for the school partner it seeks."""
        return [code for code in self.partner_subjects.split(",") if code]


class IdeaEvent(db.Model):
    """One step of an idea's life: who moved it from which state to which, when and why."""

    __tablename__ = "idea_events"
    __table_args__ = (
        # a decision against the author always tells them why
        CheckConstraint("to_state NOT IN ('declined', 'changes_requested') OR length(reason) > 0", name="decision_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_state: Mapped[str] = mapped_column(String(20), default="")
    to_state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    idea: Mapped[Idea] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class Support(db.Model):
    """One person supports one idea (at most once; never their own)."""

    __tablename__ = "supports"

    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Follow(db.Model):
    """A person gets notifications about an idea."""

    __tablename__ = "follows"

    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class IdeaReport(db.Model):
    """A person reports an idea as inappropriate; one report per person per idea (as comment reports)."""

    __tablename__ = "idea_reports"
    __table_args__ = (UniqueConstraint("idea_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: set when a moderator restores or confirms the hiding
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)

    reporter: Mapped[User] = relationship()
