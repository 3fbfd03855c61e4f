"""Who may do what: plain functions, safe for anonymous users, shared by routes, services and templates."""


def is_signed_in(user):
    return user is not None and user.is_authenticated


def can_manage_centres(user):
    return is_signed_in(user) and user.is_admin


def can_manage_users(user):
    return is_signed_in(user) and user.is_admin


def can_view_audit_log(user):
    """Admins see every entry; moderators see the log too (issue 3 narrows it to their centres)."""
    return is_signed_in(user) and user.is_moderator


def can_moderate_centre(user, centre_id):
    return is_signed_in(user) and user.moderates(centre_id)
