"""Rows of the legal pages for tests (tests/factories.py is full): stored versions and consents."""

from app.legal.documents import default_text
from app.legal.models import Consent, LegalDocument
from app.timeutil import utcnow
from tests.factories import id_of, saved


def make_legal_version(slug="terms", version=2, asks_consent=False, author=None, body=None, store_default=True):
    """A published version of a page (its own texts unless given); the default text is stored as version 1 first,
    as the first publication through the admin page does."""
    if store_default and version > 1:
        title_lv, body_lv = default_text(slug, "lv")
        title_en, body_en = default_text(slug, "en")
        saved(LegalDocument(slug=slug, version=1, title_lv=title_lv, title_en=title_en, body_lv=body_lv, body_en=body_en))
    return saved(
        LegalDocument(
            slug=slug,
            version=version,
            title_lv=f"Noteikumi {version}",
            title_en=f"Terms {version}",
            body_lv=body or f"Jaunā versija {version}.",
            body_en=body or f"New version {version}.",
            asks_consent=asks_consent,
            created_by_id=id_of(author),
            created_at=utcnow(),
        )
    )


def make_consent(user, document="terms", version=1):
    """The person accepted this version of the document (now)."""
    return saved(Consent(user_id=user.id, document=document, version=version, accepted_at=utcnow()))
