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
