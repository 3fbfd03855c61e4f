"""Admin pages: roles, the people list, the audit log, and centres (which the register form offers)."""
import re

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.audit.services import record_audit
from app.centres.models import Centre
from app.extensions import db
from tests.conftest import log_in, post_form
from tests.factories import make_centre, make_user


@pytest.fixture
def as_admin(client, admin):
    log_in(client, admin.email)
    return client


def html(response):
    return response.get_data(as_text=True)


def in_latvian(message, **variables):
    with force_locale("lv"):
        return str(escape(gettext(message, **variables)))


def field_error(page, field_id):
    """The error text shown under a field (empty when there is none)."""
    match = re.search(rf'<p class="field__error" id="{field_id}-error">(.*?)</p>', page, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def audit_entries(action=None):
    db.session.expire_all()
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return db.session.scalars(query).all()


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
    assert entry.details == {"before": {"admin": False, "moderator_of": []},
                             "after": {"admin": False, "moderator_of": ["aglona", "preili"]}}


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
    assert entry.details == {"before": {"admin": True, "moderator_of": ["preili"]},
                             "after": {"admin": False, "moderator_of": []}}


def test_saving_unchanged_roles_records_nothing(as_admin, user):
    assert save_roles(as_admin, user).status_code == 302
    assert audit_entries("admin.roles_changed") == []


def test_roles_page_shows_the_current_roles(as_admin, ctx):
    preili, aglona = make_centre(name="Preiļi"), make_centre(name="Aglona")
    moderator = make_user(email="dace@example.com", display_name="Dace", moderates=[preili])

    page = html(as_admin.get(f"/admin/users/{moderator.id}"))

    assert re.search(rf'<input[^>]*checked[^>]*value="{preili.id}"|<input[^>]*value="{preili.id}"[^>]*checked', page)
    assert not re.search(rf'<input[^>]*checked[^>]*value="{aglona.id}"|<input[^>]*value="{aglona.id}"[^>]*checked',
                         page)


def test_admin_cannot_remove_their_own_admin_role(as_admin, admin):
    response = save_roles(as_admin, admin)

    assert response.status_code == 200
    assert field_error(html(response), "is_admin") == in_latvian("You cannot remove your own administrator role.")
    assert 'aria-describedby="is_admin-error"' in html(response)
    assert reload(User, admin.id).is_admin is True
    assert audit_entries("admin.roles_changed") == []


def test_unknown_centre_in_roles_is_refused(as_admin, user):
    make_centre()
    response = post_form(as_admin, f"/admin/users/{user.id}", {"moderated_centres": ["999999"]},
                         token_from=f"/admin/users/{user.id}")

    assert response.status_code == 200
    assert field_error(html(response), "moderated_centres")
    assert reload(User, user.id).moderated_centres == []


# --- the people list ------------------------------------------------------------------------------

def listed_names(page):
    return re.findall(r'<td><a href="/admin/users/\d+">(.*?)</a></td>', page)


@pytest.fixture
def people(ctx):
    make_user(email="valdis.ozols@example.com", display_name="Valdis Ozols")
    make_user(email="marija@kalnini.example", display_name="Marija Kalniņa")
    make_user(email="eriks@example.com", display_name="Ēriks Šmits")


@pytest.mark.parametrize(("query", "expected"), [
    ("ozol", ["Valdis Ozols"]),
    ("VALDIS", ["Valdis Ozols"]),
    ("kalnini.example", ["Marija Kalniņa"]),
    ("Kalniņa", ["Marija Kalniņa"]),
    ("ēriks", ["Ēriks Šmits"]),  # Latvian capitals with diacritics match lower-case searches too
    ("ŠMITS", ["Ēriks Šmits"]),
    ("nobody-like-this", []),
])
def test_people_list_searches_names_and_emails(as_admin, people, query, expected):
    page = html(as_admin.get("/admin/users", query_string={"q": query}))
    assert listed_names(page) == [str(escape(name)) for name in expected]


def test_people_list_without_a_search_shows_everyone_newest_first(as_admin, people, admin):
    page = html(as_admin.get("/admin/users"))
    assert listed_names(page) == ["Ēriks Šmits", "Marija Kalniņa", "Valdis Ozols", str(escape(admin.display_name))]


# --- the audit log --------------------------------------------------------------------------------

def audit_rows(page):
    """(who, action) for each row of the audit table."""
    rows = re.findall(r"<tr>\s*<td>[^<]*</td>\s*<td>(.*?)</td>\s*<td><code>(.*?)</code></td>", page, re.S)
    return [(re.sub(r"<[^>]+>", "", who).strip(), action) for who, action in rows]


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


def count_centres():
    return db.session.scalar(select(func.count()).select_from(Centre))


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
    assert count_centres() == 0


def test_centre_name_must_be_one_line(as_admin):
    response = centre_form(as_admin, "/admin/centres/new", name="Līvāni\r\nBcc: x@example.com")
    assert response.status_code == 200
    assert field_error(html(response), "name")
    assert count_centres() == 0


def test_duplicate_slug_is_refused_when_adding(as_admin):
    make_centre(name="Līvāni", slug="livani")

    response = centre_form(as_admin, "/admin/centres/new", name="Līvāni 2")

    assert response.status_code == 200
    assert field_error(html(response), "slug") == in_latvian("Another centre already uses this short name.")
    assert 'value="Līvāni 2"' in html(response)
    assert count_centres() == 1


def test_admin_edits_a_centre(as_admin, admin):
    centre = make_centre(name="Preili", slug="preili")

    response = centre_form(as_admin, f"/admin/centres/{centre.id}/edit", name="Preiļi", slug="preili",
                           municipality="Preiļu novads")

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

    response = centre_form(as_admin, f"/admin/centres/{rezekne.id}/edit", name="Rēzekne", slug=rezekne.slug,
                           is_active=None)

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
