"""Admin actions: categories of ideas and suspending accounts. The route commits."""

from sqlalchemy import select

from app.accounts.sessions import end_all_sessions
from app.audit.services import record_audit
from app.errors import AlreadyDone, DomainError, NotAllowed
from app.extensions import db
from app.ideas.models import Category
from app.permissions import can_manage_categories, can_suspend_users
from app.timeutil import utcnow


class SlugTaken(DomainError):
    """Another category already uses this short name."""


class OwnAccount(DomainError):
    """Admins cannot suspend themselves (nobody could lift it)."""


def check_slug_free(slug, category=None):
    """Raise SlugTaken when another category already uses this short name."""
    other = db.session.scalar(select(Category).where(Category.slug == slug))
    if other is not None and other is not category:
        raise SlugTaken()


def create_category(actor, slug, name_lv, name_en, position, is_active=True):
    """Add a category of ideas."""
    if not can_manage_categories(actor):
        raise NotAllowed()
    check_slug_free(slug)
    category = Category(slug=slug, name_lv=name_lv.strip(), name_en=name_en.strip(), position=position, is_active=is_active)
    db.session.add(category)
    db.session.flush()
    record_audit("category.created", actor=actor, subject=category, slug=slug, name_lv=category.name_lv, name_en=category.name_en)
    return category


def update_category(actor, category, slug, name_lv, name_en, position, is_active):
    """Change a category; ideas keep it (an inactive one is just not offered for new ideas)."""
    if not can_manage_categories(actor):
        raise NotAllowed()
    check_slug_free(slug, category)
    category.slug, category.name_lv, category.name_en = slug, name_lv.strip(), name_en.strip()
    category.position, category.is_active = position, is_active
    record_audit(
        "category.updated",
        actor=actor,
        subject=category,
        slug=slug,
        name_lv=category.name_lv,
        name_en=category.name_en,
        position=position,
        is_active=is_active,
    )
    return category


def suspend_user(actor, user, reason):
    """Suspend an account: every session ends at once, logging in is refused; what they wrote stays."""
    if not can_suspend_users(actor):
        raise NotAllowed()
    if actor.id == user.id:
        raise OwnAccount()
    if user.suspended_at is not None:
        raise AlreadyDone()
    user.suspended_at = utcnow()
    end_all_sessions(user)
    record_audit("admin.user_suspended", actor=actor, subject=user, reason=reason.strip())
    return user


def lift_suspension(actor, user):
    """Let a suspended person log in again."""
    if not can_suspend_users(actor):
        raise NotAllowed()
    if user.suspended_at is None:
        raise AlreadyDone()
    user.suspended_at = None
    record_audit("admin.suspension_lifted", actor=actor, subject=user)
    return user
