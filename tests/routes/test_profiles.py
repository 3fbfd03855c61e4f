"""Public profile pages (issue 13 item 5): /people/<id> for who may see it, what it shows and never shows, the
checkbox on /me/profile, names linked where they appear, skills where volunteers are chosen, export and deletion."""

import re

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.privacy.deletion import delete_account
from app.privacy.personal_data import person_section
from app.timeutil import utcnow
from tests.factories import PASSWORD, make_activity, make_comment, make_idea, make_role, make_signup, make_user
from tests.factories_profiles import make_profile
from tests.helpers import html, log_in, post_form, signed_in
from tests.statements import statements_of

EN = {"Accept-Language": "en"}

#: the page's state × who asks → status; "owner" is the person whose page it is
VIEWERS = ("owner", "resident", "anonymous", "moderator", "admin")
PAGE_TABLE = {
    #                 owner resident anonymous moderator admin
    "public": (200, 200, 200, 200, 200),
    "not_public": (200, 404, 404, 404, 404),
    "deleted": (None, 404, 404, 404, 404),  # a deleted person cannot log in
    "suspended": (None, 404, 404, 404, 404),  # nor a suspended one
    "under16_public": (200, 404, 404, 404, 404),  # set by hand in the database: still not shown
    "under16": (200, 404, 404, 404, 404),
}
CASES = [
    pytest.param(state, viewer, status, id=f"{state}-{viewer}")
    for state, statuses in PAGE_TABLE.items()
    for viewer, status in zip(VIEWERS, statuses, strict=True)
    if status is not None
]


def person_in(state):
    person = make_profile(
        email="ilze@example.com",
        public=state in ("public", "deleted", "suspended", "under16_public"),
        age=14 if state.startswith("under16") else None,
        suspended=state == "suspended",
    )
    if state == "deleted":
        person.deleted_at = utcnow()
        db.session.flush()
    return person


def viewer_for(viewer, person, centre):
    return {
        "owner": person,
        "resident": make_user(email="liga@example.com", display_name="Līga"),
        "anonymous": None,
        "moderator": make_user(email="dace@example.com", display_name="Dace", moderates=[centre]),
        "admin": make_user(email="admin@example.com", display_name="Inese", admin=True),
    }[viewer]


@pytest.mark.parametrize(("state", "viewer", "status"), CASES)
def test_who_sees_a_profile_page(client, preili, state, viewer, status):
    person = person_in(state)
    signed_in(client, viewer_for(viewer, person, preili))

    assert client.get(f"/people/{person.id}").status_code == status


@pytest.mark.parametrize("user_id", ["999999", str(2**63), "0", "-1"])
def test_an_unknown_person_is_404(client, user_id):
    assert client.get(f"/people/{user_id}").status_code == 404


def test_the_page_shows_the_profile_and_public_ideas_only(client, preili):
    person = make_profile(email="ilze.kalnina@example.com", display_name="Ilze Kalniņa")
    shown = make_idea(author=person, centre=preili, state="published", title="Puķu podi dienas centram")
    promoted = make_idea(author=person, centre=preili, state="promoted", title="Keramikas pulciņš")
    for state in ("draft", "submitted", "declined", "changes_requested"):
        make_idea(author=person, centre=preili, state=state, title=f"Slēpta ideja {state}")
    make_idea(author=person, centre=preili, state="published", title="Paslēpta pēc ziņojumiem", hidden_at=utcnow())
    role = make_role(idea=make_idea(centre=preili, title="Cita ideja"), name="Podu apgleznotājs")
    make_signup(role, person, "accepted")

    page = html(client.get(f"/people/{person.id}", headers=EN))

    assert "Ilze Kalniņa" in page
    assert "<h3>Par mani</h3>" in page and "<strong>veidot podus</strong>" in page  # the author's "#" below the page's h2
    assert "<li>keramika</li>" in page and "<li>fotografēšana</li>" in page and "<li>seniori</li>" in page
    assert f'href="/ideas/{shown.id}"' in page and f'href="/ideas/{promoted.id}"' in page
    assert "Slēpta ideja" not in page and "Paslēpta pēc ziņojumiem" not in page
    # never the e-mail address (nor its parts), the year of birth, sign-ups or registrations
    assert "ilze.kalnina@example.com" not in page and "ilze.kalnina" not in page
    assert "Podu apgleznotājs" not in page and "Cita ideja" not in page
    assert "Only you see this page" not in page


def test_a_young_persons_page_shows_only_their_first_name_and_initial_and_no_birth_year(client):
    person = make_profile(email="marta@example.com", display_name="Marta Ozola", public=False, age=14, language="en")
    log_in(client, person.email)

    page = html(client.get(f"/people/{person.id}", headers=EN))

    assert '<h1 id="person-name">Marta O.</h1>' in page  # the owner sees it as others would
    assert str(person.birth_year) not in page
    assert "Only you see this page." in page and "younger than 16" in page


def test_the_owner_of_a_page_that_is_not_public_is_told_and_sent_to_the_settings(client):
    person = make_profile(public=False, language="en")
    log_in(client, person.email)

    page = html(client.get(f"/people/{person.id}", headers=EN))

    assert "Only you see this page; turn it on in your profile settings." in page
    assert 'href="/me/profile"' in page


def test_the_page_runs_a_fixed_number_of_statements(client, preili):
    person = make_profile()
    for number in range(5):
        make_idea(author=person, centre=preili, state="published", title=f"Ideja {number}")
    few = len(statements_of(client, f"/people/{person.id}", requests_only=True))
    for number in range(15):
        make_idea(author=person, centre=preili, state="published", title=f"Vēl ideja {number}")

    assert len(statements_of(client, f"/people/{person.id}", requests_only=True)) == few <= 3


# --- the checkbox on /me/profile --------------------------------------------------------------------------------


def profile_form(person, **changes):
    return {
        "display_name": person.display_name,
        "about": person.about,
        "skills": person.skills,
        "interests": person.interests,
        "language": "en",
        **changes,
    }


def test_a_resident_turns_the_profile_page_on_and_off(client):
    person = make_profile(public=False, language="en")
    log_in(client, person.email)
    form = html(client.get("/me/profile", headers=EN))
    assert "Show my profile page to other people (name, about me, skills and interests — never your e-mail address)" in form

    response = post_form(client, "/me/profile", profile_form(person, profile_public="y"), token_from="/me/profile")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).profile_public is True
    assert make_user_client_status(client.application, person) == 200

    post_form(client, "/me/profile", profile_form(person), token_from="/me/profile")  # unchecked: off again
    db.session.expire_all()
    assert db.session.get(User, person.id).profile_public is False
    assert make_user_client_status(client.application, person) == 404


def make_user_client_status(app, person):
    """What a visitor gets for the person's page."""
    return app.test_client().get(f"/people/{person.id}").status_code


def test_a_person_under_16_is_not_offered_the_checkbox_and_a_sent_one_is_ignored(client):
    young = make_profile(public=False, age=15, language="en")
    log_in(client, young.email)

    form = html(client.get("/me/profile", headers=EN))
    assert 'name="profile_public"' not in form
    assert "People younger than 16 cannot show a profile page to others" in form

    response = post_form(client, "/me/profile", profile_form(young, profile_public="y"), token_from="/me/profile")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, young.id).profile_public is False


# --- names link to public profiles; skills where volunteers are chosen -------------------------------------------


def test_the_idea_page_links_the_author_and_commenters_with_public_profiles_only(client, preili):
    author = make_profile(email="ilze@example.com")
    idea = make_idea(author=author, centre=preili, state="published")
    public_commenter = make_profile(email="janis@example.com", display_name="Jānis Kalns")
    private_commenter = make_profile(email="liga@example.com", display_name="Līga Priede", public=False)
    make_comment(idea, public_commenter, body="Palīdzēšu!")
    make_comment(idea, private_commenter, body="Es arī.")

    page = html(client.get(f"/ideas/{idea.id}"))

    assert f'<a href="/people/{author.id}">Ilze Kalniņa</a>' in page
    assert f'<a href="/people/{public_commenter.id}">Jānis Kalns</a>' in page
    assert f"/people/{private_commenter.id}" not in page and "Līga Priede" in page


def test_linking_names_costs_no_statement(client, preili):
    author = make_profile(public=False)
    idea = make_idea(author=author, centre=preili, state="published")
    commenters = [make_profile(email=f"c{n}@example.com", display_name=f"Cilvēks {n}", public=False) for n in range(3)]
    for person in commenters:
        make_comment(idea, person)
    before = len(statements_of(client, f"/ideas/{idea.id}", requests_only=True))
    for person in [author, *commenters]:
        person.profile_public = True
    db.session.flush()

    assert len(statements_of(client, f"/ideas/{idea.id}", requests_only=True)) == before
    assert html(client.get(f"/ideas/{idea.id}")).count('href="/people/') == 4


def test_the_sign_up_page_shows_each_applicants_skills_and_links_public_profiles(client, preili):
    author = make_user(email="author@example.com", display_name="Anna Autore")
    role = make_role(idea=make_idea(author=author, centre=preili, state="published"), name="Podu apgleznotājs")
    public = make_profile(email="ilze@example.com", skills="keramika, fotografēšana")
    private = make_profile(email="valdis@example.com", display_name="Valdis Ozols", skills="galdniecība", public=False)
    make_signup(role, public)
    make_signup(role, private)
    log_in(client, author.email)

    page = html(client.get(f"/roles/{role.id}/signups", headers=EN))

    assert "keramika, fotografēšana" in page and "galdniecība" in page
    assert f'<a href="/people/{public.id}">Ilze Kalniņa</a>' in page
    assert f"/people/{private.id}" not in page and "Valdis Ozols" in page
    assert "ilze@example.com" not in page and "valdis@example.com" not in page


def test_the_sign_up_form_says_the_organiser_sees_name_and_skills(client, preili):
    role = make_role(idea=make_idea(centre=preili, state="published"), name="Podu apgleznotājs")
    volunteer = make_user(email="valdis@example.com", language="en")
    log_in(client, volunteer.email)

    page = html(client.get(f"/ideas/{role.idea_id}", headers=EN))

    hint = re.search(r'<p class="field__hint" id="message-\d+-hint">([^<]*)</p>', page)
    assert hint and hint.group(1) == "The organiser will see your name and the skills from your profile."


# --- privacy -------------------------------------------------------------------------------------------------------


def test_the_personal_data_export_holds_the_choice(ctx):
    assert person_section(make_profile(public=True))["profile_public"] is True
    assert person_section(make_profile(email="other@example.com", public=False))["profile_public"] is False


def test_deleting_the_account_turns_the_page_off(client):
    person = make_profile(public=True)
    delete_account(person, PASSWORD)
    db.session.flush()

    assert db.session.scalar(select(User.profile_public).where(User.id == person.id)) is False
    assert client.get(f"/people/{person.id}").status_code == 404


def test_the_activitys_volunteer_list_shows_skills_to_its_coordinators(client, preili):
    coordinator = make_user(email="dace@example.com", display_name="Dace", moderates=[preili], language="en")
    activity = make_activity(centre=preili, creator=coordinator)
    role = make_role(activity=activity, name="Galdu nesējs")
    volunteer = make_profile(email="ilze@example.com", skills="galdniecība, šoferis")
    make_signup(role, volunteer)
    log_in(client, coordinator.email)

    page = html(client.get(f"/activities/{activity.id}/registrations"))

    assert "galdniecība, šoferis" in page
    assert f'<a href="/people/{volunteer.id}">Ilze Kalniņa</a>' in page
    assert "ilze@example.com" not in page
