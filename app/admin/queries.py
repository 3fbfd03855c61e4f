"""Reading users and the audit log for the admin pages."""
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.extensions import db

PER_PAGE = 50


def matches_person(text):
    """Name or e-mail contains the text, whatever the case; % and _ are taken literally."""
    text = text.lower()
    return or_(func.lower(User.display_name).contains(text, autoescape=True), User.email.contains(text, autoescape=True))


def search_users(query, page):
    """Users whose name or e-mail contains the query, newest first, one page."""
    statement = select(User).options(selectinload(User.moderated_centres)).order_by(User.id.desc())
    if query:
        statement = statement.where(matches_person(query))
    return db.paginate(statement, page=page, per_page=PER_PAGE, error_out=False)


def audit_entries(action, actor_query, page):
    """Audit entries, newest first, filtered by the start of the action name and the actor's name/e-mail."""
    statement = select(AuditEntry).options(selectinload(AuditEntry.actor)).order_by(AuditEntry.id.desc())
    if action:
        statement = statement.where(AuditEntry.action.startswith(action, autoescape=True))
    if actor_query:
        statement = statement.join(User, User.id == AuditEntry.actor_id).where(matches_person(actor_query))
    return db.paginate(statement, page=page, per_page=PER_PAGE, error_out=False)


def audit_actions():
    """The distinct action names, for the filter."""
    return db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
