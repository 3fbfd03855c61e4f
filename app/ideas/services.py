"""What can happen to an idea. Every state change goes through transition(), with one table of moves."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app import permissions
from app.audit.services import record_audit
from app.errors import AlreadyDone, InvalidTransition, NotAllowed
from app.extensions import db
from app.ideas.models import Category, Follow, Idea, IdeaEvent, IdeaState, Support
from app.ideas.queries import followers_of, supporters_of
from app.notifications.services import notify
from app.timeutil import utcnow
from app.transitions import move_state

AUTHOR = "author"
MODERATOR = "moderator"

#: action → (the states it may start from, the state it leads to, who may do it)
TRANSITIONS = {
    "submit": ({IdeaState.DRAFT, IdeaState.CHANGES_REQUESTED}, IdeaState.SUBMITTED, AUTHOR),
    "withdraw": ({IdeaState.SUBMITTED}, IdeaState.DRAFT, AUTHOR),
    "publish": ({IdeaState.SUBMITTED}, IdeaState.PUBLISHED, MODERATOR),
    "request_changes": ({IdeaState.SUBMITTED}, IdeaState.CHANGES_REQUESTED, MODERATOR),
    "decline": ({IdeaState.SUBMITTED}, IdeaState.DECLINED, MODERATOR),
    "archive": ({IdeaState.PUBLISHED}, IdeaState.ARCHIVED, MODERATOR),
    "promote": ({IdeaState.PUBLISHED}, IdeaState.PROMOTED, MODERATOR),
}
#: decisions the author must be told the reason of (request_changes and decline also by the database:
#: the constraint decision_has_reason on idea_events); an archived idea's supporters are told why too
REASON_REQUIRED = {"request_changes", "decline", "archive"}
#: the notification event each transition sends, and to whom besides the author
EVENTS = {
    "publish": "idea_published",
    "request_changes": "idea_changes_requested",
    "decline": "idea_declined",
    "archive": "idea_archived",
    # "promote": app.promotion.services.promote_idea tells the people, with a link to the new activity
}


def may_act(actor, idea, who):
    """Whether the person may make an author's move (they wrote it) or a moderator's (of its centre) on the idea."""
    if who == AUTHOR:
        return permissions.is_active_member(actor) and idea.author_id == actor.id
    return permissions.can_decide_idea(actor, idea)


def allowed_actions(actor, idea):
    """The transitions this person may make on this idea now (for buttons)."""
    return [
        action for action, (sources, _target, who) in TRANSITIONS.items() if idea.state in sources and may_act(actor, idea, who)
    ]


def transition(idea, action, actor, reason=""):
    """Move the idea along one step of TRANSITIONS, or refuse with a domain error.

    The state is changed with a conditional UPDATE, so when two moderators decide the same idea at
    the same moment exactly one wins and the other gets InvalidTransition (nothing half-applied).
    """
    sources, target, who = TRANSITIONS[action]
    if not may_act(actor, idea, who):
        raise NotAllowed()
    if idea.state not in sources:
        raise InvalidTransition()
    reason = (reason or "").strip()
    if action in REASON_REQUIRED and not reason:
        raise InvalidTransition(_l("Please write a reason: the author is told why."))
    now = utcnow()
    values = {"updated_at": now}
    if target == IdeaState.SUBMITTED:
        values["submitted_at"] = now
    if target == IdeaState.PUBLISHED:
        values["published_at"] = now
    from_state = idea.state
    move_state(idea, target, from_state, **values)  # someone else moved it first: InvalidTransition
    db.session.add(
        IdeaEvent(idea_id=idea.id, actor_id=actor.id, from_state=from_state, to_state=target, reason=reason, created_at=now)
    )
    if who == MODERATOR:
        record_audit(f"idea.{action}", actor=actor, subject=idea, centre_id=idea.centre_id, reason=reason)
    notify_transition(idea, action, actor, reason)
    return idea


def notify_transition(idea, action, actor, reason):
    """Notify the author of a moderator's decision, and on archiving the supporters and followers too; nothing else here."""
    event = EVENTS.get(action)
    if event is None:
        return
    recipients = [idea.author]
    if action == "archive":
        recipients += supporters_of(idea) + followers_of(idea)
    notify(event, recipients, actor=actor, idea=idea, reason=reason)


def create_idea(author, **fields):
    """Save a new draft idea of the author."""
    if not permissions.can_create_idea(author):
        raise NotAllowed()
    now = utcnow()  # the same moment for the idea and its first step (a default would be taken at flush time)
    idea = Idea(author_id=author.id, state=IdeaState.DRAFT, created_at=now, updated_at=now, **fields)
    db.session.add(idea)
    db.session.flush()
    db.session.add(IdeaEvent(idea_id=idea.id, actor_id=author.id, from_state="", to_state=IdeaState.DRAFT, created_at=now))
    # Authors follow their own ideas; it is how they hear about comments.
    db.session.add(Follow(idea_id=idea.id, user_id=author.id))
    return idea


def update_idea(actor, idea, **fields):
    """Change the idea's content; only the author, only while it is a draft or changes were requested."""
    if not permissions.can_edit_idea(actor, idea):
        raise NotAllowed()
    for key, value in fields.items():
        setattr(idea, key, value)
    idea.updated_at = utcnow()
    return idea


def support_idea(user, idea):
    """Add the person's support (once; never for their own idea); the counter follows."""
    if not permissions.can_support_idea(user, idea):
        raise NotAllowed()
    try:
        with db.session.begin_nested():
            db.session.add(Support(idea_id=idea.id, user_id=user.id))
    except IntegrityError as error:
        raise AlreadyDone() from error
    db.session.execute(
        update(Idea)
        .where(Idea.id == idea.id)
        .values(support_count=Idea.support_count + 1)
        .execution_options(synchronize_session=False)
    )


def withdraw_support(user, idea):
    """Take the person's support back; nothing happens when there was none."""
    removed = db.session.execute(delete(Support).where(Support.idea_id == idea.id, Support.user_id == user.id)).rowcount
    if removed:
        db.session.execute(
            update(Idea)
            .where(Idea.id == idea.id)
            .values(support_count=Idea.support_count - 1)
            .execution_options(synchronize_session=False)
        )


def follow_idea(user, idea):
    """Make the person follow the public idea (members only); following it already is no error."""
    if not permissions.can_follow_idea(user, idea):
        raise NotAllowed()
    exists = db.session.scalar(select(Follow).where(Follow.idea_id == idea.id, Follow.user_id == user.id))
    if exists is None:
        try:
            with db.session.begin_nested():
                db.session.add(Follow(idea_id=idea.id, user_id=user.id))
        except IntegrityError:
            pass  # a double click: already following


def unfollow_idea(user, idea):
    """Stop the person following the idea; nothing happens when they did not."""
    db.session.execute(delete(Follow).where(Follow.idea_id == idea.id, Follow.user_id == user.id))


#: the categories every deployment starts with: slug, Latvian name, English name (admins can add and rename)
DEFAULT_CATEGORIES = [
    ("environment", "Vide", "Environment"),
    ("culture", "Kultūra", "Culture"),
    ("education", "Izglītība", "Education"),
    ("social-care", "Sociālā aprūpe", "Social care"),
    ("sport", "Sports", "Sport"),
    ("infrastructure", "Infrastruktūra", "Infrastructure"),
    ("youth", "Jaunieši", "Youth"),
    ("seniors", "Seniori", "Seniors"),
    ("heritage", "Kultūrvēsturiskais mantojums", "Heritage"),
    ("entrepreneurship", "Uzņēmējdarbība", "Entrepreneurship"),
]


def seed_categories():
    """Add the default categories that are missing (by slug; existing ones are left as admins made them).

    Returns how many were added.
    """
    existing = set(db.session.scalars(select(Category.slug)))
    added = 0
    for position, (slug, name_lv, name_en) in enumerate(DEFAULT_CATEGORIES, start=1):
        if slug not in existing:
            db.session.add(Category(slug=slug, name_lv=name_lv, name_en=name_en, position=position * 10))
            added += 1
    db.session.flush()
    return added
