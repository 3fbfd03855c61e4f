"""The demo school's partner call for `flask seed-demo` (development only), made through the services.

Needs the demo organisations (app/organisations/demo.py). The call is added once: when its title is already
there, running seed-demo again adds nothing.
"""

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.organisations.demo import SCHOOL, person
from app.organisations.models import Organisation
from app.partnerships import call_services
from app.partnerships.models import PartnerCall

CALL = "6. klase meklē kopienas projektu par atkritumu šķirošanu"


def seed_demo_partner_calls():
    """Add the demo school's partner call where it is missing; return how many calls were added."""
    school = db.session.scalar(select(Organisation).where(Organisation.name == SCHOOL))
    teacher = person("skolotaja.ilga@kopiena.example")
    if school is None or teacher is None or db.session.scalar(select(PartnerCall.id).where(PartnerCall.title == CALL)):
        return 0
    year = date.today().year + 1
    call_services.create_partner_call(
        teacher,
        school,
        title=CALL,
        description="Pavasara semestrī 6. klases skolēni vēlas kopā ar kopienu izpētīt, kā Preiļos šķiro "
        "atkritumus, un izveidot kaut ko noderīgu.",
        age_groups="10-12",
        subjects="environment,science",
        starts_on=date(year, 3, 1),
        ends_on=date(year, 5, 31),
        contact_person="Ilga, 6. klases audzinātāja",
    )
    db.session.flush()
    return 1
