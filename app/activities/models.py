"""Centre activities (planned by a coordinator, often grown from an idea) and the people registered for them."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import JSON, Boolean, CheckConstraint, DateTime, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.centres.models import Centre
from app.extensions import db
from app.ideas.models import AGE_GROUPS
from app.search_index import Searchable, index_for_search
from app.timeutil import utcnow


class ActivityState:
    """The states of an activity; the allowed moves live in activities/services.py (TRANSITIONS)."""

    PLANNED = "planned"
    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    ALL = (PLANNED, OPEN, COMPLETED, CANCELLED)
    #: still ahead: the coordinators can change it, and until it starts people can join and leave
    ACTIVE = (PLANNED, OPEN)
    #: who came can be recorded (once it has started) and corrected afterwards
    TAKING_ATTENDANCE = (OPEN, COMPLETED)
    LABELS = {
        PLANNED: _l("Planned"),
        OPEN: _l("Registration open"),
        COMPLETED: _l("Took place"),
        CANCELLED: _l("Cancelled"),
    }


class RegistrationState:
    """The states of a registration to take part in an activity."""

    REGISTERED = "registered"
    WAITING = "waiting"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    ALL = (REGISTERED, WAITING, CANCELLED, ATTENDED, NO_SHOW)
    #: a person has at most one of these per activity (partial unique index uq_registrations_active)
    ACTIVE = (REGISTERED, WAITING)
    #: these hold places of the activity (counted in Activity.registered_count)
    HOLDING_PLACES = (REGISTERED, ATTENDED, NO_SHOW)
    LABELS = {
        REGISTERED: _lp("registration state", "Registered"),
        WAITING: _l("On the waiting list"),
        CANCELLED: _l("Cancelled"),
        ATTENDED: _l("Took part"),
        NO_SHOW: _l("Did not come"),
    }


#: which registrations the unique indexes of registrations cover: a person's own, or a school's class
PERSONAL = "pupils IS NULL"
A_CLASS = "pupils IS NOT NULL"


@index_for_search
class Activity(Searchable, db.Model):
    """Something the centre does on a date: a workshop, a clean-up day; people register to take part."""

    search_body_fields = ("description", "place", "leader_name")

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint("state IN ('planned', 'open', 'completed', 'cancelled')", name="activity_state_known"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("comment_count >= 0", name="activity_comment_count_not_negative"),
        CheckConstraint("registered_count >= 0 AND registered_count <= capacity", name="registered_within_capacity"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("state <> 'cancelled' OR cancel_reason <> ''", name="cancellation_has_reason"),
        Index("ix_activities_centre_start", "centre_id", "starts_at"),
        Index("ix_activities_start", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(150))
    #: Markdown, rendered sanitised
    description: Mapped[str] = mapped_column(Text, default="")
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    place: Mapped[str] = mapped_column(String(200), default="")
    #: where on the map (optional; the place text is what people read first), as on ideas
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    #: in UTC
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    #: who leads it, as shown to people (e.g. "Inese Kalniņa, ceramics club")
    leader_name: Mapped[str] = mapped_column(String(120), default="")
    #: how many participants (the registered people and those they bring)
    capacity: Mapped[int] = mapped_column(Integer)
    #: places held by registrations, maintained with conditional UPDATEs (never counted by hand)
    registered_count: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(20), default=ActivityState.PLANNED)
    #: open for a school partner (copied from the idea on promotion), with the ages and subjects it suits
    #: (comma-separated codes of ideas.models.AGE_GROUPS and SUBJECTS)
    seeking_school_partner: Mapped[bool] = mapped_column(Boolean, default=False)
    partner_age_groups: Mapped[str] = mapped_column(String(200), default="")
    partner_subjects: Mapped[str] = mapped_column(String(300), default="")
    #: the idea this activity grew from (at most one activity per idea)
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="SET NULL"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    #: the outcome report (Markdown): what was made, who benefited
    outcome: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: the photo, carried over from its idea on promotion (random file name in the upload folder, as Idea.image_name)
    image_name: Mapped[str | None] = mapped_column(String(64))
    #: comments people can read (neither deleted nor hidden), maintained as Idea.comment_count is
    comment_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    centre: Mapped[Centre] = relationship()
    idea = relationship("Idea")
    created_by: Mapped[User | None] = relationship()
    photos: Mapped[list["ActivityPhoto"]] = relationship(
        back_populates="activity", order_by="ActivityPhoto.id", cascade="all, delete-orphan"
    )

    #: what this is, for pages and rules that take an idea or an activity (Idea.project_kind is "idea")
    project_kind = "activity"

    @property
    def state_label(self):
        """The activity's state in words for people (translated), e.g. "Registration open"."""
        return ActivityState.LABELS.get(self.state, self.state)

    @property
    def open_for_changes(self):
        """Planned or open: neither held nor cancelled, so its coordinators can still change it."""
        return self.state in ActivityState.ACTIVE

    @property
    def open_for_people(self):
        """Still changeable and not started: people can volunteer, and cancel their registration."""
        return self.open_for_changes and not self.has_started

    @property
    def registration_open(self):
        """Registration is open and the activity has not started: people can register."""
        return self.state == ActivityState.OPEN and not self.has_started

    @property
    def open_for_attendance(self):
        """Started (and open) or held: who came can be recorded or corrected."""
        return self.state in ActivityState.TAKING_ATTENDANCE and self.has_started

    @property
    def open_for_partners(self):
        """It seeks a school partner and is still ahead."""
        return bool(self.seeking_school_partner) and self.open_for_changes

    @property
    def is_completed(self):
        """It took place (marked as held by its coordinators)."""
        return self.state == ActivityState.COMPLETED

    @property
    def open_for_comments(self):
        """Planned, open or held: people may comment (thanks and photos talk after it took place);
        a cancelled activity's discussion is closed and stays readable."""
        return self.state != ActivityState.CANCELLED

    @property
    def is_cancelled(self):
        """Cancelled, with the reason everyone was told."""
        return self.state == ActivityState.CANCELLED

    @property
    def free_places(self):
        """How many places are still free to register for (never below zero)."""
        return max(self.capacity - self.registered_count, 0)

    @property
    def age_group_codes(self):
        """The codes of the school age groups the activity suits, for a school partner."""
        return [code for code in self.partner_age_groups.split(",") if code]

    @property
    def subject_codes(self):
        """The codes of the school subjects the activity relates to, for a school partner."""
        return [code for code in self.partner_subjects.split(",") if code]

    @property
    def has_started(self):
        """Its start time has passed: the activity is going on or over."""
        return self.starts_at <= utcnow()


class Registration(db.Model):
    """A person takes part in an activity, themselves and/or with people they bring (children: first name and age
    group), or a school's representative registers a class (a number of pupils and their teacher)."""

    __tablename__ = "registrations"
    __table_args__ = (
        CheckConstraint(
            "state IN ('registered', 'waiting', 'cancelled', 'attended', 'no_show')", name="registration_state_known"
        ),
        CheckConstraint("places >= 1", name="places_positive"),
        CheckConstraint("pupils IS NULL OR (pupils >= 1 AND places = pupils + 1)", name="class_places"),
        # One active registration per person and activity for themselves and the people they bring. A school's
        # classes are left out of it: a representative registers several classes of their school (and may still
        # come along privately); a class is one per school, label and activity instead, so a double-submitted
        # class form adds nothing, and two classes of one school are told apart by their labels ("6.a", "6.b").
        Index(
            "uq_registrations_active",
            "activity_id",
            "user_id",
            unique=True,
            sqlite_where=text(f"state IN ('registered', 'waiting') AND {PERSONAL}"),
            postgresql_where=text(f"state IN ('registered', 'waiting') AND {PERSONAL}"),
        ),
        Index(
            "uq_registrations_active_class",
            "activity_id",
            "organisation_id",
            "class_label",
            unique=True,
            sqlite_where=text(f"state IN ('registered', 'waiting') AND {A_CLASS}"),
            postgresql_where=text(f"state IN ('registered', 'waiting') AND {A_CLASS}"),
        ),
        Index("ix_registrations_activity_state", "activity_id", "state", "created_at"),
        Index("ix_registrations_user", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: the person takes part too (a parent may register only their children)
    includes_self: Mapped[bool] = mapped_column(Boolean, default=True)
    #: the people they bring, e.g. [{"name": "Līva", "age_group": "7-9"}]: a first name and a code of
    #: ideas.models.AGE_GROUPS ("" for those registered before the age group was asked). A plain list of dicts,
    #: never shown publicly: only to the person and the coordinators (flask purge and account deletion empty it)
    companions: Mapped[list] = mapped_column(JSON, default=list)
    #: places this registration takes: the person (if taking part) and their companions; a class: pupils + teacher
    places: Mapped[int] = mapped_column(Integer)
    #: a school class registered by a representative of its school (app/organisations/class_registrations.py):
    #: the number of pupils (NULL: a person's own registration), the teacher responsible, the class's label
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    pupils: Mapped[int | None] = mapped_column(Integer)
    responsible_teacher: Mapped[str] = mapped_column(String(120), default="", server_default="")
    class_label: Mapped[str] = mapped_column(String(40), default="", server_default="")
    state: Mapped[str] = mapped_column(String(20), default=RegistrationState.REGISTERED)
    #: the waiting list is served in this order
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: when it moved from the waiting list to registered
    promoted_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: attendance recorded by a coordinator
    attendance_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the reminder the day before was queued (flask send-reminders)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)

    activity: Mapped[Activity] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    #: by name: organisations sit above activities, which never import them
    organisation = relationship("Organisation")

    @property
    def state_label(self):
        """The registration's state in words for people (translated)."""
        return RegistrationState.LABELS.get(self.state, self.state)

    @property
    def people_brought(self):
        """The people they bring as (first name, age group in words, "" when not known), for them and the coordinators."""
        people = (item if isinstance(item, dict) else {"name": str(item)} for item in self.companions or ())
        return [(person.get("name", ""), AGE_GROUPS.get(person.get("age_group", ""), "")) for person in people]

    @property
    def is_class(self):
        """A school class registered by its school's representative (pupils and their teacher)."""
        return self.pupils is not None

    @property
    def class_name(self):
        """The class as coordinators read it: "Preiļu 1. pamatskola, 6.b" (the school's name alone without a label)."""
        school = self.organisation.name if self.organisation is not None else _l("a school")
        return f"{school}, {self.class_label}" if self.class_label else str(school)

    @property
    def is_active(self):
        """Registered or on the waiting list: not cancelled, and attendance not recorded yet."""
        return self.state in RegistrationState.ACTIVE

    @property
    def cancellable(self):
        """Registered or waiting, for an activity still ahead that has not started: the person may cancel."""
        return self.is_active and self.activity.open_for_people


class ActivityPhoto(db.Model):
    """A photo of the outcome report (re-encoded like idea photos, stored outside static/)."""

    __tablename__ = "activity_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    image_name: Mapped[str] = mapped_column(String(64))
    #: what the photo shows, read out by screen readers
    caption: Mapped[str] = mapped_column(String(200), default="")
    #: the coordinator who confirmed that the people shown agreed (and no child is recognisable without a
    #: parent's consent), and when
    consent_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    consent_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    activity: Mapped[Activity] = relationship(back_populates="photos")


class CalendarFeed(db.Model):
    """A person's private calendar address (their registrations and shifts); a new token revokes the old one.

    The token is kept as it is (not hashed) so the person can copy the address again from their page,
    as calendar services do with secret addresses: it opens a read-only list of dates, nothing more.
    """

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()
