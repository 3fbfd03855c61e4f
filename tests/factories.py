"""Plain functions that create rows for tests, in the current app context's session.

Each `make_*` writes its row straight into the database, already in the state asked for (without the services'
checks), and commits. The counters the services keep (supports, comments, places held, accepted volunteers, open
reports) follow, so the rows look as the services would have left them.
"""

import itertools
import secrets
from datetime import timedelta

from app.accounts.models import PasswordResetToken, User
from app.accounts.passwords import hash_password
from app.accounts.services import reset_token
from app.accounts.sessions import hash_token
from app.activities.models import Activity, ActivityPhoto, CalendarFeed, Registration, RegistrationState
from app.centres.models import Centre
from app.comments.models import Comment, CommentReport
from app.extensions import db
from app.ideas.models import Category, Follow, Idea, IdeaEvent, Support
from app.moderation.models import ReasonTemplate
from app.notifications.models import Notification
from app.organisations.models import Organisation, Representative
from app.partnerships.models import Partnership
from app.timeutil import utcnow
from app.volunteering.models import SignUp, VolunteerRole

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def saved(row):
    """The row, added to the session and committed."""
    db.session.add(row)
    db.session.commit()
    return row


def id_of(row):
    """The row's id, or None for no row."""
    return row.id if row is not None else None


# --- people and places ---------------------------------------------------------------------------------------------


def make_centre(name=None, slug=None, municipality="Preiļu novads", is_active=True):
    """A centre with a made-up name and slug unless given."""
    number = next(_counter)
    centre = Centre(
        name=name or f"Centre {number}", slug=slug or f"centre-{number}", municipality=municipality, is_active=is_active
    )
    return saved(centre)


# Hashing with scrypt is slow on purpose; tests reuse one hash per password.
_password_hashes = {}


def make_user(
    email=None,
    display_name="Anna Bērziņa",
    password=PASSWORD,
    confirmed=True,
    admin=False,
    moderates=(),
    language="lv",
    home_centre=None,
    suspended=False,
):
    """A person with a confirmed account and the shared test password, unless told otherwise."""
    if password not in _password_hashes:
        _password_hashes[password] = hash_password(password)
    user = User(
        email=email or f"person{next(_counter)}@example.com",
        display_name=display_name,
        password_hash=_password_hashes[password],
        language=language,
        is_admin=admin,
        home_centre=home_centre,
        email_confirmed_at=utcnow() if confirmed else None,
        moderated_centres=list(moderates),
        suspended_at=utcnow() if suspended else None,
    )
    return saved(user)


def make_people(count, prefix="p", **fields):
    """count people, {prefix}0@example.com, {prefix}1@example.com…, called Cilvēks 0, Cilvēks 1…"""
    return [make_user(email=f"{prefix}{n}@example.com", display_name=f"Cilvēks {n}", **fields) for n in range(count)]


def make_password_reset(user, valid_for=timedelta(hours=1)):
    """A password reset link asked for by the person: returns the token of the link."""
    token = reset_token(user)
    now = utcnow()
    saved(PasswordResetToken(user_id=user.id, token_hash=hash_token(token), created_at=now, expires_at=now + valid_for))
    return token


# --- ideas and what people do with them ----------------------------------------------------------------------------


def make_category(slug=None, name_lv=None, name_en=None):
    """A category of ideas, named in both languages."""
    number = next(_counter)
    category = Category(
        slug=slug or f"category-{number}",
        name_lv=name_lv or f"Kategorija {number}",
        name_en=name_en or f"Category {number}",
        position=number,
    )
    return saved(category)


def make_idea(
    author=None,
    centre=None,
    category=None,
    state="published",
    title="Soliņi Raiņa parkā",
    summary="Jauni soliņi, kur atpūsties vecākiem ļaudīm.",
    description="Parkā trūkst **soliņu**.",
    kind="local_improvement",
    **fields,
):
    """An idea already in the given state (written directly, without the lifecycle's checks)."""
    author = author or make_user()
    centre = centre or make_centre()
    category = category or make_category()
    now = utcnow()
    idea = Idea(
        author_id=author.id,
        centre_id=centre.id,
        category_id=category.id,
        state=state,
        title=title,
        summary=summary,
        description=description,
        kind=kind,
        submitted_at=fields.pop("submitted_at", now if state != "draft" else None),
        published_at=fields.pop("published_at", now if state in ("published", "promoted", "archived") else None),
        **fields,
    )
    return saved(idea)


def make_support(idea, user=None):
    """The person supports the idea (its support count follows)."""
    idea.support_count += 1
    return saved(Support(idea_id=idea.id, user_id=(user or make_user()).id))


def make_follow(idea, user=None):
    """The person follows the idea."""
    return saved(Follow(idea_id=idea.id, user_id=(user or make_user()).id))


def make_idea_event(idea, to_state, actor=None, from_state="", reason="", **fields):
    """A step in the idea's history (written as it is: the idea's own state is not changed)."""
    event = IdeaEvent(
        idea_id=idea.id,
        actor_id=id_of(actor),
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        **fields,
    )
    return saved(event)


def make_comment(idea, author=None, body="Laba doma!", parent=None, **fields):
    """A comment on the idea, or a reply to parent; one people can read (not deleted, not hidden) is counted."""
    author = author or make_user()
    comment = Comment(idea_id=idea.id, author_id=author.id, body=body, parent_id=id_of(parent), **fields)
    if comment.deleted_at is None and comment.hidden_at is None:
        idea.comment_count += 1
    return saved(comment)


def make_comment_report(comment, reporter=None, reason="Rupjš"):
    """A person reports the comment (its count of open reports follows; nothing is hidden here)."""
    reporter = reporter or make_user()
    report = CommentReport(comment_id=comment.id, reporter_id=reporter.id, reason=reason)
    comment.open_report_count += 1
    return saved(report)


def make_reason_template(centre, decision="declined", title="Nav vietējā", text="Ideja neattiecas uz mūsu novadu."):
    """A reason text the centre's moderators can pick for the given decision."""
    template = ReasonTemplate(centre_id=centre.id, decision=decision, title=title, text=text)
    return saved(template)


def make_notification(user, event="idea_published", **fields):
    """An unread notification for the person."""
    notification = Notification(user_id=user.id, event=event, **fields)
    return saved(notification)


# --- volunteering --------------------------------------------------------------------------------------------------


def make_role(idea=None, activity=None, name="Palīgs", places=3, **fields):
    """A volunteer role of the idea or the activity (an idea is made when neither is given)."""
    if idea is None and activity is None:
        idea = make_idea()
    role = VolunteerRole(
        idea_id=id_of(idea),
        activity_id=id_of(activity),
        name=name,
        places=places,
        accepted_count=0,
        **fields,
    )
    return saved(role)


def make_signup(role, user=None, state="applied", decided_by=None, attendance_by=None, **fields):
    """A person's sign-up for the role, already in the given state; those holding a place are counted on the role.

    A decision is by decided_by, by default the person themselves (as an automatic acceptance records it);
    attendance is recorded by attendance_by, by default the decider.
    """
    user = user or make_user()
    decided = state in ("accepted", "declined", "attended", "no_show")
    decider = (decided_by or user) if decided else None
    attended = state in ("attended", "no_show")
    signup = SignUp(
        role_id=role.id,
        user_id=user.id,
        state=state,
        decided_by_id=id_of(decider),
        decided_at=fields.pop("decided_at", utcnow() if decided else None),
        attendance_by_id=(attendance_by or decider).id if attended else None,
        **fields,
    )
    if state in ("accepted", "attended", "no_show"):  # these hold a place
        role.accepted_count += 1
    return saved(signup)


# --- activities ----------------------------------------------------------------------------------------------------


def make_activity(
    centre=None, creator=None, state="open", title="Keramikas darbnīca", capacity=10, starts_in_days=7, hours=3, **fields
):
    """An activity already in the given state, starting in starts_in_days days (negative: in the past)."""
    centre = centre or make_centre()
    starts_at = (utcnow() + timedelta(days=starts_in_days)).replace(second=0, microsecond=0)
    activity = Activity(
        centre_id=centre.id,
        created_by_id=id_of(creator),
        state=state,
        title=title,
        description=fields.pop("description", "Veidosim puķu podus dienas centram."),
        place=fields.pop("place", "Preiļu KRC, Raiņa bulvāris 19"),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        leader_name=fields.pop("leader_name", "Inese Kalniņa"),
        capacity=capacity,
        registered_count=0,
        cancel_reason=fields.pop("cancel_reason", "Slimība" if state == "cancelled" else ""),
        **fields,
    )
    return saved(activity)


def make_registration(activity, user=None, state="registered", companions=(), includes_self=True, **fields):
    """A person's registration for the activity (themselves and/or the companions they name), in the given state.

    It takes a place for the person (when taking part) and one per companion; places held are counted on the activity.
    """
    user = user or make_user()
    places = int(includes_self) + len(companions)
    registration = Registration(
        activity_id=activity.id,
        user_id=user.id,
        includes_self=includes_self,
        companions=list(companions),
        places=places,
        state=state,
        cancelled_at=fields.pop("cancelled_at", utcnow() if state == "cancelled" else None),
        **fields,
    )
    if state in RegistrationState.HOLDING_PLACES:
        activity.registered_count += places
    return saved(registration)


def make_activity_photo(activity, image_name=None, caption="Podi"):
    """A photo of the activity's outcome report (only the row: the file is the test's business)."""
    photo = ActivityPhoto(activity_id=activity.id, image_name=image_name or f"{next(_counter):032x}.jpg", caption=caption)
    return saved(photo)


def make_calendar_feed(user, token=None):
    """The person's private calendar address."""
    feed = CalendarFeed(user_id=user.id, token=token or secrets.token_urlsafe(24))
    return saved(feed)


# --- organisations and partnerships --------------------------------------------------------------------------------


def make_organisation(representative=None, centre=None, kind="school", name="Preiļu 1. pamatskola", verified=False, **fields):
    """An organisation, with an approved representative when one is given."""
    centre = centre or make_centre()
    organisation = Organisation(
        name=name, kind=kind, centre_id=centre.id, description=fields.pop("description", "Skola Preiļos."), **fields
    )
    db.session.add(organisation)
    db.session.flush()
    if verified:
        verifier = representative or make_user(admin=True)
        organisation.verified_at, organisation.verified_by_id = utcnow(), verifier.id
    if representative is not None:
        make_representative(organisation, representative, state="approved")
    db.session.commit()
    return organisation


def make_representative(organisation, user=None, state="requested", message="", decided_by=None):
    """A person's request to represent the organisation, already in the given state (decided: by themselves unless told)."""
    user = user or make_user()
    decided = state in ("approved", "declined")
    representative = Representative(
        organisation_id=organisation.id,
        user_id=user.id,
        state=state,
        message=message,
        decided_by_id=(decided_by or user).id if decided else None,
        decided_at=utcnow() if decided else None,
    )
    db.session.add(representative)
    db.session.commit()
    db.session.expire(user, ["representations"])  # a view-only list: loaded once, not told of new rows
    return representative


def make_partner_call(
    organisation,
    title="6. klase meklē projektu par atkritumu šķirošanu",
    age_groups="10-12",
    subjects="environment,science",
    state="open",
    **fields,
):
    from app.partnerships.models import PartnerCall

    call = PartnerCall(
        organisation_id=organisation.id,
        centre_id=fields.pop("centre_id", organisation.centre_id),
        title=title,
        description=fields.pop("description", "Pavasara semestrī."),
        age_groups=age_groups,
        subjects=subjects,
        state=state,
        contact_person=fields.pop("contact_person", "Ilze Liepa, klases audzinātāja"),
        **fields,
    )
    db.session.add(call)
    db.session.commit()
    return call


def make_partnership(
    organisation, idea=None, activity=None, state="offered", direction="offer", offered_by=None, decided_by=None, **fields
):
    """A partnership of the organisation with an idea (made when none is given) or an activity, in the given state.

    A decided one (accepted, declined) was decided by decided_by, by default the idea's author or the activity's creator.
    """
    if idea is None and activity is None:
        idea = make_idea(centre=organisation.centre)
    decided = state in ("accepted", "declined")
    if decided and decided_by is None:
        decided_by = idea.author if idea is not None else activity.created_by
    partnership = Partnership(
        organisation_id=organisation.id,
        idea_id=id_of(idea),
        activity_id=id_of(activity),
        state=state,
        direction=direction,
        offered_by_id=id_of(offered_by),
        decided_by_id=decided_by.id if decided else None,
        decided_at=fields.pop("decided_at", utcnow() if decided else None),
        **fields,
    )
    return saved(partnership)


def make_worker_heartbeat(worker="worker-host:1", seconds_ago=0):
    """A `flask worker` that beat `seconds_ago` seconds ago (what /readyz asks about)."""
    from app.jobs.models import WorkerHeartbeat

    seen = utcnow() - timedelta(seconds=seconds_ago)
    return saved(WorkerHeartbeat(worker=worker, started_at=seen, last_seen=seen, last_did="mail"))
