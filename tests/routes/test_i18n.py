"""Languages: which one a page is shown in, the language switch, Latvian plurals, and a complete catalogue."""

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext, ngettext

from app.accounts.models import User
from app.extensions import db
from tests.factories import make_user
from tests.helpers import client_for, log_in, post_form

ROOT = Path(__file__).resolve().parents[2]
LATVIAN_CATALOGUE = ROOT / "app" / "translations" / "lv" / "LC_MESSAGES" / "messages.po"
HTML_LANG = re.compile(r'<html lang="([a-z]+)">')


def page_language(response):
    assert response.status_code == 200
    return HTML_LANG.search(response.get_data(as_text=True)).group(1)


def test_pages_are_latvian_by_default(client):
    assert page_language(client.get("/")) == "lv"


def test_browser_asking_for_english_gets_english(client):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert page_language(response) == "en"
    assert "Log in" in response.get_data(as_text=True)


def test_browser_asking_for_an_unknown_language_gets_latvian(client):
    assert page_language(client.get("/", headers={"Accept-Language": "de-DE,fr;q=0.8"})) == "lv"


@pytest.mark.parametrize(("cookie", "browser"), [("lv", "en"), ("en", "lv")])
def test_language_cookie_beats_the_browser(client, cookie, browser):
    client.set_cookie("kopiena_lang", cookie)
    assert page_language(client.get("/", headers={"Accept-Language": browser})) == cookie


def test_unknown_language_cookie_is_ignored(client):
    client.set_cookie("kopiena_lang", "xx")
    assert page_language(client.get("/", headers={"Accept-Language": "en"})) == "en"


def test_the_persons_setting_beats_the_cookie_and_the_browser(client):
    person = make_user(email="john@example.com", display_name="John", language="en")
    log_in(client, person.email)
    client.set_cookie("kopiena_lang", "lv")
    assert page_language(client.get("/me", headers={"Accept-Language": "lv"})) == "en"


def switch_language(client, language, next_path):
    return post_form(client, "/language", {"language": language, "next": next_path}, token_from="/")


def test_language_switch_remembers_the_choice_and_goes_back(client):
    response = switch_language(client, "en", "/login?next=%2Fme")

    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert (target.netloc, target.path, target.query) in {("", "/login", "next=%2Fme"), ("localhost", "/login", "next=%2Fme")}
    assert page_language(client.get("/")) == "en"


@pytest.mark.parametrize("next_path", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", ""])
def test_language_switch_only_goes_back_to_local_pages(client, next_path):
    response = switch_language(client, "en", next_path)
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.netloc in ("", "localhost")
    assert target.path == "/"


def test_language_switch_refuses_an_unknown_language(client):
    response = switch_language(client, "xx", "/")
    assert response.status_code == 302
    assert "kopiena_lang=" not in " ".join(response.headers.getlist("Set-Cookie"))
    assert page_language(client.get("/")) == "lv"


def test_signed_in_persons_choice_is_saved_on_the_account(client, user):
    log_in(client, user.email)
    assert switch_language(client, "en", "/me").status_code == 302

    db.session.expire_all()
    assert db.session.get(User, user.id).language == "en"
    other_browser = client_for(client.application, user)  # no language cookie there
    assert page_language(other_browser.get("/me")) == "en"


def test_latvian_has_three_plural_forms(app):
    with app.test_request_context(headers={"Accept-Language": "lv"}), force_locale("lv"):
        forms = {n: ngettext("%(num)d person found", "%(num)d people found", n) for n in (0, 1, 2, 11, 21)}
    words = {n: text.replace(str(n), "#") for n, text in forms.items()}
    # Latvian: 1, 21, 31… (but not 11) take one form; 0 another; everything else a third.
    assert words[1] == words[21]
    assert words[2] == words[11]
    assert len({words[0], words[1], words[2]}) == 3, forms
    assert forms[1] != "1 person found", "not translated"


def test_pages_use_the_latvian_catalogue(client, app):
    with app.test_request_context(), force_locale("lv"):
        expected = gettext("Log in")
    assert expected != "Log in", "not translated"
    assert f">{expected}</a>" in client.get("/").get_data(as_text=True)


def test_every_message_has_a_latvian_translation(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "_lp:1c,2",
            "-k",
            "lazy_pgettext:1c,2",
            "--no-location",
            "-o",
            str(template),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with template.open("rb") as file:
        extracted = [message for message in read_po(file) if message.id]
    with LATVIAN_CATALOGUE.open("rb") as file:
        latvian = read_po(file, locale="lv")
    assert len(extracted) > 50  # the extraction itself worked

    problems = []
    for message in extracted:
        translated = latvian.get(message.id, context=message.context)
        plural = isinstance(message.id, tuple)
        name = repr(message.id[0] if plural else message.id)
        if translated is None:
            problems.append(f"missing: {name}")
        elif translated.fuzzy:
            problems.append(f"fuzzy: {name}")
        elif plural:
            forms = translated.string if isinstance(translated.string, tuple) else (translated.string,)
            if len(forms) != latvian.num_plurals or not all(forms):
                problems.append(f"needs {latvian.num_plurals} non-empty plural forms: {name}")
        elif not translated.string:
            problems.append(f"empty: {name}")
    assert problems == [], f"{len(problems)} of {len(extracted)} messages:\n" + "\n".join(problems)
