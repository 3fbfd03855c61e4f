"""Demo organisations for `flask seed-demo` (development only), made through the services.

Needs the demo people and centres (app/cli.py). An organisation whose name is already there is skipped, so
running seed-demo again adds nothing twice.
"""

from sqlalchemy import select

from app.accounts.models import User
from app.centres.models import Centre
from app.extensions import db
from app.organisations import services
from app.organisations.models import Organisation

SCHOOL = "Preiļu 1. pamatskola"
NGO = "Biedrība „Preiļu rokdarbnieces”"


def person(email):
    """The demo person with this e-mail address, or None when seed-demo has not made them."""
    return db.session.scalar(select(User).where(User.email == email))


def seed_demo_organisations():
    """Add the demo school (verified) and an NGO; return how many organisations were added."""
    existing = set(db.session.scalars(select(Organisation.name)))
    preili = db.session.scalar(select(Centre).where(Centre.slug == "preili"))
    teacher, anna = person("skolotaja.ilga@kopiena.example"), person("anna@kopiena.example")
    coordinator = person("koordinatore.preili@kopiena.example")
    if preili is None or teacher is None or anna is None or coordinator is None:
        return 0
    added = 0
    if SCHOOL not in existing:
        school = services.create_organisation(
            teacher,
            name=SCHOOL,
            kind="school",
            centre_id=preili.id,
            description="Pamatskola Preiļos ar 420 skolēniem. Labprāt piedalāmies kopienas projektos.",
            website="https://www.example.lv/preilu-1-pamatskola",
            contact_email="skola@example.lv",
            contact_phone="+371 65300000",
        )
        services.verify_organisation(coordinator, school)
        added += 1
    if NGO not in existing:
        services.create_organisation(
            anna,
            name=NGO,
            kind="ngo",
            centre_id=preili.id,
            description="Rokdarbnieces, kas māca adīt, tamborēt un veidot no māla.",
        )
        added += 1
    db.session.flush()
    return added
