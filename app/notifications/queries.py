"""Reading notifications for the pages."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.notifications.models import Notification

PER_PAGE = 20


class Page:
    """One page of a person's notifications, newest first, with whether there are older ones."""

    def __init__(self, items, page, has_next):
        self.items = items
        self.page = page
        self.has_prev = page > 1
        self.has_next = has_next
        self.prev_num = page - 1
        self.next_num = page + 1


def notifications_page(user, page, per_page=PER_PAGE):
    """The person's notifications on one page, with who did it and the idea, in one statement.

    One row more than shown tells whether an older page exists, so no COUNT is needed.
    """
    page = max(1, page)
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id)
        .options(joinedload(Notification.actor), joinedload(Notification.idea), joinedload(Notification.activity))
        .order_by(Notification.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    ).all()
    return Page(rows[:per_page], page, len(rows) > per_page)


def own_notification(user, notification_id):
    """The person's notification with that id, or None (another person's is as good as missing)."""
    return db.session.scalar(select(Notification).where(Notification.id == notification_id, Notification.user_id == user.id))
