"""Creating and changing centres (admins only)."""

from sqlalchemy import select

from app.audit.services import record_audit
from app.centres.models import Centre
from app.errors import DomainError, NotAllowed
from app.extensions import db
from app.permissions import can_manage_centres

#: the centres of the "Active Communities" initiative
INITIATIVE_CENTRES = [
    ("preili", "Preiļi", "Preiļu novads"),
    ("aglona", "Aglona", "Preiļu novads"),
    ("rezekne", "Rēzekne", "Rēzeknes novads"),
    ("daugavpils", "Daugavpils", "Daugavpils valstspilsēta"),
]


class SlugTaken(DomainError):
    """Another centre already uses this short name."""


def check_slug_free(slug, centre=None):
    """Raise SlugTaken when another centre already uses this short name."""
    other = db.session.scalar(select(Centre).where(Centre.slug == slug))
    if other is not None and other is not centre:
        raise SlugTaken()


def create_centre(actor, name, municipality, slug, is_active=True):
    """Add a centre (admins only), recorded in the audit log."""
    if not can_manage_centres(actor):
        raise NotAllowed()
    check_slug_free(slug)
    centre = Centre(name=name.strip(), municipality=municipality.strip(), slug=slug, is_active=is_active)
    db.session.add(centre)
    db.session.flush()
    record_audit("centre.created", actor=actor, subject=centre, centre_id=centre.id, name=centre.name)
    return centre


def update_centre(actor, centre, name, municipality, slug, is_active):
    """Change a centre's names, short name or whether it is active (admins only), recorded in the audit log."""
    if not can_manage_centres(actor):
        raise NotAllowed()
    check_slug_free(slug, centre)
    centre.name, centre.municipality, centre.slug, centre.is_active = name.strip(), municipality.strip(), slug, is_active
    record_audit("centre.updated", actor=actor, subject=centre, centre_id=centre.id, name=centre.name, is_active=is_active)
    return centre


def seed_initiative_centres():
    """Add the initiative's four centres where missing; return how many were added."""
    existing = set(db.session.scalars(select(Centre.slug)))
    added = 0
    for slug, name, municipality in INITIATIVE_CENTRES:
        if slug not in existing:
            db.session.add(Centre(slug=slug, name=name, municipality=municipality, is_active=True))
            added += 1
    return added
