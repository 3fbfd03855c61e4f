"""Suggested partners: same centre first, explained by what the two sides share, and never a closed call, an
unpublished idea or a finished activity."""

import pytest
from flask_babel import force_locale

from app.partnerships import matching
from tests.factories import make_activity, make_idea, make_organisation, make_partner_call


@pytest.fixture
def near_and_far_schools(preili, aglona):
    """A school in Preiļi and one far away in Aglona, and the two centres."""
    return {
        "preili": preili,
        "aglona": aglona,
        "school": make_organisation(centre=preili, name="Preiļu 1. pamatskola"),
        "far_school": make_organisation(centre=aglona, name="Aglonas vidusskola"),
    }


def seeking_idea(centre, ages="10-12", subjects="environment", **fields):
    return make_idea(centre=centre, seeking_school_partner=True, partner_age_groups=ages, partner_subjects=subjects, **fields)


def seeking_activity(centre, ages="10-12", subjects="environment", **fields):
    return make_activity(centre=centre, seeking_school_partner=True, partner_age_groups=ages, partner_subjects=subjects, **fields)


def items(suggestions):
    return [suggestion.item for suggestion in suggestions]


def test_the_same_centre_ranks_first(near_and_far_schools):
    call = make_partner_call(near_and_far_schools["school"], age_groups="10-12", subjects="environment")
    far = seeking_idea(near_and_far_schools["aglona"], title="Tālā ideja")
    near = seeking_idea(near_and_far_schools["preili"], title="Tuvā ideja")
    near_activity = seeking_activity(near_and_far_schools["preili"], ages="16-18", subjects="music")
    # the same centre alone outweighs a shared subject and age group elsewhere
    assert items(matching.projects_for_call(call)) == [near, near_activity, far]


def test_the_same_centre_ranks_first_for_a_projects_calls_too(near_and_far_schools):
    idea = seeking_idea(near_and_far_schools["preili"])
    far_call = make_partner_call(near_and_far_schools["far_school"], age_groups="10-12", subjects="environment")
    near_call = make_partner_call(near_and_far_schools["school"], age_groups="10-12", subjects="environment")
    assert items(matching.calls_for_project(idea)) == [near_call, far_call]


def test_more_shared_subjects_and_ages_rank_higher(near_and_far_schools):
    call = make_partner_call(near_and_far_schools["far_school"], age_groups="10-12,13-15", subjects="environment,science")
    one = seeking_idea(near_and_far_schools["preili"], ages="10-12", subjects="environment", title="Viens")
    both = seeking_idea(near_and_far_schools["preili"], ages="10-12,13-15", subjects="environment,science", title="Abi")
    assert items(matching.projects_for_call(call)) == [both, one]


def test_the_explanation_lists_what_is_shared(ctx, near_and_far_schools):
    call = make_partner_call(near_and_far_schools["school"], age_groups="10-12,13-15", subjects="environment,science,arts")
    seeking_idea(near_and_far_schools["preili"], ages="13-15,10-12", subjects="science,environment,music")
    with ctx.test_request_context(headers={"Accept-Language": "en"}), force_locale("en"):
        [suggestion] = matching.projects_for_call(call)
        assert suggestion.reasons == ["same centre", "both about natural sciences, environment", "Ages 10–12, Ages 13–15"]
        assert suggestion.explanation == "same centre, both about natural sciences, environment, Ages 10–12, Ages 13–15"
        assert suggestion.score == (matching.SAME_CENTRE + 2 * matching.PER_SUBJECT + 2 * matching.PER_AGE_GROUP)


def test_only_a_shared_subject_is_explained_without_the_centre(ctx, near_and_far_schools):
    call = make_partner_call(near_and_far_schools["far_school"], age_groups="adults", subjects="environment")
    seeking_idea(near_and_far_schools["preili"], ages="10-12", subjects="environment")
    with ctx.test_request_context(), force_locale("en"):
        [suggestion] = matching.projects_for_call(call)
        assert suggestion.explanation == "both about environment"


def test_nothing_shared_is_not_suggested(near_and_far_schools):
    call = make_partner_call(near_and_far_schools["far_school"], age_groups="adults", subjects="music")
    idea = seeking_idea(near_and_far_schools["preili"], ages="10-12", subjects="environment")
    seeking_activity(near_and_far_schools["preili"], ages="7-9", subjects="arts")
    assert matching.projects_for_call(call) == []
    make_partner_call(near_and_far_schools["far_school"], age_groups="16-18", subjects="sport")
    assert matching.calls_for_project(idea) == []


def test_closed_and_matched_calls_are_never_suggested(near_and_far_schools):
    idea = seeking_idea(near_and_far_schools["preili"])
    open_call = make_partner_call(near_and_far_schools["school"])
    make_partner_call(near_and_far_schools["school"], state="closed")
    make_partner_call(near_and_far_schools["school"], state="matched")
    assert items(matching.calls_for_project(idea)) == [open_call]


@pytest.mark.parametrize("state", ["draft", "submitted", "changes_requested", "declined", "promoted", "archived"])
def test_ideas_that_are_not_published_are_never_suggested(near_and_far_schools, state):
    call = make_partner_call(near_and_far_schools["school"])
    seeking_idea(near_and_far_schools["preili"], state=state)
    assert matching.projects_for_call(call) == []


@pytest.mark.parametrize("state", ["completed", "cancelled"])
def test_finished_activities_are_never_suggested(near_and_far_schools, state):
    call = make_partner_call(near_and_far_schools["school"])
    seeking_activity(near_and_far_schools["preili"], state=state, starts_in_days=-3 if state == "completed" else 5)
    assert matching.projects_for_call(call) == []


def test_ideas_and_activities_not_seeking_a_partner_are_never_suggested(near_and_far_schools):
    call = make_partner_call(near_and_far_schools["school"])
    make_idea(centre=near_and_far_schools["preili"], partner_age_groups="10-12", partner_subjects="environment")
    make_activity(centre=near_and_far_schools["preili"], partner_age_groups="10-12", partner_subjects="environment")
    assert matching.projects_for_call(call) == []


def test_planned_and_open_activities_are_suggested(near_and_far_schools):
    call = make_partner_call(near_and_far_schools["school"])
    planned = seeking_activity(near_and_far_schools["preili"], state="planned")
    opened = seeking_activity(near_and_far_schools["preili"], state="open")
    assert set(items(matching.projects_for_call(call))) == {planned, opened}


def test_schools_of_the_projects_centre_verified_first(near_and_far_schools):
    idea = seeking_idea(near_and_far_schools["preili"])
    kindergarten = make_organisation(
        centre=near_and_far_schools["preili"], kind="kindergarten", name="Bērnudārzs Pasaciņa", verified=True
    )
    make_organisation(centre=near_and_far_schools["preili"], kind="ngo", name="Biedrība")
    assert items(matching.schools_for_project(idea)) == [kindergarten, near_and_far_schools["school"]]
