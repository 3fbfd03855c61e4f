"""Rows for the children and school classes on registrations (tests/factories.py is full): companions as the app
stores them, a class registration written directly, a school with its representative."""

from app.activities.models import Registration, RegistrationState
from app.extensions import db
from tests.factories import make_organisation, make_user, saved


def children(*names, age_group="7-9"):
    """The companions list as stored: [{"name": "Līva", "age_group": "7-9"}, …]."""
    return [{"name": name, "age_group": age_group} for name in names]


def make_class_registration(activity, user, organisation, pupils=24, label="6.b", teacher="Ilze Liepa", state="registered"):
    """A class registered by a school's representative (pupils + the teacher hold places), written directly."""
    registration = Registration(
        activity_id=activity.id,
        user_id=user.id,
        includes_self=False,
        companions=[],
        places=pupils + 1,
        state=state,
        organisation_id=organisation.id,
        pupils=pupils,
        responsible_teacher=teacher,
        class_label=label,
    )
    if state in RegistrationState.HOLDING_PLACES:
        activity.registered_count += pupils + 1
    return saved(registration)


def make_school_with_representative(centre, name="Preiļu 1. pamatskola", kind="school", **person):
    """(the organisation, its approved representative) — a school unless another kind is given."""
    representative = make_user(**person)
    organisation = make_organisation(representative=representative, centre=centre, kind=kind, name=name)
    db.session.expire(representative, ["representations"])
    return organisation, representative
