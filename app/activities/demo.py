"""Demo activities for `flask seed-demo` (development only), made through the services like the demo ideas.

Needs the demo people and centres (app/cli.py). An activity whose title is already there is skipped, so
running seed-demo again adds nothing twice. The ceramics workshop, grown from a demo idea, is app/promotion/demo.py.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from app.accounts.models import User
from app.activities import registrations as registration_services
from app.activities import services
from app.activities.models import Activity
from app.centres.models import Centre
from app.extensions import db
from app.timeutil import utcnow
from app.volunteering import services as volunteering_services

CLEAN_UP = "Rudens talka Raiņa parkā"
REPAIR_CAFE = "Remontu kafejnīca: pirmā tikšanās"


def local_time(day, hour, minute=0):
    """A local (Europe/Riga) time of a day, as stored: naive UTC."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def today():
    """Today's date in the site's time zone (Europe/Riga)."""
    return utcnow().replace(tzinfo=UTC).astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def next_saturday():
    """The Saturday after today (a week on when today is Saturday)."""
    day = today()
    return day + timedelta(days=(5 - day.weekday()) % 7 or 7)


def seed_clean_up_day(people, centres):
    """A talka three weeks ago that took place: attendance, a volunteer's confirmed hours, an outcome report."""
    coordinator = people["koordinatore.preili@kopiena.example"]
    day = today() + timedelta(days=7)
    activity = services.create_activity(
        coordinator,
        open_registration=True,
        centre_id=centres["preili"].id,
        title=CLEAN_UP,
        description="Sagrābsim lapas, iestādīsim tulpju sīpolus un nokrāsosim parka soliņus.\n\n"
        "Grābekļi, maisi un cimdi būs; siltu tēju vārīs kultūras nama darbinieces.",
        place="Raiņa parks, Preiļi",
        latitude=56.2898,
        longitude=26.7232,
        starts_at=local_time(day, 10),
        ends_at=local_time(day, 13),
        leader_name="Dace, Preiļu kopienas resursu centrs",
        capacity=30,
    )
    role = volunteering_services.add_activity_role(
        coordinator,
        activity,
        name="Tējas galda saimniece",
        places=1,
        auto_accept=True,
        description="Uzvārīt tēju, sagriezt maizi un parūpēties, lai talciniekiem nav auksti.",
    )
    signup = volunteering_services.apply_for_role(people["marija@kopiena.example"], role)
    registrations = [
        registration_services.register(people[email], activity) for email in ("anna@kopiena.example", "valdis@kopiena.example")
    ]
    # The demo needs an activity that already happened, and registering for one is refused: it is made
    # for next week and then moved back three weeks, as if time had passed.
    past_day = today() - timedelta(days=21)
    activity.starts_at, activity.ends_at = local_time(past_day, 10), local_time(past_day, 13)
    activity.created_at = activity.updated_at = activity.starts_at - timedelta(days=10)
    db.session.flush()
    services.complete_activity(
        coordinator,
        activity,
        outcome="Talkā piedalījās 23 cilvēki – no pirmklasniekiem līdz senioriem.\n\n"
        "- sagrābti un aizvesti 40 maisi lapu;\n"
        "- iestādīti 300 tulpju sīpoli pie parka ieejas;\n"
        "- nokrāsoti visi pieci soliņi gar galveno celiņu.\n\n"
        "Paldies visiem, kas atnāca, un kultūras namam par silto tēju!",
    )
    services.record_attendance(coordinator, registrations[0], attended=True)
    services.record_attendance(coordinator, registrations[1], attended=False)
    volunteering_services.record_volunteer_attendance(coordinator, signup, attended=True, minutes=210)
    return activity


def seed_repair_cafe(people, centres):
    """Planned, registration not open yet."""
    coordinator = people["koordinatore.rezekne@kopiena.example"]
    day = today() + timedelta(days=24)
    return services.create_activity(
        coordinator,
        centre_id=centres["rezekne"].id,
        title=REPAIR_CAFE,
        description="Pirmā remontu kafejnīcas tikšanās: sarunāsim, kādi meistari un instrumenti mums ir, un "
        "salabosim pirmās lietas.\n\nNāciet ar salūzušu tosteri, saplēstu jaku vai velosipēdu!",
        place="Rēzeknes kopienas centrs",
        latitude=56.5065,
        longitude=27.3298,
        starts_at=local_time(day, 17),
        ends_at=local_time(day, 19),
        leader_name="Marija Kalniņa",
        capacity=15,
    )


DEMO_ACTIVITIES = ((CLEAN_UP, seed_clean_up_day), (REPAIR_CAFE, seed_repair_cafe))


def seed_demo_activities():
    """Add the demo activities whose titles are not there yet; returns how many were added."""
    people = {user.email: user for user in db.session.scalars(select(User))}
    centres = {centre.slug: centre for centre in db.session.scalars(select(Centre))}
    existing = set(db.session.scalars(select(Activity.title)))
    added = 0
    for title, seed in DEMO_ACTIVITIES:
        if title not in existing:
            seed(people, centres)
            added += 1
    return added
