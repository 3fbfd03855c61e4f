"""The named state rules on the models (activity.open_for_people, registration.cancellable…), state by state.

Permissions, services and templates all ask these; tests/test_permissions.py checks the permissions built on
them for every role, this file the rules themselves, written out from the design rather than from the code.
"""

from datetime import timedelta

import pytest

from app.activities.models import Activity, ActivityState, Registration, RegistrationState
from app.ideas.models import Idea, IdeaState
from app.partnerships.models import PartnerCall, PartnerCallState, Partnership, PartnershipState
from app.timeutil import utcnow

#: "_started": its start time has passed (as in tests/test_permissions.py)
ACTIVITY_STATES = ("planned", "open", "planned_started", "open_started", "completed", "cancelled")


def activity_in(state, seeking=False):
    started = state.endswith("_started") or state == "completed"
    starts_at = utcnow() + (timedelta(hours=-1) if started else timedelta(days=3))
    return Activity(
        state=state.removesuffix("_started"),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        seeking_school_partner=seeking,
    )


#: predicate → the states (of ACTIVITY_STATES) it holds in
ACTIVITY_RULES = {
    "open_for_changes": {"planned", "open", "planned_started", "open_started"},
    "open_for_people": {"planned", "open"},
    "registration_open": {"open"},
    "open_for_attendance": {"open_started", "completed"},
    "is_completed": {"completed"},
    "is_cancelled": {"cancelled"},
}


@pytest.mark.parametrize("state", ACTIVITY_STATES)
@pytest.mark.parametrize("rule", ACTIVITY_RULES)
def test_activity_rules(rule, state):
    assert getattr(activity_in(state), rule) is (state in ACTIVITY_RULES[rule])


@pytest.mark.parametrize("state", ACTIVITY_STATES)
def test_an_activity_is_open_for_partners_while_it_seeks_one_and_is_still_ahead(state):
    assert activity_in(state, seeking=True).open_for_partners is (state in ACTIVITY_RULES["open_for_changes"])
    assert activity_in(state, seeking=False).open_for_partners is False


#: a registration can be cancelled while it is active and its activity is still ahead and not started
CANCELLABLE = {(registration_state, "planned") for registration_state in RegistrationState.ACTIVE} | {
    (registration_state, "open") for registration_state in RegistrationState.ACTIVE
}


@pytest.mark.parametrize("activity_state", ACTIVITY_STATES)
@pytest.mark.parametrize("registration_state", RegistrationState.ALL)
def test_registration_cancellable(registration_state, activity_state):
    registration = Registration(state=registration_state, activity=activity_in(activity_state))
    assert registration.cancellable is ((registration_state, activity_state) in CANCELLABLE)


IDEA_RULES = {
    "is_draft": {"draft"},
    "is_published": {"published"},
    "is_promoted": {"promoted"},
    "is_public": {"published", "promoted", "archived"},
    "editable_by_author": {"draft", "changes_requested"},
    "open_for_comments": {"published", "promoted"},
}


@pytest.mark.parametrize("state", IdeaState.ALL)
@pytest.mark.parametrize("rule", IDEA_RULES)
def test_idea_rules(rule, state):
    assert getattr(Idea(state=state), rule) is (state in IDEA_RULES[rule])


@pytest.mark.parametrize("state", IdeaState.ALL)
def test_an_idea_is_open_for_partners_while_it_seeks_one_and_is_published(state):
    assert Idea(state=state, seeking_school_partner=True).open_for_partners is (state == "published")
    assert Idea(state=state, seeking_school_partner=False).open_for_partners is False


@pytest.mark.parametrize("state", PartnerCallState.ALL)
def test_a_partner_call_is_open_only_while_it_looks_for_a_partner(state):
    assert PartnerCall(state=state).is_open is (state == "open")


@pytest.mark.parametrize("state", PartnershipState.ALL)
def test_a_partnership_is_accepted_in_one_state(state):
    assert Partnership(state=state).is_accepted is (state == "accepted")


def test_ideas_and_activities_say_what_they_are():
    """Pages and rules that take either one ask project_kind (a class attribute, not a column; Idea.kind is
    the column for a local improvement or a social enterprise)."""
    assert Idea(kind="local_improvement").project_kind == Idea.project_kind == "idea"
    assert Activity().project_kind == Activity.project_kind == "activity"
    assert "project_kind" not in Idea.__table__.columns and "project_kind" not in Activity.__table__.columns


def test_the_state_sets_agree_with_the_states():
    assert set(ActivityState.ACTIVE) | {ActivityState.COMPLETED, ActivityState.CANCELLED} == set(ActivityState.ALL)
    assert set(IdeaState.EDITABLE_BY_AUTHOR) <= set(IdeaState.ALL) and set(IdeaState.OPEN_FOR_COMMENTS) <= set(IdeaState.PUBLIC)


@pytest.mark.parametrize("state", IdeaState.ALL)
def test_a_hidden_idea_is_not_public_nor_open_for_support_or_comments(state):
    shown = Idea(state=state, hidden_reason="")
    hidden = Idea(state=state, hidden_at=utcnow(), hidden_reason="")
    assert shown.is_public is (state in IdeaState.PUBLIC) and hidden.is_public is False
    assert hidden.in_public_state is shown.in_public_state is (state in IdeaState.PUBLIC)
    assert hidden.is_published is False and hidden.open_for_comments is False and hidden.open_for_partners is False
    assert hidden.awaiting_review and not Idea(state=state, hidden_at=utcnow(), hidden_by_id=1, hidden_reason="x").awaiting_review
