"""Admin pages: roles, the people list, the audit log, and centres (which the register form offers)."""

import re

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import select

from app.accounts.models import User
from app.audit.services import record_audit
from app.centres.models import Centre
from app.extensions import db
from app.ideas.models import Category, Idea
from tests.factories import PASSWORD, make_category, make_centre, make_idea, make_user
from tests.helpers import audit_entries, client_for, count, html, log_in, post_form, signed_in


@pytest.fixture
def as_admin(client, admin):
    return signed_in(client, admin)


def in_latvian(message, **variables):
    with force_locale("lv"):
        return str(escape(gettext(message, **variables)))


def field_error(page, field_id):
    """The error text shown under a field (empty when there is none)."""
    match = re.search(rf'<p class="field__error" id="{field_id}-error">(.*?)</p>', page, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def reload(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


# --- roles ----------------------------------------------------------------------------------------


def save_roles(client, person, is_admin=False, centres=()):
    data = {"moderated_centres": [str(centre.id) for centre in centres]}
    if is_admin:
        data["is_admin"] = "y"
    return post_form(client, f"/admin/users/{person.id}", data, token_from=f"/admin/users/{person.id}")


def test_admin_makes_a_resident_moderator_of_centres(as_admin, admin, user):
    preili, aglona = make_centre(name="Preiļi", slug="preili"), make_centre(name="Aglona", slug="aglona")
    make_centre(name="Rēzekne", slug="rezekne")

    response = save_roles(as_admin, user, centres=[preili, aglona])

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/users/{user.id}")
    saved = reload(User, user.id)
    assert sorted(centre.slug for centre in saved.moderated_centres) == ["aglona", "preili"]
    assert saved.is_admin is False
    [entry] = audit_entries("admin.roles_changed")
    assert (entry.actor_id, entry.subject_type, entry.subject_id) == (admin.id, "User", user.id)
    assert entry.details == {
        "before": {"admin": False, "moderator_of": []},
        "after": {"admin": False, "moderator_of": ["aglona", "preili"]},
    }


def test_admin_makes_someone_an_admin(as_admin, user):
    assert save_roles(as_admin, user, is_admin=True).status_code == 302

    assert reload(User, user.id).is_admin is True
    [entry] = audit_entries("admin.roles_changed")
    assert entry.details["before"]["admin"] is False
    assert entry.details["after"]["admin"] is True


def test_admin_removes_roles(as_admin, ctx):
    preili = make_centre(slug="preili")
    moderator = make_user(email="dace@example.com", display_name="Dace", moderates=[preili], admin=True)

    assert save_roles(as_admin, moderator).status_code == 302

    saved = reload(User, moderator.id)
    assert (saved.is_admin, saved.moderated_centres) == (False, [])
    [entry] = audit_entries("admin.roles_changed")
    assert entry.details == {"before": {"admin": True, "moderator_of": ["preili"]}, "after": {"admin": False, "moderator_of": []}}


def test_saving_unchanged_roles_records_nothing(as_admin, user):
    assert save_roles(as_admin, user).status_code == 302
    assert audit_entries("admin.roles_changed") == []


def test_roles_page_shows_the_current_roles(as_admin, ctx):
    preili, aglona = make_centre(name="Preiļi"), make_centre(name="Aglona")
    moderator = make_user(email="dace@example.com", display_name="Dace", moderates=[preili])

    page = html(as_admin.get(f"/admin/users/{moderator.id}"))

    assert re.search(rf'<input[^>]*checked[^>]*value="{preili.id}"|<input[^>]*value="{preili.id}"[^>]*checked', page)
    assert not re.search(rf'<input[^>]*checked[^>]*value="{aglona.id}"|<input[^>]*value="{aglona.id}"[^>]*checked', page)


def test_admin_cannot_remove_their_own_admin_role(as_admin, admin):
    response = save_roles(as_admin, admin)

    assert response.status_code == 200
    assert field_error(html(response), "is_admin") == in_latvian("You cannot remove your own administrator role.")
    assert 'aria-describedby="is_admin-error"' in html(response)
    assert reload(User, admin.id).is_admin is True
    assert audit_entries("admin.roles_changed") == []


def test_unknown_centre_in_roles_is_refused(as_admin, user):
    make_centre()
    response = post_form(
        as_admin, f"/admin/users/{user.id}", {"moderated_centres": ["999999"]}, token_from=f"/admin/users/{user.id}"
    )

    assert response.status_code == 200
    assert field_error(html(response), "moderated_centres")
    assert reload(User, user.id).moderated_centres == []


# --- the people list ------------------------------------------------------------------------------


def listed_names(page):
    return re.findall(r'<td><a href="/admin/users/\d+">(.*?)</a></td>', page)


@pytest.fixture
def listed_people(ctx):
    """Three people to find in the list, besides whoever the test makes."""
    make_user(email="valdis.ozols@example.com", display_name="Valdis Ozols")
    make_user(email="marija@kalnini.example", display_name="Marija Kalniņa")
    make_user(email="eriks@example.com", display_name="Ēriks Šmits")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ozol", ["Valdis Ozols"]),
        ("VALDIS", ["Valdis Ozols"]),
        ("kalnini.example", ["Marija Kalniņa"]),
        ("Kalniņa", ["Marija Kalniņa"]),
        ("ēriks", ["Ēriks Šmits"]),  # Latvian capitals with diacritics match lower-case searches too
        ("ŠMITS", ["Ēriks Šmits"]),
        ("nobody-like-this", []),
    ],
)
def test_people_list_searches_names_and_emails(as_admin, listed_people, query, expected):
    page = html(as_admin.get("/admin/users", query_string={"q": query}))
    assert listed_names(page) == [str(escape(name)) for name in expected]


def test_people_list_without_a_search_shows_everyone_newest_first(as_admin, listed_people, admin):
    page = html(as_admin.get("/admin/users"))
    assert listed_names(page) == ["Ēriks Šmits", "Marija Kalniņa", "Valdis Ozols", str(escape(admin.display_name))]


# --- the audit log --------------------------------------------------------------------------------


def audit_rows(page):
    """(the first person the sentence names, action) for each row of the audit table."""
    rows = re.findall(
        r'<tr data-action="([^"]*)">\s*<td>[^<]*</td>\s*'
        r'<td class="audit__sentence">[^\n]*?<strong class="audit__who">(.*?)</strong>',
        page,
    )
    return [(re.sub(r"<[^>]+>", "", who), action) for action, who in rows]


@pytest.fixture
def recorded(ctx, admin):
    valdis = make_user(email="valdis@example.com", display_name="Valdis Ozols")
    record_audit("account.login_failed", actor=valdis, subject=valdis)
    record_audit("account.login", actor=valdis, subject=valdis)
    record_audit("admin.roles_changed", actor=admin, subject=valdis, before={}, after={})
    db.session.commit()


def test_audit_log_filters_by_action(as_admin, recorded, admin):
    page = html(as_admin.get("/admin/audit", query_string={"action": "admin.roles_changed"}))
    assert audit_rows(page) == [(admin.display_name, "admin.roles_changed")]


def test_audit_log_action_filter_matches_the_start_of_the_name(as_admin, recorded, admin):
    page = html(as_admin.get("/admin/audit", query_string={"action": "account."}))
    actions = [action for _who, action in audit_rows(page)]
    # the admin's own log-in is there too
    assert sorted(actions) == ["account.login", "account.login", "account.login_failed"]


def test_audit_log_filters_by_actor_name_or_email(as_admin, recorded):
    by_name = audit_rows(html(as_admin.get("/admin/audit", query_string={"actor": "ozol"})))
    by_email = audit_rows(html(as_admin.get("/admin/audit", query_string={"actor": "VALDIS@example"})))
    expected = [("Valdis Ozols", "account.login"), ("Valdis Ozols", "account.login_failed")]
    assert by_name == expected
    assert by_email == expected


def test_audit_log_combines_both_filters(as_admin, recorded):
    page = html(as_admin.get("/admin/audit", query_string={"actor": "valdis", "action": "account.login_failed"}))
    assert audit_rows(page) == [("Valdis Ozols", "account.login_failed")]


# --- centres --------------------------------------------------------------------------------------


def centre_form(client, path, **fields):
    data = {"name": "Līvāni", "municipality": "Līvānu novads", "slug": "livani", "is_active": "y"}
    data.update(fields)
    data = {key: value for key, value in data.items() if value is not None}
    return post_form(client, path, data, token_from=path)


def test_admin_adds_a_centre(as_admin, admin):
    response = centre_form(as_admin, "/admin/centres/new")

    assert response.status_code == 302
    centre = db.session.scalar(select(Centre).where(Centre.slug == "livani"))
    assert (centre.name, centre.municipality, centre.is_active) == ("Līvāni", "Līvānu novads", True)
    [entry] = audit_entries("centre.created")
    assert (entry.actor_id, entry.subject_id) == (admin.id, centre.id)
    assert "Līvāni" in html(as_admin.get("/admin/centres"))


def test_centre_form_shows_errors_next_to_fields_and_keeps_the_input(as_admin):
    response = centre_form(as_admin, "/admin/centres/new", name="", slug="Līvāni Centrs!")

    assert response.status_code == 200
    page = html(response)
    assert field_error(page, "name") == in_latvian("Please enter a name.")
    assert field_error(page, "slug") == in_latvian("Use only lower-case Latin letters, digits and hyphens.")
    assert field_error(page, "municipality") == ""
    assert 'value="Līvāni Centrs!"' in page
    assert 'value="Līvānu novads"' in page
    assert count(Centre) == 0


def test_centre_name_must_be_one_line(as_admin):
    response = centre_form(as_admin, "/admin/centres/new", name="Līvāni\r\nBcc: x@example.com")
    assert response.status_code == 200
    assert field_error(html(response), "name")
    assert count(Centre) == 0


def test_duplicate_slug_is_refused_when_adding(as_admin):
    make_centre(name="Līvāni", slug="livani")

    response = centre_form(as_admin, "/admin/centres/new", name="Līvāni 2")

    assert response.status_code == 200
    assert field_error(html(response), "slug") == in_latvian("Another centre already uses this short name.")
    assert 'value="Līvāni 2"' in html(response)
    assert count(Centre) == 1


def test_admin_edits_a_centre(as_admin, admin):
    centre = make_centre(name="Preili", slug="preili")

    response = centre_form(
        as_admin, f"/admin/centres/{centre.id}/edit", name="Preiļi", slug="preili", municipality="Preiļu novads"
    )

    assert response.status_code == 302
    saved = reload(Centre, centre.id)
    assert (saved.name, saved.slug, saved.municipality) == ("Preiļi", "preili", "Preiļu novads")
    [entry] = audit_entries("centre.updated")
    assert (entry.actor_id, entry.subject_id) == (admin.id, centre.id)


def test_editing_a_centre_shows_errors_and_changes_nothing(as_admin):
    centre = make_centre(name="Preiļi", slug="preili")

    response = centre_form(as_admin, f"/admin/centres/{centre.id}/edit", name="Preiļi 2", municipality="")

    assert response.status_code == 200
    assert field_error(html(response), "municipality") == in_latvian("Please enter the municipality.")
    assert 'value="Preiļi 2"' in html(response)
    assert reload(Centre, centre.id).name == "Preiļi"


def test_duplicate_slug_is_refused_when_editing(as_admin):
    make_centre(name="Aglona", slug="aglona")
    centre = make_centre(name="Preiļi", slug="preili")

    response = centre_form(as_admin, f"/admin/centres/{centre.id}/edit", name="Preiļi", slug="aglona")

    assert response.status_code == 200
    assert field_error(html(response), "slug") == in_latvian("Another centre already uses this short name.")
    assert reload(Centre, centre.id).slug == "preili"


def register_form_centres(client):
    page = html(client.get("/register"))
    select_html = re.search(r'<select[^>]*id="home_centre"[^>]*>(.*?)</select>', page, re.S)
    return None if select_html is None else re.findall(r"<option[^>]*>(.*?)</option>", select_html.group(1))


def test_deactivated_centre_disappears_from_the_register_form(as_admin, app):
    make_centre(name="Aglona")
    make_centre(name="Preiļi")
    rezekne = make_centre(name="Rēzekne")
    visitor = app.test_client()
    assert register_form_centres(visitor) == ["Aglona", "Preiļi", "Rēzekne"]

    response = centre_form(as_admin, f"/admin/centres/{rezekne.id}/edit", name="Rēzekne", slug=rezekne.slug, is_active=None)

    assert response.status_code == 302
    assert reload(Centre, rezekne.id).is_active is False
    assert register_form_centres(visitor) == ["Aglona", "Preiļi"]
    assert "Rēzekne" in html(as_admin.get("/admin/centres"))  # still listed for admins


def test_register_form_has_no_centre_picker_with_one_active_centre(client):
    make_centre(name="Preiļi")
    make_centre(name="Aglona", is_active=False)
    page = html(client.get("/register"))
    assert 'name="home_centre"' not in page
    assert register_form_centres(client) is None


# --- categories -----------------------------------------------------------------------------------


def category_form(client, path, **fields):
    data = {"slug": "vide", "name_lv": "Vide", "name_en": "Environment", "position": "10", "is_active": "y"}
    data.update(fields)
    data = {key: value for key, value in data.items() if value is not None}
    return post_form(client, path, data, token_from=path)


def categories_in_db():
    db.session.expire_all()
    return db.session.scalars(select(Category).order_by(Category.id)).all()


def test_admin_adds_a_category(as_admin, admin):
    response = category_form(as_admin, "/admin/categories/new")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/categories")
    [category] = categories_in_db()
    assert (category.slug, category.name_lv, category.name_en, category.position, category.is_active) == (
        "vide",
        "Vide",
        "Environment",
        10,
        True,
    )
    [entry] = audit_entries("category.created")
    assert (entry.actor_id, entry.subject_type, entry.subject_id) == (admin.id, "Category", category.id)
    page = html(as_admin.get("/admin/categories"))
    assert "Vide" in page and "Environment" in page


def test_categories_are_listed_by_position(as_admin):
    make_category(slug="sports", name_lv="Sports", name_en="Sport").position = 20
    make_category(slug="kultura", name_lv="Kultūra", name_en="Culture").position = 5
    db.session.commit()
    page = html(as_admin.get("/admin/categories"))
    assert page.index("Kultūra") < page.index("Sports")


def test_admin_edits_and_deactivates_a_category(as_admin, admin):
    category = make_category(slug="vide", name_lv="Vide", name_en="Environment")

    response = category_form(
        as_admin, f"/admin/categories/{category.id}/edit", name_lv="Vide un daba", name_en="Nature", position="3", is_active=None
    )

    assert response.status_code == 302
    saved = reload(Category, category.id)
    assert (saved.name_lv, saved.name_en, saved.position, saved.is_active) == ("Vide un daba", "Nature", 3, False)
    [entry] = audit_entries("category.updated")
    assert (entry.actor_id, entry.subject_id, entry.details["is_active"]) == (admin.id, category.id, False)


def test_duplicate_category_slug_is_refused(as_admin):
    make_category(slug="vide")
    other = make_category(slug="sports")

    added = category_form(as_admin, "/admin/categories/new", name_lv="Vide 2")
    assert added.status_code == 200
    assert field_error(html(added), "slug") == in_latvian("Another category already uses this short name.")
    assert 'value="Vide 2"' in html(added)

    edited = category_form(as_admin, f"/admin/categories/{other.id}/edit", slug="vide")
    assert edited.status_code == 200
    assert field_error(html(edited), "slug") == in_latvian("Another category already uses this short name.")
    assert reload(Category, other.id).slug == "sports"
    assert len(categories_in_db()) == 2
    assert audit_entries("category.created") == audit_entries("category.updated") == []


def test_category_form_shows_errors_next_to_fields(as_admin):
    response = category_form(
        as_admin, "/admin/categories/new", slug="Vide Daba!", name_lv="", name_en="Nat\r\nure", position="-1"
    )
    page = html(response)

    assert response.status_code == 200
    assert field_error(page, "slug") == in_latvian("Use only lower-case Latin letters, digits and hyphens.")
    assert field_error(page, "name_lv") == in_latvian("Please enter a name.")
    assert field_error(page, "name_en")
    assert field_error(page, "position")
    assert 'value="Vide Daba!"' in page
    assert categories_in_db() == []


def test_category_names_are_shown_inert(as_admin):
    category_form(
        as_admin, "/admin/categories/new", name_lv="<script>alert(1)</script>", name_en='<img src=x onerror="alert(2)">'
    )
    page = html(as_admin.get("/admin/categories"))
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_only_admins_manage_categories(client, ctx):
    centre = make_centre()
    moderator = make_user(email="dace@example.com", moderates=[centre])
    category = make_category(slug="vide")
    log_in(client, moderator.email)

    for path in ("/admin/categories", "/admin/categories/new", f"/admin/categories/{category.id}/edit"):
        assert client.get(path).status_code == 403, path
    response = post_form(
        client, "/admin/categories/new", {"slug": "cits", "name_lv": "Cits", "name_en": "Other", "position": "1"}, token_from="/"
    )
    assert response.status_code == 403
    assert [category.slug for category in categories_in_db()] == ["vide"]
    assert [entry.actor_id for entry in audit_entries("access.denied")] == [moderator.id] * 4


# --- suspension -----------------------------------------------------------------------------------


def suspend(client, person, reason="Surogātpasts komentāros"):
    return post_form(client, f"/admin/users/{person.id}/suspend", {"reason": reason}, token_from=f"/admin/users/{person.id}")


def test_suspension_ends_every_session_and_blocks_log_in(as_admin, admin, app, user):
    theirs = client_for(app, user)
    assert theirs.get("/me").status_code == 200

    response = suspend(as_admin, user)

    assert response.status_code == 302
    assert reload(User, user.id).suspended_at is not None
    # their browser is logged out on its next request
    answer = theirs.get("/me")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    # and they cannot log in again
    again = post_form(theirs, "/login", {"email": user.email, "password": PASSWORD})
    assert again.status_code == 200
    assert field_error(html(again), "email") == in_latvian("This account is suspended. Please contact the centre's coordinator.")
    [entry] = audit_entries("admin.user_suspended")
    assert (entry.actor_id, entry.subject_id, entry.reason) == (admin.id, user.id, "Surogātpasts komentāros")


def test_suspension_needs_a_reason(as_admin, user):
    response = suspend(as_admin, user, reason="  ")
    assert response.status_code == 200
    assert field_error(html(response), "reason") == in_latvian("Please give a reason.")
    assert reload(User, user.id).suspended_at is None


def test_admin_cannot_suspend_themselves(as_admin, admin):
    assert "/suspend" not in html(as_admin.get(f"/admin/users/{admin.id}"))
    response = suspend(as_admin, admin)
    assert response.status_code == 302
    assert in_latvian("You cannot suspend your own account.") in html(as_admin.get(response.headers["Location"]))
    assert reload(User, admin.id).suspended_at is None


def test_lifting_a_suspension_lets_them_log_in_again(as_admin, admin, app, user):
    suspend(as_admin, user)

    response = post_form(as_admin, f"/admin/users/{user.id}/lift-suspension", token_from=f"/admin/users/{user.id}")

    assert response.status_code == 302
    assert reload(User, user.id).suspended_at is None
    log_in(app.test_client(), user.email)  # may log in again
    [entry] = audit_entries("admin.suspension_lifted")
    assert (entry.actor_id, entry.subject_id) == (admin.id, user.id)


def test_a_suspended_persons_content_stays(as_admin, app, user):
    idea = make_idea(author=user, title="Soliņi parkā")
    suspend(as_admin, user)
    assert reload(Idea, idea.id).state == "published"


def test_only_admins_suspend(client, ctx, user):
    centre = make_centre()
    moderator = make_user(email="dace@example.com", moderates=[centre])
    log_in(client, moderator.email)
    response = post_form(client, f"/admin/users/{user.id}/suspend", {"reason": "x"}, token_from="/")
    assert response.status_code == 403
    assert reload(User, user.id).suspended_at is None
    assert suspend_get_is_refused(client, user)


def suspend_get_is_refused(client, person):
    return client.get(f"/admin/users/{person.id}/suspend").status_code == 405


def test_people_list_marks_and_filters_suspended_people(as_admin, listed_people):
    suspended = make_user(email="karlis@example.com", display_name="Kārlis Suspendētais", suspended=True)

    everyone = html(as_admin.get("/admin/users"))
    only = html(as_admin.get("/admin/users", query_string={"suspended": "1"}))

    assert "Kārlis Suspendētais" in listed_names(everyone) and "Valdis Ozols" in listed_names(everyone)
    assert listed_names(only) == ["Kārlis Suspendētais"]
    assert in_latvian("suspended") in only
    assert suspended.id


# --- the audit log, scoped to the moderator's centres ---------------------------------------------


@pytest.fixture
def centre_entries(ctx, admin):
    preili, aglona = make_centre(name="Preiļi", slug="preili"), make_centre(name="Aglona", slug="aglona")
    dace = make_user(email="dace@example.com", display_name="Koordinatore Dace", moderates=[preili])
    janis = make_user(email="janis@example.com", display_name="Koordinators Jānis", moderates=[aglona])
    record_audit("idea.publish", actor=dace, centre_id=preili.id)
    record_audit("idea.decline", actor=janis, centre_id=aglona.id, reason="Aglonas iemesls")
    record_audit("comment.hidden", actor=admin, centre_id=preili.id)
    record_audit("account.login", actor=dace)
    record_audit("account.login", actor=janis)
    db.session.commit()
    return preili, aglona, dace, janis


def test_a_preili_moderator_sees_preili_and_own_entries_only(client, centre_entries):
    preili, aglona, dace, _janis = centre_entries
    log_in(client, dace.email)

    page = html(client.get("/admin/audit"))
    rows = audit_rows(page)

    assert ("Koordinatore Dace", "idea.publish") in rows
    assert ("Admin Inese", "comment.hidden") in rows
    assert ("Koordinatore Dace", "account.login") in rows
    assert "Koordinators Jānis" not in page and "Aglonas iemesls" not in page
    assert "idea.decline" not in page  # not even as a filter choice
    # asking for Aglona's entries shows nothing of Aglona's
    aglonas = audit_rows(html(client.get("/admin/audit", query_string={"centre": aglona.id})))
    assert all(who == "Koordinatore Dace" for who, _action in aglonas)
    assert "idea.decline" not in [action for _who, action in aglonas]


def test_admin_filters_the_audit_log_by_centre(as_admin, centre_entries):
    preili, aglona, _dace, _janis = centre_entries
    page = html(as_admin.get("/admin/audit", query_string={"centre": aglona.id}))
    assert audit_rows(page) == [("Koordinators Jānis", "idea.decline")]
    assert f'<option value="{aglona.id}" selected>Aglona</option>' in page
    preilu = audit_rows(html(as_admin.get("/admin/audit", query_string={"centre": preili.id})))
    assert sorted(action for _who, action in preilu) == ["comment.hidden", "idea.publish"]


def test_audit_details_are_shown_inert(as_admin, admin):
    record_audit("admin.roles_changed", actor=admin, reason="<script>alert(1)</script>", note='<img src=x onerror="alert(2)">')
    db.session.commit()
    page = html(as_admin.get("/admin/audit"))
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x" in page


def test_residents_cannot_read_the_audit_log(client, user):
    log_in(client, user.email)
    assert client.get("/admin/audit").status_code == 403
