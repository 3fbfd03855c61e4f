"""Reading the lists of ideas: filters, search, sort and keyset pagination, for /ideas (and the home page)."""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, case, column, exists, func, literal, or_, select, table, tuple_, union_all
from sqlalchemy.orm import contains_eager, defer

from app.centres.models import Centre
from app.extensions import db
from app.ideas.models import Category, Idea, IdeaKind, IdeaState
from app.pagination import ListPage
from app.search_index import match_condition, parse_query
from app.timeutil import utcnow

# The list is paginated by keyset ("the ideas after this one"), never by OFFSET, so page 5,000 costs what page 1
# costs: each public state is read in the order of an index (ix_ideas_state_published/_supports/_comments) from
# the cursor on, and only a page of rows is touched. How each database is led there: see page_of_ids().

#: the sort orders people can choose; each is "this column, highest first, then the newest id"
SORTS = {
    "newest": Idea.published_at,
    "supported": Idea.support_count,
    "discussed": Idea.comment_count,
}
DEFAULT_SORT = "newest"
#: the sort a search starts with (and only a search offers): the ideas whose title holds every word searched for
#: first, then those that hold them elsewhere; newest first within each (see sort_keys)
RELEVANCE = "relevance"
PER_PAGE_CHOICES = (10, 20, 50)
DEFAULT_PER_PAGE = 20
#: the state filter: "" lists the open ideas and those that became activities; never other states
STATE_CHOICES = {
    "": (IdeaState.PUBLISHED, IdeaState.PROMOTED),
    IdeaState.PUBLISHED: (IdeaState.PUBLISHED,),
    IdeaState.PROMOTED: (IdeaState.PROMOTED,),
    IdeaState.ARCHIVED: (IdeaState.ARCHIVED,),
    "all": IdeaState.PUBLIC,
}
#: the volunteer roles (app/volunteering/models.py), named here as a plain table: volunteering is a layer above
#: ideas, so its model cannot be imported; only the columns the "seeking volunteers" filter reads
ROLES_TABLE = table(
    "volunteer_roles", *map(column, ("idea_id", "activity_id", "places", "accepted_count", "starts_at", "ends_at"))
)


@dataclass(frozen=True)
class IdeaFilters:
    """What the list is narrowed to; build it with parse_filters() so that every value is allowed."""

    kind: str = ""
    category_id: int | None = None
    centre_id: int | None = None
    state: str = ""
    seeking_school_partner: bool = False
    seeking_volunteers: bool = False
    q: str = ""

    @property
    def states(self):
        """The public states to list; an unknown state filter means the default, never other states."""
        return STATE_CHOICES.get(self.state, STATE_CHOICES[""])

    @property
    def search(self):
        """The words searched for, analysed as the search index holds them (false without a search)."""
        return parse_query(self.q)

    def is_empty(self):
        """Nothing narrows the list: every filter is at its default."""
        return self == IdeaFilters()

    def as_args(self):
        """The filters as URL parameters (only those that differ from the default)."""
        args = {
            "kind": self.kind,
            "category": self.category_id,
            "centre": self.centre_id,
            "state": self.state,
            "partner": "1" if self.seeking_school_partner else "",
            "volunteers": "1" if self.seeking_volunteers else "",
            "q": self.q,
        }
        return {key: value for key, value in args.items() if value not in ("", None)}


class IdeaPage(ListPage):
    """One page of ideas and the cursors of its neighbours (None where there is none)."""

    @property
    def ideas(self):
        """The ideas of the page (its items)."""
        return self.items


def int_or_none(value):
    """The value as a whole number above 0 and below 2³¹ (a usable id), else None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def parse_filters(args, category_ids=None, centre_ids=None):
    """IdeaFilters from request arguments; unknown or malformed values are ignored, never an error.

    category_ids/centre_ids, when given, are the ids that may be chosen (the ones offered in the form).
    """
    kind = args.get("kind", "")
    category_id = int_or_none(args.get("category"))
    centre_id = int_or_none(args.get("centre"))
    state = args.get("state", "")
    return IdeaFilters(
        kind=kind if kind in IdeaKind.ALL else "",
        category_id=category_id if category_ids is None or category_id in category_ids else None,
        centre_id=centre_id if centre_ids is None or centre_id in centre_ids else None,
        state=state if state in STATE_CHOICES else "",
        seeking_school_partner=args.get("partner", "") in ("1", "y", "on", "true"),
        seeking_volunteers=args.get("volunteers", "") in ("1", "y", "on", "true"),
        q=parse_query(args.get("q")).text,
    )


def parse_sort(value, searching=False):
    """The sort order asked for when it is one of those offered, else the default: the best match first when
    searching, else the newest first. Relevance without a search means nothing, so it is the newest first."""
    if value in SORTS or (searching and value == RELEVANCE):
        return value
    return RELEVANCE if searching else DEFAULT_SORT


def title_holds_every_word(search):
    """1 for an idea whose title holds every word of the search, else 0: the first key of the relevance sort."""
    return case((match_condition(Idea, search, title_only=True), 1), else_=0)


def sort_keys(sort, search):
    """The expressions a sort orders by, each highest first, then the newest id (the last tie-breaker)."""
    if sort == RELEVANCE:
        return (title_holds_every_word(search), Idea.published_at)
    return (SORTS[sort],)


def parse_per_page(value):
    """The page size asked for when it is one of those offered (10, 20, 50), else 20."""
    number = int_or_none(value)
    return number if number in PER_PAGE_CHOICES else DEFAULT_PER_PAGE


# An opaque cursor: base64 of "sort|direction|value|id" ("relevance|direction|tier|published|id" for relevance:
# the tier, 1 or 0, is whether the title holds every word). It only says where to continue; a forged one can only
# move the reader to another place in the same public list. Anything malformed means "the first page".


def encode_cursor(sort, direction, value, idea_id):
    """The opaque cursor for "the ideas after/before this one" in this sort; None when the idea has no sort value.

    value: the idea's sort key, for relevance the pair (tier, published_at).
    """
    values = value if isinstance(value, tuple) else (value,)
    if any(part is None for part in values):
        return None
    text = "|".join(part.isoformat() if isinstance(part, datetime) else str(part) for part in values)
    raw = f"{sort}|{direction}|{text}|{idea_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor, sort):
    """(direction, value, id) from a cursor made for this sort, or None (value as encode_cursor takes it)."""
    if not cursor or len(cursor) > 200:
        return None
    try:
        cursor_sort, direction, *values, idea_id = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")
        idea_id = int(idea_id)
        if cursor_sort != sort or len(values) != (2 if sort == RELEVANCE else 1):
            return None
        if sort == RELEVANCE:
            tier, published = int(values[0]), datetime.fromisoformat(values[1])
            value = (tier, published) if tier in (0, 1) else None
        elif sort == "newest":
            value = datetime.fromisoformat(values[0])
        else:
            value = int(values[0])
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    # ids and counts are INTEGER columns: a bigger number in a cursor would be a database error, not a place
    if value is None or direction not in ("next", "prev") or not 0 <= idea_id < 2**31:
        return None
    moment = value[1] if isinstance(value, tuple) else value
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            return None
    elif not -(2**31) < moment < 2**31:
        return None
    return direction, value, idea_id


def filter_conditions(filters):
    """WHERE conditions of the filters other than the state (which list_ideas handles), and "not hidden":
    a hidden idea is not public (Idea.is_public), so no list shows it."""
    conditions = [Idea.hidden_at.is_(None)]
    if filters.kind:
        conditions.append(Idea.kind == filters.kind)
    if filters.category_id:
        conditions.append(Idea.category_id == filters.category_id)
    if filters.centre_id:
        conditions.append(Idea.centre_id == filters.centre_id)
    if filters.seeking_school_partner:
        conditions.append(Idea.seeking_school_partner.is_(True))
    if filters.seeking_volunteers:
        conditions.append(seeking_volunteers())
    return conditions


def seeking_volunteers(now=None):
    """The idea has a volunteer role of its own that still takes people: a place free, its shift not over.

    A role that moved to the activity the idea became is the activity's (activity_id set), so it does not count.
    """
    roles = ROLES_TABLE.c
    shift_end = func.coalesce(roles.ends_at, roles.starts_at)
    return exists().where(
        roles.idea_id == Idea.id,
        roles.activity_id.is_(None),
        roles.accepted_count < roles.places,
        or_(shift_end.is_(None), shift_end > (now or utcnow())),
    )


def page_of_ids(filters, sort, position, limit):
    """A SELECT of the ids of one page (`limit` rows) in page order, from `position` on (None: the start)."""
    search = filters.search
    keys = sort_keys(sort, search)
    backwards = position is not None and position[0] == "prev"
    conditions = filter_conditions(filters)
    if position is not None:
        _direction, value, idea_id = position
        values = value if isinstance(value, tuple) else (value,)
        here = tuple_(*(literal(part, key.type) for part, key in zip(values, keys, strict=True)), literal(idea_id, Integer))
        conditions.append(tuple_(*keys, Idea.id) > here if backwards else tuple_(*keys, Idea.id) < here)
    if search:
        conditions.append(match_condition(Idea, search))
    # ordered by the labels, not the expressions again: relevance's tier is a full-text match, best computed once
    labelled_keys = [key.label(f"sort_key_{number}") for number, key in enumerate(keys)]
    columns = [Idea.id.label("id"), *labelled_keys]

    def in_page_order(*expressions):
        return [expression.asc() if backwards else expression.desc() for expression in expressions]

    if db.engine.dialect.name != "postgresql":
        # SQLite walks the index once per state of `state IN (…)` and stops each walk after `limit` rows
        # (its ORDER BY … LIMIT optimisation), so one plain query is fast at any depth.
        inner = (
            select(*columns)
            .where(Idea.state.in_(filters.states), *conditions)
            .order_by(*in_page_order(*labelled_keys, Idea.id))
            .limit(limit)
            .subquery()
        )
        return select(inner.c.id)
    if search:
        # The planner guesses how common a word is; with LIMIT it may walk the whole index looking for a rare
        # one (half a second at 100,000 ideas). Collecting the matches first (GIN index) is fast either way.
        merged = select(*columns).where(Idea.state.in_(filters.states), *conditions).cte("matches").prefix_with("MATERIALIZED")
    else:
        # PostgreSQL cannot walk one index in order for `state IN (…)` and would sort every public idea;
        # each state's walk is limited on its own and the few rows merged (a Merge Append).
        branches = [
            select(*columns)
            .where(Idea.state == state, *conditions)
            .order_by(*in_page_order(*labelled_keys, Idea.id))
            .limit(limit)
            .subquery()
            for state in filters.states
        ]
        merged = branches[0] if len(branches) == 1 else union_all(*(select(*branch.c) for branch in branches)).subquery()
    merged_keys = [merged.c[f"sort_key_{number}"] for number in range(len(keys))]
    return select(merged.c.id).order_by(*in_page_order(*merged_keys, merged.c.id)).limit(limit)


def count_of(filters):
    """A scalar subquery: how many ideas the whole list has with these filters (every page together).

    It is a column of the page's own statement (evaluated once), so the count costs the page no statement.
    """
    return select(func.count()).select_from(Idea).where(*list_conditions(filters)).correlate(None).scalar_subquery()


def list_conditions(filters):
    """Every WHERE condition of the list with these filters: its public states, the other filters, the search
    (what the whole list holds, every page together; the list's map reads the same)."""
    conditions = [Idea.state.in_(filters.states), *filter_conditions(filters)]
    if filters.search:
        conditions.append(match_condition(Idea, filters.search))
    return conditions


def cards_of(ids):
    """A SELECT of the ideas with these ids and what their cards show (category, centre), in one statement.

    The long texts are not loaded (and touching them raises), so a card cannot quietly run a query per idea.
    """
    return (
        select(Idea)
        .join(Idea.category)
        .join(Idea.centre)
        .options(
            contains_eager(Idea.category),
            contains_eager(Idea.centre),
            *(defer(column, raiseload=True) for column in (Idea.description, Idea.needs, Idea.search_title, Idea.search_body)),
        )
        .where(Idea.id.in_(ids))
    )


def list_ideas(filters, sort=None, cursor=None, per_page=DEFAULT_PER_PAGE):
    """One page of public ideas with their category and centre, in one SQL statement.

    sort: one of SORTS, or RELEVANCE with a search; anything else (None) the default (parse_sort). `cursor`
    comes from a previous page's next_cursor/prev_cursor; a missing, malformed or foreign one gives the first page.
    """
    search = filters.search
    sort = parse_sort(sort, searching=bool(search))
    labelled_keys = [key.label(f"sort_key_{number}") for number, key in enumerate(sort_keys(sort, search))]
    position = decode_cursor(cursor, sort)
    backwards = position is not None and position[0] == "prev"
    statement = (
        cards_of(page_of_ids(filters, sort, position, per_page + 1))
        # the sort keys ride along too: the cursors are made of them (relevance's tier is no column of the idea)
        .add_columns(count_of(filters), *labelled_keys)
        .order_by(*(key.desc() for key in labelled_keys), Idea.id.desc())
    )
    rows = db.session.execute(statement).unique().all()
    ideas = [row[0] for row in rows]
    sort_values = {row[0].id: (tuple(row[2:]) if len(labelled_keys) > 1 else row[2]) for row in rows}
    more = len(ideas) > per_page
    if more:  # one row beyond the page, on the side we were going to
        ideas = ideas[1:] if backwards else ideas[:-1]
    # the count rides on the page's rows; an empty first page means none, an empty later page is not counted
    total = rows[0][1] if rows else (0 if position is None else None)
    page = IdeaPage(items=ideas, per_page=per_page, total=total)
    if ideas:
        first, last = ideas[0], ideas[-1]
        if more or backwards:
            page.next_cursor = encode_cursor(sort, "next", sort_values[last.id], last.id)
            page.has_next = True
        if (more and backwards) or (position is not None and not backwards):
            page.prev_cursor = encode_cursor(sort, "prev", sort_values[first.id], first.id)
    return page


@dataclass(frozen=True)
class CategoryChoice:
    id: int
    name_lv: str
    name_en: str

    def name(self, language):
        """The category's name in this language (Latvian for "lv", English otherwise)."""
        return self.name_lv if language == "lv" else self.name_en


@dataclass(frozen=True)
class CentreChoice:
    id: int
    name: str


def filter_choices():
    """(active categories by position, active centres by name) for the filters, in one SQL statement.

    One, not two: the header of a signed-in person's page already costs up to four of the list page's
    budget of five (the user, their centres, unread notifications, a moderator's waiting items).
    """
    categories = select(
        literal("category").label("what"),
        Category.id,
        Category.name_lv.label("name"),
        Category.name_en.label("other_name"),
        Category.position,
    ).where(Category.is_active.is_(True))
    centres = select(literal("centre"), Centre.id, Centre.name, Centre.name, literal(0)).where(Centre.is_active.is_(True))
    rows = db.session.execute(union_all(categories, centres)).all()
    return (
        [
            CategoryChoice(row.id, row.name, row.other_name)
            for row in sorted((row for row in rows if row.what == "category"), key=lambda row: (row.position, row.id))
        ],
        [
            CentreChoice(row.id, row.name)
            for row in sorted((row for row in rows if row.what == "centre"), key=lambda row: (row.name, row.id))
        ],
    )
