"""The public profile switch (issue 13 item 5): update_profile saves it, and refuses it to people under 16."""

import pytest

from app.accounts import services
from app.errors import NotAllowed
from app.extensions import db
from tests.factories_profiles import make_profile


def save(person, profile_public):
    services.update_profile(
        person, person.display_name, person.about, person.skills, person.interests, "lv", None, profile_public=profile_public
    )


def test_update_profile_turns_the_public_page_on_and_off(ctx):
    person = make_profile(public=False)

    save(person, True)
    assert person.profile_public is True and person.has_public_profile

    save(person, False)
    assert person.profile_public is False and not person.has_public_profile


def test_a_person_under_16_cannot_make_their_profile_public(ctx):
    young = make_profile(public=False, age=14)

    with pytest.raises(NotAllowed) as refused:
        save(young, True)

    assert "16" in str(refused.value.message)
    db.session.expire_all()
    assert young.profile_public is False


def test_a_person_under_16_may_still_save_the_rest_of_the_profile(ctx):
    young = make_profile(public=False, age=15, skills="zīmēšana")

    save(young, False)

    assert (young.skills, young.profile_public) == ("zīmēšana", False)


@pytest.mark.parametrize(
    ("state", "shown"),
    [("public", True), ("not public", False), ("suspended", False), ("deleted", False), ("under 16", False)],
)
def test_has_public_profile(ctx, state, shown):
    person = make_profile(public=state != "not public", age=14 if state == "under 16" else None, suspended=state == "suspended")
    if state == "deleted":
        person.deleted_at = person.created_at
    assert person.has_public_profile is shown
