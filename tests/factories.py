"""Plain functions that create rows for tests, in the current app context's session."""

import itertools

from app.accounts.models import User
from app.accounts.passwords import hash_password
from app.centres.models import Centre
from app.extensions import db
from app.ideas.models import Category, Idea
from app.ideas.search import searchable_text
from app.timeutil import utcnow

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def make_centre(name=None, slug=None, municipality="Preiļu novads", is_active=True):
    number = next(_counter)
    centre = Centre(
        name=name or f"Centre {number}", slug=slug or f"centre-{number}", municipality=municipality, is_active=is_active
    )
    db.session.add(centre)
    db.session.commit()
    return centre


# Hashing with scrypt is slow on purpose; tests reuse one hash of the shared password.
_password_hash = None


def make_user(
    email=None,
    display_name="Anna Bērziņa",
    password=PASSWORD,
    confirmed=True,
    admin=False,
    moderates=(),
    language="lv",
    home_centre=None,
    suspended=False,
):
    global _password_hash
    if password == PASSWORD:
        _password_hash = _password_hash or hash_password(PASSWORD)
        password_hash = _password_hash
    else:
        password_hash = hash_password(password)
    user = User(
        email=email or f"person{next(_counter)}@example.com",
        display_name=display_name,
        password_hash=password_hash,
        language=language,
        is_admin=admin,
        home_centre=home_centre,
        email_confirmed_at=utcnow() if confirmed else None,
        moderated_centres=list(moderates),
        suspended_at=utcnow() if suspended else None,
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_category(slug=None, name_lv=None, name_en=None):
    number = next(_counter)
    category = Category(
        slug=slug or f"category-{number}",
        name_lv=name_lv or f"Kategorija {number}",
        name_en=name_en or f"Category {number}",
        position=number,
    )
    db.session.add(category)
    db.session.commit()
    return category


def make_idea(
    author=None,
    centre=None,
    category=None,
    state="published",
    title="Soliņi Raiņa parkā",
    summary="Jauni soliņi, kur atpūsties vecākiem ļaudīm.",
    description="Parkā trūkst **soliņu**.",
    kind="local_improvement",
    **fields,
):
    """An idea already in the given state (written directly, without the lifecycle's checks)."""
    author = author or make_user()
    centre = centre or make_centre()
    category = category or make_category()
    now = utcnow()
    idea = Idea(
        author_id=author.id,
        centre_id=centre.id,
        category_id=category.id,
        state=state,
        title=title,
        summary=summary,
        description=description,
        kind=kind,
        submitted_at=now if state != "draft" else None,
        published_at=now if state in ("published", "promoted", "archived") else None,
        **fields,
    )
    idea.search_text = searchable_text(idea)
    db.session.add(idea)
    db.session.commit()
    return idea


def make_activity(
    centre=None, creator=None, state="open", title="Keramikas darbnīca", capacity=10, starts_in_days=7, hours=3, **fields
):
    """An activity already in the given state, starting in starts_in_days days (negative: in the past)."""
    from datetime import timedelta

    from app.activities.models import Activity

    centre = centre or make_centre()
    starts_at = (utcnow() + timedelta(days=starts_in_days)).replace(second=0, microsecond=0)
    activity = Activity(
        centre_id=centre.id,
        created_by_id=creator.id if creator else None,
        state=state,
        title=title,
        description=fields.pop("description", "Veidosim puķu podus dienas centram."),
        place=fields.pop("place", "Preiļu KRC, Raiņa bulvāris 19"),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        leader_name=fields.pop("leader_name", "Inese Kalniņa"),
        capacity=capacity,
        registered_count=0,
        cancel_reason=fields.pop("cancel_reason", "Slimība" if state == "cancelled" else ""),
        **fields,
    )
    db.session.add(activity)
    db.session.commit()
    return activity


def make_organisation(representative=None, centre=None, kind="school", name="Preiļu 1. pamatskola", verified=False, **fields):
    """An organisation, with an approved representative when one is given."""
    from app.organisations.models import Organisation, Representative

    centre = centre or make_centre()
    organisation = Organisation(
        name=name, kind=kind, centre_id=centre.id, description=fields.pop("description", "Skola Preiļos."), **fields
    )
    db.session.add(organisation)
    db.session.flush()
    if verified:
        verifier = representative or make_user(admin=True)
        organisation.verified_at, organisation.verified_by_id = utcnow(), verifier.id
    if representative is not None:
        db.session.add(
            Representative(
                organisation_id=organisation.id,
                user_id=representative.id,
                state="approved",
                decided_by_id=representative.id,
                decided_at=utcnow(),
            )
        )
    db.session.commit()
    if representative is not None:
        db.session.expire(representative, ["representations"])
    return organisation


def make_partner_call(
    organisation,
    title="6. klase meklē projektu par atkritumu šķirošanu",
    age_groups="10-12",
    subjects="environment,science",
    state="open",
    **fields,
):
    from app.partnerships.models import PartnerCall

    call = PartnerCall(
        organisation_id=organisation.id,
        centre_id=fields.pop("centre_id", organisation.centre_id),
        title=title,
        description=fields.pop("description", "Pavasara semestrī."),
        age_groups=age_groups,
        subjects=subjects,
        state=state,
        contact_person=fields.pop("contact_person", "Ilze Liepa, klases audzinātāja"),
        **fields,
    )
    db.session.add(call)
    db.session.commit()
    return call
