"""Reading organisations and their representatives for pages, each in a fixed number of statements."""

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.organisations.models import MembershipState, Organisation, OrganisationType, Representative
from app.pagination import page_of, page_with_total
from app.search_index import match_condition, title_match_first

PER_PAGE = 24


def parse_kind(value):
    """The organisation type from the address (an allow-list), or None for every type."""
    return value if value in OrganisationType.ALL else None


def list_organisations(kind=None, centre_id=None, page=1, per_page=PER_PAGE, search=None):
    """A page of organisations with their centres, by name: one statement (one row more tells of a next page).

    With a search (a SearchQuery), only the organisations holding every word, those with all of them in the name
    first, and the page counts them (page.total).
    """
    query = select(Organisation).join(Organisation.centre).options(contains_eager(Organisation.centre))
    if kind is not None:
        query = query.where(Organisation.kind == kind)
    if centre_id is not None:
        query = query.where(Organisation.centre_id == centre_id)
    if search:
        query = query.where(match_condition(Organisation, search)).order_by(title_match_first(Organisation, search))
        return page_with_total(query.order_by(Organisation.name, Organisation.id), page, per_page)
    return page_of(query.order_by(Organisation.name, Organisation.id), page, per_page)


def organisation_with_centre(organisation_id):
    """The organisation with its centre, or None: one statement."""
    return db.session.scalar(
        select(Organisation)
        .join(Organisation.centre)
        .options(contains_eager(Organisation.centre))
        .where(Organisation.id == organisation_id)
    )


def memberships_of(organisation):
    """The organisation's open requests and approved representatives with their people, oldest first: one statement."""
    return db.session.scalars(
        select(Representative)
        .join(Representative.user)
        .options(contains_eager(Representative.user))
        .where(Representative.organisation_id == organisation.id, Representative.state.in_(MembershipState.ACTIVE))
        .order_by(Representative.created_at, Representative.id)
    ).all()


def pending_request(organisation, user):
    """The person's own request to represent the organisation that is still waiting, or None."""
    return db.session.scalar(
        select(Representative).where(
            Representative.organisation_id == organisation.id,
            Representative.user_id == user.id,
            Representative.state == MembershipState.REQUESTED,
        )
    )


def my_representations(user):
    """The organisations the person represents (approved), with their centres, by name: one statement."""
    return db.session.scalars(
        select(Organisation)
        .join(Representative, Representative.organisation_id == Organisation.id)
        .join(Organisation.centre)
        .options(contains_eager(Organisation.centre))
        .where(Representative.user_id == user.id, Representative.state == MembershipState.APPROVED)
        .order_by(Organisation.name, Organisation.id)
    ).all()
