"""The compare-and-set state move every lifecycle uses (ideas, sign-ups, activities, registrations, partnerships…).

Each lifecycle keeps its own table of allowed moves and its own guard (who may act, which reason is
needed); the write itself is the same everywhere: one UPDATE … WHERE id = ? AND state IN (allowed), so
that of two people acting on the same row at the same moment exactly one wins and the other is refused,
on SQLite and PostgreSQL alike, without reading the row first.
"""

from sqlalchemy import inspect, update
from sqlalchemy.orm.attributes import set_committed_value

from app.errors import InvalidTransition
from app.extensions import db


def try_move_state(obj, to_state, allowed_from, **columns):
    """Move obj to to_state (setting columns too) if its row is still in allowed_from; True when it moved.

    allowed_from is one state or a collection of states. On success the object shows the new values
    without another SELECT; when the row had already left allowed_from (someone moved it first) nothing
    is written and the object is left as it was.
    """
    model = type(obj)
    sources = [allowed_from] if isinstance(allowed_from, str) else list(allowed_from)
    values = {"state": to_state, **columns}
    changed = db.session.execute(
        update(model)
        .where(model.id == obj.id, model.state.in_(sources))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        return False
    for key, value in values.items():
        set_committed_value(obj, key, value)
    # a relationship over a column just written (decided_by, attendance_by) loads afresh when next asked
    mapper = inspect(obj).mapper
    stale = [
        relation.key
        for relation in mapper.relationships
        if any(mapper.get_property_by_column(column).key in values for column in relation.local_columns)
    ]
    if stale:
        db.session.expire(obj, stale)
    return True


def move_state(obj, to_state, allowed_from, **columns):
    """Move obj to to_state (setting columns too) if its row is still in allowed_from, else raise InvalidTransition."""
    if not try_move_state(obj, to_state, allowed_from, **columns):
        raise InvalidTransition()
    return obj
