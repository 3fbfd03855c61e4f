"""Reading users, categories and the audit log for the admin pages."""

from sqlalchemy import func, or_, select, true
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.extensions import db
from app.ideas.models import Category
from app.inputs import DB_INT_MAX
from app.pagination import page_of

PER_PAGE = 50
#: the lists are counted (the page says "page 3 of 7") and the audit log grows long: any number the database takes
LAST_PAGE = DB_INT_MAX


def matches_person(text):
    """Name or e-mail contains the text, whatever the case; % and _ are taken literally."""
    text = text.lower()
    return or_(func.lower(User.display_name).contains(text, autoescape=True), User.email.contains(text, autoescape=True))


def search_users(query, page, suspended_only=False):
    """Users whose name or e-mail contains the query, newest first, one page."""
    statement = select(User).options(selectinload(User.moderated_centres)).order_by(User.id.desc())
    if query:
        statement = statement.where(matches_person(query))
    if suspended_only:
        statement = statement.where(User.suspended_at.is_not(None))
    return page_of(statement, page, PER_PAGE, count=True)


def visible_audit_entries(viewer):
    """The part of the audit log the person may read: admins all of it; moderators the entries of
    their centres and their own actions."""
    if viewer.is_admin:
        return true()
    centre_ids = [centre.id for centre in viewer.moderated_centres]
    return or_(AuditEntry.centre_id.in_(centre_ids), AuditEntry.actor_id == viewer.id)


def audit_entries(viewer, action, actor_query, page, centre_id=None):
    """Audit entries the viewer may read, newest first, filtered by the start of the action name,
    the actor's name/e-mail and the centre."""
    statement = (
        select(AuditEntry)
        .options(selectinload(AuditEntry.actor))
        .where(visible_audit_entries(viewer))
        .order_by(AuditEntry.id.desc())
    )
    if action:
        statement = statement.where(AuditEntry.action.startswith(action, autoescape=True))
    if actor_query:
        statement = statement.join(User, User.id == AuditEntry.actor_id).where(matches_person(actor_query))
    if centre_id:
        statement = statement.where(AuditEntry.centre_id == centre_id)
    return page_of(statement, page, PER_PAGE, count=True)


def audit_actions(viewer):
    """The distinct action names the viewer can see, for the filter."""
    return db.session.scalars(
        select(AuditEntry.action).distinct().where(visible_audit_entries(viewer)).order_by(AuditEntry.action)
    ).all()


def all_categories():
    """Every category, in the order lists show them."""
    return db.session.scalars(select(Category).order_by(Category.position, Category.slug)).all()
