"""What can happen to a comment: written, answered, edited, deleted, reported, hidden, restored.

A comment is on a "subject": an Idea or an Activity (told apart by .project_kind; Comment.subject gives it).
The rules here are the same for both; only who hears of a new comment differs (add_comment).

Idea.comment_count and Activity.comment_count count the comments people can read: neither deleted nor hidden. Every function
here that changes whether a comment can be read locks the comment's row, compares "readable" before
and after, and moves the counter with one SQL UPDATE by the difference, so the counter stays right
whatever order things happen in (and when two people act at once).
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app import permissions
from app.accounts.models import User
from app.audit.services import record_audit
from app.comments.forms import BODY_MAX
from app.comments.models import Comment, CommentReport
from app.errors import AlreadyDone, InvalidTransition, NotAllowed
from app.extensions import db
from app.forms import strip
from app.ideas.models import Follow, Idea
from app.ideas.queries import followers_of
from app.ideas.reports import (
    add_report,
    awaiting_review,  # noqa: F401  (asked by app/comments/queries.py and the tests here)
    clean_reason,
    close_reports,
    hidden_by_moderator,
    hide_after_reports,
    shown_again,
)
from app.notifications.services import notify
from app.timeutil import utcnow

EMPTY_BODY = _l("Please write something first.")
BODY_TOO_LONG = _l("A comment can be at most %(max)d characters long.", max=BODY_MAX)


def is_readable(comment):
    """Counted and shown to everyone: neither deleted by its author nor hidden."""
    return comment.deleted_at is None and comment.hidden_at is None


def clean_body(body):
    """The comment's text trimmed; InvalidTransition when it is empty or too long."""
    body = strip(body or "")
    if not body:
        raise InvalidTransition(str(EMPTY_BODY))
    if len(body) > BODY_MAX:
        raise InvalidTransition(str(BODY_TOO_LONG))
    return body


def subject_of(comment):
    """The idea or activity the comment is on."""
    return comment.subject


def on_subject(comment, subject):
    """Whether the comment is on this idea or activity."""
    if subject.project_kind == "activity":
        return comment.activity_id == subject.id
    return comment.idea_id == subject.id


def subject_columns(subject):
    """The columns that put a new comment on this idea or activity."""
    if subject.project_kind == "activity":
        return {"idea_id": None, "activity_id": subject.id}
    return {"idea_id": subject.id, "activity_id": None}


def activity_model():
    """The Activity class, reached through Comment.activity (activities sit above comments: no import)."""
    return Comment.activity.property.mapper.class_


def lock(comment):
    """Read the comment's row again, locked until the transaction ends (PostgreSQL; SQLite requests
    that write hold the database's write lock already), so decisions are made on its current state."""
    return db.session.scalars(
        select(Comment).where(Comment.id == comment.id).with_for_update().execution_options(populate_existing=True)
    ).one()


def comment_of_form(author, submission_key):
    """The comment the author already sent from the form with this key, or None."""
    return db.session.scalar(select(Comment).where(Comment.author_id == author.id, Comment.submission_key == submission_key))


def change_count(comment, delta):
    """Move the count of readable comments of the comment's idea or activity by delta, in one UPDATE
    (nothing when delta is 0)."""
    if delta:
        model, subject_id = (
            (activity_model(), comment.activity_id) if comment.activity_id is not None else (Idea, comment.idea_id)
        )
        db.session.execute(
            update(model)
            .where(model.id == subject_id)
            .values(comment_count=model.comment_count + delta)
            .execution_options(synchronize_session=False)
        )


def count_change(was_readable, comment):
    """How a change moved the readable comments: +1 (readable now), -1 (not any more) or 0."""
    return int(is_readable(comment)) - int(was_readable)


# --- writing --------------------------------------------------------------------------------------


def add_comment(author, subject, body, parent=None, submission_key=None):
    """A new comment on an idea or an activity (subject) open for comments, or a reply to one of its comments.

    A form sent again with the same submission_key (a double-click, a resent page) gives the comment the
    first sending made, without a second one or a second notification.

    Replies are one level deep: answering a reply attaches the answer to the same top comment, and
    the person answered is told ("comment_reply"). The idea's author and followers hear of the new
    comment ("comment_new"); nobody hears twice, the commenter never. The commenter starts following.
    On an activity (there are no follows): its creator and the people who commented on it before hear
    ("comment_new_activity").
    """
    if not permissions.can_comment_on(author, subject):
        raise NotAllowed()
    if submission_key and (earlier := comment_of_form(author, submission_key)) is not None:
        return earlier
    body = clean_body(body)
    replied_to = None
    top = None
    if parent is not None:
        if not on_subject(parent, subject):
            raise NotAllowed()
        if parent.deleted_at is not None or parent.hidden_at is not None:
            raise InvalidTransition(str(_l("This comment cannot be answered any more.")))
        replied_to = parent
        top = parent if parent.parent_id is None else db.session.get(Comment, parent.parent_id)
    now = utcnow()
    comment = Comment(
        **subject_columns(subject),
        author_id=author.id,
        parent_id=top.id if top is not None else None,
        body=body,
        created_at=now,
        hidden_reason="",
        open_report_count=0,
        submission_key=submission_key or None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(comment)
    except IntegrityError:
        # Both sendings got past the check at once (PostgreSQL: the unique index waited for the first to commit).
        earlier = comment_of_form(author, submission_key) if submission_key else None
        if earlier is None:
            raise
        return earlier
    change_count(comment, +1)
    tell_about(comment, subject, author, replied_to)
    if subject.project_kind == "idea":
        start_following(author, subject)
    return comment


def tell_about(comment, subject, author, replied_to):
    """The replied-to person hears "comment_reply"; the others "comment_new" (an idea's author and
    followers) or "comment_new_activity" (an activity's creator and its earlier commenters)."""
    on = {"activity": subject} if subject.project_kind == "activity" else {"idea": subject}
    told = set()
    if replied_to is not None:
        told.update(n.user_id for n in notify("comment_reply", [replied_to.author], actor=author, comment=comment, **on))
        told.add(replied_to.author_id)
    if subject.project_kind == "activity":
        event, interested = "comment_new_activity", [subject.created_by, *commenters_on(comment)]
    else:
        event, interested = "comment_new", [subject.author, *followers_of(subject)]
    notify(
        event,
        [person for person in interested if person is not None and person.id not in told],
        actor=author,
        comment=comment,
        **on,
    )


def commenters_on(comment):
    """The people who wrote the other comments (not deleted) on the same activity: one statement."""
    return db.session.scalars(
        select(User)
        .where(
            User.id.in_(
                select(Comment.author_id).where(
                    Comment.activity_id == comment.activity_id, Comment.id != comment.id, Comment.deleted_at.is_(None)
                )
            )
        )
        .order_by(User.id)
    ).all()


def start_following(user, idea):
    """The person follows the idea from now on, if they may and do not already."""
    if not permissions.can_follow_idea(user, idea):
        return
    if db.session.get(Follow, (idea.id, user.id)) is None:
        try:
            with db.session.begin_nested():
                db.session.add(Follow(idea_id=idea.id, user_id=user.id))
        except IntegrityError:
            pass  # followed at the same moment in another request


def edit_comment(user, comment, body):
    """The author changes the text; the comment is marked as edited (when the text really changed)."""
    if not permissions.can_edit_comment(user, comment):
        raise NotAllowed()
    if not permissions.can_comment_on(user, subject_of(comment)):
        raise NotAllowed()  # the discussion of an archived idea or a cancelled activity stays as it was
    body = clean_body(body)
    comment = lock(comment)
    if not permissions.can_edit_comment(user, comment):  # deleted or hidden meanwhile
        raise InvalidTransition()
    if body != comment.body:
        comment.body = body
        comment.edited_at = utcnow()
    return comment


def delete_comment(user, comment):
    """The author removes the text; the comment stays as a placeholder so that its replies keep their place.

    Open reports are closed: there is nothing left to review.
    """
    if not (permissions.is_signed_in(user) and comment.author_id == user.id):
        raise NotAllowed()
    comment = lock(comment)
    if comment.deleted_at is not None:
        raise AlreadyDone()
    was_readable = is_readable(comment)
    now = utcnow()
    comment.body = ""
    comment.deleted_at = now
    resolve_reports(comment, now)
    change_count(comment, count_change(was_readable, comment))
    return comment


# --- reports --------------------------------------------------------------------------------------


def report_comment(user, comment, reason):
    """Report a comment with a reason. One report per person: another one by the same person is ignored.

    When REPORTS_TO_HIDE different people's reports are open, the comment is hidden until a moderator
    restores it or confirms the hiding. Returns the report, or None when it was ignored.
    """
    if not permissions.can_report_comment(user, comment):
        raise NotAllowed()
    reason = clean_reason(reason)
    comment = lock(comment)
    if comment.deleted_at is not None:
        raise InvalidTransition()
    if comment.hidden_at is not None and not awaiting_review(comment):
        return None  # a moderator hid it already
    now = utcnow()
    was_readable = is_readable(comment)
    report = add_report(CommentReport, "comment_id", comment, user, reason, now)
    if report is None:
        return None
    centre_id = subject_of(comment).centre_id
    record_audit("comment.reported", actor=user, subject=comment, centre_id=centre_id, reason=reason)
    if hide_after_reports(comment, now):
        change_count(comment, count_change(was_readable, comment))
        record_audit("comment.hidden_by_reports", subject=comment, centre_id=centre_id, reports=comment.open_report_count)
    return report


def resolve_reports(comment, now):
    """Close the comment's open reports at the given time, and set its open-report count to zero."""
    close_reports(CommentReport, "comment_id", comment, now)


# --- moderators -----------------------------------------------------------------------------------


def moderated(moderator, comment):
    """The comment locked, and its idea or activity, for a moderator of that one's centre; otherwise NotAllowed."""
    subject = subject_of(comment)
    if not permissions.can_moderate_comment(moderator, comment, subject):
        raise NotAllowed()
    comment = lock(comment)
    if comment.deleted_at is not None:
        raise InvalidTransition(str(_l("The author has deleted this comment; there is nothing left to review.")))
    return comment, subject


def hide_comment(moderator, comment, reason):
    """Hide the comment; everyone sees the reason in its place. Open reports are resolved."""
    reason = clean_reason(reason)
    comment, subject = moderated(moderator, comment)
    if comment.hidden_at is not None and not awaiting_review(comment):
        raise AlreadyDone()
    set_hidden_by(moderator, comment, reason)
    record_audit("comment.hidden", actor=moderator, subject=comment, centre_id=subject.centre_id, reason=reason)
    return comment


def confirm_hidden(moderator, comment, reason):
    """After reports: keep the comment hidden (now with the moderator's reason) and resolve the reports."""
    reason = clean_reason(reason)
    comment, subject = moderated(moderator, comment)
    if not awaiting_review(comment) and comment.open_report_count == 0:
        raise AlreadyDone()
    set_hidden_by(moderator, comment, reason)
    record_audit("comment.hide_confirmed", actor=moderator, subject=comment, centre_id=subject.centre_id, reason=reason)
    return comment


def set_hidden_by(moderator, comment, reason):
    """Hide the comment with the moderator's name and reason (keeping when it was first hidden) and close its reports."""
    was_readable = is_readable(comment)
    now = utcnow()
    hidden_by_moderator(comment, moderator, reason, now)
    resolve_reports(comment, now)
    change_count(comment, count_change(was_readable, comment))


def restore_comment(moderator, comment, reason):
    """Show the comment again (or keep it shown when reports were unfounded) and resolve the reports."""
    reason = clean_reason(reason)
    comment, subject = moderated(moderator, comment)
    if comment.hidden_at is None and comment.open_report_count == 0:
        raise AlreadyDone()
    was_readable = is_readable(comment)
    shown_again(comment)
    resolve_reports(comment, utcnow())
    change_count(comment, count_change(was_readable, comment))
    record_audit("comment.restored", actor=moderator, subject=comment, centre_id=subject.centre_id, reason=reason)
    return comment
