"""The demo activity grown from a demo idea, for `flask seed-demo` (development only): the ceramics workshop.

Promoting is this package's, so this part of the demo lives here. Needs the demo people, centres and ideas
(app/cli.py, app/ideas/demo.py); skipped when its title is there already.
"""

from sqlalchemy import select

from app.accounts.models import User
from app.activities import registrations as registration_services
from app.activities import services as activity_services
from app.activities.demo import local_time, next_saturday
from app.activities.models import Activity
from app.centres.models import Centre
from app.comments import services as comment_services
from app.extensions import db
from app.ideas.models import Idea, IdeaState
from app.promotion.services import promote_idea
from app.volunteering import services as volunteering_services
from app.volunteering.messages import send_message

CERAMICS = "Keramikas darbnīca: puķu podi dienas centram"


def seed_ceramics_workshop(people, centres):
    """Open for registration next Saturday, grown from the demo idea: registrations, a volunteer with a message from the
    coordinator, and a question in its discussion."""
    coordinator = people["koordinatore.preili@kopiena.example"]
    day = next_saturday()
    fields = {
        "title": CERAMICS,
        "description": "Veidosim un apgleznosim māla puķu podus, ko pēc apdedzināšanas uzdāvināsim sociālā "
        "dienesta dienas centram.\n\n"
        "- māls, glazūras un priekšauti būs uz vietas;\n"
        "- bērni līdz 10 gadu vecumam – kopā ar pieaugušo;\n"
        "- līdzi ņemiet drēbes, ko nav žēl nosmērēt.\n\n"
        "Pieredze nav vajadzīga – pulciņa vadītāja visu ierādīs.",
        "place": "Preiļu Kultūras nams, keramikas darbnīca",
        "starts_at": local_time(day, 11),
        "ends_at": local_time(day, 14),
        "leader_name": "Inese Kalniņa, keramikas pulciņa vadītāja",
        "capacity": 12,
    }
    idea = db.session.scalar(select(Idea).where(Idea.title == "Puķu podi dienas centram", Idea.state == IdeaState.PUBLISHED))
    if idea is not None:
        activity = promote_idea(coordinator, idea, open_registration=True, **fields)
    else:
        activity = activity_services.create_activity(
            coordinator, open_registration=True, centre_id=centres["preili"].id, **fields
        )
    role = volunteering_services.add_activity_role(
        coordinator,
        activity,
        name="Palīgs pie darbgaldiem",
        places=2,
        auto_accept=True,
        description="Palīdzēt sagatavot mālu, izdalīt darbarīkus un pēc darbnīcas sakopt telpu.",
        skills="Nav vajadzīgas – tikai labs garastāvoklis.",
        starts_at=local_time(day, 10, 30),
        ends_at=local_time(day, 14, 30),
    )
    volunteering_services.apply_for_role(
        people["skolotaja.ilga@kopiena.example"], role, "Varu atnākt ar diviem saviem skolēniem."
    )
    send_message(coordinator, activity, "Paldies, ka palīdzēsiet! Lūdzu, esiet pie darbnīcas jau 10.30.", role=role)
    children = [{"name": "Elza", "age_group": "7-9"}, {"name": "Markuss", "age_group": "preschool"}]
    registration_services.register(people["anna@kopiena.example"], activity, includes_self=True, companions=children)
    registration_services.register(people["valdis@kopiena.example"], activity, includes_self=True)
    question = comment_services.add_comment(
        people["marija@kopiena.example"], activity, "Vai var atnākt arī tad, ja nekad iepriekš neesmu strādājusi ar mālu?"
    )
    comment_services.add_comment(coordinator, activity, "Protams! Pulciņa vadītāja visu ierādīs no paša sākuma.", parent=question)
    return activity


def seed_demo_promoted_activity():
    """Add the ceramics workshop where it is missing; returns how many activities were added (0 or 1)."""
    if db.session.scalar(select(Activity.id).where(Activity.title == CERAMICS)) is not None:
        return 0
    people = {user.email: user for user in db.session.scalars(select(User))}
    centres = {centre.slug: centre for centre in db.session.scalars(select(Centre))}
    seed_ceramics_workshop(people, centres)
    return 1
