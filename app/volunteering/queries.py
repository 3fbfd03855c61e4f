"""Reading roles and sign-ups for pages, in a fixed number of statements."""

from dataclasses import dataclass

from sqlalchemy import and_, func, literal, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from app import permissions
from app.extensions import db
from app.volunteering.models import SignUp, SignUpState, VolunteerRole


@dataclass
class RoleRow:
    role: VolunteerRole
    #: the viewer's active sign-up (applied or accepted) for this role, if any
    my_signup: SignUp | None


def roles_of(viewer, idea=None, activity=None):
    """The roles of an idea or an activity with the viewer's active sign-ups: one statement.

    An idea's roles that moved to the activity it became are the activity's now, so they are left out.
    """
    if permissions.is_signed_in(viewer):
        mine = aliased(SignUp)
        query = select(VolunteerRole, mine).outerjoin(
            mine, and_(mine.role_id == VolunteerRole.id, mine.user_id == viewer.id, mine.state.in_(SignUpState.ACTIVE))
        )
    else:
        query = select(VolunteerRole, literal(None).label("mine"))
    if activity is not None:
        query = query.where(VolunteerRole.activity_id == activity.id)
    else:
        query = query.where(VolunteerRole.idea_id == idea.id, VolunteerRole.activity_id.is_(None))
    rows = db.session.execute(query.order_by(VolunteerRole.starts_at.is_(None), VolunteerRole.starts_at, VolunteerRole.id)).all()
    return [RoleRow(role=role, my_signup=signup) for role, signup in rows]


def roles_of_idea(idea, viewer):
    """The idea's roles (places and accepted counts are columns) with the viewer's active sign-ups: one statement."""
    return roles_of(viewer, idea=idea)


def roles_of_activity(activity, viewer):
    """The activity's roles with the viewer's active sign-ups: one statement."""
    return roles_of(viewer, activity=activity)


def role_with_owner(role_id):
    """The role with its idea and activity, or None."""
    return db.session.scalar(
        select(VolunteerRole)
        .options(joinedload(VolunteerRole.idea), joinedload(VolunteerRole.activity))
        .where(VolunteerRole.id == role_id)
    )


def signup_with_role(signup_id):
    """The sign-up with its person, its role and the role's idea or activity, or None."""
    return db.session.scalar(
        select(SignUp)
        .options(
            joinedload(SignUp.role).joinedload(VolunteerRole.idea),
            joinedload(SignUp.role).joinedload(VolunteerRole.activity),
            joinedload(SignUp.user),
        )
        .where(SignUp.id == signup_id)
    )


def signups_of_role(role):
    """Everyone who applied for the role, with their names; the waiting ones first, then the newest."""
    waiting_first = SignUp.state != SignUpState.APPLIED
    return db.session.scalars(
        select(SignUp)
        .options(joinedload(SignUp.user))
        .where(SignUp.role_id == role.id)
        .order_by(waiting_first, SignUp.created_at.desc(), SignUp.id.desc())
    ).all()


#: at most this many of a person's sign-ups are listed on their page
MY_SIGNUPS_LIMIT = 200


def my_signups(user):
    """The person's sign-ups with their roles and the roles' ideas or activities, the newest first; one statement."""
    return db.session.scalars(
        select(SignUp)
        .join(SignUp.role)
        .outerjoin(VolunteerRole.idea)
        .outerjoin(VolunteerRole.activity)
        .options(
            contains_eager(SignUp.role).contains_eager(VolunteerRole.idea),
            contains_eager(SignUp.role).contains_eager(VolunteerRole.activity),
        )
        .where(SignUp.user_id == user.id)
        .order_by(SignUp.created_at.desc(), SignUp.id.desc())
        .limit(MY_SIGNUPS_LIMIT)
    ).all()


def confirmed_minutes_query(user):
    """The person's volunteer time confirmed by coordinators, as a scalar subquery (read with other counts on /me)."""
    return (
        select(func.coalesce(func.sum(SignUp.minutes), 0))
        .where(SignUp.user_id == user.id, SignUp.state == SignUpState.ATTENDED)
        .scalar_subquery()
    )


def latest_signups_of(user, limit):
    """The person's latest sign-ups with their roles and the roles' ideas or activities: one statement."""
    return db.session.scalars(
        select(SignUp)
        .options(
            joinedload(SignUp.role).joinedload(VolunteerRole.activity), joinedload(SignUp.role).joinedload(VolunteerRole.idea)
        )
        .where(SignUp.user_id == user.id)
        .order_by(SignUp.created_at.desc(), SignUp.id.desc())
        .limit(limit)
    ).all()
