"""Rows for the tests of messages to volunteers (app/volunteering/messages.py), written straight to the database."""

from app.extensions import db
from app.timeutil import utcnow
from app.volunteering.models import VolunteerMessage, volunteer_message_recipients


def make_volunteer_message(sender, project, body="Tiekamies pie ieejas 9:45.", role=None, recipients=()):
    """A message already sent to the recipients (no notifications): project is an Idea or an Activity."""
    is_activity = project.project_kind == "activity"
    message = VolunteerMessage(
        sender_id=sender.id if sender is not None else None,
        idea_id=None if is_activity else project.id,
        activity_id=project.id if is_activity else None,
        role_id=role.id if role is not None else None,
        body=body,
        created_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    if recipients:
        db.session.execute(
            volunteer_message_recipients.insert(), [{"message_id": message.id, "user_id": user.id} for user in recipients]
        )
    db.session.commit()
    return message
