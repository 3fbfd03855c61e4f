"""The legal pages as visitors, residents and admins see them: both languages, the footer, the settings written into
the texts, editing by admins (a new version each time, the old ones kept), refusals, and hostile Markdown."""

import re

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.legal.documents import SLUGS, default_text
from app.legal.models import LegalDocument
from tests.factories import make_centre, make_user
from tests.factories_legal import make_legal_version
from tests.helpers import audit_entries, count, html, log_in, post_form

LV = {"Accept-Language": "lv"}
EN = {"Accept-Language": "en"}
FOOTER_LV = ["Privātuma paziņojums", "Lietošanas noteikumi", "Paziņojums par piekļūstamību", "Kontaktinformācija", "Sīkdatnes"]
FOOTER_EN = ["Privacy notice", "Terms of use", "Accessibility statement", "Contact", "Cookies"]
FOOTER_PATHS = ["/privacy", "/terms", "/accessibility", "/contact", "/cookies"]


def footer(response):
    match = re.search(r'<footer class="site-footer">(.*?)</footer>', html(response), re.S)
    assert match, "no footer"
    return match.group(1)


def article(response):
    match = re.search(r'<article class="legal-page">(.*?)</article>', html(response), re.S)
    assert match, "no legal page"
    return match.group(1)


def edit_form(slug, **fields):
    title_lv, body_lv = default_text(slug, "lv")
    title_en, body_en = default_text(slug, "en")
    form = {"title_lv": title_lv, "title_en": title_en, "body_lv": body_lv, "body_en": body_en, "based_on": "1"}
    return {**form, **fields}


def versions(slug):
    db.session.expire_all()
    return db.session.scalars(select(LegalDocument).where(LegalDocument.slug == slug).order_by(LegalDocument.version)).all()


# --- the pages -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize(("headers", "language"), [(LV, "lv"), (EN, "en")])
def test_every_legal_page_is_public_in_both_languages(client, slug, headers, language):
    response = client.get(f"/{slug}", headers=headers)
    assert response.status_code == 200
    title, _body = default_text(slug, language)
    assert f'<html lang="{language}">' in html(response)
    assert f"<h1>{title}</h1>" in html(response)
    assert re.findall(r"\{[a-z_]+\}", html(response)) == []  # every setting's name was replaced


@pytest.mark.parametrize(
    "path", ["/", "/ideas", "/activities", "/organisations", "/partners", "/login", "/register", "/privacy", "/no-such-page"]
)
@pytest.mark.parametrize(("headers", "texts"), [(LV, FOOTER_LV), (EN, FOOTER_EN)])
def test_the_footer_links_the_five_pages_in_the_pages_language(client, path, headers, texts):
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', footer(client.get(path, headers=headers)))
    assert links == list(zip(FOOTER_PATHS, texts, strict=True))


def test_the_footer_is_on_signed_in_pages_too(client, user):
    log_in(client, user.email)
    for path in ("/me", "/me/profile", "/me/notifications"):
        assert "/accessibility" in footer(client.get(path)), path


def test_the_privacy_notice_states_the_configured_retention_periods_and_contacts(ctx, client):
    settings = {
        "RETENTION_SENT_MAIL_DAYS": 41,
        "RETENTION_COMPANION_NAMES_DAYS": 42,
        "RETENTION_SIGNUP_MESSAGES_DAYS": 143,
        "RETENTION_NETWORK_DAYS": 94,
        "RETENTION_UNCONFIRMED_ACCOUNT_DAYS": 35,
        "RETENTION_READ_NOTIFICATION_DAYS": 186,
        "DATA_EXPORT_DAYS": 9,
        "LEGAL_CONTROLLER_NAME": "Rēzeknes novada pašvaldība",
        "LEGAL_DPO_EMAIL": "dpo@rezekne.example.lv",
    }
    old = {key: ctx.config[key] for key in settings}
    ctx.config.update(settings)
    try:
        for headers, word in ((LV, "dienas"), (EN, "days")):
            text = article(client.get("/privacy", headers=headers))
            for days in (41, 42, 143, 94, 35, 186, 9):
                assert f"{days} {word}" in text
            assert "Rēzeknes novada pašvaldība" in text
            assert 'href="mailto:dpo@rezekne.example.lv"' in text
    finally:
        ctx.config.update(old)


def test_the_default_retention_periods_appear_as_flask_purge_uses_them(ctx, client):
    text = article(client.get("/privacy", headers=EN))
    for key in ("RETENTION_SENT_MAIL_DAYS", "RETENTION_SIGNUP_MESSAGES_DAYS", "RETENTION_NETWORK_DAYS", "DATA_EXPORT_DAYS"):
        assert f"{ctx.config[key]} days" in text, key


def test_the_cookie_page_names_the_cookies_the_app_sets(ctx, client, user):
    text = article(client.get("/cookies", headers=EN))
    response = post_form(client, "/login", {"email": user.email, "password": "correct horse battery staple", "remember": "y"})
    set_cookies = {header.split("=", 1)[0] for header in response.headers.getlist("Set-Cookie")}
    switched = post_form(client, "/language", {"language": "en", "next": "/"}, token_from="/")
    set_cookies |= {header.split("=", 1)[0] for header in switched.headers.getlist("Set-Cookie")}
    assert set_cookies == {"kopiena_session", "kopiena_remember", "kopiena_lang"}
    for name in set_cookies:
        assert f"<strong>{name}</strong>" in text
    assert "no analytics" in text


def test_the_contact_page_lists_the_active_centres_only(client):
    make_centre(name="Preiļi", slug="preili")
    make_centre(name="Aglona", slug="aglona")
    make_centre(name="Slēgtais centrs", slug="closed", is_active=False)
    text = article(client.get("/contact"))
    assert "Preiļi" in text and "Aglona" in text
    assert "Slēgtais centrs" not in text


def test_an_unknown_legal_page_is_404(client):
    assert client.get("/imprint").status_code == 404
    assert client.get("/admin/legal/imprint").status_code in (302, 404)


def test_the_newest_stored_version_is_shown_with_its_number(client):
    make_legal_version("terms", 2, body="Otrā versija.")
    text = article(client.get("/terms", headers=LV))
    assert "Otrā versija." in text
    assert "2. versija" in text


# --- admins edit ------------------------------------------------------------------------------------------------


def test_admins_see_the_five_pages_with_their_versions(client, admin):
    log_in(client, admin.email)
    page = html(client.get("/admin/legal", headers=EN))
    for slug in SLUGS:
        assert f'href="/admin/legal/{slug}"' in page
        assert f'href="/admin/legal/{slug}/versions"' in page
    assert page.count("1. versija") == 5  # the admin's language is Latvian


def test_saving_adds_version_2_and_keeps_version_1(client, admin):
    log_in(client, admin.email)
    assert 'value="1"' in html(client.get("/admin/legal/privacy"))  # the version the edit starts from
    response = post_form(
        client, "/admin/legal/privacy", edit_form("privacy", body_lv="Jauns teksts."), token_from="/admin/legal/privacy"
    )
    assert response.status_code == 302
    first, second = versions("privacy")
    assert (first.version, first.body_lv) == (1, default_text("privacy", "lv")[1])
    assert first.created_by_id is None
    assert (second.version, second.body_lv.strip(), second.created_by_id) == (2, "Jauns teksts.", admin.id)
    assert second.body_en == first.body_en
    assert "Jauns teksts." in article(client.get("/privacy", headers=LV))
    [entry] = audit_entries("legal.published")
    assert entry.actor_id == admin.id and entry.details == {"slug": "privacy", "version": 2, "asks_consent": False}
    history = html(client.get("/admin/legal/privacy/versions"))
    assert 'href="/admin/legal/privacy/versions/1"' in history and 'href="/admin/legal/privacy/versions/2"' in history
    assert default_text("privacy", "lv")[0] in html(client.get("/admin/legal/privacy/versions/1"))
    assert client.get("/admin/legal/privacy/versions/3").status_code == 404


def test_a_third_version_keeps_both_earlier_ones(client, admin):
    log_in(client, admin.email)
    for number, text in ((2, "Otrais."), (3, "Trešais.")):
        post_form(
            client, "/admin/legal/terms", edit_form("terms", body_lv=text, based_on=str(number - 1)), token_from="/admin/legal"
        )
    assert [(row.version, row.body_lv.strip()) for row in versions("terms")][1:] == [(2, "Otrais."), (3, "Trešais.")]


def test_sending_the_same_text_twice_makes_one_version(client, admin):
    log_in(client, admin.email)
    form = edit_form("cookies", body_en="Only essential cookies.")
    post_form(client, "/admin/legal/cookies", form, token_from="/")
    post_form(client, "/admin/legal/cookies", form, token_from="/")  # a double click: based on 1 again
    assert [row.version for row in versions("cookies")] == [1, 2]


def test_an_edit_started_before_another_version_was_published_is_not_lost(client, admin):
    make_legal_version("contact", 2, author=admin)
    log_in(client, admin.email)
    response = post_form(client, "/admin/legal/contact", edit_form("contact", body_lv="Mans teksts."), token_from="/")
    assert response.status_code == 200
    assert "Kamēr labojāt, tika publicēta cita versija" in html(response)
    assert "Mans teksts." in html(response)
    assert 'name="based_on" type="hidden" value="2"' in html(response)  # saving again publishes it as version 3
    assert [row.version for row in versions("contact")] == [1, 2]


def test_asking_for_consent_is_kept_for_terms_and_privacy_only(client, admin):
    log_in(client, admin.email)
    assert "asks_consent" in html(client.get("/admin/legal/terms"))
    assert "asks_consent" not in html(client.get("/admin/legal/cookies"))
    post_form(client, "/admin/legal/terms", edit_form("terms", body_lv="Jauni.", asks_consent="y"), token_from="/")
    post_form(client, "/admin/legal/cookies", edit_form("cookies", body_lv="Jauni.", asks_consent="y"), token_from="/")
    assert versions("terms")[-1].asks_consent is True
    assert versions("cookies")[-1].asks_consent is False


@pytest.mark.parametrize(
    ("field", "value"),
    [("title_lv", ""), ("body_en", "   "), ("title_en", "Two\r\nlines"), ("body_lv", "x" * 100_001), ("body_lv", "Teksts\x00")],
)
def test_a_wrong_field_gets_a_message_and_the_rest_is_kept(client, admin, field, value):
    log_in(client, admin.email)
    response = post_form(
        client, "/admin/legal/privacy", edit_form("privacy", **{"title_en": "My own title", field: value}), token_from="/"
    )
    assert response.status_code == 200
    assert f'id="{field}-error"' in html(response)
    assert "My own title" in html(response) or field == "title_en"
    assert count(LegalDocument) == 0


def test_markdown_in_a_legal_page_cannot_run_scripts(client, admin):
    log_in(client, admin.email)
    hostile = (
        '<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[click](javascript:alert(3))\n\n'
        "[data](data:text/html,<script>alert(4)</script>)\n\n# Heading\n\n{contact_email} {secret_key} {0}"
    )
    post_form(client, "/admin/legal/privacy", edit_form("privacy", body_lv=hostile), token_from="/")
    text = article(client.get("/privacy", headers=LV))
    assert "<script" not in text and "<img" not in text
    assert not re.search(r"<[^>]*\bon[a-z]+=", text)  # no event handler in any tag
    assert 'href="javascript' not in text and 'href="data:' not in text
    assert "<h2>Heading</h2>" in text  # the author's top heading is a section of the page
    assert "kopiena@example.lv {secret_key} {0}" in text  # only the settings meant for the texts are replaced


# --- who may edit ------------------------------------------------------------------------------------------------

ADMIN_PAGES = [
    ("get", "/admin/legal"),
    ("get", "/admin/legal/privacy"),
    ("post", "/admin/legal/privacy"),
    ("get", "/admin/legal/terms/versions"),
    ("get", "/admin/legal/terms/versions/1"),
]


@pytest.mark.parametrize(("method", "path"), ADMIN_PAGES)
def test_visitors_are_sent_to_log_in(client, method, path):
    response = client.get(path) if method == "get" else post_form(client, path, edit_form("privacy"))
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(("method", "path"), ADMIN_PAGES)
def test_residents_and_coordinators_are_refused_and_it_is_audited(client, preili, method, path):
    for person in (make_user(email="resident@example.com"), make_user(email="coordinator@example.com", moderates=[preili])):
        other = client.application.test_client()
        log_in(other, person.email)
        response = (
            other.get(path) if method == "get" else post_form(other, path, edit_form("privacy", body_lv="Mans."), token_from="/")
        )
        assert response.status_code == 403
    assert count(LegalDocument) == 0
    refusals = [entry for entry in audit_entries("access.denied") if entry.details["what"] == "legal.admin"]
    assert len(refusals) == 2


def test_the_admin_menu_links_the_legal_pages_for_admins_only(client, admin, user):
    log_in(client, admin.email)
    assert 'href="/admin/legal"' in html(client.get("/admin/users"))
    other = client.application.test_client()
    log_in(other, user.email)
    assert 'href="/admin/legal"' not in html(other.get("/"))


def test_publishing_is_audited_without_the_text(client, admin):
    log_in(client, admin.email)
    post_form(client, "/admin/legal/terms", edit_form("terms", body_lv="Slepens teksts."), token_from="/")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "legal.published"))
    assert "Slepens" not in str(entry.details)
