"""School classes on activities (app/organisations/class_registrations.py → activities' register()): only a
representative of a school or kindergarten registers one; pupils + the teacher take places through the same
conditional UPDATE as anyone, beyond the free places the class waits; several classes of one school, never the same
class twice; cancelling a class moves the waiting list up; two classes racing for the last places on both
databases."""

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.activities import registrations as registration_services
from app.activities.models import Activity, Registration, RegistrationState
from app.errors import AlreadyDone, InvalidTransition, NotAllowed
from app.extensions import db
from app.notifications.models import Notification
from app.organisations.class_registrations import register_school_class, schools_represented_by
from app.organisations.models import Organisation
from tests.factories import make_activity, make_organisation, make_registration, make_representative, make_user
from tests.factories_children import make_class_registration, make_school_with_representative
from tests.helpers import count, reloaded, run_at_once


@pytest.fixture
def school(preili):
    """Preiļu 1. pamatskola with its representative Ilga, and an open activity of 30 places."""
    organisation, teacher = make_school_with_representative(preili, display_name="Ilga Skolotāja")
    return {"school": organisation, "ilga": teacher, "activity": make_activity(centre=preili, capacity=30), "preili": preili}


def register_class(school, pupils=24, label="6.b", teacher="Ilze Liepa", organisation=None, user=None, activity=None):
    registration = register_school_class(
        user or school["ilga"], organisation or school["school"], activity or school["activity"], pupils, teacher, label
    )
    db.session.commit()
    return registration


def places_add_up(activity):
    """registered_count equals the places held by the registrations that hold places; returns it."""
    db.session.expire_all()
    held = db.session.scalar(
        select(func.coalesce(func.sum(Registration.places), 0)).where(
            Registration.activity_id == activity.id, Registration.state.in_(RegistrationState.HOLDING_PLACES)
        )
    )
    assert db.session.get(Activity, activity.id).registered_count == held
    return held


# Places ----------------------------------------------------------------------------------------------------------


def test_a_class_takes_a_place_per_pupil_and_one_for_the_teacher(school):
    registration = reloaded(register_class(school))
    assert (registration.state, registration.places, registration.pupils) == ("registered", 25, 24)
    assert (registration.organisation_id, registration.class_label, registration.responsible_teacher) == (
        school["school"].id,
        "6.b",
        "Ilze Liepa",
    )
    assert (registration.includes_self, registration.companions) == (False, [])
    assert registration.class_name == "Preiļu 1. pamatskola, 6.b"
    assert places_add_up(school["activity"]) == 25


def test_a_class_that_does_not_fit_waits_whole(school):
    register_class(school, pupils=24, label="6.a")  # 25 of 30
    waiting = register_class(school, pupils=5, label="6.b")  # 6 more: does not fit
    assert reloaded(waiting).state == "waiting"
    single = registration_services.register(make_user(), school["activity"])  # one more still fits
    db.session.commit()
    assert reloaded(single).state == "registered"
    assert places_add_up(school["activity"]) == 26


def test_several_classes_of_one_school_and_the_representative_too_but_never_the_same_class_twice(school):
    register_class(school, pupils=5, label="6.a")
    register_class(school, pupils=5, label="6.b")
    registration_services.register(school["ilga"], school["activity"])  # she also comes privately
    db.session.commit()
    with pytest.raises(AlreadyDone) as refused:
        register_school_class(school["ilga"], school["school"], school["activity"], 7, "Cits Skolotājs", " 6.b ")
    assert refused.value.message == registration_services.CLASS_ALREADY_REGISTERED
    db.session.rollback()
    assert count(Registration, Registration.user_id == school["ilga"].id) == 3
    assert places_add_up(school["activity"]) == 13


def test_an_unlabelled_class_twice_is_refused_until_labelled(school):
    register_class(school, pupils=5, label="")
    with pytest.raises(AlreadyDone):
        register_class(school, pupils=6, label="")
    db.session.rollback()
    assert reloaded(register_class(school, pupils=6, label="7.a")).state == "registered"


@pytest.mark.parametrize(
    ("pupils", "teacher"),
    [(0, "Ilze"), (-3, "Ilze"), (registration_services.MAX_PUPILS + 1, "Ilze"), (10**12, "Ilze"), ("24", "Ilze"),
     (None, "Ilze"), (24, ""), (24, "  \n ")],
)  # fmt: skip
def test_impossible_classes_are_refused_and_nothing_is_taken(school, pupils, teacher):
    with pytest.raises(InvalidTransition):
        register_school_class(school["ilga"], school["school"], school["activity"], pupils, teacher, "6.b")
    db.session.rollback()
    assert count(Registration) == 0
    assert places_add_up(school["activity"]) == 0


# Who may ---------------------------------------------------------------------------------------------------------


def test_only_a_representative_of_this_school_or_kindergarten_registers_its_class(school):
    preili = school["preili"]
    ngo = make_organisation(representative=(ngo_person := make_user()), centre=preili, kind="ngo", name="Biedrība")
    other_school, other_teacher = make_school_with_representative(preili, name="Aglonas vidusskola")
    asked = make_user()
    make_representative(school["school"], asked, state="requested")  # asked, not approved
    kindergarten, gardener = make_school_with_representative(preili, name="Pūcītes", kind="kindergarten")
    refused = [
        (make_user(), school["school"]),  # nobody's representative
        (asked, school["school"]),
        (ngo_person, ngo),  # an NGO registers no class
        (other_teacher, school["school"]),  # another school's representative
        (school["ilga"], other_school),
    ]
    for person, organisation in refused:
        with pytest.raises(NotAllowed):
            register_class(school, user=person, organisation=organisation)
        db.session.rollback()
    assert count(Registration) == 0
    assert reloaded(register_class(school, user=gardener, organisation=kindergarten, label="Lācīši")).state == "registered"


def test_a_former_suspended_or_unconfirmed_representative_cannot(school):
    ilga = school["ilga"]
    ilga.suspended_at = ilga.created_at
    db.session.commit()
    with pytest.raises(NotAllowed):
        register_class(school)
    db.session.rollback()
    planned = make_activity(centre=school["preili"], state="planned")
    ilga.suspended_at = None
    db.session.commit()
    with pytest.raises(NotAllowed):  # registration not open yet
        register_class(school, activity=planned)
    db.session.rollback()
    assert count(Registration) == 0


def test_schools_represented_are_only_approved_schools_and_kindergartens(school):
    make_organisation(representative=school["ilga"], centre=school["preili"], kind="ngo", name="Biedrība")
    db.session.expire(school["ilga"], ["representations"])
    assert [o.name for o in schools_represented_by(school["ilga"])] == ["Preiļu 1. pamatskola"]


# Cancelling ------------------------------------------------------------------------------------------------------


def test_cancelling_a_class_frees_its_places_and_the_waiting_list_moves_up(school):
    activity = school["activity"]
    the_class = register_class(school, pupils=24)  # 25 of 30
    family = make_user()
    waiting = registration_services.register(
        family, activity, companions=[{"name": f"B{n}", "age_group": "7-9"} for n in range(5)]
    )
    db.session.commit()
    assert reloaded(waiting).state == "waiting"  # 6 places: 5 free
    registration_services.cancel_registration(school["ilga"], the_class)
    db.session.commit()
    assert (reloaded(the_class).state, reloaded(waiting).state) == ("cancelled", "registered")
    assert places_add_up(activity) == 6
    assert count(Notification, Notification.user_id == family.id, Notification.event == "registration_promoted") == 1


def test_a_waiting_class_moves_up_when_enough_places_are_free(school):
    activity = school["activity"]
    families = [make_registration(activity, make_user(), "registered", companions=()) for _ in range(10)]
    db.session.commit()
    waiting = register_class(school, pupils=20)  # 21 places, 20 free
    assert reloaded(waiting).state == "waiting"
    registration_services.cancel_registration(families[0].user, families[0])
    db.session.commit()
    assert reloaded(waiting).state == "registered"
    assert places_add_up(activity) == 30
    assert count(Notification, Notification.user_id == school["ilga"].id, Notification.event == "registration_promoted") == 1


def test_only_the_person_who_registered_a_class_cancels_it(school):
    the_class = make_class_registration(school["activity"], school["ilga"], school["school"])
    other_representative = make_user()
    make_representative(school["school"], other_representative, state="approved")
    with pytest.raises(NotAllowed):
        registration_services.cancel_registration(other_representative, the_class)
    db.session.rollback()
    assert reloaded(the_class).state == "registered"


def test_a_deleted_school_leaves_its_classes_counted(school):
    the_class = register_class(school)
    db.session.delete(db.session.get(Organisation, school["school"].id))
    db.session.commit()
    the_class = reloaded(the_class)
    assert (the_class.organisation_id, the_class.places, the_class.state) == (None, 25, "registered")
    assert str(the_class.class_name).endswith(", 6.b")


# Two classes at the same instant, on both databases ----------------------------------------------------------------


@pytest.mark.real_commits
def test_two_classes_racing_for_the_last_places_never_pass_the_capacity(ctx, preili, monkeypatch):
    monkeypatch.setitem(ctx.config, "SQLITE_IMMEDIATE_OUTSIDE_REQUESTS", True)
    activity = make_activity(centre=preili, capacity=30)
    make_registration(activity, make_user(), "registered", companions=())
    make_registration(activity, make_user(), "registered", companions=())
    db.session.commit()  # 28 places free: room for one class of 24 (25 places), not two
    schools = [make_school_with_representative(preili, name=f"Skola {n}") for n in range(2)]
    ids = [(organisation.id, person.id) for organisation, person in schools]
    activity_id = activity.id
    db.session.commit()  # reading the ids began a transaction: end it, so the threads find the database free

    def registering(organisation_id, user_id):
        def job():
            user, organisation = db.session.get(User, user_id), db.session.get(Organisation, organisation_id)
            activity = db.session.get(Activity, activity_id)
            return lambda: register_school_class(user, organisation, activity, 24, "Ilze Liepa", "6.b")

        return job

    outcomes = run_at_once(ctx, [registering(*pair) for pair in ids])
    assert sorted(outcomes) == ["registered", "waiting"], outcomes
    assert places_add_up(activity) == 27
    assert db.session.get(Activity, activity_id).registered_count <= 30
