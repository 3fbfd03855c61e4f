from datetime import datetime

from flask_babel import gettext as _
from flask_login import UserMixin
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.centres.models import Centre
from app.extensions import db
from app.timeutil import utcnow

#: from this age (the age turned this year) a person's full name may be shown publicly
ADULT_NAME_AGE = 16


def first_name_and_initial(name):
    """ "Anna Bērziņa" → "Anna B."; a single word stays as it is."""
    words = name.split()
    if len(words) < 2:
        return name
    return f"{words[0]} {words[-1][0]}."


moderator_centres = Table(
    "moderator_centres",
    db.metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("centre_id", Integer, ForeignKey("centres.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    """A person with an account. Every account is a resident; some are moderators or admins."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stored lower-cased; never shown publicly
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(5), default="lv")
    home_centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id", ondelete="SET NULL"))
    about: Mapped[str] = mapped_column(Text, default="")
    skills: Mapped[str] = mapped_column(String(500), default="")
    interests: Mapped[str] = mapped_column(String(500), default="")
    #: the person chose to show a public profile page (name, about, skills; never the e-mail address)
    profile_public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: a suspended person cannot log in; their sessions are ended when this is set
    suspended_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: e-mail about answers to one's own ideas (comments, decisions): immediately, daily or off
    email_own_ideas: Mapped[str] = mapped_column(String(12), default="immediately", server_default="immediately")
    #: e-mail about everything else (followed ideas, replies, promotions): immediately, daily or off
    email_other: Mapped[str] = mapped_column(String(12), default="daily", server_default="daily")
    #: when the last daily digest was sent, so the next one starts there
    last_digest_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: when the last moderator digest (waiting ideas, reported comments) was sent: one a day at most
    last_moderator_digest_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: given at registration by people younger than 16 (empty: the person said they are 16 or older);
    #: a person counts as the age they turn this year, as schools count classes
    birth_year: Mapped[int | None] = mapped_column(Integer)
    #: the person deleted their account: personal data is gone, contributions show "former member"
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)

    home_centre: Mapped[Centre | None] = relationship()
    moderated_centres: Mapped[list[Centre]] = relationship(secondary=moderator_centres, order_by=Centre.name)
    #: the organisations this person is an approved representative of (read-only; see organisations/services.py)
    representations = relationship(
        "Representative", viewonly=True, primaryjoin="and_(Representative.user_id == User.id, Representative.state == 'approved')"
    )

    #: the raw token of the session this object was loaded for (not stored); Flask-Login keeps it
    #: in the cookie instead of the user id, so ending the session in the database ends the cookie
    session_token = None

    def get_id(self):
        """What Flask-Login keeps in the cookie: the raw token of this session, not the user id."""
        return self.session_token

    @property
    def is_active(self):
        """False once the person is suspended or the account deleted: no log-in, no sessions, no notifications."""
        return self.suspended_at is None and self.deleted_at is None

    @property
    def is_deleted(self):
        """The account was deleted: nothing personal is left, only the contributions."""
        return self.deleted_at is not None

    @property
    def is_young_teen(self):
        """13–15 this year: such a person's name is shown publicly only as first name and initial."""
        return self.birth_year is not None and utcnow().year - self.birth_year < ADULT_NAME_AGE

    @property
    def has_public_profile(self):
        """Others may open the person's profile page: they chose to show it, are 16 or older, and the account is active."""
        return bool(self.profile_public) and self.is_active and not self.is_young_teen

    @property
    def full_name(self):
        """The name as the person gave it, for the person and the coordinators; "former member" once deleted."""
        return _("former member") if self.is_deleted else self.display_name

    @property
    def public_name(self):
        """The name shown to everyone else: "Anna K." for people under 16, "former member" once deleted."""
        if self.is_deleted:
            return _("former member")
        if self.is_young_teen:
            return first_name_and_initial(self.display_name)
        return self.display_name

    @property
    def is_confirmed(self):
        """Whether the person has confirmed their e-mail address; until then they cannot log in."""
        return self.email_confirmed_at is not None

    def moderates(self, centre_id):
        """True when this person may moderate the given centre (admins moderate every centre)."""
        return self.is_admin or any(c.id == centre_id for c in self.moderated_centres)

    def represents(self, organisation_id):
        """True when this person is an approved representative of the organisation."""
        return any(r.organisation_id == organisation_id for r in self.representations)

    @property
    def is_moderator(self):
        """Whether the person moderates at least one centre or is an admin."""
        return self.is_admin or bool(self.moderated_centres)

    def __repr__(self):
        return f"<User {self.id}>"


class UserSession(db.Model):
    """One signed-in browser. Deleting the row ends that session, whatever the cookie says."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token in the cookie, so a copy of the database cannot be used to sign in
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)

    user: Mapped[User] = relationship()


class PasswordResetToken(db.Model):
    """A single-use, time-limited password reset link."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()
