"""Delete my account (/me/delete): nothing of the person is left in any table, what they contributed stays as a
"former member"'s, the activities' figures stay, and the account can no longer be used."""

import json

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.activities.models import Activity, Registration
from app.audit.models import AuditEntry
from app.extensions import db
from app.outbox.models import OutboxMessage
from app.volunteering.models import SignUp
from tests.factories import PASSWORD, make_user
from tests.factories_mydata import make_data_export
from tests.helpers import audit_entries, count, csrf_token, html, log_in, post_form, queued_mail, reloaded
from tests.privacy_scene import (
    ACTIVITY_COMMENT_BODY,
    COMMENT_BODY,
    EMAIL,
    IDEA_TITLE,
    NAME,
    OTHER_EMAIL,
    PERSONAL,
    make_privacy_scene,
    where_found,
)


@pytest.fixture
def exports(ctx, tmp_path, monkeypatch):
    """The folder prepared downloads go to during the test."""
    folder = tmp_path / "exports"
    monkeypatch.setitem(ctx.config, "EXPORT_FOLDER", str(folder))
    return folder


@pytest.fixture
def scene(ctx, exports):
    scene = make_privacy_scene()
    make_data_export(scene.person, exports)
    return scene


def delete_account(client, password=PASSWORD, confirm=True):
    """Send the deletion form as the person would."""
    data = {"password": password}
    if confirm:
        data["confirm"] = "y"
    return post_form(client, "/me/delete", data, token_from="/me/delete")


def test_after_deletion_no_table_holds_anything_of_the_person(client, scene, exports):
    assert set(where_found(PERSONAL)) == set(PERSONAL)  # the scan does find each of them while they are there
    log_in(client, EMAIL)
    response = delete_account(client)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert where_found(PERSONAL) == {}
    assert not any(exports.iterdir())  # the prepared download's file is gone too


def test_contributions_stay_shown_as_a_former_members(client, scene):
    log_in(client, EMAIL)
    delete_account(client)
    idea_page = html(client.get(f"/ideas/{scene.idea.id}"))
    assert IDEA_TITLE in idea_page and "dzēsts konts" in idea_page and NAME not in idea_page
    other_idea_page = html(client.get(f"/ideas/{scene.other_idea.id}"))
    assert COMMENT_BODY in other_idea_page and "dzēsts konts" in other_idea_page
    assert reloaded(scene.idea).author_id == scene.person.id
    assert reloaded(scene.comment).body == COMMENT_BODY
    activity_page = html(client.get(f"/activities/{scene.past_activity.id}"))
    assert ACTIVITY_COMMENT_BODY in activity_page and "dzēsts konts" in activity_page and NAME not in activity_page
    assert reloaded(scene.other_idea).support_count == 1


def test_others_see_a_former_member_in_their_notifications_and_mail(client, scene):
    log_in(client, EMAIL)
    delete_account(client)
    client.post("/logout")
    log_in(client, OTHER_EMAIL)
    page = html(client.get("/me/notifications"))
    assert "dzēsts konts" in page and NAME not in page
    [mail] = queued_mail(OTHER_EMAIL)
    assert mail.body.startswith("former member") or mail.body.startswith("dzēsts konts")


def test_past_figures_stay_and_the_waiting_list_moves_up(client, scene):
    past, future = scene.past_activity, scene.future_activity
    past_before = (
        past.registered_count,
        count(Registration, Registration.activity_id == past.id, Registration.state == "attended"),
    )
    log_in(client, EMAIL)
    delete_account(client)
    past = reloaded(past)
    assert (
        past.registered_count,
        count(Registration, Registration.activity_id == past.id, Registration.state == "attended"),
    ) == (past_before)
    past_registration = reloaded(scene.past_registration)
    assert (past_registration.state, past_registration.places, past_registration.companions) == ("attended", 2, [])
    past_signup = reloaded(scene.past_signup)
    assert (past_signup.state, past_signup.minutes, past_signup.message) == ("attended", 150, "")
    assert reloaded(scene.future_registration).state == "cancelled"
    assert reloaded(scene.future_registration).companions == [{"name": "", "age_group": "7-9"}]
    assert reloaded(scene.waiting_registration).state == "registered"
    assert db.session.get(Activity, future.id).registered_count == 2  # 3 − her 2 + the 1 who waited
    future_signup = reloaded(scene.future_signup)
    assert (future_signup.state, future_signup.message) == ("withdrawn", "")
    assert future_signup.role.accepted_count == 0


def test_the_person_can_no_longer_log_in_nor_get_a_reset_link(client, scene):
    log_in(client, EMAIL)
    delete_account(client)
    assert client.get("/me").status_code == 302  # the session ended with the deletion
    response = post_form(client, "/login", {"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 200 and "/logout" not in html(response)
    assert 'id="password-error"' in html(response)
    mail_before = count(OutboxMessage)
    post_form(client, "/reset-password", {"email": EMAIL}, token_from="/reset-password")
    assert count(OutboxMessage) == mail_before
    person = reloaded(scene.person)
    assert person.email == f"deleted-{person.id}@invalid" and person.deleted_at is not None and not person.is_active
    assert (person.display_name, person.about, person.birth_year, person.is_admin) == ("", "", None, False)


def test_the_deletion_is_audited_without_personal_data(client, scene):
    log_in(client, EMAIL)
    delete_account(client)
    [entry] = audit_entries("account.deleted")
    assert (entry.subject_type, entry.subject_id, entry.details, entry.ip_address) == ("User", scene.person.id, {}, "")
    others = [e for e in audit_entries("account.login") if e.actor_id == scene.other.id]
    assert others[0].ip_address == "203.0.113.99"  # other people's entries keep theirs


def test_a_wrong_password_deletes_nothing(client, user):
    log_in(client, user.email)
    response = delete_account(client, password="not the password at all")
    assert response.status_code == 200 and 'id="password-error"' in html(response)
    assert reloaded(user).deleted_at is None and client.get("/me").status_code == 200


def test_the_box_must_be_ticked(client, user):
    log_in(client, user.email)
    response = delete_account(client, confirm=False)
    assert response.status_code == 200 and 'id="confirm-error"' in html(response)
    assert reloaded(user).deleted_at is None


def test_the_last_administrator_cannot_delete_their_account(client, admin):
    log_in(client, admin.email)
    assert "Administratora tiesības ir tikai jums." in html(client.get("/me/delete"))
    response = delete_account(client)
    assert response.status_code == 200 and "Administratora tiesības ir tikai jums." in html(response)
    assert reloaded(admin).deleted_at is None and reloaded(admin).is_admin
    assert audit_entries("account.deleted") == []


def test_an_administrator_may_go_when_another_is_left(client, admin):
    make_user(email="admin2@example.com", admin=True)
    log_in(client, admin.email)
    assert delete_account(client).status_code == 302
    assert reloaded(admin).deleted_at is not None and not reloaded(admin).is_admin


def test_a_double_click_deletes_once_and_is_no_error(client, user):
    log_in(client, user.email)
    form = {"password": PASSWORD, "confirm": "y", "csrf_token": csrf_token(client, "/me/delete")}
    first, second = client.post("/me/delete", data=form), client.post("/me/delete", data=form)
    assert first.status_code == 302
    assert second.status_code in (302, 400)  # logged out by then: sent to log in, or the form's token has gone
    assert count(User, User.deleted_at.is_not(None)) == 1
    assert audit_entries("account.deleted")[0].subject_id == user.id


def test_the_pages_need_a_log_in(client):
    for path in ("/me/delete", "/me/data"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_audit_entries_about_the_person_lose_addresses_and_their_email(client, scene):
    log_in(client, EMAIL)
    delete_account(client)
    entries = db.session.scalars(select(AuditEntry)).all()
    for entry in entries:
        if entry.actor_id == scene.person.id or (entry.subject_type == "User" and entry.subject_id == scene.person.id):
            assert entry.ip_address == ""
        assert EMAIL not in json.dumps(entry.details)
    assert count(SignUp, SignUp.user_id == scene.person.id) == 2  # the rows stay, as numbers
