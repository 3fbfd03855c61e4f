"""Messages from an idea's author or an activity's coordinators to the volunteers they accepted.

Nobody's address is shown to anyone: each volunteer gets a notification (mailed to them alone, from Kopiena's
own sender) and reads the message on its page. `project` is an Idea or an Activity (its `project_kind` says which).
"""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import joinedload, selectinload

from app import permissions
from app.accounts.models import User
from app.audit.services import record_audit
from app.errors import InvalidTransition, NotAllowed
from app.extensions import db
from app.notifications.services import notify
from app.timeutil import utcnow
from app.volunteering.models import SignUp, SignUpState, VolunteerMessage, VolunteerRole, volunteer_message_recipients

BODY_MAX = 2000
#: the people a message reaches: those accepted, and (once an activity was held) those who came
RECIPIENT_STATES = (SignUpState.ACCEPTED, SignUpState.ATTENDED)
#: the same text from the same person to the same volunteers within this time is the same message (a double click)
REPEAT_WINDOW = timedelta(minutes=1)


class MessageRefused(InvalidTransition):
    """The message cannot be sent as it is (empty, too long, nobody to send it to); nothing was saved."""


def clean_body(body):
    """The text trimmed, or MessageRefused: required, at most BODY_MAX characters, no NUL byte."""
    body = (body or "").strip()
    if not body:
        raise MessageRefused(_l("Please write the message."))
    if "\x00" in body:
        raise MessageRefused(_l("Text contains a character that cannot be saved."))
    if len(body) > BODY_MAX:
        raise MessageRefused(_l("Please keep the message under %(max)d characters.", max=BODY_MAX))
    return body


def roles_condition(project):
    """The roles that belong to the project now (an idea's roles that moved to its activity are the activity's)."""
    if project.project_kind == "activity":
        return VolunteerRole.activity_id == project.id
    return (VolunteerRole.idea_id == project.id) & VolunteerRole.activity_id.is_(None)


def role_belongs(role, project):
    """Whether the role is one of the project's own roles now."""
    if project.project_kind == "activity":
        return role.activity_id == project.id
    return role.idea_id == project.id and role.activity_id is None


def project_roles(project):
    """The project's own roles, in the order its page shows them."""
    return db.session.scalars(
        select(VolunteerRole)
        .where(roles_condition(project))
        .order_by(VolunteerRole.starts_at.is_(None), VolunteerRole.starts_at, VolunteerRole.id)
    ).all()


def reached_signups(project, role=None, sender=None):
    """(role_id, user_id) of the sign-ups a message reaches: accepted (or attended) in the role, or in any role of the
    project; active accounts, not the sender."""
    query = (
        select(SignUp.role_id, SignUp.user_id)
        .join(User, User.id == SignUp.user_id)
        .join(VolunteerRole, VolunteerRole.id == SignUp.role_id)
        .where(
            roles_condition(project),
            SignUp.state.in_(RECIPIENT_STATES),
            User.deleted_at.is_(None),
            User.suspended_at.is_(None),
        )
    )
    if role is not None:
        query = query.where(SignUp.role_id == role.id)
    if sender is not None:
        query = query.where(User.id != sender.id)
    return query.subquery()


def recipients_of(project, role=None, sender=None):
    """The people a message to the role (None: to every role of the project) would reach, by id."""
    reached = reached_signups(project, role, sender)
    return db.session.scalars(select(User).where(User.id.in_(select(reached.c.user_id))).order_by(User.id)).all()


def reach(project, sender=None):
    """How many people a message would reach: {None: all roles, role_id: that role}; two statements."""
    reached = reached_signups(project, sender=sender)
    counts = {None: db.session.scalar(select(func.count(distinct(reached.c.user_id))))}
    per_role = select(reached.c.role_id, func.count(distinct(reached.c.user_id))).group_by(reached.c.role_id)
    counts.update(dict(db.session.execute(per_role).all()))
    return counts


def earlier_same(sender, project, role, body):
    """The same message from the same sender sent a moment ago (a double click, a page sent again), or None."""
    project_column = VolunteerMessage.activity_id if project.project_kind == "activity" else VolunteerMessage.idea_id
    role_matches = VolunteerMessage.role_id == role.id if role is not None else VolunteerMessage.role_id.is_(None)
    return db.session.scalar(
        select(VolunteerMessage)
        .where(
            VolunteerMessage.sender_id == sender.id,
            project_column == project.id,
            role_matches,
            VolunteerMessage.body == body,
            VolunteerMessage.created_at >= utcnow() - REPEAT_WINDOW,
        )
        .order_by(VolunteerMessage.id.desc())
        .limit(1)
    )


def send_message(sender, project, body, role=None):
    """Write to the accepted volunteers of one role of the project, or of all its roles (role None).

    Who may: permissions.can_message_volunteers. Each recipient gets a "volunteer_message" notification (mailed at
    once unless they turned mail off). The same text sent again within REPEAT_WINDOW returns the first message, with
    nobody told twice. MessageRefused (nothing saved) for an empty, too long or unsavable text, or nobody to reach.
    """
    if not permissions.can_message_volunteers(sender, project):
        raise NotAllowed()
    if role is not None and not role_belongs(role, project):
        raise NotAllowed()
    body = clean_body(body)
    # One sender's messages one after another (PostgreSQL; SQLite's writers are one at a time already), so two
    # clicks at once find each other.
    db.session.execute(select(User.id).where(User.id == sender.id).with_for_update())
    earlier = earlier_same(sender, project, role, body)
    if earlier is not None:
        return earlier
    recipients = recipients_of(project, role, sender)
    if not recipients:
        raise MessageRefused(_l("Nobody is accepted as a volunteer here yet, so there is nobody to write to."))
    is_activity = project.project_kind == "activity"
    message = VolunteerMessage(
        sender_id=sender.id,
        idea_id=None if is_activity else project.id,
        activity_id=project.id if is_activity else None,
        role_id=role.id if role is not None else None,
        body=body,
        created_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    db.session.execute(
        volunteer_message_recipients.insert(), [{"message_id": message.id, "user_id": user.id} for user in recipients]
    )
    record_audit(
        "volunteers.messaged",
        actor=sender,
        subject=project,
        centre_id=project.centre_id,
        recipients=len(recipients),
        role=role.name if role is not None else "",
    )
    notify(
        "volunteer_message",
        recipients,
        actor=sender,
        idea=None if is_activity else project,
        activity=project if is_activity else None,
        role=role.name if role is not None else "",
        message_id=message.id,
        text=body,
    )
    return message


def message_with_people(message_id):
    """The message with its sender, role, project and recipients, or None."""
    return db.session.scalar(
        select(VolunteerMessage)
        .options(
            joinedload(VolunteerMessage.sender),
            joinedload(VolunteerMessage.role),
            joinedload(VolunteerMessage.idea),
            joinedload(VolunteerMessage.activity),
            selectinload(VolunteerMessage.recipients),
        )
        .where(VolunteerMessage.id == message_id)
    )


#: at most this many messages are listed on a page
LIST_LIMIT = 50


def messages_of_project(project):
    """The messages sent to the project's volunteers, the newest first, with their senders and roles."""
    project_column = VolunteerMessage.activity_id if project.project_kind == "activity" else VolunteerMessage.idea_id
    return db.session.scalars(
        select(VolunteerMessage)
        .options(joinedload(VolunteerMessage.sender), joinedload(VolunteerMessage.role))
        .where(project_column == project.id)
        .order_by(VolunteerMessage.created_at.desc(), VolunteerMessage.id.desc())
        .limit(LIST_LIMIT)
    ).all()


def messages_to(user):
    """The messages sent to the person, the newest first, with their senders, roles and projects."""
    return db.session.scalars(
        select(VolunteerMessage)
        .join(volunteer_message_recipients, volunteer_message_recipients.c.message_id == VolunteerMessage.id)
        .options(
            joinedload(VolunteerMessage.sender),
            joinedload(VolunteerMessage.role),
            joinedload(VolunteerMessage.idea),
            joinedload(VolunteerMessage.activity),
        )
        .where(volunteer_message_recipients.c.user_id == user.id)
        .order_by(VolunteerMessage.created_at.desc(), VolunteerMessage.id.desc())
        .limit(LIST_LIMIT)
    ).all()


def recipient_count(message):
    """How many people the message reached (one statement; the recipients need not be loaded)."""
    return db.session.scalar(
        select(func.count())
        .select_from(volunteer_message_recipients)
        .where(volunteer_message_recipients.c.message_id == message.id)
    )
