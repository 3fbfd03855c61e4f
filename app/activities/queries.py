"""Reading activities and registrations for pages, each in a fixed number of statements."""

from dataclasses import dataclass, field

from sqlalchemy import and_, func, select
from sqlalchemy.orm import contains_eager, joinedload

from app import permissions
from app.activities.models import Activity, ActivityState, CalendarFeed, Registration, RegistrationState
from app.centres.models import Centre
from app.extensions import db
from app.pagination import page_of, page_with_total
from app.search_index import match_condition, title_match_first
from app.timeutil import utcnow
from app.volunteering.models import SignUp, SignUpState, VolunteerRole

PER_PAGE = 20
#: activities on the home page (as many as cards in its other sections)
HOME_LIST_LENGTH = 4
#: the two views of the list: what is still to come (or going on now), and what has ended
WHEN_CHOICES = ("upcoming", "past")
#: at most this many registrations on "My registrations"
MY_REGISTRATIONS_LIMIT = 200


def parse_when(value):
    """The list's view from the address: "past", else "upcoming"."""
    return value if value in WHEN_CHOICES else "upcoming"


def centre_by_slug(centres, slug):
    """The centre with this slug among the offered ones (an allow-list), or None."""
    return next((centre for centre in centres if centre.slug == slug), None)


def list_choice(when="upcoming", centre_id=None, search=None, now=None):
    """(WHERE conditions, ORDER BY) of the list of activities for this choice, shared by the list and its map.

    "Upcoming" keeps an activity until it ends (one going on now is still worth finding), the soonest
    first; "past" lists those that ended, the newest first. With a search (a SearchQuery), only the
    activities holding every word, those with all of them in the title first.
    """
    now = now or utcnow()
    if when == "past":
        conditions = [Activity.ends_at < now]
        ordering = (Activity.starts_at.desc(), Activity.id.desc())
    else:
        conditions = [Activity.ends_at >= now]
        ordering = (Activity.starts_at, Activity.id)
    if centre_id is not None:
        conditions.append(Activity.centre_id == centre_id)
    if search:
        conditions.append(match_condition(Activity, search))
        ordering = (title_match_first(Activity, search), *ordering)
    return conditions, ordering


def list_activities(when="upcoming", centre_id=None, page=1, per_page=PER_PAGE, now=None, search=None):
    """A page of activities with their centres (list_choice's), in one statement; with a search the page
    counts them too (page.total), otherwise one row more than a page tells whether a next page exists."""
    conditions, ordering = list_choice(when, centre_id, search, now)
    query = select(Activity).join(Activity.centre).options(contains_eager(Activity.centre)).where(*conditions)
    if search:
        return page_with_total(query.order_by(*ordering), page, per_page)
    return page_of(query.order_by(*ordering), page, per_page)


def activities_between(start, end, centre_id=None):
    """Activities starting in [start, end) (naive UTC) with their centres, in time order: one statement."""
    query = (
        select(Activity)
        .join(Activity.centre)
        .options(contains_eager(Activity.centre))
        .where(Activity.starts_at >= start, Activity.starts_at < end)
        .order_by(Activity.starts_at, Activity.id)
    )
    if centre_id is not None:
        query = query.where(Activity.centre_id == centre_id)
    return db.session.scalars(query).all()


def home_centres_and_activities(limit=HOME_LIST_LENGTH, now=None):
    """(the active centres by name, the next planned or open activities in them, starting later) for the home page.

    One statement for both: each active centre is joined with those of its activities that are among
    the next few, so the page costs no more statements than before it showed activities.
    """
    now = now or utcnow()
    next_ids = (
        select(Activity.id)
        .join(Activity.centre)
        .where(Centre.is_active.is_(True), Activity.starts_at >= now, Activity.state.in_(ActivityState.ACTIVE))
        .order_by(Activity.starts_at, Activity.id)
        .limit(limit)
    )
    rows = db.session.execute(
        select(Centre, Activity)
        .outerjoin(Activity, and_(Activity.centre_id == Centre.id, Activity.id.in_(next_ids.scalar_subquery())))
        .where(Centre.is_active.is_(True))
        .order_by(Centre.name, Centre.id)
    ).all()
    centres = list(dict.fromkeys(centre for centre, _activity in rows))
    activities = sorted(
        (activity for _centre, activity in rows if activity is not None), key=lambda activity: (activity.starts_at, activity.id)
    )
    return centres, activities


def activity_with_centre(activity_id):
    """The activity with its centre and the idea it grew from, or None: one statement."""
    return db.session.scalar(
        select(Activity).options(joinedload(Activity.centre), joinedload(Activity.idea)).where(Activity.id == activity_id)
    )


def activity_of_idea(idea_id):
    """The activity an idea became, or None."""
    return db.session.scalar(select(Activity).where(Activity.idea_id == idea_id))


@dataclass
class MyRegistration:
    registration: Registration
    #: 1 for the first on the waiting list; None when registered
    position: int | None = None


def my_registration(activity, user):
    """The person's own active registration (not a class they registered) with their place on the waiting list, or
    None: one statement."""
    if not permissions.is_signed_in(user):
        return None
    ahead = Registration.__table__.alias("ahead")
    before_me = (
        select(func.count())
        .select_from(ahead)
        .where(
            ahead.c.activity_id == Registration.activity_id,
            ahead.c.state == RegistrationState.WAITING,
            (ahead.c.created_at < Registration.created_at)
            | and_(ahead.c.created_at == Registration.created_at, ahead.c.id < Registration.id),
        )
        .scalar_subquery()
    )
    row = db.session.execute(
        select(Registration, before_me).where(
            Registration.activity_id == activity.id,
            Registration.user_id == user.id,
            Registration.state.in_(RegistrationState.ACTIVE),
            Registration.pupils.is_(None),
        )
    ).first()
    if row is None:
        return None
    registration, ahead_count = row
    position = ahead_count + 1 if registration.state == RegistrationState.WAITING else None
    return MyRegistration(registration=registration, position=position)


def my_class_registrations(activity, user):
    """The active registrations of school classes the person made for the activity, with their schools: one statement
    (none for visitors). Not limited to the schools they represent now: one who left can still see and cancel them."""
    if not permissions.is_signed_in(user):
        return []
    return db.session.scalars(
        select(Registration)
        .options(joinedload(Registration.organisation))
        .where(
            Registration.activity_id == activity.id,
            Registration.user_id == user.id,
            Registration.state.in_(RegistrationState.ACTIVE),
            Registration.pupils.is_not(None),
        )
        .order_by(Registration.created_at, Registration.id)
    ).all()


@dataclass
class WaitingList:
    registrations: int = 0
    places: int = 0


def waiting_list_of(activity):
    """How many registrations (and places) wait: one statement."""
    count, places = db.session.execute(
        select(func.count(Registration.id), func.coalesce(func.sum(Registration.places), 0)).where(
            Registration.activity_id == activity.id, Registration.state == RegistrationState.WAITING
        )
    ).one()
    return WaitingList(registrations=count, places=places)


@dataclass
class RegistrationLists:
    taking_part: list = field(default_factory=list)
    waiting: list = field(default_factory=list)

    @property
    def places_taken(self):
        """The places held by the people taking part (themselves and those they bring)."""
        return sum(registration.places for registration in self.taking_part)


def registrations_of(activity):
    """Everyone taking part (in the order they registered), then the waiting list in its order: one statement."""
    rows = db.session.scalars(
        select(Registration)
        .options(joinedload(Registration.user), joinedload(Registration.organisation))
        .where(
            Registration.activity_id == activity.id,
            Registration.state.in_((*RegistrationState.HOLDING_PLACES, RegistrationState.WAITING)),
        )
        .order_by(Registration.created_at, Registration.id)
    ).all()
    lists = RegistrationLists()
    for registration in rows:
        (lists.waiting if registration.state == RegistrationState.WAITING else lists.taking_part).append(registration)
    return lists


def registered_places(activity):
    """The registrations holding places now (for choosing whom to move to the waiting list): one statement."""
    return db.session.scalars(
        select(Registration)
        .options(joinedload(Registration.user), joinedload(Registration.organisation))
        .where(Registration.activity_id == activity.id, Registration.state == RegistrationState.REGISTERED)
        .order_by(Registration.created_at.desc(), Registration.id.desc())
    ).all()


def volunteer_signups_of(activity):
    """The active and recorded sign-ups for the activity's roles, with people and roles: one statement."""
    return db.session.scalars(
        select(SignUp)
        .join(SignUp.role)
        .options(contains_eager(SignUp.role), joinedload(SignUp.user))
        .where(
            VolunteerRole.activity_id == activity.id,
            SignUp.state.in_((*SignUpState.ACTIVE, SignUpState.ATTENDED, SignUpState.NO_SHOW)),
        )
        .order_by(VolunteerRole.id, SignUp.created_at, SignUp.id)
    ).all()


# The person's own activities (the /me pages, app/main/me.py) ------------------------------------------------------


def calendar_token_query(user):
    """The person's private calendar token (None until they ask for one), as a scalar subquery read on /me."""
    return select(CalendarFeed.token).where(CalendarFeed.user_id == user.id).scalar_subquery()


def upcoming_registrations_of(user, limit):
    """Registered or on the waiting list for activities still to come, the soonest first: one statement."""
    return db.session.scalars(
        select(Registration)
        .join(Registration.activity)
        .options(contains_eager(Registration.activity))
        .where(Registration.user_id == user.id, Registration.state.in_(RegistrationState.ACTIVE), Activity.ends_at >= utcnow())
        .order_by(Activity.starts_at, Registration.id)
        .limit(limit)
    ).all()


def my_registrations_of(user):
    """All the person's registrations with their activities and centres, the latest activity first; one statement."""
    return db.session.scalars(
        select(Registration)
        .join(Registration.activity)
        .join(Activity.centre)
        .options(contains_eager(Registration.activity).contains_eager(Activity.centre), joinedload(Registration.organisation))
        .where(Registration.user_id == user.id)
        .order_by(Activity.starts_at.desc(), Registration.id.desc())
        .limit(MY_REGISTRATIONS_LIMIT)
    ).all()


def attended_signups_of(user):
    """The person's confirmed volunteering on activities, with role, activity, centre and the confirming coordinator,
    oldest first: one statement."""
    return db.session.scalars(
        select(SignUp)
        .join(SignUp.role)
        .join(VolunteerRole.activity)
        .join(Activity.centre)
        .options(
            contains_eager(SignUp.role).contains_eager(VolunteerRole.activity).contains_eager(Activity.centre),
            joinedload(SignUp.attendance_by),
        )
        .where(SignUp.user_id == user.id, SignUp.state == SignUpState.ATTENDED)
        .order_by(Activity.starts_at, SignUp.id)
    ).all()


def attended_registrations_of(user):
    """The activities the person took part in (attended registrations of their own, not the classes they registered),
    with their centres, oldest first: one statement."""
    return db.session.scalars(
        select(Registration)
        .join(Registration.activity)
        .join(Activity.centre)
        .options(contains_eager(Registration.activity).contains_eager(Activity.centre))
        .where(Registration.user_id == user.id, Registration.state == RegistrationState.ATTENDED, Registration.pupils.is_(None))
        .order_by(Activity.starts_at, Registration.id)
    ).all()
