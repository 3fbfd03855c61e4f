"""Reading the legal pages (the newest version, or the default text while there is none) and what people accepted."""

from sqlalchemy import func, select

from app.extensions import db
from app.legal.documents import CONSENT_SLUGS, SLUGS, default_document
from app.legal.models import Consent, LegalDocument


def current_document(slug):
    """The version of a page shown now: the newest stored one, else the default text as version 1."""
    row = db.session.scalar(
        select(LegalDocument).where(LegalDocument.slug == slug).order_by(LegalDocument.version.desc()).limit(1)
    )
    return row or default_document(slug)


def current_documents():
    """{slug: the version shown now} for every page, in one statement."""
    newest = select(LegalDocument.slug, func.max(LegalDocument.version).label("version")).group_by(LegalDocument.slug).subquery()
    rows = db.session.scalars(
        select(LegalDocument).join(newest, (LegalDocument.slug == newest.c.slug) & (LegalDocument.version == newest.c.version))
    ).all()
    stored = {row.slug: row for row in rows}
    return {slug: stored.get(slug) or default_document(slug) for slug in SLUGS}


def current_versions(slugs):
    """{slug: the number of the version shown now} (1 while only the default text exists)."""
    stored = dict(
        db.session.execute(
            select(LegalDocument.slug, func.max(LegalDocument.version))
            .where(LegalDocument.slug.in_(slugs))
            .group_by(LegalDocument.slug)
        ).all()
    )
    return {slug: stored.get(slug, 1) for slug in slugs}


def versions_of(slug):
    """Every version of a page, newest first (only the default text while none is stored)."""
    rows = db.session.scalars(
        select(LegalDocument).where(LegalDocument.slug == slug).order_by(LegalDocument.version.desc())
    ).all()
    return rows or [default_document(slug)]


def version_of(slug, number):
    """One version of a page, or None when there is no such version."""
    return next((document for document in versions_of(slug) if document.version == number), None)


def due_documents(user_id):
    """The pages (terms, privacy) the person must accept again: a newer version asks for it than they accepted.

    Two small grouped statements, run at log-in only (the answer is kept in the signed session).
    People who never accepted anything (accounts older than the consent step) are asked too once a version asks.
    """
    asking = dict(
        db.session.execute(
            select(LegalDocument.slug, func.max(LegalDocument.version))
            .where(LegalDocument.asks_consent.is_(True), LegalDocument.slug.in_(CONSENT_SLUGS))
            .group_by(LegalDocument.slug)
        ).all()
    )
    if not asking:
        return []
    accepted = dict(
        db.session.execute(
            select(Consent.document, func.max(Consent.version)).where(Consent.user_id == user_id).group_by(Consent.document)
        ).all()
    )
    return [slug for slug in CONSENT_SLUGS if slug in asking and accepted.get(slug, 0) < asking[slug]]


def consents_of(user_id):
    """The person's consent records, newest first."""
    return db.session.scalars(
        select(Consent).where(Consent.user_id == user_id).order_by(Consent.accepted_at.desc(), Consent.id.desc())
    ).all()
