"""Writing to volunteers and reading the messages through the pages: who sees what (others: 403 or 404), form
errors next to the field with the text kept, double clicks, the posting limit, the links people follow, and the
message in the personal-data download and after account deletion."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.extensions import db
from app.notifications.models import Notification
from app.privacy.deletion import delete_account
from app.privacy.personal_data import personal_data
from app.volunteering.models import VolunteerMessage, volunteer_message_recipients
from tests.factories import PASSWORD, make_activity, make_idea, make_role, make_signup, make_user
from tests.factories_messages import make_volunteer_message
from tests.helpers import count, html, log_in, post_form, signed_in


@pytest.fixture
def scene(preili, author, resident, preili_moderator, aglona_moderator):
    """A published idea of Preiļi with two roles and three accepted volunteers (one in each, one in both)."""
    idea = make_idea(author=author, centre=preili, state="published", title="Puķu dobes")
    bakers, diggers = make_role(idea=idea, name="Cepēji"), make_role(idea=idea, name="Racēji")
    anna = make_user(email="anna.v@example.com", display_name="Anna Volontiere")
    berta = make_user(email="berta.v@example.com", display_name="Berta Volontiere")
    make_signup(bakers, anna, "accepted", decided_by=author)
    make_signup(diggers, berta, "accepted", decided_by=author)
    make_signup(bakers, resident, "applied")
    return SimpleNamespace(
        idea=idea,
        bakers=bakers,
        diggers=diggers,
        author=author,
        resident=resident,
        moderator=preili_moderator,
        other_moderator=aglona_moderator,
        anna=anna,
        berta=berta,
        page=f"/ideas/{idea.id}/volunteer-messages",
    )


def write(client, scene, body="Tiekamies sestdien 10:00.", role=""):
    return post_form(client, scene.page, {"body": body, "role": role}, token_from=scene.page)


def test_the_author_sees_how_many_people_each_choice_reaches_and_sends(client, scene):
    log_in(client, scene.author.email)
    page = html(client.get(scene.page))
    assert "(2 " in page and "Cepēji (1 " in page and "Racēji (1 " in page

    response = write(client, scene, "Sveiki!\nLīdzi: cimdi.", role=str(scene.bakers.id))

    message = db.session.scalars(select(VolunteerMessage)).one()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/volunteer-messages/{message.id}")
    assert [user.id for user in message.recipients] == [scene.anna.id]
    shown = html(client.get(f"/volunteer-messages/{message.id}"))
    assert "Sveiki!\nLīdzi: cimdi." in shown and "Anna Volontiere" in shown  # the manager sees who got it


def test_the_idea_page_and_the_role_sign_ups_link_to_the_form(client, scene):
    log_in(client, scene.author.email)
    assert scene.page in html(client.get(f"/ideas/{scene.idea.id}"))
    assert f"{scene.page}?role={scene.bakers.id}" in html(client.get(f"/roles/{scene.bakers.id}/signups"))
    volunteer = signed_in(client.application.test_client(), scene.anna)
    assert scene.page not in html(volunteer.get(f"/ideas/{scene.idea.id}"))


@pytest.mark.parametrize("who", ["resident", "anna", "other_moderator"])
def test_others_may_not_write(client, scene, who):
    log_in(client, getattr(scene, who).email)
    assert client.get(scene.page).status_code == 403
    assert write(client, scene).status_code == 403
    assert count(VolunteerMessage) == 0


def test_a_coordinator_writes_to_an_activitys_volunteers(client, scene):
    activity = make_activity(centre=scene.idea.centre, creator=scene.moderator, title="Talka")
    role = make_role(activity=activity, name="Nesēji")
    make_signup(role, scene.anna, "accepted", decided_by=scene.moderator)
    page = f"/activities/{activity.id}/volunteer-messages"
    log_in(client, scene.moderator.email)
    assert page in html(client.get(f"/activities/{activity.id}"))

    response = post_form(client, page, {"body": "Paldies!", "role": ""}, token_from=page)

    assert response.status_code == 302
    message = db.session.scalars(select(VolunteerMessage)).one()
    assert (message.activity_id, message.idea_id) == (activity.id, None)
    assert signed_in(client.application.test_client(), scene.author).get(page).status_code == 403


@pytest.mark.parametrize(
    ("body", "error"),
    [("", "Lūdzu, uzrakstiet ziņu."), ("x" * 2001, "2000"), ("Sveiki\x00 visiem", "nevar saglabāt")],
)
def test_a_wrong_text_is_shown_next_to_the_field_and_kept(client, scene, body, error):
    log_in(client, scene.author.email)
    response = write(client, scene, body)
    page = html(response)
    assert response.status_code == 200
    assert error in page and 'class="field__error"' in page and "Kļūda:" in page
    if body.strip("\x00"):
        assert body.replace("\x00", "")[:50] in page
    assert count(VolunteerMessage) == 0


def test_nobody_to_write_to_is_said_next_to_the_field(client, scene):
    empty = make_role(idea=scene.idea, name="Tukša")
    log_in(client, scene.author.email)
    page = html(write(client, scene, "Sveiki!", role=str(empty.id)))
    assert "nav kam rakstīt" in page and "Sveiki!" in page and "Kļūda:" in page
    assert count(VolunteerMessage) == 0


def test_an_unknown_role_choice_is_an_error_not_a_crash(client, scene):
    log_in(client, scene.author.email)
    response = write(client, scene, role="999999999999")
    assert response.status_code == 200 and "izvēlieties, kam rakstīt" in html(response)
    assert count(VolunteerMessage) == 0


def test_a_double_click_sends_one_message(client, scene):
    log_in(client, scene.author.email)
    first, second = write(client, scene, "Divreiz"), write(client, scene, "Divreiz")
    assert first.headers["Location"] == second.headers["Location"]
    assert count(VolunteerMessage) == 1
    assert count(Notification, Notification.event == "volunteer_message") == 2


def test_sending_is_limited_per_person(client, scene):
    client.application.config["VOLUNTEER_MESSAGE_LIMIT"] = "2 per hour"
    try:
        log_in(client, scene.author.email)
        assert write(client, scene, "Pirmā").status_code == 302
        assert write(client, scene, "").status_code == 200  # a form with errors costs nothing
        assert write(client, scene, "Otrā").status_code == 302
        assert write(client, scene, "Trešā").status_code == 429
    finally:
        client.application.config["VOLUNTEER_MESSAGE_LIMIT"] = "10 per hour"
    assert count(VolunteerMessage) == 2


# reading --------------------------------------------------------------------------------------------------------


def test_a_volunteer_reads_it_from_the_notification_and_my_sign_ups_without_others_names(client, scene):
    message = make_volunteer_message(scene.author, scene.idea, "<b>Nāciet</b>\nar lāpstām", recipients=[scene.anna, scene.berta])
    write(signed_in(client.application.test_client(), scene.author), scene, "Otrā ziņa")
    log_in(client, scene.anna.email)

    notifications = html(client.get("/me/notifications"))
    assert "/volunteer-messages/" in notifications
    mine = html(client.get("/me/signups"))
    assert f"/volunteer-messages/{message.id}" in mine
    page = html(client.get(f"/volunteer-messages/{message.id}"))
    assert "&lt;b&gt;Nāciet&lt;/b&gt;\nar lāpstām" in page and "<b>Nāciet" not in page
    assert "Berta" not in page  # a volunteer sees how many, not who
    assert "2 cilvēki" in page


@pytest.mark.parametrize("who", ["resident", "other_moderator", "berta"])
def test_anyone_else_gets_404(client, scene, who):
    message = make_volunteer_message(scene.author, scene.idea, recipients=[scene.anna])
    log_in(client, getattr(scene, who).email)
    assert client.get(f"/volunteer-messages/{message.id}").status_code == 404
    assert client.get("/volunteer-messages/2147483647").status_code == 404
    assert client.get("/volunteer-messages/99999999999").status_code == 404


def test_the_centres_coordinator_reads_a_message_the_author_sent(client, scene):
    message = make_volunteer_message(scene.author, scene.idea, recipients=[scene.anna])
    log_in(client, scene.moderator.email)
    assert client.get(f"/volunteer-messages/{message.id}").status_code == 200


def test_visitors_are_sent_to_log_in(client, scene):
    message = make_volunteer_message(scene.author, scene.idea, recipients=[scene.anna])
    assert client.get(f"/volunteer-messages/{message.id}").status_code == 302
    assert client.get(scene.page).status_code == 302


# privacy --------------------------------------------------------------------------------------------------------


def test_the_download_has_the_messages_sent_and_received(ctx, scene):
    message = make_volunteer_message(scene.author, scene.idea, "Sveiki XQ", role=scene.bakers, recipients=[scene.anna])
    with ctx.test_request_context():
        sent = personal_data(scene.author)["volunteer_messages"]
        received = personal_data(scene.anna)["volunteer_messages"]
        nothing = personal_data(scene.berta)["volunteer_messages"]
    assert sent == [
        {
            "id": message.id,
            "by_you": True,
            "idea_id": scene.idea.id,
            "activity_id": None,
            "project_title": "Puķu dobes",
            "role": "Cepēji",
            "body": "Sveiki XQ",
            "recipients": 1,
            "created_at": sent[0]["created_at"],
        }
    ]
    assert received[0]["by_you"] is False and received[0]["recipients"] is None and received[0]["body"] == "Sveiki XQ"
    assert nothing == []


def test_deleting_an_account_takes_the_person_off_the_recipients_and_keeps_what_they_sent(client, scene):
    message = make_volunteer_message(scene.author, scene.idea, "Paliek", recipients=[scene.anna, scene.berta])
    delete_account(scene.anna, PASSWORD)
    delete_account(scene.author, PASSWORD)
    db.session.commit()

    rows = db.session.execute(select(volunteer_message_recipients.c.user_id)).scalars().all()
    assert rows == [scene.berta.id]
    log_in(client, scene.berta.email)
    response = client.get(f"/volunteer-messages/{message.id}")
    assert response.status_code == 200, response.status_code
    page = html(response)
    assert "Paliek" in page and "dzēsts konts" in page


def test_the_audit_log_says_who_wrote_to_how_many_in_words(client, scene):
    log_in(client, scene.author.email)
    write(client, scene, "Slepens teksts XQ")
    coordinator = signed_in(client.application.test_client(), scene.moderator)
    page = html(coordinator.get("/admin/audit"))
    assert "uzrakstīja ziņu „" in page and "brīvprātīgajiem (saņēmēji: 2)" in page
    assert "Slepens teksts XQ" not in page
