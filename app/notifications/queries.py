"""Reading notifications for the pages."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.notifications.models import Notification
from app.pagination import page_of

PER_PAGE = 20


def notifications_page(user, page, per_page=PER_PAGE):
    """The person's notifications on one page, with who did it and the idea, in one statement.

    One row more than shown tells whether an older page exists, so no COUNT is needed.
    """
    statement = (
        select(Notification)
        .where(Notification.user_id == user.id)
        .options(joinedload(Notification.actor), joinedload(Notification.idea), joinedload(Notification.activity))
        .order_by(Notification.id.desc())
    )
    return page_of(statement, max(1, page), per_page)


def own_notification(user, notification_id):
    """The person's notification with that id, or None (another person's is as good as missing)."""
    return db.session.scalar(select(Notification).where(Notification.id == notification_id, Notification.user_id == user.id))
