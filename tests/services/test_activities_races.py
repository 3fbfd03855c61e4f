"""Registration races on each database: many people at the same instant, each in its own thread, app context and
session. Places never pass the capacity, the count always equals the places held, nobody moves up twice."""

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.activities import registrations as registration_services
from app.activities.models import Activity, Registration, RegistrationState
from app.extensions import db
from app.notifications.models import Notification
from tests.factories import make_activity, make_people, make_registration
from tests.factories_children import children
from tests.helpers import count, run_at_once

#: the threads' own sessions must see the rows the test commits, and each other's commits
pytestmark = pytest.mark.real_commits


@pytest.fixture(autouse=True)
def like_commands(ctx, monkeypatch):
    """Outside requests the app starts SQLite transactions as commands do (BEGIN IMMEDIATE, as writing requests)."""
    monkeypatch.setitem(ctx.config, "SQLITE_IMMEDIATE_OUTSIDE_REQUESTS", True)


def registering(user_id, activity_id, companions=()):
    def job():
        user, activity = db.session.get(User, user_id), db.session.get(Activity, activity_id)
        return lambda: registration_services.register(user, activity, companions=companions)

    return job


def cancelling(user_id, registration_id):
    def job():
        user, registration = db.session.get(User, user_id), db.session.get(Registration, registration_id)
        return lambda: registration_services.cancel_registration(user, registration)

    return job


def people(count, prefix):
    """The ids of count new people."""
    return [user.id for user in make_people(count, prefix)]


def places_held(activity_id):
    """(registered_count, the places of the registrations holding places, capacity), read afresh."""
    db.session.expire_all()
    activity = db.session.get(Activity, activity_id)
    held = db.session.scalar(
        select(func.coalesce(func.sum(Registration.places), 0)).where(
            Registration.activity_id == activity_id, Registration.state.in_(RegistrationState.HOLDING_PLACES)
        )
    )
    return activity.registered_count, held, activity.capacity


def test_fifty_people_at_once_for_ten_places(ctx, preili):
    activity = make_activity(centre=preili, capacity=10)
    activity_id, ids = activity.id, people(50, "r")
    db.session.commit()

    outcomes = run_at_once(ctx, [registering(user_id, activity_id) for user_id in ids])

    assert Counter(outcomes) == {"registered": 10, "waiting": 40}, outcomes  # no "database is locked", nothing else
    assert places_held(activity_id) == (10, 10, 10)
    assert (
        count(Registration, Registration.state == "registered") == 10
        and count(Registration, Registration.state == "waiting") == 40
    )


def test_fifty_families_at_once_never_pass_the_capacity(ctx, preili):
    activity = make_activity(centre=preili, capacity=25)
    activity_id, ids = activity.id, people(50, "f")
    db.session.commit()
    groups = [children("Jānis", "Marta")[: n % 3] for n in range(50)]  # 1, 2 or 3 places each

    outcomes = run_at_once(ctx, [registering(user_id, activity_id, group) for user_id, group in zip(ids, groups, strict=True)])

    assert set(outcomes) == {"registered", "waiting"}, outcomes
    registered_count, held, capacity = places_held(activity_id)
    assert registered_count == held <= capacity
    assert registered_count >= capacity - 2  # a waiting group fits only when all of it does
    assert count(Registration) == 50


def test_five_double_submits_of_one_person_make_one_registration(ctx, preili):
    activity = make_activity(centre=preili, capacity=10)
    activity_id, [user_id] = activity.id, people(1, "d")
    db.session.commit()

    outcomes = run_at_once(ctx, [registering(user_id, activity_id, children("Jānis")) for _ in range(5)])

    assert sorted(outcomes) == ["AlreadyDone"] * 4 + ["registered"], outcomes
    assert count(Registration) == 1
    assert places_held(activity_id) == (2, 2, 10)


def test_ten_cancellations_at_once_promote_ten_waiting_people_once_each(ctx, preili):
    activity = make_activity(centre=preili, capacity=10)
    leaving, waiting = people(10, "c"), people(20, "w")
    registration_ids = {
        user_id: make_registration(activity, db.session.get(User, user_id), "registered" if user_id in leaving else "waiting").id
        for user_id in leaving + waiting
    }
    activity_id = activity.id
    db.session.commit()  # reading the ids began a transaction: end it, or it would hold SQLite's lock

    outcomes = run_at_once(ctx, [cancelling(user_id, registration_ids[user_id]) for user_id in leaving])

    assert outcomes == ["cancelled"] * 10, outcomes
    assert places_held(activity_id) == (10, 10, 10)
    db.session.expire_all()
    promoted = db.session.scalars(
        select(Registration.user_id).where(Registration.activity_id == activity_id, Registration.state == "registered")
    ).all()
    # the first ten of the waiting list moved up, in order, each told once
    assert sorted(promoted) == sorted(waiting[:10])
    told = db.session.scalars(select(Notification.user_id).where(Notification.event == "registration_promoted")).all()
    assert sorted(told) == sorted(waiting[:10])
    assert count(Registration, Registration.state == "waiting") == 10


def test_cancellations_and_new_registrations_at_once(ctx, preili):
    activity = make_activity(centre=preili, capacity=10)
    leaving, waiting, newcomers = people(10, "l"), people(5, "q"), people(15, "n")
    registration_ids = {
        user_id: make_registration(activity, db.session.get(User, user_id), "registered" if user_id in leaving else "waiting").id
        for user_id in leaving + waiting
    }
    activity_id = activity.id
    db.session.commit()

    jobs = [cancelling(user_id, registration_ids[user_id]) for user_id in leaving]
    jobs += [registering(user_id, activity_id) for user_id in newcomers]
    outcomes = run_at_once(ctx, jobs)

    assert set(outcomes) <= {"cancelled", "registered", "waiting"}, outcomes
    assert outcomes[:10] == ["cancelled"] * 10
    registered_count, held, capacity = places_held(activity_id)
    assert registered_count == held == capacity  # 20 people for 10 freed places: all are taken again
    # everyone who was waiting before moved up (each cancellation offers the list its places first)
    assert count(Registration, Registration.user_id.in_(waiting), Registration.state == "registered") == 5
    told = db.session.scalars(select(Notification.user_id).where(Notification.event == "registration_promoted")).all()
    assert len(told) == len(set(told))


def test_a_place_freed_while_someone_is_joining_the_waiting_list_goes_to_them(ctx, preili):
    # The newcomer finds the activity full and is joining the waiting list (not committed yet) when a
    # registered person cancels: the freed place must not stay free while the newcomer waits.
    activity = make_activity(centre=preili, capacity=1)
    [holder_id, newcomer_id] = people(2, "g")
    holding = make_registration(activity, db.session.get(User, holder_id))
    activity_id, holding_id = activity.id, holding.id
    db.session.commit()
    joining, cancelling_started = threading.Event(), threading.Event()
    outcomes = {}

    def newcomer():
        with ctx.app_context():
            try:
                user, activity = db.session.get(User, newcomer_id), db.session.get(Activity, activity_id)
                registration = registration_services.register(user, activity)
                outcomes["newcomer_before_commit"] = registration.state
                joining.set()
                cancelling_started.wait(timeout=30)
                threading.Event().wait(0.5)  # give the cancellation time to run (or to wait for this one)
                db.session.commit()
            finally:
                joining.set()
                db.session.remove()

    def holder():
        joining.wait(timeout=30)
        with ctx.app_context():
            try:
                cancelling_started.set()
                registration_services.cancel_registration(
                    db.session.get(User, holder_id), db.session.get(Registration, holding_id)
                )
                db.session.commit()
                outcomes["holder"] = "cancelled"
            except Exception as error:  # noqa: BLE001  (the outcome the test looks at)
                db.session.rollback()
                outcomes["holder"] = type(error).__name__
            finally:
                cancelling_started.set()
                db.session.remove()

    threads = [threading.Thread(target=newcomer), threading.Thread(target=holder)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes == {"newcomer_before_commit": "waiting", "holder": "cancelled"}, outcomes
    assert places_held(activity_id) == (1, 1, 1)
    assert count(Registration, Registration.user_id == newcomer_id, Registration.state == "registered") == 1
