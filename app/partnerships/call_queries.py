"""Reading partner calls and what seeks a school partner, for the pages: each list in one statement."""

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import to_utc
from sqlalchemy import literal, or_, select
from sqlalchemy.orm import joinedload

from app.activities.models import Activity, ActivityState
from app.extensions import db
from app.ideas.models import AGE_GROUPS, SUBJECTS, Idea, IdeaState
from app.organisations.models import Organisation
from app.pagination import page_of, page_with_total, requested_page
from app.partnerships.models import PartnerCall, PartnerCallState
from app.search_index import match_condition, parse_query, title_match_first
from app.timeutil import utcnow

#: rows of one kind on a page showing one kind, and on the page showing all three side by side
PER_PAGE = 20
PER_SECTION = 10
TYPES = ("all", "calls", "ideas", "activities")
#: "any" shows calls in every state
CALL_STATES = (*PartnerCallState.ALL, "any")
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass
class Filters:
    """The /partners filters, each already checked against its allow-list (None: not filtered)."""

    centre: object = None
    age_group: str | None = None
    subject: str | None = None
    #: (year, month)
    month: tuple | None = None
    type: str = "all"
    state: str = PartnerCallState.OPEN
    page: int = 1
    #: the words searched for, cleaned by parse_query ("" for no search)
    q: str = ""

    @property
    def search(self):
        """The words searched for, analysed as the search index holds them (false without a search)."""
        return parse_query(self.q)

    @property
    def period(self):
        """The month as "YYYY-MM", or None."""
        return f"{self.month[0]:04d}-{self.month[1]:02d}" if self.month else None

    def link_args(self, **changes):
        """The query string values that reproduce these filters (defaults left out), with some changed."""
        values = {
            "centre": self.centre.slug if self.centre else None,
            "age": self.age_group,
            "subject": self.subject,
            "period": self.period,
            "type": self.type if self.type != "all" else None,
            "state": self.state if self.state != PartnerCallState.OPEN else None,
            "q": self.q or None,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value is not None}


def parse_month(value):
    """(year, month) from "YYYY-MM", or None for anything else."""
    match = MONTH_PATTERN.match(value or "")
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
            return year, month
    return None


def parse_filters(args, centres):
    """The filters from the address; unknown or malformed values are ignored."""
    slug = args.get("centre")
    age = args.get("age")
    subject = args.get("subject")
    kind = args.get("type")
    state = args.get("state")
    return Filters(
        centre=next((centre for centre in centres if centre.slug == slug), None),
        age_group=age if age in AGE_GROUPS else None,
        subject=subject if subject in SUBJECTS else None,
        month=parse_month(args.get("period")),
        type=kind if kind in TYPES else "all",
        state=state if state in CALL_STATES else PartnerCallState.OPEN,
        page=requested_page(args),
        q=parse_query(args.get("q")).text,
    )


def month_bounds(year, month):
    """The first day of the month and the first day of the next one."""
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, following


def has_code(column, code):
    """The comma-separated codes in the column include this one (",a,b," contains ",b,")."""
    return (literal(",") + column + literal(",")).contains(f",{code},", autoescape=True)


def page_rows(query, filters, model, ordering, per_page=None):
    """The page of one kind's list (the first few rows, where all three kinds are shown side by side), in its order.

    With a search, only the rows holding every word, those with all of them in the title first, counted (page.total).
    """
    search = filters.search
    if search:
        query = query.where(match_condition(model, search)).order_by(title_match_first(model, search))
    query = query.order_by(*ordering)
    page, size = (1, PER_SECTION) if filters.type == "all" else (filters.page, PER_PAGE)
    if search:
        return page_with_total(query, page, per_page or size)
    return page_of(query, page, per_page or size)


def partner_calls(filters, per_page=None):
    """Partner calls with their organisations and centres, newest first: one statement (per_page: other than the
    page's own)."""
    query = select(PartnerCall).options(joinedload(PartnerCall.organisation), joinedload(PartnerCall.centre))
    if filters.state != "any":
        query = query.where(PartnerCall.state == filters.state)
    if filters.centre is not None:
        query = query.where(PartnerCall.centre_id == filters.centre.id)
    if filters.age_group:
        query = query.where(has_code(PartnerCall.age_groups, filters.age_group))
    if filters.subject:
        query = query.where(has_code(PartnerCall.subjects, filters.subject))
    if filters.month:
        # the call's period overlaps the month; a call without a period suits any month
        first, following = month_bounds(*filters.month)
        query = query.where(
            or_(PartnerCall.starts_on.is_(None), PartnerCall.starts_on < following),
            or_(PartnerCall.ends_on.is_(None), PartnerCall.ends_on >= first),
        )
    return page_rows(query, filters, PartnerCall, (PartnerCall.created_at.desc(), PartnerCall.id.desc()), per_page)


def ideas_seeking_partner(filters):
    """Published ideas that seek a school partner, newest first: one statement (ideas have no period)."""
    query = (
        select(Idea)
        .options(joinedload(Idea.centre))
        .where(Idea.state == IdeaState.PUBLISHED, Idea.hidden_at.is_(None), Idea.seeking_school_partner.is_(True))
    )
    if filters.centre is not None:
        query = query.where(Idea.centre_id == filters.centre.id)
    if filters.age_group:
        query = query.where(has_code(Idea.partner_age_groups, filters.age_group))
    if filters.subject:
        query = query.where(has_code(Idea.partner_subjects, filters.subject))
    return page_rows(query, filters, Idea, (Idea.published_at.desc(), Idea.id.desc()))


def activities_seeking_partner(filters, now=None):
    """Planned or open activities still to come that seek a school partner, soonest first: one statement."""
    query = (
        select(Activity)
        .options(joinedload(Activity.centre))
        .where(
            Activity.state.in_(ActivityState.ACTIVE),
            Activity.seeking_school_partner.is_(True),
            Activity.ends_at >= (now or utcnow()),
        )
    )
    if filters.centre is not None:
        query = query.where(Activity.centre_id == filters.centre.id)
    if filters.age_group:
        query = query.where(has_code(Activity.partner_age_groups, filters.age_group))
    if filters.subject:
        query = query.where(has_code(Activity.partner_subjects, filters.subject))
    if filters.month:
        # starting in the month, in local (Riga) time; stored times are naive UTC
        first, following = month_bounds(*filters.month)
        start = to_utc(datetime(first.year, first.month, 1)).replace(tzinfo=None)
        end = to_utc(datetime(following.year, following.month, 1)).replace(tzinfo=None)
        query = query.where(Activity.starts_at >= start, Activity.starts_at < end)
    return page_rows(query, filters, Activity, (Activity.starts_at, Activity.id))


def call_with_organisation(call_id):
    """The partner call with its organisation and centre, or None: one statement."""
    return db.session.scalar(
        select(PartnerCall)
        .options(joinedload(PartnerCall.organisation).joinedload(Organisation.centre), joinedload(PartnerCall.centre))
        .where(PartnerCall.id == call_id)
    )


def organisation_with_centre(organisation_id):
    """The organisation with its centre, or None: one statement."""
    return db.session.scalar(
        select(Organisation).options(joinedload(Organisation.centre)).where(Organisation.id == organisation_id)
    )


def open_calls(organisation):
    """The organisation's partner calls still looking for a partner, newest first: one statement."""
    return db.session.scalars(
        select(PartnerCall)
        .where(PartnerCall.organisation_id == organisation.id, PartnerCall.state == PartnerCallState.OPEN)
        .order_by(PartnerCall.created_at.desc(), PartnerCall.id.desc())
    ).all()


#: calls on the home page (as many as cards in its other sections)
HOME_LIST_LENGTH = 4


def home_partner_calls(limit=HOME_LIST_LENGTH):
    """The newest partner calls still looking for a partner, with their organisations and centres: one statement."""
    return db.session.scalars(
        select(PartnerCall)
        .options(joinedload(PartnerCall.organisation), joinedload(PartnerCall.centre))
        .where(PartnerCall.state == PartnerCallState.OPEN)
        .order_by(PartnerCall.created_at.desc(), PartnerCall.id.desc())
        .limit(limit)
    ).all()
