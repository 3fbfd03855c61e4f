"""Who may do what: every function of app/permissions.py, as role × state × expected tables.

The expected values come from the design (docs: DESIGN.md "People and what each must be able to do"
and the idea lifecycle), not from the code: read a row as "this person may … in these states".
"""

import inspect
from datetime import datetime, timedelta

import pytest
from flask_login import AnonymousUserMixin

from app import permissions
from app.accounts.models import User
from app.activities.models import Activity
from app.centres.models import Centre
from app.comments.models import Comment
from app.ideas.models import Idea, IdeaState
from app.organisations.models import Organisation, Representative
from app.partnerships.models import PartnerCall, Partnership
from app.timeutil import utcnow
from app.volunteering.models import VolunteerMessage, VolunteerRole

OWN_CENTRE, OTHER_CENTRE = 1, 2
#: organisation X is of OWN_CENTRE, Y of OTHER_CENTRE
ORG_X, ORG_Y = 7, 8
A_TIME = datetime(2026, 1, 1, 12, 0)

#: everyone the tables speak of; "author" wrote the idea (or, in the comment tables, the comment)
ROLES = ("nobody", "anonymous", "resident", "unconfirmed", "suspended", "author", "moderator", "other_moderator", "admin")
#: the tables about organisations also speak of "representative" (an approved representative of organisation X)
#: and "other_representative" (of organisation Y)
ORG_ROLES = (*ROLES, "representative", "other_representative")
AUTHOR_ID = 20


def person(role):
    """A person in the given role (nothing is stored: the permission functions only read attributes)."""
    if role == "nobody":
        return None
    if role == "anonymous":
        return AnonymousUserMixin()
    own = Centre(id=OWN_CENTRE, slug="preili", name="Preiļi", municipality="Preiļu novads")
    other = Centre(id=OTHER_CENTRE, slug="aglona", name="Aglona", municipality="Preiļu novads")
    moderates = {"moderator": [own], "other_moderator": [other]}.get(role, [])
    user_id = AUTHOR_ID if role == "author" else 40 + ORG_ROLES.index(role)
    represented = {"representative": [ORG_X], "other_representative": [ORG_Y]}.get(role, [])
    return User(
        id=user_id,
        email=f"{role}@example.com",
        display_name=role,
        is_admin=role == "admin",
        moderated_centres=moderates,
        email_confirmed_at=None if role == "unconfirmed" else A_TIME,
        suspended_at=A_TIME if role == "suspended" else None,
        representations=[Representative(organisation_id=org_id, user_id=user_id, state="approved") for org_id in represented],
    )


def idea_in(state):
    return Idea(
        id=1, title="Soliņi", summary="", kind="local_improvement", centre_id=OWN_CENTRE, author_id=AUTHOR_ID, state=state
    )


def role_on(idea=None, activity=None):
    """A volunteer role on the idea or on the activity."""
    return VolunteerRole(
        id=3,
        idea_id=idea.id if idea else None,
        idea=idea,
        activity_id=activity.id if activity else None,
        activity=activity,
        name="Palīgs",
        places=2,
    )


def parse_grid(grid, columns, roles=ROLES):
    """{role: {column: bool}} from a table of Y (may) and . (may not), one row per role."""
    lines = [line.split() for line in grid.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert tuple(header) == tuple(columns), "the columns must be, in order: " + " ".join(columns)
    table = {}
    for role, *marks in rows:
        assert role in roles and len(marks) == len(columns), role
        assert set(marks) <= {"Y", "."}, role
        table[role] = {column: mark == "Y" for column, mark in zip(columns, marks, strict=True)}
    assert set(table) == set(roles), "every role needs a row"
    return table


# --- functions about a person only ----------------------------------------------------------------

PERSON_CHECKS = {
    "is_signed_in": lambda user: permissions.is_signed_in(user),
    "is_active_member": lambda user: permissions.is_active_member(user),
    "can_create_idea": lambda user: permissions.can_create_idea(user),
    "can_moderate": lambda user: permissions.can_moderate(user),
    "can_moderate_centre(own)": lambda user: permissions.can_moderate_centre(user, OWN_CENTRE),
    "can_moderate_centre(other)": lambda user: permissions.can_moderate_centre(user, OTHER_CENTRE),
    "can_view_audit_log": lambda user: permissions.can_view_audit_log(user),
    "can_manage_centres": lambda user: permissions.can_manage_centres(user),
    "can_manage_users": lambda user: permissions.can_manage_users(user),
    "can_manage_categories": lambda user: permissions.can_manage_categories(user),
    "can_suspend_users": lambda user: permissions.can_suspend_users(user),
    "can_create_activity": lambda user: permissions.can_create_activity(user),
    "can_manage_legal_pages": lambda user: permissions.can_manage_legal_pages(user),
}

# A suspended person counts as signed out everywhere: their sessions end and Flask-Login treats an
# inactive account as not authenticated. An unconfirmed person may sign in nowhere, but if they were,
# they could not post.
PERSON_COLUMNS_IN_ORDER = [
    "signed_in",
    "member",
    "create",
    "moderate",
    "centre_own",
    "centre_other",
    "audit",
    "centres",
    "users",
    "categories",
    "suspend",
    "activity",
    "legal",
]
PERSON_TABLE = parse_grid(
    """
                signed_in member create moderate centre_own centre_other audit centres users categories suspend activity legal
nobody              .       .      .       .         .           .         .      .      .       .         .       .     .
anonymous           .       .      .       .         .           .         .      .      .       .         .       .     .
resident            Y       Y      Y       .         .           .         .      .      .       .         .       .     .
unconfirmed         Y       .      .       .         .           .         .      .      .       .         .       .     .
suspended           .       .      .       .         .           .         .      .      .       .         .       .     .
author              Y       Y      Y       .         .           .         .      .      .       .         .       .     .
moderator           Y       Y      Y       Y         Y           .         Y      .      .       .         .       Y     .
other_moderator     Y       Y      Y       Y         .           Y         Y      .      .       .         .       Y     .
admin               Y       Y      Y       Y         Y           Y         Y      Y      Y       Y         Y       Y     Y
""",
    PERSON_COLUMNS_IN_ORDER,
)
# "activity": creating activities, for coordinators (moderators of a centre) only; which centre is checked
# by the service (the centre_own / centre_other columns); "legal": publishing the legal pages, admins only
PERSON_COLUMNS = dict(zip(PERSON_CHECKS, PERSON_COLUMNS_IN_ORDER, strict=True))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("check", PERSON_CHECKS)
def test_person_permissions(role, check):
    assert PERSON_CHECKS[check](person(role)) is PERSON_TABLE[role][PERSON_COLUMNS[check]]


# --- functions about an idea, in every state ------------------------------------------------------

STATES = IdeaState.ALL  # draft submitted published changes_requested declined promoted archived

IDEA_TABLES = {
    # public ideas for everyone; a draft for its author only; the rest also for the centre's moderators
    "can_view_idea": """
    draft submitted published changes_requested declined promoted archived
    nobody            .   .   Y   .   .   Y   Y
    anonymous         .   .   Y   .   .   Y   Y
    resident          .   .   Y   .   .   Y   Y
    unconfirmed       .   .   Y   .   .   Y   Y
    suspended         .   .   Y   .   .   Y   Y
    author            Y   Y   Y   Y   Y   Y   Y
    moderator         .   Y   Y   Y   Y   Y   Y
    other_moderator   .   .   Y   .   .   Y   Y
    admin             .   Y   Y   Y   Y   Y   Y
    """,
    # the author, while it is a draft or changes were requested (never a moderator)
    "can_edit_idea": """
    draft submitted published changes_requested declined promoted archived
    nobody            .   .   .   .   .   .   .
    anonymous         .   .   .   .   .   .   .
    resident          .   .   .   .   .   .   .
    unconfirmed       .   .   .   .   .   .   .
    suspended         .   .   .   .   .   .   .
    author            Y   .   .   Y   .   .   .
    moderator         .   .   .   .   .   .   .
    other_moderator   .   .   .   .   .   .   .
    admin             .   .   .   .   .   .   .
    """,
    # moderators of the idea's centre and admins; which decision fits which state is TRANSITIONS' job,
    # but nobody decides on a draft, which only its author sees
    "can_decide_idea": """
    draft submitted published changes_requested declined promoted archived
    nobody            .   .   .   .   .   .   .
    anonymous         .   .   .   .   .   .   .
    resident          .   .   .   .   .   .   .
    unconfirmed       .   .   .   .   .   .   .
    suspended         .   .   .   .   .   .   .
    author            .   .   .   .   .   .   .
    moderator         .   Y   Y   Y   Y   Y   Y
    other_moderator   .   .   .   .   .   .   .
    admin             .   Y   Y   Y   Y   Y   Y
    """,
    # active members who are not the author, published ideas only
    "can_support_idea": """
    draft submitted published changes_requested declined promoted archived
    nobody            .   .   .   .   .   .   .
    anonymous         .   .   .   .   .   .   .
    resident          .   .   Y   .   .   .   .
    unconfirmed       .   .   .   .   .   .   .
    suspended         .   .   .   .   .   .   .
    author            .   .   .   .   .   .   .
    moderator         .   .   Y   .   .   .   .
    other_moderator   .   .   Y   .   .   .   .
    admin             .   .   Y   .   .   .   .
    """,
    # active members, public ideas (the author follows their own from the start)
    "can_follow_idea": """
    draft submitted published changes_requested declined promoted archived
    nobody            .   .   .   .   .   .   .
    anonymous         .   .   .   .   .   .   .
    resident          .   .   Y   .   .   Y   Y
    unconfirmed       .   .   .   .   .   .   .
    suspended         .   .   .   .   .   .   .
    author            .   .   Y   .   .   Y   Y
    moderator         .   .   Y   .   .   Y   Y
    other_moderator   .   .   Y   .   .   Y   Y
    admin             .   .   Y   .   .   Y   Y
    """,
    # active members on published ideas and those that became activities; archived ones are closed
    "can_comment_on_idea": """
    draft submitted published changes_requested declined promoted archived
    nobody            .   .   .   .   .   .   .
    anonymous         .   .   .   .   .   .   .
    resident          .   .   Y   .   .   Y   .
    unconfirmed       .   .   .   .   .   .   .
    suspended         .   .   .   .   .   .   .
    author            .   .   Y   .   .   Y   .
    moderator         .   .   Y   .   .   Y   .
    other_moderator   .   .   Y   .   .   Y   .
    admin             .   .   Y   .   .   Y   .
    """,
    # moderating a comment depends on the idea's centre only (the comment's state is checked by the service)
    "can_moderate_comment": """
    draft submitted published changes_requested declined promoted archived
    nobody            .   .   .   .   .   .   .
    anonymous         .   .   .   .   .   .   .
    resident          .   .   .   .   .   .   .
    unconfirmed       .   .   .   .   .   .   .
    suspended         .   .   .   .   .   .   .
    author            .   .   .   .   .   .   .
    moderator         Y   Y   Y   Y   Y   Y   Y
    other_moderator   .   .   .   .   .   .   .
    admin             Y   Y   Y   Y   Y   Y   Y
    """,
    # the author (an active member) or a moderator of the idea's centre, only while the idea is published
    "can_manage_volunteer_roles": """
    draft submitted published changes_requested declined promoted archived
    nobody            .   .   .   .   .   .   .
    anonymous         .   .   .   .   .   .   .
    resident          .   .   .   .   .   .   .
    unconfirmed       .   .   .   .   .   .   .
    suspended         .   .   .   .   .   .   .
    author            .   .   Y   .   .   .   .
    moderator         .   .   Y   .   .   .   .
    other_moderator   .   .   .   .   .   .   .
    admin             .   .   Y   .   .   .   .
    """,
    # any active member but the author, only while the idea is published
    "can_volunteer": """
    draft submitted published changes_requested declined promoted archived
    nobody            .   .   .   .   .   .   .
    anonymous         .   .   .   .   .   .   .
    resident          .   .   Y   .   .   .   .
    unconfirmed       .   .   .   .   .   .   .
    suspended         .   .   .   .   .   .   .
    author            .   .   .   .   .   .   .
    moderator         .   .   Y   .   .   .   .
    other_moderator   .   .   Y   .   .   .   .
    admin             .   .   Y   .   .   .   .
    """,
    # a moderator of the idea's centre (and admins) turns a published idea into an activity
    "can_promote_idea": """
    draft submitted published changes_requested declined promoted archived
    nobody            .   .   .   .   .   .   .
    anonymous         .   .   .   .   .   .   .
    resident          .   .   .   .   .   .   .
    unconfirmed       .   .   .   .   .   .   .
    suspended         .   .   .   .   .   .   .
    author            .   .   .   .   .   .   .
    moderator         .   .   Y   .   .   .   .
    other_moderator   .   .   .   .   .   .   .
    admin             .   .   Y   .   .   .   .
    """,
    # a role on an idea (not yet on an activity) is managed as the idea's roles: its author or a moderator
    # of its centre, while published (once promoted, the role has moved to the activity)
    "can_manage_role(idea)": """
    draft submitted published changes_requested declined promoted archived
    nobody            .   .   .   .   .   .   .
    anonymous         .   .   .   .   .   .   .
    resident          .   .   .   .   .   .   .
    unconfirmed       .   .   .   .   .   .   .
    suspended         .   .   .   .   .   .   .
    author            .   .   Y   .   .   .   .
    moderator         .   .   Y   .   .   .   .
    other_moderator   .   .   .   .   .   .   .
    admin             .   .   Y   .   .   .   .
    """,
    # a role on an idea is seen by whoever sees the idea
    "can_view_role(idea)": """
    draft submitted published changes_requested declined promoted archived
    nobody            .   .   Y   .   .   Y   Y
    anonymous         .   .   Y   .   .   Y   Y
    resident          .   .   Y   .   .   Y   Y
    unconfirmed       .   .   Y   .   .   Y   Y
    suspended         .   .   Y   .   .   Y   Y
    author            Y   Y   Y   Y   Y   Y   Y
    moderator         .   Y   Y   Y   Y   Y   Y
    other_moderator   .   .   Y   .   .   Y   Y
    admin             .   Y   Y   Y   Y   Y   Y
    """,
    # volunteering for a role on an idea: any active member but the author, while published
    "can_volunteer_for_role(idea)": """
    draft submitted published changes_requested declined promoted archived
    nobody            .   .   .   .   .   .   .
    anonymous         .   .   .   .   .   .   .
    resident          .   .   Y   .   .   .   .
    unconfirmed       .   .   .   .   .   .   .
    suspended         .   .   .   .   .   .   .
    author            .   .   .   .   .   .   .
    moderator         .   .   Y   .   .   .   .
    other_moderator   .   .   Y   .   .   .   .
    admin             .   .   Y   .   .   .   .
    """,
}
# the same answers through the functions that take an idea or an activity
IDEA_TABLES["can_comment_on(idea)"] = IDEA_TABLES["can_comment_on_idea"]
IDEA_TABLES["can_view_discussion(idea)"] = IDEA_TABLES["can_view_idea"]
IDEA_CHECKS = {
    "can_comment_on(idea)": permissions.can_comment_on,
    "can_view_discussion(idea)": permissions.can_view_discussion,
    "can_view_idea": permissions.can_view_idea,
    "can_edit_idea": permissions.can_edit_idea,
    "can_decide_idea": permissions.can_decide_idea,
    "can_support_idea": permissions.can_support_idea,
    "can_follow_idea": permissions.can_follow_idea,
    "can_comment_on_idea": permissions.can_comment_on_idea,
    "can_manage_volunteer_roles": permissions.can_manage_volunteer_roles,
    "can_volunteer": permissions.can_volunteer,
    "can_moderate_comment": lambda user, idea: permissions.can_moderate_comment(user, a_comment("shown"), idea),
    "can_promote_idea": permissions.can_promote_idea,
    "can_manage_role(idea)": lambda user, idea: permissions.can_manage_role(user, role_on(idea=idea)),
    "can_view_role(idea)": lambda user, idea: permissions.can_view_role(user, role_on(idea=idea)),
    "can_volunteer_for_role(idea)": lambda user, idea: permissions.can_volunteer_for_role(user, role_on(idea=idea)),
}
PARSED_IDEA_TABLES = {name: parse_grid(grid, STATES) for name, grid in IDEA_TABLES.items()}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("check", IDEA_CHECKS)
def test_idea_permissions(check, role, state):
    assert IDEA_CHECKS[check](person(role), idea_in(state)) is PARSED_IDEA_TABLES[check][role][state]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_whatever_one_may_do_with_an_idea_one_may_see(role, state):
    user, idea = person(role), idea_in(state)
    for check in ("can_edit_idea", "can_decide_idea", "can_support_idea", "can_follow_idea", "can_comment_on_idea"):
        if IDEA_CHECKS[check](user, idea):
            assert permissions.can_view_idea(user, idea), check


# --- functions about a comment, in every state of the comment -------------------------------------

COMMENT_STATES = ("shown", "edited", "hidden_by_reports", "hidden_by_moderator", "deleted")


def a_comment(state):
    """A comment by AUTHOR_ID on an idea of OWN_CENTRE, in the given state."""
    comment = Comment(id=5, idea_id=1, author_id=AUTHOR_ID, body="Labs!", hidden_reason="", open_report_count=0)
    if state == "edited":
        comment.edited_at = A_TIME
    elif state == "hidden_by_reports":
        comment.hidden_at, comment.open_report_count = A_TIME, 3
    elif state == "hidden_by_moderator":
        comment.hidden_at, comment.hidden_by_id, comment.hidden_reason = A_TIME, 99, "Rupjš"
    elif state == "deleted":
        comment.deleted_at, comment.body = A_TIME, ""
    return comment


COMMENT_TABLES = {
    # its author, while it is neither deleted nor hidden ("author" here: the comment's author)
    "can_edit_comment": """
    shown edited hidden_by_reports hidden_by_moderator deleted
    nobody            .   .   .   .   .
    anonymous         .   .   .   .   .
    resident          .   .   .   .   .
    unconfirmed       .   .   .   .   .
    suspended         .   .   .   .   .
    author            Y   Y   .   .   .
    moderator         .   .   .   .   .
    other_moderator   .   .   .   .   .
    admin             .   .   .   .   .
    """,
    # any active member but its author, until it is deleted (reports of a comment a moderator already
    # hid are ignored by the service; one hidden by reports may still get more)
    "can_report_comment": """
    shown edited hidden_by_reports hidden_by_moderator deleted
    nobody            .   .   .   .   .
    anonymous         .   .   .   .   .
    resident          Y   Y   Y   Y   .
    unconfirmed       .   .   .   .   .
    suspended         .   .   .   .   .
    author            .   .   .   .   .
    moderator         Y   Y   Y   Y   .
    other_moderator   Y   Y   Y   Y   .
    admin             Y   Y   Y   Y   .
    """,
    # moderators of the idea's centre and admins, whatever the comment's state
    "can_moderate_comment": """
    shown edited hidden_by_reports hidden_by_moderator deleted
    nobody            .   .   .   .   .
    anonymous         .   .   .   .   .
    resident          .   .   .   .   .
    unconfirmed       .   .   .   .   .
    suspended         .   .   .   .   .
    author            .   .   .   .   .
    moderator         Y   Y   Y   Y   Y
    other_moderator   .   .   .   .   .
    admin             Y   Y   Y   Y   Y
    """,
}
COMMENT_CHECKS = {
    "can_edit_comment": lambda user, comment: permissions.can_edit_comment(user, comment),
    "can_report_comment": lambda user, comment: permissions.can_report_comment(user, comment),
    "can_moderate_comment": lambda user, comment: permissions.can_moderate_comment(user, comment, idea_in(IdeaState.PUBLISHED)),
}
PARSED_COMMENT_TABLES = {name: parse_grid(grid, COMMENT_STATES) for name, grid in COMMENT_TABLES.items()}


@pytest.mark.parametrize("state", COMMENT_STATES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("check", COMMENT_CHECKS)
def test_comment_permissions(check, role, state):
    assert COMMENT_CHECKS[check](person(role), a_comment(state)) is PARSED_COMMENT_TABLES[check][role][state]


# --- functions about an activity, in every state, before and after it starts -----------------------------------

#: "_started": its start time has passed (a completed activity always has; a cancelled one here has not)
ACTIVITY_STATES = ("planned", "open", "planned_started", "open_started", "completed", "cancelled")


def activity_in(state):
    """An activity of OWN_CENTRE created by the "author" (which gives them no say: its coordinators manage it)."""
    started = state.endswith("_started") or state == "completed"
    starts_at = utcnow() + (timedelta(hours=-1) if started else timedelta(days=3))
    return Activity(
        id=1,
        title="Keramikas darbnīca",
        centre_id=OWN_CENTRE,
        created_by_id=AUTHOR_ID,
        state=state.removesuffix("_started"),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        capacity=10,
        registered_count=0,
        cancel_reason="Slimība" if state == "cancelled" else "",
    )


ACTIVITY_TABLES = {
    # a moderator of the activity's centre (its coordinators) and admins, in every state
    "can_manage_activity": """
    planned open planned_started open_started completed cancelled
    nobody            .   .   .   .   .   .
    anonymous         .   .   .   .   .   .
    resident          .   .   .   .   .   .
    unconfirmed       .   .   .   .   .   .
    suspended         .   .   .   .   .   .
    author            .   .   .   .   .   .
    moderator         Y   Y   Y   Y   Y   Y
    other_moderator   .   .   .   .   .   .
    admin             Y   Y   Y   Y   Y   Y
    """,
    # the coordinators, while it is planned or open (a late change of place on the day is still possible)
    "can_edit_activity": """
    planned open planned_started open_started completed cancelled
    nobody            .   .   .   .   .   .
    anonymous         .   .   .   .   .   .
    resident          .   .   .   .   .   .
    unconfirmed       .   .   .   .   .   .
    suspended         .   .   .   .   .   .
    author            .   .   .   .   .   .
    moderator         Y   Y   Y   Y   .   .
    other_moderator   .   .   .   .   .   .
    admin             Y   Y   Y   Y   .   .
    """,
    "can_add_activity_roles": """
    planned open planned_started open_started completed cancelled
    nobody            .   .   .   .   .   .
    anonymous         .   .   .   .   .   .
    resident          .   .   .   .   .   .
    unconfirmed       .   .   .   .   .   .
    suspended         .   .   .   .   .   .
    author            .   .   .   .   .   .
    moderator         Y   Y   Y   Y   .   .
    other_moderator   .   .   .   .   .   .
    admin             Y   Y   Y   Y   .   .
    """,
    # a role on an activity: managed by its coordinators as long as they may add roles
    "can_manage_role(activity)": """
    planned open planned_started open_started completed cancelled
    nobody            .   .   .   .   .   .
    anonymous         .   .   .   .   .   .
    resident          .   .   .   .   .   .
    unconfirmed       .   .   .   .   .   .
    suspended         .   .   .   .   .   .
    author            .   .   .   .   .   .
    moderator         Y   Y   Y   Y   .   .
    other_moderator   .   .   .   .   .   .
    admin             Y   Y   Y   Y   .   .
    """,
    # every activity is public, and so are its roles
    "can_view_role(activity)": """
    planned open planned_started open_started completed cancelled
    nobody            Y   Y   Y   Y   Y   Y
    anonymous         Y   Y   Y   Y   Y   Y
    resident          Y   Y   Y   Y   Y   Y
    unconfirmed       Y   Y   Y   Y   Y   Y
    suspended         Y   Y   Y   Y   Y   Y
    author            Y   Y   Y   Y   Y   Y
    moderator         Y   Y   Y   Y   Y   Y
    other_moderator   Y   Y   Y   Y   Y   Y
    admin             Y   Y   Y   Y   Y   Y
    """,
    # any active member, while it is planned or open and has not started
    "can_volunteer_for_role(activity)": """
    planned open planned_started open_started completed cancelled
    nobody            .   .   .   .   .   .
    anonymous         .   .   .   .   .   .
    resident          Y   Y   .   .   .   .
    unconfirmed       .   .   .   .   .   .
    suspended         .   .   .   .   .   .
    author            Y   Y   .   .   .   .
    moderator         Y   Y   .   .   .   .
    other_moderator   Y   Y   .   .   .   .
    admin             Y   Y   .   .   .   .
    """,
    # any active member, while registration is open and it has not started
    "can_register_for_activity": """
    planned open planned_started open_started completed cancelled
    nobody            .   .   .   .   .   .
    anonymous         .   .   .   .   .   .
    resident          .   Y   .   .   .   .
    unconfirmed       .   .   .   .   .   .
    suspended         .   .   .   .   .   .
    author            .   Y   .   .   .   .
    moderator         .   Y   .   .   .   .
    other_moderator   .   Y   .   .   .   .
    admin             .   Y   .   .   .   .
    """,
    # the coordinators, once it has started (open) and after it took place (to correct)
    "can_record_attendance": """
    planned open planned_started open_started completed cancelled
    nobody            .   .   .   .   .   .
    anonymous         .   .   .   .   .   .
    resident          .   .   .   .   .   .
    unconfirmed       .   .   .   .   .   .
    suspended         .   .   .   .   .   .
    author            .   .   .   .   .   .
    moderator         .   .   .   Y   Y   .
    other_moderator   .   .   .   .   .   .
    admin             .   .   .   Y   Y   .
    """,
    # the coordinators, once it took place
    "can_write_outcome": """
    planned open planned_started open_started completed cancelled
    nobody            .   .   .   .   .   .
    anonymous         .   .   .   .   .   .
    resident          .   .   .   .   .   .
    unconfirmed       .   .   .   .   .   .
    suspended         .   .   .   .   .   .
    author            .   .   .   .   .   .
    moderator         .   .   .   .   Y   .
    other_moderator   .   .   .   .   .   .
    admin             .   .   .   .   Y   .
    """,
    # comments on an activity: any active member, unless it was cancelled (open after it took place: thanks, photos)
    "can_comment_on_activity": """
    planned open planned_started open_started completed cancelled
    nobody            .   .   .   .   .   .
    anonymous         .   .   .   .   .   .
    resident          Y   Y   Y   Y   Y   .
    unconfirmed       .   .   .   .   .   .
    suspended         .   .   .   .   .   .
    author            Y   Y   Y   Y   Y   .
    moderator         Y   Y   Y   Y   Y   .
    other_moderator   Y   Y   Y   Y   Y   .
    admin             Y   Y   Y   Y   Y   .
    """,
    # moderating a comment on an activity: the moderators of the activity's centre, in every state
    "can_moderate_comment(activity)": """
    planned open planned_started open_started completed cancelled
    nobody            .   .   .   .   .   .
    anonymous         .   .   .   .   .   .
    resident          .   .   .   .   .   .
    unconfirmed       .   .   .   .   .   .
    suspended         .   .   .   .   .   .
    author            .   .   .   .   .   .
    moderator         Y   Y   Y   Y   Y   Y
    other_moderator   .   .   .   .   .   .
    admin             Y   Y   Y   Y   Y   Y
    """,
}
# the same answers through the functions that take an idea or an activity
ACTIVITY_TABLES["can_comment_on(activity)"] = ACTIVITY_TABLES["can_comment_on_activity"]
ACTIVITY_TABLES["can_view_discussion(activity)"] = ACTIVITY_TABLES["can_view_role(activity)"]
ACTIVITY_CHECKS = {
    "can_comment_on_activity": permissions.can_comment_on_activity,
    "can_comment_on(activity)": permissions.can_comment_on,
    "can_view_discussion(activity)": permissions.can_view_discussion,
    "can_moderate_comment(activity)": lambda user, activity: permissions.can_moderate_comment(user, None, activity),
    "can_manage_activity": permissions.can_manage_activity,
    "can_edit_activity": permissions.can_edit_activity,
    "can_add_activity_roles": permissions.can_add_activity_roles,
    "can_manage_role(activity)": lambda user, activity: permissions.can_manage_role(user, role_on(activity=activity)),
    "can_view_role(activity)": lambda user, activity: permissions.can_view_role(user, role_on(activity=activity)),
    "can_volunteer_for_role(activity)": lambda user, activity: permissions.can_volunteer_for_role(
        user, role_on(activity=activity)
    ),
    "can_register_for_activity": permissions.can_register_for_activity,
    "can_record_attendance": permissions.can_record_attendance,
    "can_write_outcome": permissions.can_write_outcome,
}
PARSED_ACTIVITY_TABLES = {name: parse_grid(grid, ACTIVITY_STATES) for name, grid in ACTIVITY_TABLES.items()}


@pytest.mark.parametrize("state", ACTIVITY_STATES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("check", ACTIVITY_CHECKS)
def test_activity_permissions(check, role, state):
    assert ACTIVITY_CHECKS[check](person(role), activity_in(state)) is PARSED_ACTIVITY_TABLES[check][role][state]


@pytest.mark.parametrize("state", ACTIVITY_STATES)
@pytest.mark.parametrize("role", ROLES)
def test_whatever_one_does_to_an_activity_one_manages_it(role, state):
    user, activity = person(role), activity_in(state)
    for check in ("can_edit_activity", "can_add_activity_roles", "can_record_attendance", "can_write_outcome"):
        if ACTIVITY_CHECKS[check](user, activity):
            assert permissions.can_manage_activity(user, activity), check


# --- organisations, partner calls and partnerships -------------------------------------------------------------
# These tables add two roles (ORG_ROLES): "representative" of organisation X (a school of OWN_CENTRE) and
# "other_representative" of organisation Y (a school of OTHER_CENTRE). Only representatives act for an
# organisation; moderators of its centre approve representatives and verify it; an admin is no representative.


def organisation(org_id):
    """Organisation X (of OWN_CENTRE) or Y (of OTHER_CENTRE)."""
    return Organisation(
        id=org_id, name="X" if org_id == ORG_X else "Y", kind="school", centre_id=OWN_CENTRE if org_id == ORG_X else OTHER_CENTRE
    )


def call_of(org_id, state):
    org = organisation(org_id)
    return PartnerCall(
        id=9,
        organisation_id=org_id,
        organisation=org,
        centre_id=org.centre_id,
        title="6. klase",
        age_groups="10-12",
        subjects="environment",
        state=state,
    )


ORG_PERSON_CHECKS = {
    "can_create_organisation": permissions.can_create_organisation,
}
ORG_PERSON_COLUMNS_IN_ORDER = ["create"]
# "create": any active member registers an organisation (and becomes its first representative).
# Who sees an organisation's contacts depends on its partnerships: tests/routes/test_who_sees_what.py.
ORG_PERSON_TABLE = parse_grid(
    """
                      create
nobody                  .
anonymous               .
resident                Y
unconfirmed             .
suspended               .
author                  Y
moderator               Y
other_moderator         Y
admin                   Y
representative          Y
other_representative    Y
""",
    ORG_PERSON_COLUMNS_IN_ORDER,
    ORG_ROLES,
)
ORG_PERSON_COLUMNS = dict(zip(ORG_PERSON_CHECKS, ORG_PERSON_COLUMNS_IN_ORDER, strict=True))


@pytest.mark.parametrize("role", ORG_ROLES)
@pytest.mark.parametrize("check", ORG_PERSON_CHECKS)
def test_organisation_person_permissions(role, check):
    assert ORG_PERSON_CHECKS[check](person(role)) is ORG_PERSON_TABLE[role][ORG_PERSON_COLUMNS[check]]


ORGANISATIONS = ("X", "Y")
ORGANISATION_TABLES = {
    # approved representatives only, each of their own organisation
    "represents": """
    X Y
    nobody                 .   .
    anonymous              .   .
    resident               .   .
    unconfirmed            .   .
    suspended              .   .
    author                 .   .
    moderator              .   .
    other_moderator        .   .
    admin                  .   .
    representative         Y   .
    other_representative   .   Y
    """,
    # its representatives, and admins (to correct what is wrong); never another organisation's representative
    "can_edit_organisation": """
    X Y
    nobody                 .   .
    anonymous              .   .
    resident               .   .
    unconfirmed            .   .
    suspended              .   .
    author                 .   .
    moderator              .   .
    other_moderator        .   .
    admin                  Y   Y
    representative         Y   .
    other_representative   .   Y
    """,
    # any active member who does not represent it yet (a second pending request is the service's AlreadyDone)
    "can_ask_to_represent": """
    X Y
    nobody                 .   .
    anonymous              .   .
    resident               Y   Y
    unconfirmed            .   .
    suspended              .   .
    author                 Y   Y
    moderator              Y   Y
    other_moderator        Y   Y
    admin                  Y   Y
    representative         .   Y
    other_representative   Y   .
    """,
    # its representatives, or a moderator of its centre (and admins)
    "can_decide_representatives": """
    X Y
    nobody                 .   .
    anonymous              .   .
    resident               .   .
    unconfirmed            .   .
    suspended              .   .
    author                 .   .
    moderator              Y   .
    other_moderator        .   Y
    admin                  Y   Y
    representative         Y   .
    other_representative   .   Y
    """,
    # the badge: a moderator of its centre (and admins), never its own representative
    "can_verify_organisation": """
    X Y
    nobody                 .   .
    anonymous              .   .
    resident               .   .
    unconfirmed            .   .
    suspended              .   .
    author                 .   .
    moderator              Y   .
    other_moderator        .   Y
    admin                  Y   Y
    representative         .   .
    other_representative   .   .
    """,
    # the organisation's voice: its representatives only
    "can_post_partner_call": """
    X Y
    nobody                 .   .
    anonymous              .   .
    resident               .   .
    unconfirmed            .   .
    suspended              .   .
    author                 .   .
    moderator              .   .
    other_moderator        .   .
    admin                  .   .
    representative         Y   .
    other_representative   .   Y
    """,
}
ORGANISATION_CHECKS = {
    "represents": permissions.represents,
    "can_edit_organisation": permissions.can_edit_organisation,
    "can_ask_to_represent": permissions.can_ask_to_represent,
    "can_decide_representatives": permissions.can_decide_representatives,
    "can_verify_organisation": permissions.can_verify_organisation,
    "can_post_partner_call": permissions.can_post_partner_call,
}
PARSED_ORGANISATION_TABLES = {name: parse_grid(grid, ORGANISATIONS, ORG_ROLES) for name, grid in ORGANISATION_TABLES.items()}


@pytest.mark.parametrize("side", ORGANISATIONS)
@pytest.mark.parametrize("role", ORG_ROLES)
@pytest.mark.parametrize("check", ORGANISATION_CHECKS)
def test_organisation_permissions(check, role, side):
    org = organisation(ORG_X if side == "X" else ORG_Y)
    assert ORGANISATION_CHECKS[check](person(role), org) is PARSED_ORGANISATION_TABLES[check][role][side]


def test_a_suspended_representative_acts_for_nobody():
    user = person("representative")
    user.suspended_at = A_TIME
    for check in ("represents", "can_edit_organisation", "can_decide_representatives", "can_post_partner_call"):
        assert ORGANISATION_CHECKS[check](user, organisation(ORG_X)) is False, check


#: the calls of organisation X in each state, and an open call of Y
CALL_COLUMNS = ("X:open", "X:matched", "X:closed", "Y:open")
CALL_TABLES = {
    # its organisation's representatives only, in every state (not even moderators: it is the organisation's voice)
    "can_edit_partner_call": """
    X:open X:matched X:closed Y:open
    nobody                 .   .   .   .
    anonymous              .   .   .   .
    resident               .   .   .   .
    unconfirmed            .   .   .   .
    suspended              .   .   .   .
    author                 .   .   .   .
    moderator              .   .   .   .
    other_moderator        .   .   .   .
    admin                  .   .   .   .
    representative         Y   Y   Y   .
    other_representative   .   .   .   Y
    """,
}
CALL_CHECKS = {"can_edit_partner_call": permissions.can_edit_partner_call}
PARSED_CALL_TABLES = {name: parse_grid(grid, CALL_COLUMNS, ORG_ROLES) for name, grid in CALL_TABLES.items()}


@pytest.mark.parametrize("column", CALL_COLUMNS)
@pytest.mark.parametrize("role", ORG_ROLES)
@pytest.mark.parametrize("check", CALL_CHECKS)
def test_partner_call_permissions(check, role, column):
    side, state = column.split(":")
    call = call_of(ORG_X if side == "X" else ORG_Y, state)
    assert CALL_CHECKS[check](person(role), call) is PARSED_CALL_TABLES[check][role][column]


# An idea or activity is open for partners while it says it seeks a school partner and one can still join it.
OPEN_FOR_PARTNERS = {"idea": {"published"}, "activity": {"planned", "open", "planned_started", "open_started"}}


def seeking(project):
    project.seeking_school_partner = True
    project.partner_age_groups, project.partner_subjects = "10-12", "environment"
    return project


@pytest.mark.parametrize("wish", [True, False], ids=["seeking", "not_seeking"])
@pytest.mark.parametrize(
    ("kind", "state"), [("idea", state) for state in STATES] + [("activity", state) for state in ACTIVITY_STATES]
)
def test_is_open_for_partners(kind, state, wish):
    project = idea_in(state) if kind == "idea" else activity_in(state)
    project.seeking_school_partner = wish
    assert permissions.is_open_for_partners(project) is (wish and state in OPEN_FOR_PARTNERS[kind])


PROJECT_IDEA_TABLES = {
    # the idea's author (an active member) and its centre's moderators, in every state
    "manages_project(idea)": """
    draft submitted published changes_requested declined promoted archived
    nobody                 .   .   .   .   .   .   .
    anonymous              .   .   .   .   .   .   .
    resident               .   .   .   .   .   .   .
    unconfirmed            .   .   .   .   .   .   .
    suspended              .   .   .   .   .   .   .
    author                 Y   Y   Y   Y   Y   Y   Y
    moderator              Y   Y   Y   Y   Y   Y   Y
    other_moderator        .   .   .   .   .   .   .
    admin                  Y   Y   Y   Y   Y   Y   Y
    representative         .   .   .   .   .   .   .
    other_representative   .   .   .   .   .   .   .
    """,
    # a representative offers their organisation (here X) to a published idea seeking a partner
    "can_offer_partnership(idea)": """
    draft submitted published changes_requested declined promoted archived
    nobody                 .   .   .   .   .   .   .
    anonymous              .   .   .   .   .   .   .
    resident               .   .   .   .   .   .   .
    unconfirmed            .   .   .   .   .   .   .
    suspended              .   .   .   .   .   .   .
    author                 .   .   .   .   .   .   .
    moderator              .   .   .   .   .   .   .
    other_moderator        .   .   .   .   .   .   .
    admin                  .   .   .   .   .   .   .
    representative         .   .   Y   .   .   .   .
    other_representative   .   .   .   .   .   .   .
    """,
    # the idea's people invite the organisation behind an open call, while the idea is published
    "can_invite_organisation(idea)": """
    draft submitted published changes_requested declined promoted archived
    nobody                 .   .   .   .   .   .   .
    anonymous              .   .   .   .   .   .   .
    resident               .   .   .   .   .   .   .
    unconfirmed            .   .   .   .   .   .   .
    suspended              .   .   .   .   .   .   .
    author                 .   .   Y   .   .   .   .
    moderator              .   .   Y   .   .   .   .
    other_moderator        .   .   .   .   .   .   .
    admin                  .   .   Y   .   .   .   .
    representative         .   .   .   .   .   .   .
    other_representative   .   .   .   .   .   .   .
    """,
    # …never to a call that is no longer open
    "can_invite_organisation(idea, matched call)": """
    draft submitted published changes_requested declined promoted archived
    nobody                 .   .   .   .   .   .   .
    anonymous              .   .   .   .   .   .   .
    resident               .   .   .   .   .   .   .
    unconfirmed            .   .   .   .   .   .   .
    suspended              .   .   .   .   .   .   .
    author                 .   .   .   .   .   .   .
    moderator              .   .   .   .   .   .   .
    other_moderator        .   .   .   .   .   .   .
    admin                  .   .   .   .   .   .   .
    representative         .   .   .   .   .   .   .
    other_representative   .   .   .   .   .   .   .
    """,
    # the idea's people write to its accepted volunteers while it is published (a promoted idea's roles are the
    # activity's)
    "can_message_volunteers(idea)": """
    draft submitted published changes_requested declined promoted archived
    nobody                 .   .   .   .   .   .   .
    anonymous              .   .   .   .   .   .   .
    resident               .   .   .   .   .   .   .
    unconfirmed            .   .   .   .   .   .   .
    suspended              .   .   .   .   .   .   .
    author                 .   .   Y   .   .   .   .
    moderator              .   .   Y   .   .   .   .
    other_moderator        .   .   .   .   .   .   .
    admin                  .   .   Y   .   .   .   .
    representative         .   .   .   .   .   .   .
    other_representative   .   .   .   .   .   .   .
    """,
}
PROJECT_IDEA_CHECKS = {
    "manages_project(idea)": permissions.manages_project,
    "can_message_volunteers(idea)": permissions.can_message_volunteers,
    "can_offer_partnership(idea)": lambda user, idea: permissions.can_offer_partnership(user, organisation(ORG_X), idea),
    "can_invite_organisation(idea)": lambda user, idea: permissions.can_invite_organisation(user, idea, call_of(ORG_Y, "open")),
    "can_invite_organisation(idea, matched call)": lambda user, idea: permissions.can_invite_organisation(
        user, idea, call_of(ORG_Y, "matched")
    ),
}
PARSED_PROJECT_IDEA_TABLES = {name: parse_grid(grid, STATES, ORG_ROLES) for name, grid in PROJECT_IDEA_TABLES.items()}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ORG_ROLES)
@pytest.mark.parametrize("check", PROJECT_IDEA_CHECKS)
def test_partnership_permissions_on_an_idea(check, role, state):
    idea = seeking(idea_in(state))
    assert PROJECT_IDEA_CHECKS[check](person(role), idea) is PARSED_PROJECT_IDEA_TABLES[check][role][state]


PROJECT_ACTIVITY_TABLES = {
    # its coordinators (moderators of its centre), in every state; whoever created it has no say of their own
    "manages_project(activity)": """
    planned open planned_started open_started completed cancelled
    nobody                 .   .   .   .   .   .
    anonymous              .   .   .   .   .   .
    resident               .   .   .   .   .   .
    unconfirmed            .   .   .   .   .   .
    suspended              .   .   .   .   .   .
    author                 .   .   .   .   .   .
    moderator              Y   Y   Y   Y   Y   Y
    other_moderator        .   .   .   .   .   .
    admin                  Y   Y   Y   Y   Y   Y
    representative         .   .   .   .   .   .
    other_representative   .   .   .   .   .   .
    """,
    # a representative offers their organisation (X) while the activity is planned or open (even under way)
    "can_offer_partnership(activity)": """
    planned open planned_started open_started completed cancelled
    nobody                 .   .   .   .   .   .
    anonymous              .   .   .   .   .   .
    resident               .   .   .   .   .   .
    unconfirmed            .   .   .   .   .   .
    suspended              .   .   .   .   .   .
    author                 .   .   .   .   .   .
    moderator              .   .   .   .   .   .
    other_moderator        .   .   .   .   .   .
    admin                  .   .   .   .   .   .
    representative         Y   Y   Y   Y   .   .
    other_representative   .   .   .   .   .   .
    """,
    # the coordinators invite the organisation behind an open call while the activity is planned or open
    "can_invite_organisation(activity)": """
    planned open planned_started open_started completed cancelled
    nobody                 .   .   .   .   .   .
    anonymous              .   .   .   .   .   .
    resident               .   .   .   .   .   .
    unconfirmed            .   .   .   .   .   .
    suspended              .   .   .   .   .   .
    author                 .   .   .   .   .   .
    moderator              Y   Y   Y   Y   .   .
    other_moderator        .   .   .   .   .   .
    admin                  Y   Y   Y   Y   .   .
    representative         .   .   .   .   .   .
    other_representative   .   .   .   .   .   .
    """,
    # its coordinators write to its volunteers until it is cancelled (after it was held too: to thank them)
    "can_message_volunteers(activity)": """
    planned open planned_started open_started completed cancelled
    nobody                 .   .   .   .   .   .
    anonymous              .   .   .   .   .   .
    resident               .   .   .   .   .   .
    unconfirmed            .   .   .   .   .   .
    suspended              .   .   .   .   .   .
    author                 .   .   .   .   .   .
    moderator              Y   Y   Y   Y   Y   .
    other_moderator        .   .   .   .   .   .
    admin                  Y   Y   Y   Y   Y   .
    representative         .   .   .   .   .   .
    other_representative   .   .   .   .   .   .
    """,
}
PROJECT_ACTIVITY_CHECKS = {
    "manages_project(activity)": permissions.manages_project,
    "can_message_volunteers(activity)": permissions.can_message_volunteers,
    "can_offer_partnership(activity)": lambda user, activity: permissions.can_offer_partnership(
        user, organisation(ORG_X), activity
    ),
    "can_invite_organisation(activity)": lambda user, activity: permissions.can_invite_organisation(
        user, activity, call_of(ORG_Y, "open")
    ),
}
PARSED_PROJECT_ACTIVITY_TABLES = {
    name: parse_grid(grid, ACTIVITY_STATES, ORG_ROLES) for name, grid in PROJECT_ACTIVITY_TABLES.items()
}


@pytest.mark.parametrize("state", ACTIVITY_STATES)
@pytest.mark.parametrize("role", ORG_ROLES)
@pytest.mark.parametrize("check", PROJECT_ACTIVITY_CHECKS)
def test_partnership_permissions_on_an_activity(check, role, state):
    activity = seeking(activity_in(state))
    expected = PARSED_PROJECT_ACTIVITY_TABLES[check][role][state]
    assert PROJECT_ACTIVITY_CHECKS[check](person(role), activity) is expected


#: a partnership of organisation X with the author's published idea (or, once promoted, the activity):
#: "o:" an offer (X proposed it), "i:" an invitation (the idea's people proposed it), then its state
PARTNERSHIP_COLUMNS = (
    "o:offered",
    "o:accepted",
    "o:declined",
    "o:withdrawn",
    "i:offered",
    "i:accepted",
    "i:declined",
    "i:withdrawn",
)


def partnership_in(column, on):
    direction, state = column.split(":")
    org = organisation(ORG_X)
    partnership = Partnership(
        id=4,
        organisation_id=ORG_X,
        organisation=org,
        direction="offer" if direction == "o" else "invitation",
        state=state,
        message="",
    )
    idea = seeking(idea_in("published" if on == "idea" else "promoted"))
    partnership.idea_id, partnership.idea = idea.id, idea
    if on == "activity":
        activity = seeking(activity_in("open"))
        partnership.activity_id, partnership.activity = activity.id, activity
    return partnership


# Which move fits which state is the service's TRANSITIONS; these say which side may make it at all.
PARTNERSHIP_TABLES = {
    # the side that did not propose: the idea's people for an offer, X's representatives for an invitation
    "can_decide_partnership(idea)": """
    o:offered o:accepted o:declined o:withdrawn i:offered i:accepted i:declined i:withdrawn
    nobody                 .   .   .   .   .   .   .   .
    anonymous              .   .   .   .   .   .   .   .
    resident               .   .   .   .   .   .   .   .
    unconfirmed            .   .   .   .   .   .   .   .
    suspended              .   .   .   .   .   .   .   .
    author                 Y   Y   Y   Y   .   .   .   .
    moderator              Y   Y   Y   Y   .   .   .   .
    other_moderator        .   .   .   .   .   .   .   .
    admin                  Y   Y   Y   Y   .   .   .   .
    representative         .   .   .   .   Y   Y   Y   Y
    other_representative   .   .   .   .   .   .   .   .
    """,
    # the side that proposed: X's representatives for an offer, the idea's people for an invitation
    "can_withdraw_partnership(idea)": """
    o:offered o:accepted o:declined o:withdrawn i:offered i:accepted i:declined i:withdrawn
    nobody                 .   .   .   .   .   .   .   .
    anonymous              .   .   .   .   .   .   .   .
    resident               .   .   .   .   .   .   .   .
    unconfirmed            .   .   .   .   .   .   .   .
    suspended              .   .   .   .   .   .   .   .
    author                 .   .   .   .   Y   Y   Y   Y
    moderator              .   .   .   .   Y   Y   Y   Y
    other_moderator        .   .   .   .   .   .   .   .
    admin                  .   .   .   .   Y   Y   Y   Y
    representative         Y   Y   Y   Y   .   .   .   .
    other_representative   .   .   .   .   .   .   .   .
    """,
    # accepted partnerships are public; the others only for both sides (never another organisation's people)
    "can_view_partnership(idea)": """
    o:offered o:accepted o:declined o:withdrawn i:offered i:accepted i:declined i:withdrawn
    nobody                 .   Y   .   .   .   Y   .   .
    anonymous              .   Y   .   .   .   Y   .   .
    resident               .   Y   .   .   .   Y   .   .
    unconfirmed            .   Y   .   .   .   Y   .   .
    suspended              .   Y   .   .   .   Y   .   .
    author                 Y   Y   Y   Y   Y   Y   Y   Y
    moderator              Y   Y   Y   Y   Y   Y   Y   Y
    other_moderator        .   Y   .   .   .   Y   .   .
    admin                  Y   Y   Y   Y   Y   Y   Y   Y
    representative         Y   Y   Y   Y   Y   Y   Y   Y
    other_representative   .   Y   .   .   .   Y   .   .
    """,
    # once on an activity (made there or carried over), its coordinators answer for it instead of the idea's author
    "can_decide_partnership(activity)": """
    o:offered o:accepted o:declined o:withdrawn i:offered i:accepted i:declined i:withdrawn
    nobody                 .   .   .   .   .   .   .   .
    anonymous              .   .   .   .   .   .   .   .
    resident               .   .   .   .   .   .   .   .
    unconfirmed            .   .   .   .   .   .   .   .
    suspended              .   .   .   .   .   .   .   .
    author                 .   .   .   .   .   .   .   .
    moderator              Y   Y   Y   Y   .   .   .   .
    other_moderator        .   .   .   .   .   .   .   .
    admin                  Y   Y   Y   Y   .   .   .   .
    representative         .   .   .   .   Y   Y   Y   Y
    other_representative   .   .   .   .   .   .   .   .
    """,
    "can_withdraw_partnership(activity)": """
    o:offered o:accepted o:declined o:withdrawn i:offered i:accepted i:declined i:withdrawn
    nobody                 .   .   .   .   .   .   .   .
    anonymous              .   .   .   .   .   .   .   .
    resident               .   .   .   .   .   .   .   .
    unconfirmed            .   .   .   .   .   .   .   .
    suspended              .   .   .   .   .   .   .   .
    author                 .   .   .   .   .   .   .   .
    moderator              .   .   .   .   Y   Y   Y   Y
    other_moderator        .   .   .   .   .   .   .   .
    admin                  .   .   .   .   Y   Y   Y   Y
    representative         Y   Y   Y   Y   .   .   .   .
    other_representative   .   .   .   .   .   .   .   .
    """,
    "can_view_partnership(activity)": """
    o:offered o:accepted o:declined o:withdrawn i:offered i:accepted i:declined i:withdrawn
    nobody                 .   Y   .   .   .   Y   .   .
    anonymous              .   Y   .   .   .   Y   .   .
    resident               .   Y   .   .   .   Y   .   .
    unconfirmed            .   Y   .   .   .   Y   .   .
    suspended              .   Y   .   .   .   Y   .   .
    author                 .   Y   .   .   .   Y   .   .
    moderator              Y   Y   Y   Y   Y   Y   Y   Y
    other_moderator        .   Y   .   .   .   Y   .   .
    admin                  Y   Y   Y   Y   Y   Y   Y   Y
    representative         Y   Y   Y   Y   Y   Y   Y   Y
    other_representative   .   Y   .   .   .   Y   .   .
    """,
}
PARTNERSHIP_CHECKS = {
    f"{name}({on})": (function, on)
    for name, function in (
        ("can_decide_partnership", permissions.can_decide_partnership),
        ("can_withdraw_partnership", permissions.can_withdraw_partnership),
        ("can_view_partnership", permissions.can_view_partnership),
    )
    for on in ("idea", "activity")
}
PARSED_PARTNERSHIP_TABLES = {name: parse_grid(grid, PARTNERSHIP_COLUMNS, ORG_ROLES) for name, grid in PARTNERSHIP_TABLES.items()}


@pytest.mark.parametrize("column", PARTNERSHIP_COLUMNS)
@pytest.mark.parametrize("role", ORG_ROLES)
@pytest.mark.parametrize("check", PARTNERSHIP_CHECKS)
def test_partnership_permissions(check, role, column):
    function, on = PARTNERSHIP_CHECKS[check]
    assert function(person(role), partnership_in(column, on)) is PARSED_PARTNERSHIP_TABLES[check][role][column]


@pytest.mark.parametrize("column", PARTNERSHIP_COLUMNS)
def test_nobody_decides_and_withdraws_the_same_partnership(column):
    for role in ORG_ROLES:
        for on in ("idea", "activity"):
            partnership = partnership_in(column, on)
            user = person(role)
            assert not (
                permissions.can_decide_partnership(user, partnership) and permissions.can_withdraw_partnership(user, partnership)
            ), role


@pytest.mark.parametrize("on", ["idea", "activity"])
def test_partnership_target_is_the_activity_once_it_has_one(on):
    partnership = partnership_in("o:offered", on)
    target = permissions.partnership_target(partnership)
    assert target is (partnership.activity if on == "activity" else partnership.idea)
    assert isinstance(target, Activity if on == "activity" else Idea)


#: functions that are not about a person (the tables above use them; these tests state them directly)
TARGET_CHECKS = ("is_open_for_partners", "partnership_target")


# --- messages to volunteers ----------------------------------------------------------------------

#: a message the idea's author sent to its volunteers, and one a coordinator sent to an activity's, each received by
#: the resident: its sender, the people it reached and the project's people read it; nobody else
MESSAGE_READ_TABLE = parse_grid(
    """
                    idea activity
    nobody              .    .
    anonymous           .    .
    resident            Y    Y
    unconfirmed         Y    Y
    suspended           .    .
    author              Y    .
    moderator           Y    Y
    other_moderator     .    .
    admin               Y    Y
    """,
    ("idea", "activity"),
)


def message_on(kind):
    """A message to the volunteers of a published idea (sent by its author) or of an open activity (by a moderator)."""
    project = idea_in("published") if kind == "idea" else activity_in("open")
    sender = person("author" if kind == "idea" else "moderator")
    message = VolunteerMessage(id=5, sender_id=sender.id, body="Sveiki!")
    message.recipients = [person("resident"), person("unconfirmed")]
    return message, project


@pytest.mark.parametrize("kind", ["idea", "activity"])
@pytest.mark.parametrize("role", ROLES)
def test_who_reads_a_message_to_volunteers(role, kind):
    message, project = message_on(kind)
    assert permissions.can_read_volunteer_message(person(role), message, project) is MESSAGE_READ_TABLE[role][kind]


MESSAGE_CHECKS = {"can_read_volunteer_message": permissions.can_read_volunteer_message}


# --- a person's profile page (/people/<id>) ----------------------------------------------------------------------

#: the person whose page is asked for: public or not, deleted, suspended, 13–15 years old (public or not)
PROFILE_COLUMNS = ("public", "not_public", "deleted", "suspended", "under16_public", "under16")
PROFILE_TABLES = {
    # everyone, when the person made it public (16 or older, account active); the person themself always;
    # coordinators and admins no more than anyone ("author" is the person whose page it is)
    "can_view_profile": """
    public not_public deleted suspended under16_public under16
    nobody             Y   .   .   .   .   .
    anonymous          Y   .   .   .   .   .
    resident           Y   .   .   .   .   .
    unconfirmed        Y   .   .   .   .   .
    suspended          Y   .   .   .   .   .
    author             Y   Y   .   .   Y   Y
    moderator          Y   .   .   .   .   .
    other_moderator    Y   .   .   .   .   .
    admin              Y   .   .   .   .   .
    """,
}
PROFILE_CHECKS = {"can_view_profile": permissions.can_view_profile}
PARSED_PROFILE_TABLES = {name: parse_grid(grid, PROFILE_COLUMNS) for name, grid in PROFILE_TABLES.items()}


def profile_owner(column, viewer):
    """The person whose page is asked for, in the column's state; the "author" row asks for their own page."""
    owner = viewer if isinstance(viewer, User) and viewer.id == AUTHOR_ID else User(id=AUTHOR_ID, email_confirmed_at=A_TIME)
    owner.display_name = "Anna Bērziņa"
    owner.profile_public = column in ("public", "deleted", "suspended", "under16_public")
    owner.deleted_at = A_TIME if column == "deleted" else None
    owner.suspended_at = A_TIME if column == "suspended" else None
    owner.birth_year = utcnow().year - 14 if column.startswith("under16") else None
    return owner


@pytest.mark.parametrize("column", PROFILE_COLUMNS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("check", PROFILE_CHECKS)
def test_profile_permissions(check, role, column):
    viewer = person(role)
    assert PROFILE_CHECKS[check](viewer, profile_owner(column, viewer)) is PARSED_PROFILE_TABLES[check][role][column]


# --- functions about an idea that may be hidden (after reports or by a moderator) ------------------

#: "…_reported": hidden by three people's reports, waiting for a moderator; "…_hidden": hidden by a moderator
HIDDEN_COLUMNS = (
    "published",
    "published_reported",
    "published_hidden",
    "promoted",
    "promoted_hidden",
    "archived",
    "archived_hidden",
    "submitted",
)


def idea_hidden_in(column):
    """An idea of OWN_CENTRE by AUTHOR_ID in the column's state, hidden as the column says."""
    state, _, hidden = column.partition("_")
    idea = idea_in(state)
    idea.hidden_reason, idea.open_report_count = "", 0
    if hidden == "reported":
        idea.hidden_at, idea.open_report_count = A_TIME, 3
    elif hidden == "hidden":
        idea.hidden_at, idea.hidden_by_id, idea.hidden_reason = A_TIME, 99, "Personas dati"
    return idea


HIDDEN_IDEA_TABLES = {
    # a hidden idea is not public: its author and the centre's moderators (and admins) still see it
    "can_view_idea(hidden)": """
    published published_reported published_hidden promoted promoted_hidden archived archived_hidden submitted
    nobody            Y   .   .   Y   .   Y   .   .
    anonymous         Y   .   .   Y   .   Y   .   .
    resident          Y   .   .   Y   .   Y   .   .
    unconfirmed       Y   .   .   Y   .   Y   .   .
    suspended         Y   .   .   Y   .   Y   .   .
    author            Y   Y   Y   Y   Y   Y   Y   Y
    moderator         Y   Y   Y   Y   Y   Y   Y   Y
    other_moderator   Y   .   .   Y   .   Y   .   .
    admin             Y   Y   Y   Y   Y   Y   Y   Y
    """,
    # nobody supports a hidden idea
    "can_support_idea(hidden)": """
    published published_reported published_hidden promoted promoted_hidden archived archived_hidden submitted
    nobody            .   .   .   .   .   .   .   .
    anonymous         .   .   .   .   .   .   .   .
    resident          Y   .   .   .   .   .   .   .
    unconfirmed       .   .   .   .   .   .   .   .
    suspended         .   .   .   .   .   .   .   .
    author            .   .   .   .   .   .   .   .
    moderator         Y   .   .   .   .   .   .   .
    other_moderator   Y   .   .   .   .   .   .   .
    admin             Y   .   .   .   .   .   .   .
    """,
    # nobody comments on a hidden idea (not even its author or a moderator)
    "can_comment_on_idea(hidden)": """
    published published_reported published_hidden promoted promoted_hidden archived archived_hidden submitted
    nobody            .   .   .   .   .   .   .   .
    anonymous         .   .   .   .   .   .   .   .
    resident          Y   .   .   Y   .   .   .   .
    unconfirmed       .   .   .   .   .   .   .   .
    suspended         .   .   .   .   .   .   .   .
    author            Y   .   .   Y   .   .   .   .
    moderator         Y   .   .   Y   .   .   .   .
    other_moderator   Y   .   .   Y   .   .   .   .
    admin             Y   .   .   Y   .   .   .   .
    """,
    # nobody volunteers for a hidden idea
    "can_volunteer(hidden)": """
    published published_reported published_hidden promoted promoted_hidden archived archived_hidden submitted
    nobody            .   .   .   .   .   .   .   .
    anonymous         .   .   .   .   .   .   .   .
    resident          Y   .   .   .   .   .   .   .
    unconfirmed       .   .   .   .   .   .   .   .
    suspended         .   .   .   .   .   .   .   .
    author            .   .   .   .   .   .   .   .
    moderator         Y   .   .   .   .   .   .   .
    other_moderator   Y   .   .   .   .   .   .   .
    admin             Y   .   .   .   .   .   .   .
    """,
    # any active member but the author reports a public idea (one hidden is no longer public)
    "can_report_idea": """
    published published_reported published_hidden promoted promoted_hidden archived archived_hidden submitted
    nobody            .   .   .   .   .   .   .   .
    anonymous         .   .   .   .   .   .   .   .
    resident          Y   .   .   Y   .   Y   .   .
    unconfirmed       .   .   .   .   .   .   .   .
    suspended         .   .   .   .   .   .   .   .
    author            .   .   .   .   .   .   .   .
    moderator         Y   .   .   Y   .   Y   .   .
    other_moderator   Y   .   .   Y   .   Y   .   .
    admin             Y   .   .   Y   .   Y   .   .
    """,
    # the centre's moderators (and admins) hide, restore or keep hidden an idea that is public but for the hiding
    "can_moderate_idea_reports": """
    published published_reported published_hidden promoted promoted_hidden archived archived_hidden submitted
    nobody            .   .   .   .   .   .   .   .
    anonymous         .   .   .   .   .   .   .   .
    resident          .   .   .   .   .   .   .   .
    unconfirmed       .   .   .   .   .   .   .   .
    suspended         .   .   .   .   .   .   .   .
    author            .   .   .   .   .   .   .   .
    moderator         Y   Y   Y   Y   Y   Y   Y   .
    other_moderator   .   .   .   .   .   .   .   .
    admin             Y   Y   Y   Y   Y   Y   Y   .
    """,
}
HIDDEN_IDEA_CHECKS = {
    "can_view_idea(hidden)": permissions.can_view_idea,
    "can_support_idea(hidden)": permissions.can_support_idea,
    "can_comment_on_idea(hidden)": permissions.can_comment_on_idea,
    "can_volunteer(hidden)": permissions.can_volunteer,
    "can_report_idea": permissions.can_report_idea,
    "can_moderate_idea_reports": permissions.can_moderate_idea_reports,
}
PARSED_HIDDEN_IDEA_TABLES = {name: parse_grid(grid, HIDDEN_COLUMNS) for name, grid in HIDDEN_IDEA_TABLES.items()}


@pytest.mark.parametrize("column", HIDDEN_COLUMNS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("check", HIDDEN_IDEA_CHECKS)
def test_hidden_idea_permissions(check, role, column):
    assert HIDDEN_IDEA_CHECKS[check](person(role), idea_hidden_in(column)) is PARSED_HIDDEN_IDEA_TABLES[check][role][column]


@pytest.mark.parametrize("column", HIDDEN_COLUMNS)
@pytest.mark.parametrize("role", ROLES)
def test_whatever_one_may_do_with_a_hidden_idea_one_may_see(role, column):
    user, idea = person(role), idea_hidden_in(column)
    for check in HIDDEN_IDEA_CHECKS:
        if HIDDEN_IDEA_CHECKS[check](user, idea):
            assert permissions.can_view_idea(user, idea), check


# --- the tables cover everything ------------------------------------------------------------------


def function_name(check):
    return check.split("(")[0]


def test_every_permission_function_is_in_the_table():
    functions = {
        name
        for name, value in vars(permissions).items()
        if inspect.isfunction(value) and value.__module__ == permissions.__name__ and not name.startswith("_")
    }
    covered = {
        function_name(check)
        for check in [
            *PERSON_CHECKS,
            *IDEA_CHECKS,
            *HIDDEN_IDEA_CHECKS,
            *COMMENT_CHECKS,
            *ACTIVITY_CHECKS,
            *ORG_PERSON_CHECKS,
            *ORGANISATION_CHECKS,
            *CALL_CHECKS,
            *PROJECT_IDEA_CHECKS,
            *PROJECT_ACTIVITY_CHECKS,
            *PARTNERSHIP_CHECKS,
            *TARGET_CHECKS,
            *SCHOOL_CLASS_CHECKS,
            *MESSAGE_CHECKS,
            *PROFILE_CHECKS,
        ]
    }
    assert functions == covered, "add the new permission to a table above (one of the *_CHECKS)"


# --- school classes on activities (a representative of a school or kindergarten registers a class) -----------------

#: a class of school X for an open activity, for one not open yet, a class of school Y, and X when it is an NGO
SCHOOL_CLASS_COLUMNS = ("X:open", "X:planned", "Y:open", "X-ngo:open")
SCHOOL_CLASS_TABLES = {
    # only an approved (active) representative of that very school, while registration is open
    "can_register_class": """
    X:open X:planned Y:open X-ngo:open
    nobody                 .   .   .   .
    anonymous              .   .   .   .
    resident               .   .   .   .
    unconfirmed            .   .   .   .
    suspended              .   .   .   .
    author                 .   .   .   .
    moderator              .   .   .   .
    other_moderator        .   .   .   .
    admin                  .   .   .   .
    representative         Y   .   .   .
    other_representative   .   .   Y   .
    """,
    # the "Register a school class" button: an approved representative of any school (the activity does not matter;
    # Y is always a school, X is an NGO in the last column)
    "represents_a_school": """
    X:open X:planned Y:open X-ngo:open
    nobody                 .   .   .   .
    anonymous              .   .   .   .
    resident               .   .   .   .
    unconfirmed            .   .   .   .
    suspended              .   .   .   .
    author                 .   .   .   .
    moderator              .   .   .   .
    other_moderator        .   .   .   .
    admin                  .   .   .   .
    representative         Y   Y   Y   .
    other_representative   Y   Y   Y   Y
    """,
}
SCHOOL_CLASS_CHECKS = {
    "can_register_class": permissions.can_register_class,
    "represents_a_school": lambda user, _organisation, _activity: permissions.represents_a_school(user),
}
PARSED_SCHOOL_CLASS_TABLES = {
    name: parse_grid(grid, SCHOOL_CLASS_COLUMNS, ORG_ROLES) for name, grid in SCHOOL_CLASS_TABLES.items()
}


def school_class_case(role, column):
    """(the person, whose representations know their organisations, the organisation, the activity) of a column."""
    side, state = column.split(":")
    kind = "ngo" if side.endswith("-ngo") else "school"
    organisations = {org_id: organisation(org_id) for org_id in (ORG_X, ORG_Y)}
    organisations[ORG_X].kind = kind
    user = person(role)
    for representation in getattr(user, "representations", None) or ():
        representation.organisation = organisations[representation.organisation_id]
    return user, organisations[ORG_X if side.startswith("X") else ORG_Y], activity_in(state)


@pytest.mark.parametrize("column", SCHOOL_CLASS_COLUMNS)
@pytest.mark.parametrize("role", ORG_ROLES)
@pytest.mark.parametrize("check", SCHOOL_CLASS_CHECKS)
def test_school_class_permissions(check, role, column):
    assert SCHOOL_CLASS_CHECKS[check](*school_class_case(role, column)) is PARSED_SCHOOL_CLASS_TABLES[check][role][column]
