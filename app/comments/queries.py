"""Reading comments: the threads of an idea's or an activity's page, and the reported comments moderators review."""

import re
from dataclasses import dataclass, field

from sqlalchemy import and_, func, literal, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from app import permissions
from app.accounts.models import moderator_centres
from app.comments.models import Comment, CommentReport
from app.comments.services import awaiting_review
from app.extensions import db
from app.ideas.models import Idea

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


class CommentView:
    """How a comment shows on the idea's page (CommentItem.state); not stored, worked out from the comment."""

    SHOWN = "shown"
    #: hidden by reports until a moderator looks at it
    AWAITING_REVIEW = "awaiting_review"
    #: hidden by a moderator
    HIDDEN = "hidden"
    #: deleted by its author: the text is gone, the thread stays
    DELETED = "deleted"


@dataclass
class CommentItem:
    """One comment as a given person sees it."""

    comment: Comment
    #: the person looking has reported it already
    reported: bool = False
    #: the person looking moderates the idea's centre (sees hidden text, marked)
    moderator_view: bool = False
    replies: list["CommentItem"] = field(default_factory=list)

    @property
    def state(self):
        """deleted, awaiting_review (hidden by reports), hidden (by a moderator) or shown."""
        if self.comment.deleted_at is not None:
            return CommentView.DELETED
        if self.comment.hidden_at is not None:
            return CommentView.AWAITING_REVIEW if awaiting_review(self.comment) else CommentView.HIDDEN
        return CommentView.SHOWN

    @property
    def show_text(self):
        """Shown to everyone, or hidden but the viewer moderates (deleted text is gone for all)."""
        return self.state == CommentView.SHOWN or (self.state != CommentView.DELETED and self.moderator_view)

    @property
    def paragraphs(self):
        """The text as paragraphs of lines, for plain-text display (escaped by the template)."""
        return paragraphs(self.comment.body) if self.show_text else []


def paragraphs(text):
    """Plain text as paragraphs (split at empty lines) of lines; the template escapes every line."""
    return [
        [line.rstrip() for line in part.strip("\n").split("\n")]
        for part in PARAGRAPH_BREAK.split((text or "").replace("\r\n", "\n").strip())
        if part.strip()
    ]


def on_subject_clause(subject):
    """SQL: the comment is on this idea or activity."""
    if subject.project_kind == "activity":
        return Comment.activity_id == subject.id
    return Comment.idea_id == subject.id


def comment_centre_id():
    """SQL: the centre of the idea or activity a comment is on (correlated to Comment; the activities table by
    name, as activities sit above comments)."""
    activities = db.metadata.tables["activities"]
    return func.coalesce(
        select(Idea.centre_id).where(Idea.id == Comment.idea_id).correlate(Comment).scalar_subquery(),
        select(activities.c.centre_id).where(activities.c.id == Comment.activity_id).correlate(Comment).scalar_subquery(),
    )


def load_comments(subject, viewer):
    """The threads of an idea or an activity (subject): top comments oldest first, each with its replies oldest first.

    One SQL statement: the comments, their authors (joined) and whether the viewer reported each
    (an outer join on the viewer's own reports).
    """
    signed_in = permissions.is_signed_in(viewer)
    if signed_in:
        mine = and_(CommentReport.comment_id == Comment.id, CommentReport.reporter_id == viewer.id)
        query = select(Comment, CommentReport.id).outerjoin(CommentReport, mine)
    else:
        query = select(Comment, literal(None))
    rows = db.session.execute(
        query.join(Comment.author)
        .options(contains_eager(Comment.author))
        .where(on_subject_clause(subject))
        .order_by(func.coalesce(Comment.parent_id, Comment.id), Comment.parent_id.is_not(None), Comment.id)
    ).all()
    moderator_view = signed_in and permissions.can_moderate_comment(viewer, None, subject)
    threads, by_id = [], {}
    for comment, report_id in rows:
        item = CommentItem(comment, reported=report_id is not None, moderator_view=moderator_view)
        if comment.parent_id is None:
            threads.append(item)
            by_id[comment.id] = item
        elif comment.parent_id in by_id:
            by_id[comment.parent_id].replies.append(item)
    return threads


@dataclass
class ReportedComment:
    comment: Comment
    #: the idea or activity it is on
    subject: object
    #: the open reports, oldest first, each with .reporter and .reason
    reports: list[CommentReport]

    @property
    def awaiting_review(self):
        """Hidden by reports and not yet looked at by a moderator."""
        return awaiting_review(self.comment)


def waiting_for_review():
    """Open reports, or hidden by reports and not yet looked at (and not deleted by the author)."""
    return and_(
        Comment.deleted_at.is_(None),
        or_(
            Comment.open_report_count > 0,
            and_(Comment.hidden_at.is_not(None), Comment.hidden_by_id.is_(None), Comment.hidden_reason == ""),
        ),
    )


def reported_comments(moderator, limit=200):
    """Comments with open reports or hidden by reports, in the centres the person moderates; the ones
    waiting longest first. Two SQL statements (the comments with their idea or activity and author; the open
    reports with their reporters)."""
    if not permissions.can_moderate(moderator):
        return []
    first_open_report = (
        select(func.min(CommentReport.created_at))
        .where(CommentReport.comment_id == Comment.id, CommentReport.resolved_at.is_(None))
        .correlate(Comment)
        .scalar_subquery()
    )
    query = (
        select(Comment)
        .options(joinedload(Comment.author), joinedload(Comment.idea), joinedload(Comment.activity))
        .where(waiting_for_review())
        .order_by(func.coalesce(first_open_report, Comment.hidden_at), Comment.id)
        .limit(limit)
    )
    if not moderator.is_admin:
        mine = select(moderator_centres.c.centre_id).where(moderator_centres.c.user_id == moderator.id)
        query = query.where(comment_centre_id().in_(mine))
    rows = db.session.scalars(query).all()
    if not rows:
        return []
    reports = db.session.scalars(
        select(CommentReport)
        .options(joinedload(CommentReport.reporter))
        .where(CommentReport.comment_id.in_([comment.id for comment in rows]), CommentReport.resolved_at.is_(None))
        .order_by(CommentReport.created_at, CommentReport.id)
    ).all()
    by_comment = {}
    for report in reports:
        by_comment.setdefault(report.comment_id, []).append(report)
    return [ReportedComment(comment, comment.subject, by_comment.get(comment.id, [])) for comment in rows]


def count_reported_comments(moderator):
    """How many comments wait for a moderator of these centres (for headers and the queue's tabs)."""
    if not permissions.can_moderate(moderator):
        return 0
    query = select(func.count()).select_from(Comment).where(waiting_for_review())
    if not moderator.is_admin:
        mine = select(moderator_centres.c.centre_id).where(moderator_centres.c.user_id == moderator.id)
        query = query.where(comment_centre_id().in_(mine))
    return db.session.scalar(query)


def comment_page_data(comment_id, viewer):
    """The comment and its idea or activity for the comment's own pages (edit, report, moderate), or
    (None, None) when it does not exist or the viewer may not see what it is on. One statement."""
    comment = db.session.scalar(
        select(Comment)
        .options(joinedload(Comment.author), joinedload(Comment.idea), joinedload(Comment.activity))
        .where(Comment.id == comment_id)
    )
    if comment is None or comment.subject is None or not permissions.can_view_discussion(viewer, comment.subject):
        return None, None
    return comment, comment.subject


def open_reports(comment):
    """The comment's reports not yet resolved, oldest first, with their reporters."""
    return db.session.scalars(
        select(CommentReport)
        .options(joinedload(CommentReport.reporter))
        .where(CommentReport.comment_id == comment.id, CommentReport.resolved_at.is_(None))
        .order_by(CommentReport.created_at, CommentReport.id)
    ).all()
