"""Download my data (/me/data): everything about the person in a ZIP, nothing of anyone else, for its owner only."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import UserSession
from app.activities.models import CalendarFeed
from app.extensions import db
from app.privacy.models import DataExport
from app.privacy.personal_data import FORMAT_VERSION, SECTIONS
from app.timeutil import utcnow
from tests.factories import PASSWORD, make_user
from tests.factories_mydata import make_data_export
from tests.helpers import count, html, log_in, post_form
from tests.privacy_scene import (
    CHILD,
    EMAIL,
    IP_ADDRESS,
    MAIL_BODY,
    NAME,
    OTHERS,
    PERSONAL,
    SECOND_CHILD,
    SENT_MAIL_BODY,
    SIGNUP_MESSAGE,
    USER_AGENT,
    make_privacy_scene,
)


@pytest.fixture
def exports(ctx, tmp_path, monkeypatch):
    """The folder prepared downloads go to during the test."""
    folder = tmp_path / "exports"
    monkeypatch.setitem(ctx.config, "EXPORT_FOLDER", str(folder))
    return folder


@pytest.fixture
def scene(ctx):
    return make_privacy_scene()


def prepare(client, password=PASSWORD):
    """Press "Prepare my download" with the password."""
    return post_form(client, "/me/data", {"password": password}, token_from="/me/data")


def the_only_export():
    """The one prepared download in the database."""
    assert count(DataExport) == 1
    return db.session.scalar(select(DataExport))


def downloaded(client):
    """Prepare a download, fetch it through the page's link, and return its files as {name: text}."""
    assert prepare(client).status_code == 302
    export = the_only_export()
    response = client.get(f"/me/data/{export.id}/download")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def test_the_download_holds_everything_about_the_person(client, scene, exports):
    log_in(client, EMAIL)
    files = downloaded(client)
    assert set(files) == {"data.json", "index.html", "README.txt"}
    data = json.loads(files["data.json"])
    assert list(data) == ["format", *(key for key, _title in SECTIONS)]
    assert data["format"]["name"] == "kopiena-personal-data" and data["format"]["version"] == FORMAT_VERSION
    person = data["person"]
    assert (person["display_name"], person["email"], person["home_centre"], person["language"]) == (NAME, EMAIL, "Preiļi", "en")
    assert person["settings"] == {"email_own_ideas": "immediately", "email_other": "daily"}
    assert "password_hash" not in json.dumps(data) and scene.person.password_hash not in files["data.json"]
    assert [(c["document"], c["version"]) for c in data["consents"]] == [("terms", 3), ("privacy", 2)]
    [idea] = data["ideas"]
    assert idea["title"] == scene.idea.title and idea["url"].endswith(f"/ideas/{scene.idea.id}")
    assert [(step["to_state"], step["by_you"], step["reason"]) for step in idea["history"]] == [
        ("submitted", True, ""),
        ("published", False, "Laba ideja"),
    ]
    assert [c["body"] for c in data["comments"]] == [scene.comment.body, scene.activity_comment.body]
    on_activity = data["comments"][1]
    assert (on_activity["activity_id"], on_activity["activity_title"], on_activity["idea_id"]) == (
        scene.past_activity.id,
        "Talka",
        None,
    )
    assert [r["reason"] for r in data["comment_reports"]] == ["Nepieklājīgi"]
    assert [(r["idea_id"], r["reason"]) for r in data["idea_reports"]] == [(scene.other_idea.id, "Reklāma, nevis ideja")]
    assert [s["idea_id"] for s in data["supports"]] == [scene.other_idea.id]
    assert [f["idea_id"] for f in data["follows"]] == [scene.other_idea.id]
    signups = {s["id"]: s for s in data["volunteer_signups"]}
    assert signups[scene.future_signup.id]["message"] == SIGNUP_MESSAGE and signups[scene.past_signup.id]["minutes"] == 150
    registrations = {r["id"]: r for r in data["registrations"]}
    assert registrations[scene.future_registration.id]["companions"] == [{"name": CHILD, "age_group": "7-9"}]
    assert registrations[scene.past_registration.id]["companions"] == [SECOND_CHILD]
    assert registrations[scene.past_registration.id]["state"] == "attended"
    assert [(r["organisation_name"], r["state"]) for r in data["representations"]] == [("Preiļu skola XQ", "approved")]
    assert [(p["offered_by_you"], p["message"]) for p in data["partnerships"]] == [(True, "Skola piedalās")]
    assert [c["title"] for c in data["partner_calls"]] == ["Skola meklē partneri XQ"]
    assert [n["event"] for n in data["notifications"]] == ["comment_new"]
    assert [s["user_agent"] for s in data["sessions"]][0] == USER_AGENT
    assert data["calendar_feed"]["exists"] is True and "token" not in data["calendar_feed"]
    audit = data["audit_entries"]
    assert {(a["action"], a["ip_address"]) for a in audit if a["by_you"]} >= {("account.login", IP_ADDRESS)}
    suspended = [a for a in audit if a["action"] == "admin.user_suspended"]
    assert suspended == [{**suspended[0], "by_you": False, "ip_address": "", "reason": "Pārbaude"}]
    assert len(data["data_exports"]) == 0  # the one being made is recorded after it is built
    for text in set(PERSONAL) - {MAIL_BODY, SENT_MAIL_BODY}:
        assert text in files["data.json"], text
        assert text in files["index.html"], text


def test_the_download_holds_nothing_of_other_people(client, scene, exports):
    log_in(client, EMAIL)
    files = downloaded(client)
    for name, text in files.items():
        for other in OTHERS + ("Dace Koordinatore", "Gaida Rindā"):
            assert other not in text, f"{other!r} is in {name}"
    # session tokens and the calendar's secret address stay out too
    for token_hash in db.session.scalars(select(UserSession.token_hash)):
        assert token_hash not in files["data.json"]
    assert db.session.scalar(select(CalendarFeed.token)) not in files["data.json"]


def test_the_readable_page_escapes_what_people_wrote_and_needs_nothing_from_outside(client, ctx, exports):
    make_user(email="hacker@example.com", display_name="<script>alert('vārds')</script>")
    log_in(client, "hacker@example.com")
    files = downloaded(client)
    page = files["index.html"]
    assert "<script>" not in page and "&lt;script&gt;alert(" in page
    assert "http" not in page.split("</head>")[0] and "<link" not in page and " src=" not in page
    assert "<script>alert('vārds')</script>" == json.loads(files["data.json"])["person"]["display_name"]
    assert f"format version {FORMAT_VERSION}" in files["README.txt"] and "audit_entries" in files["README.txt"]


def test_a_wrong_password_builds_nothing_and_says_so_next_to_the_field(client, user, exports):
    log_in(client, user.email)
    response = prepare(client, "not my password at all")
    assert response.status_code == 200
    page = html(response)
    assert 'id="password-error"' in page and "Pašreizējā parole nav pareiza." in page
    assert count(DataExport) == 0
    assert not exports.exists() or not any(exports.iterdir())


def test_an_empty_password_is_asked_for(client, user, exports):
    log_in(client, user.email)
    response = prepare(client, "")
    assert response.status_code == 200 and 'id="password-error"' in html(response)
    assert count(DataExport) == 0


def test_the_page_lists_the_prepared_downloads_with_their_expiry(client, user, exports):
    log_in(client, user.email)
    prepare(client)
    export = the_only_export()
    page = html(client.get("/me/data"))
    assert f'/me/data/{export.id}/download"' in page
    assert export.expires_at - export.created_at == timedelta(days=7)


def test_a_double_click_gives_one_download(client, user, exports):
    log_in(client, user.email)
    assert prepare(client).status_code == 302
    assert prepare(client).status_code == 302
    assert count(DataExport) == 1 and len(list(exports.iterdir())) == 1


def test_building_is_limited_per_person(client, user, ctx, exports, monkeypatch):
    monkeypatch.setitem(ctx.config, "DATA_EXPORT_LIMIT", "2 per hour")
    log_in(client, user.email)
    assert [prepare(client).status_code for _ in range(3)] == [302, 302, 429]


def test_only_the_owner_can_fetch_a_download_and_only_until_it_expires(client, user, exports):
    other = make_user(email="other@example.com")
    theirs = make_data_export(other, exports)
    expired = make_data_export(user, exports, expires_in=timedelta(seconds=-1))
    mine = make_data_export(user, exports)
    assert client.get(f"/me/data/{mine.id}/download").status_code == 302  # visitors are sent to log in
    assert "/login" in client.get(f"/me/data/{mine.id}/download").headers["Location"]
    log_in(client, user.email)
    assert client.get(f"/me/data/{mine.id}/download").status_code == 200
    for export_id in (theirs.id, expired.id, mine.id + 1000, 2**40):
        assert client.get(f"/me/data/{export_id}/download").status_code == 404, export_id
    assert f"/me/data/{theirs.id}/" not in html(client.get("/me/data"))
    assert f"/me/data/{expired.id}/" not in html(client.get("/me/data"))


def test_a_download_whose_file_is_gone_is_404(client, user, exports):
    export = make_data_export(user)  # no file
    log_in(client, user.email)
    assert client.get(f"/me/data/{export.id}/download").status_code == 404


def test_preparing_a_download_clears_the_persons_expired_ones(client, user, exports):
    expired = make_data_export(user, exports, expires_in=timedelta(days=-1))
    old_name = expired.file_name
    log_in(client, user.email)
    prepare(client)
    assert count(DataExport, DataExport.file_name == old_name) == 0  # (SQLite may give the new one the old id)
    assert not (exports / old_name).exists()
    assert count(DataExport, DataExport.expires_at > utcnow()) == 1


def test_my_page_links_both_pages(client, user):
    log_in(client, user.email)
    page = html(client.get("/me"))
    assert 'href="/me/data"' in page and 'href="/me/delete"' in page
