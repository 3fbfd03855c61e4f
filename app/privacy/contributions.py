"""What a person contributed and took part in, for their download (app/privacy/personal_data.py puts it together).

Only what is about the person: who else acted on a shared row is told as `by_you` true or false, never by name.
"""

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.activities.models import Activity, Registration
from app.comments.models import Comment, CommentReport
from app.extensions import db
from app.ideas.models import Idea, IdeaReport
from app.organisations.models import Organisation, Representative
from app.partnerships.models import PartnerCall, Partnership
from app.urls import external_url
from app.volunteering.models import SignUp, VolunteerMessage, VolunteerRole, volunteer_message_recipients


def iso(moment):
    """A stored (naive UTC) time as ISO 8601 with "Z", or None."""
    return moment.isoformat(timespec="seconds") + "Z" if moment is not None else None


def ideas_section(user):
    """The person's ideas (drafts too), each with its history; who else moved it is not named."""
    ideas = db.session.scalars(
        select(Idea)
        .where(Idea.author_id == user.id)
        .options(joinedload(Idea.category), joinedload(Idea.centre), selectinload(Idea.events))
        .order_by(Idea.created_at, Idea.id)
    ).all()
    return [
        {
            "id": idea.id,
            "url": external_url("ideas.idea_detail", idea_id=idea.id),
            "title": idea.title,
            "summary": idea.summary,
            "description": idea.description,
            "kind": idea.kind,
            "category": idea.category.name_en,
            "centre": idea.centre.name,
            "place": idea.place,
            "latitude": idea.latitude,
            "longitude": idea.longitude,
            "needs": idea.needs,
            "seeking_school_partner": idea.seeking_school_partner,
            "partner_age_groups": idea.age_group_codes(),
            "partner_subjects": idea.subject_codes(),
            "has_photo": idea.image_name is not None,
            "state": idea.state,
            "support_count": idea.support_count,
            "comment_count": idea.comment_count,
            "created_at": iso(idea.created_at),
            "updated_at": iso(idea.updated_at),
            "submitted_at": iso(idea.submitted_at),
            "published_at": iso(idea.published_at),
            "history": [
                {
                    "from_state": event.from_state,
                    "to_state": event.to_state,
                    "reason": event.reason,
                    "by_you": event.actor_id == user.id,
                    "created_at": iso(event.created_at),
                }
                for event in idea.events
            ],
        }
        for idea in ideas
    ]


def comments_section(user):
    """The person's comments and replies, with the idea or activity each is on (not the comments around them)."""
    rows = db.session.execute(
        select(Comment, Idea.title, Activity.title)
        .outerjoin(Idea, Idea.id == Comment.idea_id)
        .outerjoin(Activity, Activity.id == Comment.activity_id)
        .where(Comment.author_id == user.id)
        .order_by(Comment.id)
    )
    return [
        {
            "id": comment.id,
            "idea_id": comment.idea_id,
            "idea_title": idea_title,
            "activity_id": comment.activity_id,
            "activity_title": activity_title,
            "reply_to": comment.parent_id,
            "body": comment.body,
            "created_at": iso(comment.created_at),
            "edited_at": iso(comment.edited_at),
            "deleted_at": iso(comment.deleted_at),
            "hidden_at": iso(comment.hidden_at),
            "hidden_reason": comment.hidden_reason,
        }
        for comment, idea_title, activity_title in rows
    ]


def comment_reports_section(user):
    """The comments the person reported: which, why and when (not the reported text, which is another person's)."""
    rows = db.session.scalars(select(CommentReport).where(CommentReport.reporter_id == user.id).order_by(CommentReport.id))
    return [
        {
            "comment_id": row.comment_id,
            "reason": row.reason,
            "created_at": iso(row.created_at),
            "resolved_at": iso(row.resolved_at),
        }
        for row in rows
    ]


def idea_reports_section(user):
    """The ideas the person reported: which, why and when."""
    rows = db.session.execute(
        select(IdeaReport, Idea.title)
        .join(Idea, Idea.id == IdeaReport.idea_id)
        .where(IdeaReport.reporter_id == user.id)
        .order_by(IdeaReport.id)
    )
    return [
        {
            "idea_id": row.idea_id,
            "idea_title": title,
            "reason": row.reason,
            "created_at": iso(row.created_at),
            "resolved_at": iso(row.resolved_at),
        }
        for row, title in rows
    ]


def idea_links_section(user, model):
    """The ideas the person supports (model Support) or follows (Follow), with when."""
    rows = db.session.execute(
        select(model.idea_id, Idea.title, model.created_at)
        .join(Idea, Idea.id == model.idea_id)
        .where(model.user_id == user.id)
        .order_by(model.created_at, model.idea_id)
    )
    return [{"idea_id": idea_id, "idea_title": title, "created_at": iso(created_at)} for idea_id, title, created_at in rows]


def signups_section(user):
    """The person's offers to volunteer, with their messages and confirmed hours."""
    rows = db.session.scalars(
        select(SignUp)
        .where(SignUp.user_id == user.id)
        .options(
            joinedload(SignUp.role).joinedload(VolunteerRole.idea), joinedload(SignUp.role).joinedload(VolunteerRole.activity)
        )
        .order_by(SignUp.created_at, SignUp.id)
    )
    return [
        {
            "id": signup.id,
            "role": signup.role.name,
            "idea_id": signup.role.idea_id,
            "activity_id": signup.role.activity_id,
            "project_title": (signup.role.activity or signup.role.idea).title,
            "state": signup.state,
            "message": signup.message,
            "minutes": signup.minutes,
            "created_at": iso(signup.created_at),
            "decided_at": iso(signup.decided_at),
            "attendance_at": iso(signup.attendance_at),
        }
        for signup in rows
    ]


def volunteer_messages_section(user):
    """Messages to volunteers the person sent (by_you, with how many people they reached) or received (not who else)."""
    received = select(volunteer_message_recipients.c.message_id).where(volunteer_message_recipients.c.user_id == user.id)
    rows = db.session.scalars(
        select(VolunteerMessage)
        .where(or_(VolunteerMessage.sender_id == user.id, VolunteerMessage.id.in_(received)))
        .options(
            joinedload(VolunteerMessage.role),
            joinedload(VolunteerMessage.idea),
            joinedload(VolunteerMessage.activity),
            selectinload(VolunteerMessage.recipients),
        )
        .order_by(VolunteerMessage.created_at, VolunteerMessage.id)
    )
    return [
        {
            "id": message.id,
            "by_you": message.sender_id == user.id,
            "idea_id": message.idea_id,
            "activity_id": message.activity_id,
            "project_title": message.project.title,
            "role": message.role.name if message.role else None,
            "body": message.body,
            "recipients": len(message.recipients) if message.sender_id == user.id else None,
            "created_at": iso(message.created_at),
        }
        for message in rows
    ]


def registrations_section(user):
    """The person's registrations, with the companions or children they registered (as stored)."""
    rows = db.session.scalars(
        select(Registration)
        .where(Registration.user_id == user.id)
        .options(joinedload(Registration.activity))
        .order_by(Registration.created_at, Registration.id)
    )
    return [
        {
            "id": registration.id,
            "activity_id": registration.activity_id,
            "activity_title": registration.activity.title,
            "starts_at": iso(registration.activity.starts_at),
            "ends_at": iso(registration.activity.ends_at),
            "includes_self": registration.includes_self,
            "companions": registration.companions,
            "school_class": None
            if registration.pupils is None
            else {
                "organisation_id": registration.organisation_id,
                "class_label": registration.class_label,
                "pupils": registration.pupils,
                "responsible_teacher": registration.responsible_teacher,
            },
            "places": registration.places,
            "state": registration.state,
            "created_at": iso(registration.created_at),
            "promoted_at": iso(registration.promoted_at),
            "cancelled_at": iso(registration.cancelled_at),
        }
        for registration in rows
    ]


def representations_section(user):
    """The organisations the person represents, asked to represent, or once represented."""
    rows = db.session.scalars(
        select(Representative)
        .where(Representative.user_id == user.id)
        .options(joinedload(Representative.organisation))
        .order_by(Representative.created_at, Representative.id)
    )
    return [
        {
            "organisation_id": row.organisation_id,
            "organisation_name": row.organisation.name,
            "state": row.state,
            "message": row.message,
            "named_publicly": row.named_publicly,
            "created_at": iso(row.created_at),
            "decided_at": iso(row.decided_at),
        }
        for row in rows
    ]


def organisations_section(user):
    """The organisations the person registered on Kopiena."""
    rows = db.session.scalars(select(Organisation).where(Organisation.created_by_id == user.id).order_by(Organisation.id))
    return [
        {"id": row.id, "name": row.name, "kind": row.kind, "website": row.website, "created_at": iso(row.created_at)}
        for row in rows
    ]


def partnerships_section(user):
    """The partnerships the person offered, or accepted or declined, on behalf of an organisation or an idea."""
    rows = db.session.scalars(
        select(Partnership)
        .where(or_(Partnership.offered_by_id == user.id, Partnership.decided_by_id == user.id))
        .options(joinedload(Partnership.organisation), joinedload(Partnership.idea), joinedload(Partnership.activity))
        .order_by(Partnership.created_at, Partnership.id)
    )
    return [
        {
            "id": row.id,
            "organisation_name": row.organisation.name,
            "idea_id": row.idea_id,
            "activity_id": row.activity_id,
            "project_title": (row.activity or row.idea).title,
            "direction": row.direction,
            "message": row.message,
            "state": row.state,
            "offered_by_you": row.offered_by_id == user.id,
            "decided_by_you": row.decided_by_id == user.id,
            "created_at": iso(row.created_at),
            "decided_at": iso(row.decided_at),
        }
        for row in rows
    ]


def partner_calls_section(user):
    """The partner calls the person posted for an organisation."""
    rows = db.session.scalars(
        select(PartnerCall)
        .where(PartnerCall.created_by_id == user.id)
        .options(joinedload(PartnerCall.organisation))
        .order_by(PartnerCall.id)
    )
    return [
        {
            "id": row.id,
            "organisation_name": row.organisation.name,
            "title": row.title,
            "description": row.description,
            "state": row.state,
            "created_at": iso(row.created_at),
        }
        for row in rows
    ]
