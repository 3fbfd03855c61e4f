"""Wording people read: greetings without a name in the wrong case, no "welcome back" the first time, dates."""

from tests.factories import make_user
from tests.helpers import html, log_in


def test_the_first_log_in_is_not_welcomed_back_and_the_next_one_is(app, ctx):
    person = make_user(email="janis@example.com", display_name="Jānis Kalniņš", language="lv")
    first = app.test_client()
    log_in(first, person.email)
    page = html(first.get("/"))
    assert "Laipni lūdzam Kopienā!" in page
    assert "Prieks jūs atkal redzēt" not in page
    assert "Jānis!" not in page

    again = app.test_client()
    log_in(again, person.email)
    page = html(again.get("/"))
    assert "Prieks jūs atkal redzēt!" in page
    assert "Laipni lūdzam!" in page
    assert "Jānis Kalniņš!" not in page and "Jānis!" not in page


def test_an_english_first_log_in_is_welcomed_by_name(app, ctx):
    person = make_user(email="anna@example.com", display_name="Anna Bērziņa", language="en")
    client = app.test_client()
    log_in(client, person.email)
    page = html(client.get("/", headers={"Accept-Language": "en"}))
    assert "Welcome to Kopiena, Anna Bērziņa!" in page
    assert "Welcome back" not in page


def test_roles_on_my_page_are_neutral_and_joined_without_stray_spaces(app, ctx, preili):
    person = make_user(email="ilze@example.com", display_name="Ilze Liepa", admin=True, moderates=(preili,))
    client = app.test_client()
    log_in(client, person.email)
    page = " ".join(html(client.get("/me")).split())
    assert f"Dalība kopienā, administrēšana, koordinācija: {preili.name}" in page
    assert " ," not in page
    assert "Iedzīvotājs" not in page and "administrators" not in page
