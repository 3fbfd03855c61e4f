"""Reading for the moderation pages: the review queue, the waiting counts, saved reason texts."""

from sqlalchemy import func, select, true
from sqlalchemy.orm import joinedload

from app.accounts.models import User, moderator_centres
from app.centres.models import Centre
from app.comments.models import Comment
from app.comments.queries import comment_centre_id, waiting_for_review
from app.extensions import db
from app.ideas import reports as idea_reports
from app.ideas.models import Idea, IdeaEvent, IdeaState
from app.inputs import DB_INT_MAX
from app.moderation.models import ReasonTemplate
from app.pagination import page_of

PER_PAGE = 20
#: the queue is counted (the page says "page 3 of 7"): any page number the database takes
LAST_PAGE = DB_INT_MAX


def moderated_centre_ids(user):
    """The ids of the centres the person moderates, or None for admins (every centre).

    Reads the person's already loaded centres: no SQL statement when they were loaded before.
    """
    if user.is_admin:
        return None
    return [centre.id for centre in user.moderated_centres]


def in_centres(column, centre_ids):
    """A condition limiting column to the centres (None: no limit)."""
    if centre_ids is None:
        return true()
    return column.in_(centre_ids)


def waiting_ideas(user, page):
    """Submitted ideas of the person's centres, the one waiting longest first, one page.

    Two statements: the count and the page (with author, centre and category joined).
    """
    statement = (
        select(Idea)
        .options(joinedload(Idea.author), joinedload(Idea.centre), joinedload(Idea.category))
        .where(Idea.state == IdeaState.SUBMITTED, in_centres(Idea.centre_id, moderated_centre_ids(user)))
        .order_by(Idea.submitted_at, Idea.id)
    )
    return page_of(statement, page, PER_PAGE, count=True)


def waiting_counts(user):
    """(submitted ideas, comments waiting for review, ideas waiting for review after reports) in the person's
    centres: ONE statement."""
    centre_ids = moderated_centre_ids(user)
    ideas = (
        select(func.count())
        .select_from(Idea)
        .where(Idea.state == IdeaState.SUBMITTED, in_centres(Idea.centre_id, centre_ids))
        .scalar_subquery()
    )
    comments = (
        select(func.count())
        .select_from(Comment)
        .where(waiting_for_review(), in_centres(comment_centre_id(), centre_ids))
        .scalar_subquery()
    )
    reported_ideas = (
        select(func.count())
        .select_from(Idea)
        .where(idea_reports.waiting_for_review(), in_centres(Idea.centre_id, centre_ids))
        .scalar_subquery()
    )
    row = db.session.execute(
        select(ideas.label("ideas"), comments.label("comments"), reported_ideas.label("reported_ideas"))
    ).one()
    return row.ideas, row.comments, row.reported_ideas


def idea_for_review(idea_id):
    """The idea with its author, centre, category and timeline (with the people), or None."""
    return db.session.scalar(
        select(Idea)
        .options(
            joinedload(Idea.author),
            joinedload(Idea.centre),
            joinedload(Idea.category),
            joinedload(Idea.events).joinedload(IdeaEvent.actor),
        )
        .where(Idea.id == idea_id)
    )


def reason_templates_of_centre(centre_id):
    """The centre's saved reason texts, by decision and title."""
    return db.session.scalars(
        select(ReasonTemplate)
        .where(ReasonTemplate.centre_id == centre_id)
        .order_by(ReasonTemplate.decision, func.lower(ReasonTemplate.title), ReasonTemplate.id)
    ).all()


def reason_templates_for(user):
    """The saved reason texts of every centre the person moderates, by centre, decision and title."""
    return db.session.scalars(
        select(ReasonTemplate)
        .join(Centre, Centre.id == ReasonTemplate.centre_id)
        .options(joinedload(ReasonTemplate.centre))
        .where(in_centres(ReasonTemplate.centre_id, moderated_centre_ids(user)))
        .order_by(Centre.name, ReasonTemplate.decision, func.lower(ReasonTemplate.title), ReasonTemplate.id)
    ).all()


def centres_moderated_by(user):
    """The (active and inactive) centres the person moderates, by name; admins: every centre."""
    statement = select(Centre).order_by(Centre.is_active.desc(), Centre.name)
    centre_ids = moderated_centre_ids(user)
    if centre_ids is not None:
        statement = statement.where(Centre.id.in_(centre_ids))
    return db.session.scalars(statement).all()


# The moderator digest


def digest_moderators():
    """Confirmed, not suspended people who moderate at least one centre, with their centres."""
    has_centre = select(moderator_centres.c.user_id).where(moderator_centres.c.user_id == User.id).exists()
    return (
        db.session.scalars(
            select(User)
            .options(joinedload(User.moderated_centres))
            .where(has_centre, User.suspended_at.is_(None), User.email_confirmed_at.is_not(None))
            .order_by(User.id)
        )
        .unique()
        .all()
    )


def all_waiting_ideas():
    """Every submitted idea with its centre, the one waiting longest first."""
    return db.session.scalars(
        select(Idea)
        .options(joinedload(Idea.centre))
        .where(Idea.state == IdeaState.SUBMITTED)
        .order_by(Idea.submitted_at, Idea.id)
    ).all()


def waiting_reported_idea_counts_by_centre():
    """{centre id: number of ideas waiting for review after reports}."""
    rows = db.session.execute(
        select(Idea.centre_id, func.count()).where(idea_reports.waiting_for_review()).group_by(Idea.centre_id)
    ).all()
    return dict(rows)


def waiting_comment_counts_by_centre():
    """{centre id: number of comments waiting for review}."""
    centre_id = comment_centre_id().label("centre_id")
    rows = db.session.execute(
        select(centre_id, func.count()).select_from(Comment).where(waiting_for_review()).group_by(centre_id)
    ).all()
    return dict(rows)
