"""Small worlds that tests in several files start from: the same people and rows, made in one place.

Each `make_*` builds its scene with the factories and returns it as a dataclass whose fields name what is in it;
conftest.py offers each as a fixture.
"""

from dataclasses import dataclass

from app.accounts.models import User
from app.centres.models import Centre
from app.ideas.models import Idea
from tests.factories import make_centre, make_idea, make_user


@dataclass
class Discussion:
    """An idea of a centre, its author, four residents to talk about it, the centre's moderator and another's."""

    centre: Centre
    author: User
    idea: Idea
    anna: User
    valdis: User
    marija: User
    janis: User
    moderator: User
    other_moderator: User


def make_discussion():
    """The idea “Soliņi parkā” of Preiļi by Autore Ilze, Anna, Valdis, Marija and Jānis to discuss it, Preiļi's
    moderator and Aglona's; everyone reads English."""

    def person(email, name, **fields):
        return make_user(email=email, display_name=name, language="en", **fields)

    centre = make_centre(name="Preiļi")
    author = person("autore@example.com", "Autore Ilze")
    return Discussion(
        centre=centre,
        author=author,
        idea=make_idea(author=author, centre=centre, title="Soliņi parkā"),
        anna=person("anna@example.com", "Anna"),
        valdis=person("valdis@example.com", "Valdis"),
        marija=person("marija@example.com", "Marija"),
        janis=person("janis@example.com", "Jānis"),
        moderator=person("mod@example.com", "Koordinatore", moderates=[centre]),
        other_moderator=person("mod2@example.com", "Cita koordinatore", moderates=[make_centre(name="Aglona")]),
    )
