"""Reading ideas for the pages: one idea for its page, a person's own ideas, and the people around an idea.

The lists (filters, search, sort and keyset pagination) are in list_queries.py.
"""

from dataclasses import dataclass

from flask import abort
from sqlalchemy import exists, func, literal, select, union_all
from sqlalchemy.orm import contains_eager, joinedload

from app import permissions
from app.accounts.models import User
from app.extensions import db
from app.ideas.list_queries import IdeaFilters, cards_of, page_of_ids, seeking_volunteers
from app.ideas.models import Follow, Idea, IdeaEvent, IdeaReport, IdeaState, Support


def idea_for(viewer, idea_id):
    """The idea, or 404 when there is none or the viewer may not see it (another person's draft)."""
    idea = db.session.get(Idea, idea_id)
    if idea is None or not permissions.can_view_idea(viewer, idea):
        abort(404)
    return idea


# Detail page ----------------------------------------------------------------------------------------------------


@dataclass
class IdeaPageData:
    """What the idea's page shows, as the viewer sees it."""

    idea: Idea
    #: the idea's steps, oldest first, each with .actor loaded
    events: list
    #: the viewer supports / follows the idea
    supported: bool = False
    following: bool = False
    #: the viewer has reported the idea
    reported: bool = False
    # comments: loaded by load_comments() in app/comments/queries.py
    comments: list | None = None


def idea_page(idea_id, viewer):
    """The idea for its page, or None when there is no such idea (the route checks who may see it).

    One SQL statement: the idea with its author, category and centre, its events with their actors
    (an idea has a handful), and whether the viewer supports, follows and reported it (three EXISTS columns).
    """
    if permissions.is_signed_in(viewer):
        supported = exists().where(Support.idea_id == Idea.id, Support.user_id == viewer.id)
        following = exists().where(Follow.idea_id == Idea.id, Follow.user_id == viewer.id)
        reported = exists().where(IdeaReport.idea_id == Idea.id, IdeaReport.reporter_id == viewer.id)
    else:
        supported = following = reported = literal(False)
    row = (
        db.session.execute(
            select(Idea, supported.label("supported"), following.label("following"), reported.label("reported"))
            .options(
                joinedload(Idea.author),
                joinedload(Idea.category),
                joinedload(Idea.centre),
                joinedload(Idea.events).joinedload(IdeaEvent.actor),
            )
            .where(Idea.id == idea_id)
        )
        .unique()
        .first()
    )
    if row is None:
        return None
    idea, is_supported, is_following, is_reported = row
    return IdeaPageData(
        idea=idea,
        events=list(idea.events),
        supported=bool(is_supported),
        following=bool(is_following),
        reported=bool(is_reported),
    )


#: at most this many of a person's own ideas are listed on their page (nobody writes more by hand)
MY_IDEAS_LIMIT = 200


def my_ideas(user):
    """The person's own ideas in every state (drafts too), the most recently changed first; one statement."""
    return db.session.scalars(
        select(Idea)
        .join(Idea.category)
        .join(Idea.centre)
        .options(contains_eager(Idea.category), contains_eager(Idea.centre))
        .where(Idea.author_id == user.id)
        .order_by(Idea.updated_at.desc(), Idea.id.desc())
        .limit(MY_IDEAS_LIMIT)
    ).all()


def idea_count_query(user):
    """How many ideas the person wrote, as a scalar subquery: /me reads it with other counts in one statement."""
    return select(func.count(Idea.id)).where(Idea.author_id == user.id).scalar_subquery()


# The people around an idea (the recipients its services pass to notify()) ---------------------------------------


def followers_of(idea):
    """People following the idea."""
    return db.session.scalars(select(User).join(Follow, Follow.user_id == User.id).where(Follow.idea_id == idea.id)).all()


def supporters_of(idea):
    """People supporting the idea."""
    return db.session.scalars(select(User).join(Support, Support.user_id == User.id).where(Support.idea_id == idea.id)).all()


# The home page --------------------------------------------------------------------------------------------------

#: cards in each of the home page's sections
HOME_LIST_LENGTH = 4


def home_ideas(limit=HOME_LIST_LENGTH, now=None):
    """(the newest open ideas seeking volunteers, the newest open ideas) for the home page, in one statement.

    Both pages of ids are read together, and each card says whether its idea seeks volunteers; the newest
    few of the union are the newest few overall (a newer idea would have been among them), and likewise
    for those seeking volunteers.
    """
    open_ideas = IdeaFilters(state=IdeaState.PUBLISHED)
    newest = page_of_ids(open_ideas, "newest", None, limit).subquery()
    wanted = page_of_ids(IdeaFilters(state=IdeaState.PUBLISHED, seeking_volunteers=True), "newest", None, limit)
    wanted = wanted.subquery()
    ids = union_all(select(newest.c.id), select(wanted.c.id))
    statement = cards_of(ids).add_columns(seeking_volunteers(now).label("seeking_volunteers"))
    rows = sorted(db.session.execute(statement).unique(), key=lambda row: (row[0].published_at, row[0].id), reverse=True)
    return [idea for idea, seeking in rows if seeking][:limit], [idea for idea, _seeking in rows][:limit]


# A person's profile page ------------------------------------------------------------------------------------------

#: at most this many of a person's public ideas are listed on their profile page, the newest first
PROFILE_IDEAS_LIMIT = 50


def public_ideas_of(author_id, limit=PROFILE_IDEAS_LIMIT):
    """The ideas by this person that everyone may see (published, promoted, archived; not hidden), newest first.

    One statement; `limit + 1` rows are read so that the page can say there are more.
    """
    return db.session.scalars(
        select(Idea)
        .where(Idea.author_id == author_id, Idea.state.in_(IdeaState.PUBLIC), Idea.hidden_at.is_(None))
        .order_by(Idea.published_at.desc(), Idea.id.desc())
        .limit(limit + 1)
    ).all()
