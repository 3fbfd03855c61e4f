"""The audit log's entries as sentences: who did what to which idea, comment, activity or person, with links."""

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select

from app.accounts.models import User
from app.activities.models import Activity
from app.audit.models import AuditEntry
from app.audit.sentences import fill, sentence
from app.centres.models import Centre
from app.comments.models import Comment
from app.extensions import db
from app.ideas.models import Category, Idea
from app.legal.models import LegalDocument
from app.moderation.models import ReasonTemplate
from app.organisations.models import Organisation, Representative
from app.partnerships.models import PartnerCall, Partnership
from app.permissions import can_manage_users
from app.volunteering.models import SignUp, SignUpState, VolunteerRole

MODELS = {
    model.__name__: model
    for model in (
        User,
        Activity,
        Centre,
        Comment,
        Category,
        Idea,
        LegalDocument,
        ReasonTemplate,
        Organisation,
        Representative,
        PartnerCall,
        Partnership,
        SignUp,
        VolunteerRole,
    )
}
#: the detail that names a subject which no longer exists (deleted), for each kind
NAME_DETAILS = ("title", "name", "organisation", "role", "slug")


def link(text, url=None):
    """The text, linked when there is a page to go to."""
    return Markup('<a href="%s">%s</a>') % (url, text) if url else escape(text)


def quoted(text, url=None):
    """A name in the language's quotation marks (“…” / „…”), linked when there is a page."""
    return fill(_("“%(name)s”"), {"name": link(text, url)})


def person(user, viewer):
    """A person's name (coordinators and admins read the full one), linked to their page for those who manage people."""
    if user is None:
        return None
    url = url_for("admin.user_roles", user_id=user.id) if can_manage_users(viewer) else None
    return link(user.full_name, url)


def who(entry, viewer):
    """Who the entry credits: the person, the automatic rule, or someone not logged in."""
    if entry.actor is not None:
        return person(entry.actor, viewer)
    if entry.action in ("comment.hidden_by_reports", "idea.hidden_by_reports"):
        return escape(_("Automatic (%(num)s reports)", num=(entry.details or {}).get("reports", 3)))
    if entry.action == "access.denied":
        return escape(_("Someone not logged in"))
    if entry.action == "admin.created_by_cli":
        return escape(_("The system"))
    return escape(_("A deleted account"))  # the person was there; their account has since been deleted


def subject_of(entry):
    """The row the entry is about, if it still exists."""
    model = MODELS.get(entry.subject_type)
    return db.session.get(model, entry.subject_id) if model is not None and entry.subject_id else None


def object_variables(entry, subject, viewer):
    """The object (quoted, linked) and the people the sentence names about it."""
    if subject is None:
        details = entry.details or {}
        name = next((details[key] for key in NAME_DETAILS if details.get(key)), None)
        return {"object": quoted(str(name)) if name else None}
    if isinstance(subject, User):
        return {"object": person(subject, viewer)}
    if isinstance(subject, Idea):
        return {"object": quoted(subject.title, url_for("ideas.idea_detail", idea_id=subject.id))}
    if isinstance(subject, Comment):
        on = subject.subject  # the idea or the activity it is on
        anchor = f"comment-{subject.id}"
        if isinstance(on, Activity):
            url = url_for("activities.activity_detail", activity_id=on.id, _anchor=anchor)
        else:
            url = url_for("ideas.idea_detail", idea_id=on.id, _anchor=anchor)
        return {"object": quoted(on.title, url), "author": person(subject.author, viewer)}
    if isinstance(subject, Activity):
        return {"object": quoted(subject.title, url_for("activities.activity_detail", activity_id=subject.id))}
    if isinstance(subject, PartnerCall):
        return {"object": quoted(subject.title, url_for("partnerships.call_detail", call_id=subject.id))}
    if isinstance(subject, (Partnership, Representative)):
        extra = {"person": person(db.session.get(User, subject.user_id), viewer)} if isinstance(subject, Representative) else {}
        return {"object": quoted(subject.organisation.name), **extra}
    if isinstance(subject, SignUp):
        return {"object": quoted(subject.role.name), "person": person(subject.user, viewer)}
    return {"object": quoted(plain_name(subject))}


def plain_name(subject):
    """The name of a centre, category, role, saved reason or legal document, in the reader's language."""
    language = str(get_locale() or "lv")
    if isinstance(subject, Category):
        return subject.name(language)
    if isinstance(subject, LegalDocument):
        return subject.title_en if language == "en" else subject.title_lv
    return getattr(subject, "name", None) or getattr(subject, "title", "")


def detail_variables(entry):
    """The entry's details a sentence may name; state names in words."""
    details = entry.details or {}
    variables = {key: details.get(key) for key in ("reports", "version", "minutes", "path", "recipients")}
    state = details.get("state")
    variables["state"] = SignUpState.LABELS.get(state, state) if state else None
    return variables


def describe(entry, viewer):
    """One audit entry as a sentence in the reader's language, objects linked, the reason after it."""
    actor = Markup('<strong class="audit__who">%s</strong>') % who(entry, viewer)
    variables = {"actor": actor, **detail_variables(entry)}
    variables.update(object_variables(entry, subject_of(entry), viewer))
    return sentence(entry.action, variables, entry.reason, entry.details)


def histories(subject_type, subject_ids):
    """The audit entries about each of these rows (e.g. comments), oldest first: their moderation history."""
    found = {subject_id: [] for subject_id in subject_ids}
    if not found:
        return found
    statement = (
        select(AuditEntry)
        .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id.in_(list(found)))
        .order_by(AuditEntry.id)
    )
    for entry in db.session.scalars(statement):
        found[entry.subject_id].append(entry)
    return found
