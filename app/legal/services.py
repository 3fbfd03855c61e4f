"""Publishing a version of a legal page and recording what people accepted. The route commits."""

from sqlalchemy import select

from app.audit.services import record_audit
from app.errors import DomainError, NotAllowed
from app.extensions import db
from app.legal.documents import CONSENT_SLUGS, SLUGS
from app.legal.models import Consent, LegalDocument
from app.legal.queries import current_document, current_versions
from app.permissions import can_manage_legal_pages
from app.timeutil import utcnow


class StaleVersion(DomainError):
    """Another version of the page was published while this one was being edited."""


def same_texts(document, texts):
    """Whether the version has these (title_lv, title_en, body_lv, body_en), spaces around them aside."""
    stored = (document.title_lv, document.title_en, document.body_lv, document.body_en)
    return tuple(part.strip() for part in stored) == tuple(part.strip() for part in texts)


def publish_document(actor, slug, title_lv, title_en, body_lv, body_en, asks_consent=False, based_on=None):
    """Add a new version of a page (a version is never changed); audited. Returns it, or None when nothing changed.

    based_on: the version the admin started from; when another one was published meanwhile, StaleVersion (their
    text is not lost: the route shows the form again). Sending the same text twice (a double click) adds nothing.
    Only the terms and the privacy notice can ask people to accept the new version at their next log-in.
    The default text is stored as version 1 first, so the history keeps what people accepted before.
    """
    if not can_manage_legal_pages(actor):
        raise NotAllowed()
    if slug not in SLUGS:
        raise ValueError(f"not a legal page: {slug!r}")
    texts = (title_lv, title_en, body_lv, body_en)
    current = current_document(slug)
    if same_texts(current, texts):
        return None
    if based_on is not None and based_on != current.version:
        raise StaleVersion()
    if current.id is None:
        db.session.add(current)
    document = LegalDocument(
        slug=slug,
        version=current.version + 1,
        title_lv=title_lv.strip(),
        title_en=title_en.strip(),
        body_lv=body_lv.strip() + "\n",
        body_en=body_en.strip() + "\n",
        asks_consent=bool(asks_consent) and slug in CONSENT_SLUGS,
        created_by_id=actor.id,
        created_at=utcnow(),
    )
    db.session.add(document)
    db.session.flush()
    record_audit(
        "legal.published", actor=actor, subject=document, slug=slug, version=document.version, asks_consent=document.asks_consent
    )
    return document


def record_consents(user_id, slugs=CONSENT_SLUGS):
    """Record that the person accepted the current version of each page, now (a version accepted before is kept once)."""
    versions = current_versions(slugs)
    already = set(
        db.session.execute(
            select(Consent.document, Consent.version).where(Consent.user_id == user_id, Consent.document.in_(slugs))
        ).all()
    )
    now = utcnow()
    added = [
        Consent(user_id=user_id, document=slug, version=version, accepted_at=now)
        for slug, version in versions.items()
        if (slug, version) not in already
    ]
    db.session.add_all(added)
    return added
