"""Who may do what: every function of app/permissions.py for every role."""
import pytest
from flask_login import AnonymousUserMixin

from app import permissions
from app.accounts.models import User
from app.centres.models import Centre

OWN_CENTRE, OTHER_CENTRE = 1, 2


def person(role):
    """A person in the given role (nothing is stored: the permission functions only read attributes)."""
    if role == "nobody":
        return None
    if role == "anonymous":
        return AnonymousUserMixin()
    own = Centre(id=OWN_CENTRE, slug="preili", name="Preiļi", municipality="Preiļu novads")
    return User(id=10, email=f"{role}@example.com", display_name=role, is_admin=role == "admin",
                moderated_centres=[own] if role == "moderator" else [])


CHECKS = {
    "can_manage_centres": lambda user: permissions.can_manage_centres(user),
    "can_manage_users": lambda user: permissions.can_manage_users(user),
    "can_view_audit_log": lambda user: permissions.can_view_audit_log(user),
    "can_moderate_own_centre": lambda user: permissions.can_moderate_centre(user, OWN_CENTRE),
    "can_moderate_other_centre": lambda user: permissions.can_moderate_centre(user, OTHER_CENTRE),
    "is_signed_in": lambda user: permissions.is_signed_in(user),
}

#: role → the checks it passes; every other check must fail
ALLOWED = {
    "nobody": set(),
    "anonymous": set(),
    "resident": {"is_signed_in"},
    "moderator": {"is_signed_in", "can_view_audit_log", "can_moderate_own_centre"},
    "admin": {"is_signed_in", "can_view_audit_log", "can_moderate_own_centre", "can_moderate_other_centre",
              "can_manage_centres", "can_manage_users"},
}


@pytest.mark.parametrize(("role", "check"), [(role, check) for role in ALLOWED for check in CHECKS])
def test_permission_table(role, check):
    assert CHECKS[check](person(role)) is (check in ALLOWED[role])


def test_every_permission_function_is_in_the_table():
    functions = {name for name in dir(permissions) if name.startswith(("can_", "is_"))}
    covered = {"can_moderate_centre" if name.startswith("can_moderate_") else name for name in CHECKS}
    assert functions == covered, "add the new permission to CHECKS and ALLOWED"
