"""Wording (issue 13 item 8): Latvian sentences about the person who wrote an idea or a comment do not assume a man,
the plural forms follow the catalogue's rule, and hints say how to do a thing in plain words (no "Markdown")."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext, ngettext

from app.activities.attendance_forms import OutcomeForm
from app.legal.forms import PLACEHOLDER_HINT
from tests.factories import make_user
from tests.helpers import signed_in

PO = Path(__file__).resolve().parents[2] / "app" / "translations" / "lv" / "LC_MESSAGES" / "messages.po"


@pytest.fixture(scope="module")
def catalogue():
    with PO.open("rb") as file:
        return read_po(file)


#: a sentence telling what one person did or will get, with a masculine noun for them ("Autors izdzēsa …",
#: "… nosūtīts idejas autoram"); column headings ("Autors") and lists of roles stay
MASCULINE_PERSON = re.compile(r"^Autors \w+|autoram\b|\bredzēs autors\.|Idejas autors izskatīs|Komentāra autors neredz")


def test_latvian_sentences_about_the_author_do_not_assume_a_man(catalogue):
    found = [
        (message.id, message.string)
        for message in catalogue
        if message.id and isinstance(message.string, str) and MASCULINE_PERSON.search(message.string)
    ]
    assert found == []


@pytest.mark.parametrize(
    "english, latvian",
    [
        ("The author has deleted this comment; there is nothing left to review.", "Komentārs jau ir izdzēsts"),
        ("Reason for the author", "Lēmuma pamatojums"),
        ("The author is looking for a school partner.", "Šai idejai tiek meklēta sadarbības skola."),
        ("Remove the photo", "Noņemt fotoattēlu"),
    ],
)
def test_the_neutral_wording_is_what_people_read(ctx, english, latvian):
    with force_locale("lv"):
        assert gettext(english).startswith(latvian)


def test_every_plural_has_three_latvian_forms_in_the_rule_s_order(catalogue, ctx):
    assert catalogue.num_plurals == 3
    for message in catalogue:
        if message.pluralizable and message.id:
            assert len(message.string) == 3 and all(message.string), message.id
    with force_locale("lv"):
        forms = {n: ngettext("%(num)d volunteer gave %(hours)s hours", "", n, hours="2") for n in (0, 1, 2, 11, 21, 25)}
    assert forms[1].startswith("1 brīvprātīgais") and forms[21].startswith("21 brīvprātīgais")
    assert forms[2].startswith("2 brīvprātīgie") and forms[11].startswith("11 brīvprātīgie")
    assert forms[25].startswith("25 brīvprātīgie") and forms[0].startswith("0 brīvprātīgo")


def test_hints_explain_formatting_and_map_positions_in_plain_words(client, ctx):
    with force_locale("en"):
        hints = [str(OutcomeForm.outcome.kwargs["description"]), str(PLACEHOLDER_HINT)]
    for hint in hints:
        assert "Markdown" not in hint and "Simple formatting works" in hint
    with force_locale("lv"):
        assert "Markdown" not in str(OutcomeForm.outcome.kwargs["description"])
        assert "Markdown" not in str(PLACEHOLDER_HINT)


def test_the_idea_form_says_how_to_find_the_map_numbers_in_both_languages(client, app, preili):
    signed_in(client, make_user(email="anna@example.com", language="en"))
    english = client.get("/ideas/new").get_data(as_text=True)
    assert "Exact spot on the map (optional)" in english and "openstreetmap.org: right-click it" in english
    latvian_client = signed_in(app.test_client(), make_user(email="janis@example.com", language="lv"))
    latvian = latvian_client.get("/ideas/new").get_data(as_text=True)
    assert "Precīza vieta kartē (nav obligāta)" in latvian and "noklikšķiniet uz tās ar peles labo pogu" in latvian
    for page in (english, latvian):
        assert "Latitude" not in page and "platums" not in page and "URL" not in page
