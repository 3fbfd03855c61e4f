"""Rows for the home page's tests: ideas that seek volunteers, activities at given times, partner calls."""

from datetime import timedelta

from app.extensions import db
from app.timeutil import utcnow
from tests.factories import make_activity, make_category, make_idea, make_organisation, make_partner_call, make_role, make_user


def home_scene(centre):
    """An author and a category in the centre, for ideas made by make_open_idea()."""
    return {"centre": centre, "author": make_user(email="home.author@example.com"), "category": make_category()}


def make_open_idea(scene, title, minutes_ago=0, state="published", **fields):
    """An idea of the scene's author, published `minutes_ago` minutes ago (a draft when state="draft")."""
    public = state in ("published", "promoted", "archived")
    return make_idea(
        author=scene["author"],
        centre=scene["centre"],
        category=scene["category"],
        state=state,
        title=title,
        published_at=utcnow() - timedelta(minutes=minutes_ago) if public else None,
        **fields,
    )


def make_idea_seeking_volunteers(scene, title, minutes_ago=0, places=2, accepted=0, **fields):
    """An open idea with one volunteer role of `places` places, `accepted` of them taken."""
    idea = make_open_idea(scene, title, minutes_ago, **fields)
    role = make_role(idea=idea, places=places)
    role.accepted_count = accepted
    db.session.commit()
    return idea


def make_calls(centre, *titles_and_states):
    """Partner calls of one school in the centre: ("title", "open"), ("title", "closed"), …, the last the newest."""
    school = make_organisation(centre=centre, name="Preiļu 2. vidusskola")
    now = utcnow()
    return [
        make_partner_call(school, title=title, state=state, created_at=now - timedelta(minutes=len(titles_and_states) - number))
        for number, (title, state) in enumerate(titles_and_states)
    ]


def make_activities(centre, *titles_states_and_days):
    """Activities in the centre: ("title", "open", days from now), …"""
    return [
        make_activity(centre=centre, title=title, state=state, starts_in_days=days)
        for title, state, days in titles_states_and_days
    ]
