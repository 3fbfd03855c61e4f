"""Organisation pages: the directory and its filters, an organisation's page (contacts for signed-in people only),
registering and editing with a logo, asking to represent and deciding, verifying, and who gets 403/404."""

import html as html_module
import re
from io import BytesIO

import pytest
from PIL import Image
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.notifications.models import Notification
from app.organisations.models import Organisation, Representative
from tests.factories import (
    make_activity,
    make_centre,
    make_idea,
    make_organisation,
    make_partner_call,
    make_partnership,
    make_representative,
    make_user,
)
from tests.helpers import csrf_token, log_in, post_form, signed_in
from tests.statements import statements_of

EN = {"Accept-Language": "en"}


@pytest.fixture
def school_and_ngo(preili, aglona):
    """A school in Preiļi and an NGO in Aglona with a representative each, a resident and Preiļi's moderator."""
    teacher = make_user(email="ilze@example.com", display_name="Ilze Liepa", language="en")
    other_rep = make_user(email="janis@example.com", display_name="Jānis Zariņš", language="en")
    school = make_organisation(
        representative=teacher,
        centre=preili,
        name="Preiļu 1. pamatskola",
        contact_email="skola@example.lv",
        contact_phone="+371 6532 2111",
        website="https://www.preiluskola.lv",
    )
    ngo = make_organisation(representative=other_rep, centre=aglona, kind="ngo", name="Aglonas jauniešu biedrība")
    return {
        "preili": preili,
        "aglona": aglona,
        "teacher": teacher,
        "other_rep": other_rep,
        "school": school,
        "ngo": ngo,
        "resident": make_user(email="valdis@example.com", display_name="Valdis Ozols", language="en"),
        "moderator": make_user(email="dace@example.com", display_name="Dace Koordinatore", language="en", moderates=[preili]),
    }


def text(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def field_error(page, field_id):
    match = re.search(rf'<p class="field__error" id="{field_id}-error">(.*?)</p>', page, re.S)
    return html_module.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip() if match else ""


def jpeg_bytes(size=(300, 200), colour=(30, 120, 60)):
    out = BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def organisation_form(school_and_ngo, **overrides):
    data = {
        "name": "Preiļu mūzikas skola",
        "kind": "school",
        "centre": str(school_and_ngo["preili"].id),
        "description": "Mūzika **visiem**.",
        "website": "https://muzika.example.lv",
        "contact_email": "muzika@example.lv",
        "contact_phone": "+371 2612 3456",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post_multipart(client, path, data):
    form = dict(data)
    form.setdefault("csrf_token", csrf_token(client, path))
    return client.post(path, data=form, content_type="multipart/form-data")


def denied_entries(person):
    db.session.expire_all()
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.actor_id == person.id, AuditEntry.action == "access.denied")
    ).all()


# The directory ---------------------------------------------------------------------------------------------------


def test_the_directory_lists_organisations_with_badge_and_logo(client, school_and_ngo):
    school_and_ngo["school"].verified_at, school_and_ngo["school"].verified_by_id = (
        school_and_ngo["ngo"].created_at,
        school_and_ngo["moderator"].id,
    )
    school_and_ngo["school"].logo_name = "0" * 32 + ".jpg"
    db.session.commit()
    page = text(client.get("/organisations", headers=EN))
    assert "Preiļu 1. pamatskola" in page and "Aglonas jauniešu biedrība" in page
    assert "Verified by the centre" in page
    assert f'src="/organisations/{school_and_ngo["school"].id}/logo' in page and 'alt="Logo of Preiļu 1. pamatskola"' in page
    assert 'href="/organisations"' in page  # the menu link


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("kind=ngo", "Aglonas jauniešu biedrība", "Preiļu 1. pamatskola"),
        ("kind=school", "Preiļu 1. pamatskola", "Aglonas jauniešu biedrība"),
        ("centre=preili", "Preiļu 1. pamatskola", "Aglonas jauniešu biedrība"),
        ("centre=aglona&kind=ngo", "Aglonas jauniešu biedrība", "Preiļu 1. pamatskola"),
    ],
)
def test_the_directory_filters_by_type_and_centre(client, school_and_ngo, query, shown, hidden):
    page = text(client.get(f"/organisations?{query}", headers=EN))
    assert shown in page and hidden not in page


@pytest.mark.parametrize("query", ["kind=<script>", "centre=nowhere", "page=abc", "page=-4", "kind=ngo'--"])
def test_unknown_filter_values_mean_no_filter(client, school_and_ngo, query):
    page = text(client.get(f"/organisations?{query}", headers=EN))
    assert "Preiļu 1. pamatskola" in page and "Aglonas jauniešu biedrība" in page
    assert "<script>" not in page.split("<main", 1)[1]


def test_the_directory_pages(client, school_and_ngo):
    for number in range(30):
        make_organisation(centre=school_and_ngo["aglona"], kind="business", name=f"Uzņēmums {number:02d}")
    first = text(client.get("/organisations?kind=business", headers=EN))
    assert "Uzņēmums 00" in first and "Uzņēmums 29" not in first
    assert 'href="/organisations?page=2&amp;kind=business"' in first or "page=2" in first
    second = text(client.get("/organisations?kind=business&page=2", headers=EN))
    assert "Uzņēmums 29" in second and "Uzņēmums 00" not in second


@pytest.mark.parametrize("who", ["visitor", "teacher", "moderator"])
def test_the_directory_runs_a_fixed_small_number_of_statements(client, school_and_ngo, who):
    signed_in(client, school_and_ngo.get(who))  # "visitor": nobody
    client.get("/")
    counts = set()
    for total in (3, 40):
        while db.session.scalar(select(db.func.count(Organisation.id))) < total:
            make_organisation(centre=school_and_ngo["aglona"], kind="ngo", name="Biedrība", verified=True)
        for path in ("/organisations", "/organisations?page=2", "/organisations?centre=aglona&kind=ngo"):
            statements = statements_of(client, path)
            assert len(statements) <= 5, "\n\n".join([path, *statements])
            counts.add((path, len(statements)))
    assert len(counts) == 3, counts  # the same for 3 and for 40 organisations


# An organisation's page ------------------------------------------------------------------------------------------


def test_a_visitor_sees_the_page_but_not_the_contacts(client, school_and_ngo):
    school = school_and_ngo["school"]
    page = text(client.get(f"/organisations/{school.id}", headers=EN))
    assert "Preiļu 1. pamatskola" in page and "School" in page and "Preiļi" in page
    assert "Ilze Liepa" not in page and "1 representative" in page  # named only with their consent
    assert '<a href="https://www.preiluskola.lv" rel="nofollow ugc noopener">' in page
    assert "skola@example.lv" not in page and "6532" not in page
    assert "shared with the organisation's partners and the centre's coordinators" in page
    assert f"/organisations/{school.id}/edit" not in page


def test_a_signed_in_person_who_is_no_partner_does_not_see_the_contacts(client, school_and_ngo):
    signed_in(client, school_and_ngo["resident"])
    response = client.get(f"/organisations/{school_and_ngo['school'].id}", headers=EN)
    page = text(response)
    assert "skola@example.lv" not in page and "6532" not in page
    assert response.headers["Cache-Control"] == "no-store"
    assert "shared with the organisation's partners and the centre's coordinators" in page
    assert f'href="/organisations/{school_and_ngo["school"].id}/represent"' in page  # may ask to represent


def test_the_centres_coordinator_sees_the_contacts(client, school_and_ngo):
    signed_in(client, school_and_ngo["moderator"])
    page = text(client.get(f"/organisations/{school_and_ngo['school'].id}", headers=EN))
    assert "skola@example.lv" in page and "+371 6532 2111" in page


def test_the_page_lists_partnerships_calls_and_activities(client, school_and_ngo):
    school = school_and_ngo["school"]
    idea = make_idea(centre=school_and_ngo["preili"], title="Soliņi Raiņa parkā")
    activity = make_activity(school_and_ngo["preili"], None, title="Keramikas darbnīca")
    hidden = make_idea(centre=school_and_ngo["preili"], title="Slepens melnraksts", state="draft")
    offered = make_idea(centre=school_and_ngo["preili"], title="Piedāvāta ideja")
    call = make_partner_call(school, title="6. klase meklē projektu")
    make_partner_call(school, title="Slēgts aicinājums", state="closed")
    make_partnership(school, idea=idea, state="accepted")
    make_partnership(school, activity=activity, state="accepted", decided_by=idea.author)
    make_partnership(school, idea=hidden, state="accepted", decided_by=idea.author)
    make_partnership(school, idea=offered, state="offered")
    page = text(client.get(f"/organisations/{school.id}", headers=EN))
    assert "Soliņi Raiņa parkā" in page and f'href="/ideas/{idea.id}"' in page
    assert "Keramikas darbnīca" in page and f'href="/activities/{activity.id}"' in page
    assert "6. klase meklē projektu" in page and f'href="/partner-calls/{call.id}"' in page
    assert "Slēgts aicinājums" not in page
    assert "Slepens melnraksts" not in page  # a draft is not shown to others
    assert "Piedāvāta ideja" not in page  # pending offers are not shown here


def test_unknown_organisations_are_not_found(client, school_and_ngo):
    assert client.get("/organisations/999999").status_code == 404
    assert client.get("/organisations/999999/logo").status_code == 404
    assert client.get(f"/organisations/{school_and_ngo['school'].id}/logo").status_code == 404  # no logo
    signed_in(client, school_and_ngo["teacher"])
    assert client.get("/organisations/999999/edit").status_code == 404
    assert client.get("/organisations/999999/representatives").status_code == 404
    assert post_form(client, "/representatives/999999/approve", token_from="/me").status_code == 404


# Registering and editing ---------------------------------------------------------------------------------------


def test_registering_makes_the_creator_a_representative_who_can_edit(client, school_and_ngo):
    signed_in(client, school_and_ngo["resident"])
    response = post_multipart(client, "/organisations/new", organisation_form(school_and_ngo))
    assert response.status_code == 302
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == "Preiļu mūzikas skola"))
    assert response.headers["Location"].endswith(f"/organisations/{organisation.id}")
    assert (organisation.kind, organisation.centre_id, organisation.website) == (
        "school",
        school_and_ngo["preili"].id,
        "https://muzika.example.lv",
    )
    [membership] = db.session.scalars(select(Representative).where(Representative.organisation_id == organisation.id)).all()
    assert (membership.user_id, membership.state) == (school_and_ngo["resident"].id, "approved")
    page = text(client.get(f"/organisations/{organisation.id}", headers=EN))
    assert f'href="/organisations/{organisation.id}/edit"' in page and "Post a partner call" in page
    assert "<strong>visiem</strong>" in page

    response = post_multipart(
        client,
        f"/organisations/{organisation.id}/edit",
        organisation_form(school_and_ngo, name="Preiļu Mūzikas un mākslas skola"),
    )
    assert response.status_code == 302
    assert fresh(Organisation, organisation.id).name == "Preiļu Mūzikas un mākslas skola"
    assert "Valdis Ozols" in text(client.get("/me", headers=EN))  # and /me lists the organisation:
    assert "Preiļu Mūzikas un mākslas skola" in text(client.get("/me", headers=EN))


def test_the_form_keeps_the_input_and_shows_errors_next_to_the_fields(client, school_and_ngo):
    signed_in(client, school_and_ngo["resident"])
    response = post_multipart(
        client,
        "/organisations/new",
        organisation_form(school_and_ngo, name="", kind="bank", website="javascript:alert(1)", contact_email="not an address"),
    )
    page = text(response)
    assert field_error(page, "name") == "Please give the organisation's name."
    assert field_error(page, "kind") == "Please choose a type from the list."
    assert field_error(page, "website").startswith("Please give the whole web address")
    assert field_error(page, "contact_email").startswith("This does not look like an e-mail address")
    assert "Mūzika **visiem**." in page and "+371 2612 3456" in page
    assert db.session.scalar(select(db.func.count(Organisation.id))) == 2


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "JavaScript://x.lv/%0aalert(1)",
        "data:text/html,x",
        "ftp://files.example.lv",
        "www.example.lv",
        "https://",
    ],
)
def test_only_http_and_https_websites_are_accepted(client, school_and_ngo, website):
    signed_in(client, school_and_ngo["teacher"])
    school = school_and_ngo["school"]
    response = post_multipart(client, f"/organisations/{school.id}/edit", organisation_form(school_and_ngo, website=website))
    assert field_error(text(response), "website").startswith("Please give the whole web address")
    assert fresh(Organisation, school.id).website == "https://www.preiluskola.lv"


def test_the_logo_is_re_encoded_served_and_removable(client, school_and_ngo):
    signed_in(client, school_and_ngo["teacher"])
    school = school_and_ngo["school"]
    response = post_multipart(
        client,
        f"/organisations/{school.id}/edit",
        organisation_form(school_and_ngo, name=school.name, logo=(BytesIO(jpeg_bytes()), "logo.png")),
    )
    assert response.status_code == 302
    logo_name = fresh(Organisation, school.id).logo_name
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", logo_name)
    visitor = client.application.test_client()
    served = visitor.get(f"/organisations/{school.id}/logo")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert Image.open(BytesIO(served.data)).format == "JPEG"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert f"/organisations/{school.id}/logo" in text(visitor.get(f"/organisations/{school.id}"))

    response = post_multipart(
        client, f"/organisations/{school.id}/edit", organisation_form(school_and_ngo, name=school.name, remove_logo="y")
    )
    assert response.status_code == 302
    assert fresh(Organisation, school.id).logo_name is None
    assert visitor.get(f"/organisations/{school.id}/logo").status_code == 404


def test_an_svg_logo_is_refused_with_a_message(client, school_and_ngo):
    signed_in(client, school_and_ngo["resident"])
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = post_multipart(client, "/organisations/new", organisation_form(school_and_ngo, logo=(BytesIO(svg), "logo.svg")))
    page = text(response)
    assert field_error(page, "logo").startswith("This file is not a picture we can use")
    assert "The logo was not saved" not in page  # nothing was taken from the refused file
    assert db.session.scalar(select(db.func.count(Organisation.id))) == 2


def test_with_one_centre_the_form_has_no_centre_picker(client, ctx):
    centre = make_centre(name="Preiļi", slug="preili")
    person = make_user(email="valdis@example.com", language="en")
    log_in(client, person.email)
    page = text(client.get("/organisations/new", headers=EN))
    assert 'name="centre"' not in page
    response = post_multipart(client, "/organisations/new", {"name": "Biedrība", "kind": "ngo"})
    assert response.status_code == 302
    assert db.session.scalar(select(Organisation.centre_id)) == centre.id


# Permissions --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/organisations/new", "/organisations/{id}/edit", "/organisations/{id}/represent", "/organisations/{id}/representatives"],
)
def test_visitors_are_sent_to_log_in(client, school_and_ngo, path):
    response = client.get(path.format(id=school_and_ngo["school"].id))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "path",
    ["/organisations/{id}/verify", "/organisations/{id}/unverify", "/organisations/{id}/represent", "/organisations/{id}/edit"],
)
def test_visitors_posting_are_sent_to_log_in(client, school_and_ngo, path):
    response = post_form(client, path.format(id=school_and_ngo["school"].id))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_another_organisations_representative_is_refused_and_audited(client, school_and_ngo):
    """The teacher represents the school, not the NGO: every change to the NGO is 403 and recorded."""
    ngo, other_rep = school_and_ngo["ngo"], school_and_ngo["other_rep"]
    request = make_representative(ngo, school_and_ngo["resident"], "requested")
    signed_in(client, school_and_ngo["teacher"])
    assert client.get(f"/organisations/{ngo.id}/edit").status_code == 403
    assert (
        post_multipart(client, f"/organisations/{ngo.id}/edit", organisation_form(school_and_ngo, name="Nozagta")).status_code
        == 403
    )
    assert client.get(f"/organisations/{ngo.id}/representatives").status_code == 403
    token = csrf_token(client, "/me")
    for action in ("approve", "decline"):
        assert client.post(f"/representatives/{request.id}/{action}", data={"csrf_token": token}).status_code == 403
    own_rep = db.session.scalar(select(Representative).where(Representative.user_id == other_rep.id))
    assert client.post(f"/representatives/{own_rep.id}/end", data={"csrf_token": token}).status_code == 403
    assert client.post(f"/organisations/{ngo.id}/verify", data={"csrf_token": token}).status_code == 403
    assert fresh(Organisation, ngo.id).name == "Aglonas jauniešu biedrība"
    assert fresh(Representative, request.id).state == "requested"
    assert fresh(Representative, own_rep.id).state == "approved"
    entries = denied_entries(school_and_ngo["teacher"])
    assert len(entries) == 8
    assert {entry.details["what"] for entry in entries} >= {
        "organisations.edit_organisation",
        "organisations.representatives",
        "organisations.approve_representative",
    }
    page = text(client.get(f"/organisations/{ngo.id}", headers=EN))
    assert f"/organisations/{ngo.id}/edit" not in page and "Post a partner call" not in page


# Representatives ------------------------------------------------------------------------------------------------


def test_ask_approve_and_the_new_representative_can_edit(client, school_and_ngo):
    school, resident = school_and_ngo["school"], school_and_ngo["resident"]
    signed_in(client, school_and_ngo["resident"])
    page = text(client.get(f"/organisations/{school.id}/represent", headers=EN))
    assert "Who are you in the organisation?" in page
    response = post_form(
        client, f"/organisations/{school.id}/represent", {"message": ""}, token_from=f"/organisations/{school.id}/represent"
    )
    assert field_error(text(response), "message") == "Please write a few words about your role in the organisation."
    response = post_form(
        client,
        f"/organisations/{school.id}/represent",
        {"message": "Es esmu 6. klases audzinātājs."},
        token_from=f"/organisations/{school.id}/represent",
    )
    assert response.status_code == 302
    request = db.session.scalar(select(Representative).where(Representative.user_id == resident.id))
    assert request.state == "requested"
    [notice] = db.session.scalars(select(Notification).where(Notification.user_id == school_and_ngo["teacher"].id)).all()
    assert notice.event == "representation_requested"
    page = text(client.get(f"/organisations/{school.id}", headers=EN))
    assert "waiting for an answer" in page and f'href="/organisations/{school.id}/represent"' not in page
    response = post_form(
        client, f"/organisations/{school.id}/represent", {"message": "Vēlreiz"}, token_from=f"/organisations/{school.id}"
    )
    assert response.status_code == 302  # a second request is not made
    assert len(db.session.scalars(select(Representative).where(Representative.user_id == resident.id)).all()) == 1
    assert client.get(f"/organisations/{school.id}/edit").status_code == 403

    teacher = client.application.test_client()
    log_in(teacher, school_and_ngo["teacher"].email)
    page = text(teacher.get(f"/organisations/{school.id}/representatives", headers=EN))
    assert "Valdis Ozols" in page and "Es esmu 6. klases audzinātājs." in page
    assert "valdis@example.com" not in page
    response = post_form(
        teacher, f"/representatives/{request.id}/approve", token_from=f"/organisations/{school.id}/representatives"
    )
    assert response.status_code == 302
    assert fresh(Representative, request.id).state == "approved"
    assert db.session.scalar(select(Notification.event).where(Notification.user_id == resident.id)) == "representation_approved"

    assert client.get(f"/organisations/{school.id}/edit").status_code == 200
    response = post_multipart(client, f"/organisations/{school.id}/edit", organisation_form(school_and_ngo, name=school.name))
    assert response.status_code == 302
    assert "Preiļu 1. pamatskola" in text(client.get("/me", headers=EN))


def test_decline_remove_and_leave(client, school_and_ngo):
    school = school_and_ngo["school"]
    asker = make_representative(school, school_and_ngo["resident"], "requested")
    colleague = make_user(email="kolega@example.com", display_name="Kolēģe Anna")
    colleague_rep = make_representative(school, colleague, "approved")
    teacher_rep = db.session.scalar(select(Representative).where(Representative.user_id == school_and_ngo["teacher"].id))
    signed_in(client, school_and_ngo["teacher"])
    representatives = f"/organisations/{school.id}/representatives"
    page = text(client.get(representatives, headers=EN))
    assert "Leave the organisation" in page and "Remove" in page
    assert post_form(client, f"/representatives/{asker.id}/decline", token_from=representatives).status_code == 302
    assert fresh(Representative, asker.id).state == "declined"
    assert post_form(client, f"/representatives/{colleague_rep.id}/end", token_from=representatives).status_code == 302
    assert fresh(Representative, colleague_rep.id).state == "left"
    response = post_form(client, f"/representatives/{teacher_rep.id}/end", token_from=representatives)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/organisations/{school.id}")
    assert fresh(Representative, teacher_rep.id).state == "left"
    assert client.get(f"/organisations/{school.id}/edit").status_code == 403


def test_a_moderator_of_the_centre_decides_requests_when_there_is_no_representative(client, school_and_ngo):
    lonely = make_organisation(centre=school_and_ngo["preili"], kind="kindergarten", name="PII Pasaciņa")
    signed_in(client, school_and_ngo["resident"])
    post_form(
        client,
        f"/organisations/{lonely.id}/represent",
        {"message": "Vadītāja"},
        token_from=f"/organisations/{lonely.id}/represent",
    )
    request = db.session.scalar(select(Representative).where(Representative.organisation_id == lonely.id))
    assert (
        db.session.scalar(select(Notification.event).where(Notification.user_id == school_and_ngo["moderator"].id))
        == "representation_requested"
    )
    moderator = client.application.test_client()
    log_in(moderator, school_and_ngo["moderator"].email)
    assert (
        post_form(
            moderator, f"/representatives/{request.id}/approve", token_from=f"/organisations/{lonely.id}/representatives"
        ).status_code
        == 302
    )
    assert fresh(Representative, request.id).state == "approved"


# Verification ---------------------------------------------------------------------------------------------------


def test_a_moderator_verifies_and_unverifies(client, school_and_ngo):
    school = school_and_ngo["school"]
    signed_in(client, school_and_ngo["moderator"])
    page = text(client.get(f"/organisations/{school.id}", headers=EN))
    assert f'action="/organisations/{school.id}/verify"' in page
    assert post_form(client, f"/organisations/{school.id}/verify", token_from=f"/organisations/{school.id}").status_code == 302
    organisation = fresh(Organisation, school.id)
    assert organisation.is_verified and organisation.verified_by_id == school_and_ngo["moderator"].id
    assert "Verified by the centre" in text(client.application.test_client().get(f"/organisations/{school.id}", headers=EN))
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "organisation.verify")) is not None
    assert post_form(client, f"/organisations/{school.id}/unverify", token_from=f"/organisations/{school.id}").status_code == 302
    assert not fresh(Organisation, school.id).is_verified


def test_renaming_a_verified_organisation_removes_the_badge_and_says_so(client, school_and_ngo):
    school = school_and_ngo["school"]
    school.verified_at, school.verified_by_id = school.created_at, school_and_ngo["moderator"].id
    db.session.commit()
    signed_in(client, school_and_ngo["teacher"])
    edit = f"/organisations/{school.id}/edit"
    assert "Changing the name or the website removes the “Verified by the centre” mark" in text(client.get(edit, headers=EN))
    described = post_multipart(
        client,
        edit,
        organisation_form(school_and_ngo, name=school.name, website=school.website, description="Jauns apraksts."),
    )
    assert described.status_code == 302 and fresh(Organisation, school.id).is_verified

    renamed = post_multipart(
        client,
        edit,
        organisation_form(school_and_ngo, name="Preiļu novada pašvaldība (oficiālais konts)", website=school.website),
    )

    assert renamed.status_code == 302
    page = text(client.get(renamed.headers["Location"], headers=EN))
    assert (
        "Because the name or the website changed, the organisation is no longer marked as verified until a "
        "coordinator of the centre checks it again."
    ) in page
    assert "Verified by the centre" not in text(client.application.test_client().get(f"/organisations/{school.id}", headers=EN))
    assert "Verified by the centre" not in text(client.application.test_client().get("/organisations", headers=EN))
    moderator = client.application.test_client()
    log_in(moderator, school_and_ngo["moderator"].email)
    assert f'action="/organisations/{school.id}/verify"' in text(moderator.get(f"/organisations/{school.id}", headers=EN))
    notifications = text(moderator.get("/me/notifications", headers=EN))
    assert "changed its name or website: please check it and verify it again" in notifications
    assert f'href="/organisations/{school.id}"' in notifications


def test_representatives_and_other_moderators_cannot_verify(client, school_and_ngo):
    signed_in(client, school_and_ngo["teacher"])
    school, ngo = school_and_ngo["school"], school_and_ngo["ngo"]
    assert f"/organisations/{school.id}/verify" not in text(client.get(f"/organisations/{school.id}"))
    assert post_form(client, f"/organisations/{school.id}/verify", token_from=f"/organisations/{school.id}").status_code == 403
    moderator = client.application.test_client()
    log_in(moderator, school_and_ngo["moderator"].email)  # moderates Preiļi, not Aglona
    assert post_form(moderator, f"/organisations/{ngo.id}/verify", token_from=f"/organisations/{ngo.id}").status_code == 403
    assert not fresh(Organisation, school.id).is_verified and not fresh(Organisation, ngo.id).is_verified
    assert len(denied_entries(school_and_ngo["teacher"])) == 1 and len(denied_entries(school_and_ngo["moderator"])) == 1
