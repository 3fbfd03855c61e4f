"""Everything Kopiena holds about one person, gathered for their download (data.json and index.html).

Only the person's own rows are read, and of the rows they share with others (an idea's history, a partnership)
only what is about them: never another person's name, e-mail, registration or address. Who else acted is told
as `by_you` true or false. Times are UTC, written as ISO 8601 with a "Z". The structure is described field by
field in templates/privacy/export_readme.txt (README.txt in the ZIP); a change to it raises FORMAT_VERSION.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from app.accounts.models import UserSession
from app.activities.models import CalendarFeed
from app.audit.models import AuditEntry
from app.extensions import db
from app.ideas.models import Follow, Support
from app.legal.models import Consent
from app.notifications.models import Notification
from app.privacy import contributions as c
from app.privacy.contributions import iso
from app.privacy.models import DataExport
from app.timeutil import utcnow

FORMAT_NAME = "kopiena-personal-data"
#: raised whenever a key is renamed or removed, or its meaning changes (adding a key keeps it)
FORMAT_VERSION = 1

#: the sections of data.json after "format", in order, with the heading index.html gives each
SECTIONS = (
    ("person", _l("Profile and settings")),
    ("consents", _l("Terms and privacy notices you accepted")),
    ("ideas", _l("Ideas you wrote, with their history")),
    ("comments", _l("Comments and replies you wrote")),
    ("comment_reports", _l("Comments you reported")),
    ("idea_reports", _l("Ideas you reported")),
    ("supports", _l("Ideas you support")),
    ("follows", _l("Ideas you follow")),
    ("volunteer_signups", _l("Your offers to volunteer")),
    ("volunteer_messages", _l("Messages to volunteers you sent or received")),
    ("registrations", _l("Your registrations for activities, with the people you registered")),
    ("representations", _l("Organisations you represent or asked to represent")),
    ("organisations_created", _l("Organisations you registered")),
    ("partnerships", _l("Partnerships you offered or decided on")),
    ("partner_calls", _l("Partner calls you posted")),
    ("notifications", _l("Your notifications")),
    ("sessions", _l("Where you are logged in")),
    ("calendar_feed", _l("Your private calendar address")),
    ("audit_entries", _l("Audit log entries about you")),
    ("data_exports", _l("Your downloads of your data")),
)


def personal_data(user):
    """The whole download of the person as one JSON-ready dict: "format" first, then each of SECTIONS."""
    gather = {
        "person": person_section,
        "consents": consents_section,
        "ideas": c.ideas_section,
        "comments": c.comments_section,
        "comment_reports": c.comment_reports_section,
        "idea_reports": c.idea_reports_section,
        "supports": lambda person: c.idea_links_section(person, Support),
        "follows": lambda person: c.idea_links_section(person, Follow),
        "volunteer_signups": c.signups_section,
        "volunteer_messages": c.volunteer_messages_section,
        "registrations": c.registrations_section,
        "representations": c.representations_section,
        "organisations_created": c.organisations_section,
        "partnerships": c.partnerships_section,
        "partner_calls": c.partner_calls_section,
        "notifications": notifications_section,
        "sessions": sessions_section,
        "calendar_feed": calendar_feed_section,
        "audit_entries": audit_section,
        "data_exports": exports_section,
    }
    data = {"format": {"name": FORMAT_NAME, "version": FORMAT_VERSION, "generated_at": iso(utcnow())}}
    for key, _title in SECTIONS:
        data[key] = gather[key](user)
    return data


def person_section(user):
    """The profile and the settings (never the password hash)."""
    return {
        "id": user.id,
        "display_name": user.display_name,
        "email": user.email,
        "email_confirmed_at": iso(user.email_confirmed_at),
        "language": user.language,
        "home_centre": user.home_centre.name if user.home_centre else None,
        "about": user.about,
        "skills": user.skills,
        "interests": user.interests,
        "profile_public": user.profile_public,
        "birth_year": user.birth_year,
        "is_admin": user.is_admin,
        "moderator_of": [centre.name for centre in user.moderated_centres],
        "created_at": iso(user.created_at),
        "suspended_at": iso(user.suspended_at),
        "settings": {"email_own_ideas": user.email_own_ideas, "email_other": user.email_other},
    }


def consents_section(user):
    """The versions of the terms and privacy notice the person accepted, and when."""
    rows = db.session.scalars(select(Consent).where(Consent.user_id == user.id).order_by(Consent.accepted_at, Consent.id))
    return [{"document": row.document, "version": row.version, "accepted_at": iso(row.accepted_at)} for row in rows]


def notifications_section(user):
    """The person's notifications: what happened and about what (not who else did it)."""
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    return [
        {
            "event": row.event,
            "idea_id": row.idea_id,
            "activity_id": row.activity_id,
            "comment_id": row.comment_id,
            "data": row.data,
            "created_at": iso(row.created_at),
            "read_at": iso(row.read_at),
        }
        for row in rows
    ]


def sessions_section(user):
    """The person's live log-in sessions: when, the browser's name (never the token or its hash)."""
    rows = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.created_at))
    return [
        {
            "created_at": iso(row.created_at),
            "last_seen_at": iso(row.last_seen_at),
            "expires_at": iso(row.expires_at),
            "remember": row.remember,
            "user_agent": row.user_agent,
        }
        for row in rows
    ]


def calendar_feed_section(user):
    """Whether the person has a private calendar address, and since when (not the secret address itself)."""
    feed = db.session.get(CalendarFeed, user.id)
    return {"exists": feed is not None, "created_at": iso(feed.created_at) if feed else None}


def audit_section(user):
    """Audit entries of the person's own actions (with the addresses they came from) and entries about their account.

    Of an entry someone else made about the account only what was done, when and why: not who, nor their address.
    """
    about_account = and_(AuditEntry.subject_type == "User", AuditEntry.subject_id == user.id)
    rows = db.session.scalars(
        select(AuditEntry).where(or_(AuditEntry.actor_id == user.id, about_account)).order_by(AuditEntry.id)
    )
    entries = []
    for row in rows:
        by_you = row.actor_id == user.id
        entries.append(
            {
                "action": row.action,
                "by_you": by_you,
                "subject_type": row.subject_type,
                "subject_id": row.subject_id,
                "reason": row.reason,
                "details": row.details if by_you else {},
                "ip_address": row.ip_address if by_you else "",
                "created_at": iso(row.created_at),
            }
        )
    return entries


def exports_section(user):
    """The downloads of their data the person prepared that are still kept."""
    rows = db.session.scalars(select(DataExport).where(DataExport.user_id == user.id).order_by(DataExport.id))
    return [{"created_at": iso(row.created_at), "expires_at": iso(row.expires_at), "size_bytes": row.size_bytes} for row in rows]
