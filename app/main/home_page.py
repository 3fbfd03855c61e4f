"""What the home page shows: ideas seeking volunteers, upcoming activities, open partner calls and the newest ideas.

Each section's rows come from its own domain's queries module; the page is composed here, above them, in a fixed
number of statements (one for the ideas of both idea sections, one for the centres with the next activities, one
for the partner calls), whatever the number of ideas, activities and calls.
"""

from dataclasses import dataclass

from app.activities.queries import home_centres_and_activities
from app.ideas.queries import home_ideas
from app.partnerships.call_queries import home_partner_calls


@dataclass
class HomePage:
    """The rows of the home page's sections (each a few, the soonest or newest first)."""

    #: active centres by name (the cards name the centre when there are several)
    centres: list
    seeking_volunteers: list
    upcoming_activities: list
    partner_calls: list
    new_ideas: list


def home_page():
    """The home page's sections, in three SQL statements."""
    seeking_volunteers, new_ideas = home_ideas()
    centres, upcoming = home_centres_and_activities()
    return HomePage(
        centres=centres,
        seeking_volunteers=seeking_volunteers,
        upcoming_activities=upcoming,
        partner_calls=home_partner_calls(),
        new_ideas=new_ideas,
    )
