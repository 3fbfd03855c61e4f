"""Versioned legal pages (Markdown in both languages) and each person's acceptance of a version."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow


class LegalDocument(db.Model):
    """One version of a legal page; an admin's edit adds a version, the newest is the one shown."""

    __tablename__ = "legal_documents"
    __table_args__ = (UniqueConstraint("slug", "version", name="uq_legal_documents_slug_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: privacy, terms, accessibility, contact or cookies
    slug: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    title_lv: Mapped[str] = mapped_column(String(150))
    title_en: Mapped[str] = mapped_column(String(150))
    #: Markdown, rendered sanitised
    body_lv: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text)
    #: people who accepted an earlier version are asked to accept this one at their next log-in
    asks_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    #: the admin who published it (None for the default text); by name, as the accounts layer sits above this one
    created_by = relationship("User")


class Consent(db.Model):
    """A person accepted a version of the terms or the privacy notice, at a time."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    document: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    accepted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
