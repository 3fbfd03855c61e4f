"""People with a profile worth showing (issue 13 item 5: opt-in public profile pages)."""

from app.extensions import db
from app.timeutil import utcnow
from tests.factories import make_user


def make_profile(
    public=True,
    email=None,
    display_name="Ilze Kalniņa",
    about="# Par mani\n\nMāku **veidot podus**.",
    skills="keramika, fotografēšana",
    interests="vide, seniori",
    age=None,
    **fields,
):
    """A person with about, skills and interests filled in, who made their profile page public (or not).

    `age`: the age they turn this year, for a 13–15-year-old (their year of birth is kept); None: 16 or older.
    """
    person = make_user(email=email, display_name=display_name, **fields)
    person.about, person.skills, person.interests = about, skills, interests
    person.profile_public = public
    person.birth_year = utcnow().year - age if age is not None else None
    db.session.flush()
    return person
