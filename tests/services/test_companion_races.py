"""Taking one person off a registration (issue 13, item 3) on each database: five clicks at the same instant on the
same stale page take exactly one child off and free exactly one place; the freed place goes to the waiting list
once; the count always equals the places held."""

from collections import Counter

import pytest

from app.accounts.models import User
from app.activities import registrations as registration_services
from app.activities.models import Registration
from app.extensions import db
from tests.factories import make_activity, make_registration, make_user
from tests.factories_children import children
from tests.helpers import run_at_once
from tests.services.test_activities_races import places_held

pytestmark = pytest.mark.real_commits


@pytest.fixture(autouse=True)
def like_commands(ctx, monkeypatch):
    """Outside requests the app starts SQLite transactions as commands do (BEGIN IMMEDIATE, as writing requests)."""
    monkeypatch.setitem(ctx.config, "SQLITE_IMMEDIATE_OUTSIDE_REQUESTS", True)


def removing(user_id, registration_id, index, name):
    """A job: the person takes the person at index (named name) off their registration."""

    def job():
        user, registration = db.session.get(User, user_id), db.session.get(Registration, registration_id)
        registration.activity  # noqa: B018  (loaded before the barrier, as the page was)
        return lambda: registration_services.remove_companion(user, registration, index, name)

    return job


def test_five_clicks_on_remove_take_one_child_off_and_free_one_place(ctx, preili):
    activity = make_activity(centre=preili, capacity=3)
    parent = make_user(email="parent@example.com")
    family = make_registration(activity, parent, companions=children("Līva", "Markuss", "Anna"), includes_self=False)
    first = make_registration(activity, make_user(email="first@example.com"), state="waiting")
    second = make_registration(activity, make_user(email="second@example.com"), state="waiting")
    ids = (parent.id, family.id, first.id, second.id, activity.id)
    db.session.commit()
    parent_id, family_id, first_id, second_id, activity_id = ids

    outcomes = run_at_once(ctx, [removing(parent_id, family_id, 0, "Līva") for _ in range(5)], keep_loaded=True)

    assert Counter(outcomes) == {"registered": 1, "InvalidTransition": 4}, outcomes
    db.session.expire_all()
    family = db.session.get(Registration, family_id)
    assert (family.places, family.companions) == (2, children("Markuss", "Anna"))
    states = (db.session.get(Registration, first_id).state, db.session.get(Registration, second_id).state)
    assert states == ("registered", "waiting")  # the one freed place went to the first in the queue, once
    assert places_held(activity_id) == (3, 3, 3)
