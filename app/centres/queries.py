"""Reading centres."""

from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.centres.models import Centre
from app.extensions import db


def active_centres():
    """The centres open for new people and content, by name."""
    return db.session.scalars(select(Centre).where(Centre.is_active.is_(True)).order_by(Centre.name)).all()


def all_centres():
    """Every centre, the active ones first, then by name."""
    return db.session.scalars(select(Centre).order_by(Centre.is_active.desc(), Centre.name)).all()


def centre_choices(centres):
    """Choices for a select field."""
    return [SelectChoice(centre.id, centre.name) for centre in centres]


def centre_positions():
    """{centre id (text): [latitude, longitude]} of the centres with a map position: where a location picker opens."""
    rows = db.session.execute(
        select(Centre.id, Centre.latitude, Centre.longitude).where(Centre.latitude.is_not(None), Centre.longitude.is_not(None))
    )
    return {str(centre_id): [latitude, longitude] for centre_id, latitude, longitude in rows}
