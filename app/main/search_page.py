"""One search across the site (/search): ideas, activities, organisations and partner calls, grouped by kind.

Each group's rows come from its own list's query with that list's rules, so a group holds exactly what its list
shows everyone (public ideas only, never a draft or a hidden one) and "See all" leads to that list, filtered by the
same words, holding the number counted here. Composed here, above the domains, in a fixed number of statements
whatever is found: one per kind, two for activities (those coming up and those past), none without a search.
"""

from dataclasses import dataclass

from app.activities.queries import list_activities
from app.ideas.list_queries import IdeaFilters, list_ideas
from app.organisations.queries import list_organisations
from app.pagination import ListPage
from app.partnerships.call_queries import Filters as CallFilters
from app.partnerships.call_queries import partner_calls
from app.search_index import SearchQuery, parse_query

#: rows shown of each kind; the rest are a "See all" away
GROUP_LENGTH = 5
#: partner calls are searched in every state (a closed call is still worth finding); the list is asked the same
CALL_STATE = "any"


def total_of(page):
    """The number of rows a group's list holds (0 when not searched or not counted)."""
    return (page.total or 0) if page is not None else 0


@dataclass
class SiteSearch:
    """What a search found of each kind: a page of the first GROUP_LENGTH rows of each list, each with its total."""

    search: SearchQuery
    ideas: ListPage | None = None
    upcoming_activities: ListPage | None = None
    past_activities: ListPage | None = None
    organisations: ListPage | None = None
    partner_calls: ListPage | None = None

    @property
    def activity_count(self):
        """The activities found, coming up and past together."""
        return total_of(self.upcoming_activities) + total_of(self.past_activities)

    @property
    def past_activities_shown(self):
        """The past activities shown: those filling the group after the ones coming up (those first)."""
        if self.past_activities is None:
            return []
        return self.past_activities.items[: max(GROUP_LENGTH - len(self.upcoming_activities.items), 0)]

    @property
    def total(self):
        """Everything found, of every kind."""
        return sum(map(total_of, (self.ideas, self.organisations, self.partner_calls))) + self.activity_count


def site_search(text):
    """The groups of a search for what a person typed (nothing searched for an empty or wordless text): five statements."""
    search = parse_query(text)
    if not search:
        return SiteSearch(search=search)
    return SiteSearch(
        search=search,
        ideas=list_ideas(IdeaFilters(q=search.text), per_page=GROUP_LENGTH),
        upcoming_activities=list_activities("upcoming", per_page=GROUP_LENGTH, search=search),
        past_activities=list_activities("past", per_page=GROUP_LENGTH, search=search),
        organisations=list_organisations(per_page=GROUP_LENGTH, search=search),
        partner_calls=partner_calls(CallFilters(type="calls", state=CALL_STATE, q=search.text), per_page=GROUP_LENGTH),
    )
