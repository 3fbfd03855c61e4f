"""The compare-and-set state move shared by every lifecycle (app/transitions.py)."""

import pytest
from sqlalchemy import select, update

from app.activities.models import Activity, ActivityState
from app.errors import InvalidTransition
from app.extensions import db
from app.timeutil import utcnow
from app.transitions import move_state, try_move_state
from tests.factories import make_activity, make_user
from tests.statements import recorded_statements


def state_in_database(activity):
    return db.session.execute(select(Activity.state).where(Activity.id == activity.id)).scalar_one()


def test_a_move_from_an_allowed_state_writes_the_row_and_the_object_in_one_update(ctx):
    activity = make_activity(state=ActivityState.OPEN)
    assert activity.title  # loaded, as a service has it
    now = utcnow()
    with recorded_statements() as statements:
        assert (
            move_state(activity, ActivityState.CANCELLED, ActivityState.OPEN, cancel_reason="Slimība", cancelled_at=now)
            is activity
        )
        assert (activity.state, activity.cancel_reason, activity.cancelled_at) == (ActivityState.CANCELLED, "Slimība", now)
    assert [statement.split()[0] for statement in statements] == ["UPDATE"]  # no SELECT to see the new values
    db.session.commit()
    db.session.expire_all()
    assert (activity.state, activity.cancel_reason) == (ActivityState.CANCELLED, "Slimība")


def test_any_of_several_allowed_states_will_do(ctx):
    planned = make_activity(state=ActivityState.PLANNED)
    opened = make_activity(state=ActivityState.OPEN)
    for activity in (planned, opened):
        move_state(activity, ActivityState.COMPLETED, (ActivityState.PLANNED, ActivityState.OPEN), completed_at=utcnow())
        assert state_in_database(activity) == activity.state == ActivityState.COMPLETED


def test_no_row_changed_raises_invalid_transition_and_leaves_row_and_object_alone(ctx):
    activity = make_activity(state=ActivityState.COMPLETED)
    with pytest.raises(InvalidTransition):
        move_state(activity, ActivityState.OPEN, ActivityState.PLANNED)
    assert activity.state == ActivityState.COMPLETED
    assert state_in_database(activity) == ActivityState.COMPLETED


def test_someone_moving_the_row_first_wins(ctx):
    """The object still says planned, but the row was opened a moment ago: the second move is refused."""
    activity = make_activity(state=ActivityState.PLANNED)
    db.session.execute(
        update(Activity)
        .where(Activity.id == activity.id)
        .values(state=ActivityState.OPEN)
        .execution_options(synchronize_session=False)
    )
    assert activity.state == ActivityState.PLANNED  # stale on purpose
    with pytest.raises(InvalidTransition):
        move_state(activity, ActivityState.OPEN, ActivityState.PLANNED)
    assert state_in_database(activity) == ActivityState.OPEN


def test_try_move_state_answers_instead_of_raising(ctx):
    activity = make_activity(state=ActivityState.PLANNED)
    assert try_move_state(activity, ActivityState.OPEN, ActivityState.PLANNED) is True
    assert try_move_state(activity, ActivityState.OPEN, ActivityState.PLANNED) is False
    assert activity.state == ActivityState.OPEN


def test_a_relationship_over_a_written_column_follows_it(ctx):
    first, second = make_user(display_name="Dace"), make_user(display_name="Jānis")
    activity = make_activity(state=ActivityState.PLANNED, creator=first)
    assert activity.created_by == first
    move_state(activity, ActivityState.OPEN, ActivityState.PLANNED, created_by_id=second.id)
    assert activity.created_by == second
