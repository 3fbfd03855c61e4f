"""Wording people read: greetings without a name in the wrong case, no "welcome back" the first time, dates."""

from datetime import datetime

import pytest
from flask import flash, render_template_string
from flask_babel import force_locale

from app.i18n import format_date, format_datetime, format_time, single_quotes
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


DATES = [
    # language, filter, format, expected for 5 December 2026, 14:30 in Riga
    ("lv", format_date, "short", "05.12.2026."),
    ("lv", format_datetime, "short", "05.12.2026. 14:30"),
    ("lv", format_date, "month", "2026. gada decembris"),
    ("lv", format_time, "short", "14:30"),
    ("en", format_date, "short", "5 Dec 2026"),
    ("en", format_date, "medium", "5 Dec 2026"),
    ("en", format_date, "long", "5 December 2026"),
    ("en", format_datetime, "short", "5 Dec 2026, 14:30"),
    ("en", format_date, "month", "December 2026"),
    ("en", format_time, "short", "14:30"),
]


@pytest.mark.parametrize(("language", "formatter", "pattern", "expected"), DATES)
def test_dates_have_four_digit_years_and_a_24_hour_clock(ctx, language, formatter, pattern, expected):
    moment = datetime(2026, 12, 5, 12, 30)  # UTC; Riga is two hours ahead in winter
    with force_locale(language):
        assert formatter(moment, pattern) == expected


def test_the_calendar_month_heading_is_latvian(client):
    page = html(client.get("/activities/calendar?month=2026-12"))
    assert "2026. gada decembris" in page


def test_latvian_hints_speak_plainly(app, ctx):
    person = make_user(email="maija@example.com", display_name="Maija Ozola", language="lv")
    client = app.test_client()
    log_in(client, person.email)
    page = html(client.get("/ideas/new"))
    assert "Precīza vieta kartē" in page
    for jargon in ("Ģeogrāfisk", "Markdown", "URL", "“"):
        assert jargon not in page


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ideja „„Zaļā klase”” ir publicēta.", "Ideja „Zaļā klase” ir publicēta."),
        ("Ideja „&#34;Zaļā klase&#34;” ir publicēta.", "Ideja „Zaļā klase” ir publicēta."),
        ("Biedrība „Zaļā” lomā „Palīgs”", "Biedrība „Zaļā” lomā „Palīgs”"),
        ("about “„Zaļā klase””", "about “Zaļā klase”"),
    ],
)
def test_a_name_with_its_own_quotes_gets_no_second_pair(text, expected):
    assert single_quotes(text) == expected


def test_pages_do_not_double_the_quotes_of_a_name(app, ctx):
    with app.test_request_context():
        page = render_template_string('{{ _("Someone wrote “%(title)s”", title=title) }}', title='"Zaļā klase"')
    assert page == "Someone wrote “Zaļā klase”"


def test_a_formatting_hint_links_to_a_short_help_page(app, ctx):
    person = make_user(email="liga@example.com", display_name="Līga Zariņa", language="lv")
    client = app.test_client()
    log_in(client, person.email)
    assert 'href="/help/formatting"' in html(client.get("/ideas/new"))
    page = html(client.get("/help/formatting"))
    assert "Kā noformēt tekstu" in page
    assert "<strong>svarīgi</strong>" in page
    assert "<li>otas</li>" in page


def test_flashed_messages_do_not_double_the_quotes_of_a_name(app, ctx):
    with app.test_request_context("/"):
        flash("Ideja „„Zaļā klase”” ir publicēta.", "success")
        page = render_template_string('{% extends "base.html" %}')
    assert "Ideja „Zaļā klase” ir publicēta." in page
