"""Reading the ideas for the map of ideas (/ideas?view=map): the list's own filters, only public ideas with a place
on the map, the newest first, at most a cap of them, in one SQL statement."""

from sqlalchemy import select

from app.centres.models import Centre
from app.extensions import db
from app.ideas.list_queries import list_conditions
from app.ideas.models import Category, Idea, IdeaState
from app.maps import MapPoint, address_maker


def map_conditions(filters):
    """WHERE conditions of the map: the list's (list_conditions) and a usable coordinate."""
    return [*list_conditions(filters), Idea.latitude.between(-90, 90), Idea.longitude.between(-180, 180)]


def idea_points(filters, limit, language):
    """(the map's points, whether more ideas matched than `limit`): the newest `limit` ideas the list with these
    filters holds that have coordinates, each with its category and state as the popup's line. One statement."""
    rows = db.session.execute(
        select(
            Idea.id,
            Idea.title,
            Idea.state,
            Idea.latitude,
            Idea.longitude,
            Category.name_lv,
            Category.name_en,
        )
        .join(Category, Category.id == Idea.category_id)
        .where(*map_conditions(filters))
        .order_by(Idea.published_at.desc(), Idea.id.desc())
        .limit(limit + 1)
    ).all()
    address_of = address_maker("ideas.idea_detail", "idea_id")
    state_labels = {state: str(label) for state, label in IdeaState.LABELS.items()}  # translated once, not per point
    points = [
        MapPoint(
            latitude=row.latitude,
            longitude=row.longitude,
            title=row.title,
            url=address_of(row.id),
            line=f"{row.name_lv if language == 'lv' else row.name_en} · {state_labels[row.state]}",
        )
        for row in rows[:limit]
    ]
    return points, len(rows) > limit


def centre_location(centre_id):
    """The centre with this id as (latitude, longitude) attributes, for the map to open on; None without one."""
    if centre_id is None:
        return None
    return db.session.execute(select(Centre.latitude, Centre.longitude).where(Centre.id == centre_id)).first()
