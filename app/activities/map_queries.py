"""Reading the activities for the map of activities (/activities?view=map): the list's own choice (coming up or
past, one centre, a search), only those with a place on the map, in the list's order, at most a cap of them: one statement."""

from sqlalchemy import select
from sqlalchemy.orm import load_only

from app.activities.models import Activity, ActivityState
from app.activities.queries import list_choice
from app.extensions import db
from app.i18n import format_datetime
from app.maps import MapPoint, address_maker


def popup_line(activity):
    """What the popup says under the title: when (local date and time) and where, and "cancelled" if it is."""
    parts = [format_datetime(activity.starts_at)]
    if activity.place:
        parts.append(activity.place)
    if activity.state == ActivityState.CANCELLED:
        parts.append(str(activity.state_label))
    return " · ".join(parts)


def activity_points(when, centre_id, limit, search=None, now=None):
    """(the map's points, whether more activities matched than `limit`): the activities the list shows for this
    choice (queries.list_choice: the soonest coming up, or the latest past; a search) that have coordinates, the
    first `limit` of them. One statement."""
    conditions, ordering = list_choice(when, centre_id, search, now)
    shown = (Activity.title, Activity.place, Activity.state, Activity.starts_at, Activity.latitude, Activity.longitude)
    on_earth = (Activity.latitude.between(-90, 90), Activity.longitude.between(-180, 180))
    query = select(Activity).options(load_only(*shown)).where(*on_earth, *conditions).order_by(*ordering)
    activities = db.session.scalars(query.limit(limit + 1)).all()
    address_of = address_maker("activities.activity_detail", "activity_id")
    points = [
        MapPoint(
            latitude=activity.latitude,
            longitude=activity.longitude,
            title=activity.title,
            url=address_of(activity.id),
            line=popup_line(activity),
        )
        for activity in activities[:limit]
    ]
    return points, len(activities) > limit
