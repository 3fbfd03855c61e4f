"""Creating and changing centres (admins only)."""

from sqlalchemy import select

from app.audit.services import record_audit
from app.centres.models import Centre
from app.errors import DomainError, NotAllowed
from app.extensions import db
from app.permissions import can_manage_centres

#: the centres of the "Active Communities" initiative: short name, name, municipality, (latitude, longitude)
INITIATIVE_CENTRES = [
    ("preili", "Preiļi", "Preiļu novads", (56.2942, 26.7247)),
    ("aglona", "Aglona", "Preiļu novads", (56.1306, 27.0069)),
    ("rezekne", "Rēzekne", "Rēzeknes novads", (56.5099, 27.3332)),
    ("daugavpils", "Daugavpils", "Daugavpils valstspilsēta", (55.8747, 26.5362)),
]


class SlugTaken(DomainError):
    """Another centre already uses this short name."""


def check_slug_free(slug, centre=None):
    """Raise SlugTaken when another centre already uses this short name."""
    other = db.session.scalar(select(Centre).where(Centre.slug == slug))
    if other is not None and other is not centre:
        raise SlugTaken()


def create_centre(actor, name, municipality, slug, is_active=True, coordinates=(None, None)):
    """Add a centre (admins only), with its (latitude, longitude) on the map or none, recorded in the audit log."""
    if not can_manage_centres(actor):
        raise NotAllowed()
    check_slug_free(slug)
    latitude, longitude = coordinates
    centre = Centre(
        name=name.strip(),
        municipality=municipality.strip(),
        slug=slug,
        is_active=is_active,
        latitude=latitude,
        longitude=longitude,
    )
    db.session.add(centre)
    db.session.flush()
    record_audit("centre.created", actor=actor, subject=centre, centre_id=centre.id, name=centre.name)
    return centre


def update_centre(actor, centre, name, municipality, slug, is_active, coordinates=None):
    """Change a centre's names, short name, whether it is active, and (given) its (latitude, longitude) on the map
    ((None, None) for none), admins only, recorded in the audit log."""
    if not can_manage_centres(actor):
        raise NotAllowed()
    check_slug_free(slug, centre)
    centre.name, centre.municipality, centre.slug, centre.is_active = name.strip(), municipality.strip(), slug, is_active
    if coordinates is not None:
        centre.latitude, centre.longitude = coordinates
    record_audit("centre.updated", actor=actor, subject=centre, centre_id=centre.id, name=centre.name, is_active=is_active)
    return centre


def seed_initiative_centres():
    """Add the initiative's four centres where missing, and their map positions where they have none; return how many
    were added."""
    existing = {centre.slug: centre for centre in db.session.scalars(select(Centre))}
    added = 0
    for slug, name, municipality, (latitude, longitude) in INITIATIVE_CENTRES:
        centre = existing.get(slug)
        if centre is None:
            db.session.add(
                Centre(slug=slug, name=name, municipality=municipality, is_active=True, latitude=latitude, longitude=longitude)
            )
            added += 1
        elif centre.latitude is None and centre.longitude is None:
            centre.latitude, centre.longitude = latitude, longitude
    return added
