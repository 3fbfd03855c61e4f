"""Registration asks the age and the acceptance of the terms: children under 13 get no account (and nothing of theirs
is kept), 13–15-year-olds are shown by first name and initial, the acceptance is recorded with the versions."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import TooYoung, register_user
from app.audit.models import AuditEntry
from app.extensions import db
from app.legal.models import Consent
from app.outbox.models import OutboxMessage
from app.timeutil import utcnow
from tests.factories import make_comment, make_idea, make_user
from tests.factories_legal import make_legal_version
from tests.helpers import count, html, post_form

YEAR = utcnow().year
PASSWORD = "violet kayak under the bridge"
NAME, EMAIL = "Anna Bērziņa", "anna.berzina@example.lv"


def register(client, **fields):
    form = {"display_name": NAME, "email": EMAIL, "password": PASSWORD, "language": "lv", "accept_terms": "y", **fields}
    return post_form(client, "/register", {key: value for key, value in form.items() if value is not None})


def registered():
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == EMAIL))


def nothing_stored():
    return count(User) == 0 and count(AuditEntry) == 0 and count(OutboxMessage) == 0 and count(Consent) == 0


# --- who gets an account -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("box", "year", "kept_year"),
    [
        ("y", None, None),  # "I am 16 or older": no year at all
        (None, str(YEAR - 16), None),  # 16 this year: the year is not needed, so not kept
        (None, str(YEAR - 70), None),
        (None, str(YEAR - 15), YEAR - 15),
        (None, str(YEAR - 13), YEAR - 13),  # 13 this year, even before the birthday
        ("y", str(YEAR - 14), YEAR - 14),  # a year given counts, whatever the box says
        (None, f" {YEAR - 14} ", YEAR - 14),  # spaces around it are no mistake
    ],
)
def test_who_may_register_and_which_year_is_kept(client, box, year, kept_year):
    response = register(client, is_16_or_older=box, birth_year=year)
    assert response.status_code == 200
    assert "Pārbaudiet savu e-pastu" in html(response)
    user = registered()
    assert user is not None and user.birth_year == kept_year


@pytest.mark.parametrize(
    ("box", "year"), [(None, str(YEAR - 12)), (None, str(YEAR - 1)), (None, str(YEAR)), ("y", str(YEAR - 10))]
)
def test_a_child_under_13_gets_no_account_and_nothing_is_kept(client, box, year):
    response = register(client, is_16_or_older=box, birth_year=year, display_name="Mazā Anniņa")
    assert response.status_code == 200
    page = html(response)
    assert "Tu vari piedalīties kopā ar vecākiem" in page
    assert "Vecākiem un aizbildņiem" in page  # and the parent is told how
    assert 'href="/contact"' in page
    assert EMAIL not in page and "Anniņa" not in page
    assert nothing_stored()  # no account, no audit entry (not even the address), no mail, no consent


def test_a_child_is_told_at_once_even_when_other_fields_are_wrong(client):
    response = register(client, birth_year=str(YEAR - 11), password="short", email="not-an-address", accept_terms=None)
    assert "Tu vari piedalīties kopā ar vecākiem" in html(response)
    assert nothing_stored()


def test_the_service_itself_refuses_a_child(ctx):
    with pytest.raises(TooYoung):
        register_user("Anniņa", EMAIL, PASSWORD, "lv", birth_year=YEAR - 12)
    assert nothing_stored()


# --- mistakes in the year ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("", "Lūdzu, atzīmējiet „Man ir 16 vai vairāk gadu” vai norādiet savu dzimšanas gadu."),
        ("abcd", "ar četriem cipariem"),
        ("211", "ar četriem cipariem"),
        ("20111", "ar četriem cipariem"),
        ("2011.5", "ar četriem cipariem"),
        ("-2000", "ar četriem cipariem"),
        ("١٩٩٠", "ar četriem cipariem"),  # digits, but not 0–9
        ("9" * 400, "ar četriem cipariem"),  # far beyond any integer column
        (str(2**63), "ar četriem cipariem"),
        (str(YEAR + 1), "Šis gads vēl nav pienācis"),
        ("1899", "pirms 1900. gada"),
        ("0000", "pirms 1900. gada"),
        ("19\x0090", "nevar saglabāt"),  # a NUL byte: never a 500, never a year
    ],
)
def test_a_wrong_year_gets_a_message_next_to_the_field_and_the_rest_is_kept(client, year, message):
    response = register(client, birth_year=year)
    assert response.status_code == 200
    page = html(response)
    error = page.split('id="birth_year-error"', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert f'value="{NAME}"' in page and f'value="{EMAIL}"' in page
    assert PASSWORD not in page
    assert count(User) == 0


def test_the_terms_must_be_accepted(client):
    response = register(client, is_16_or_older="y", accept_terms=None)
    page = html(response)
    assert 'id="accept_terms-error"' in page
    assert "Lai izveidotu kontu, lūdzu, pieņemiet lietošanas noteikumus un privātuma paziņojumu." in page
    assert 'href="/terms"' in page and 'href="/privacy"' in page
    assert count(User) == 0


def test_the_registration_page_asks_the_age_and_links_the_documents(client):
    page = html(client.get("/register"))
    for field in ('id="is_16_or_older"', 'id="birth_year"', 'inputmode="numeric"', 'id="accept_terms"'):
        assert field in page
    assert '<a href="/terms">lietošanas noteikumus</a>' in page
    assert 'class="privacy-line"' in page


# --- what is recorded ----------------------------------------------------------------------------------------------


def test_registering_records_the_acceptance_of_the_current_versions(client):
    make_legal_version("privacy", 3)
    before = utcnow() - timedelta(seconds=1)
    register(client, is_16_or_older="y")
    user = registered()
    consents = db.session.scalars(select(Consent).where(Consent.user_id == user.id).order_by(Consent.document)).all()
    assert [(c.document, c.version) for c in consents] == [("privacy", 3), ("terms", 1)]
    assert all(before <= c.accepted_at <= utcnow() for c in consents)


def test_a_taken_address_records_no_new_acceptance(client):
    make_user(email=EMAIL)
    response = register(client, is_16_or_older="y")
    assert "Pārbaudiet savu e-pastu" in html(response)
    assert count(Consent) == 0


# --- what others see of a 13–15-year-old ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth_year", "shown"), [(YEAR - 14, "Anna B."), (YEAR - 13, "Anna B."), (YEAR - 16, NAME), (None, NAME)]
)
def test_others_see_a_young_authors_first_name_and_initial(client, birth_year, shown):
    author = make_user(email="young@example.com", display_name=NAME)
    author.birth_year = birth_year
    db.session.commit()
    idea = make_idea(author=author)
    make_comment(idea, author=author, body="Es arī palīdzēšu!")
    make_comment(idea, author=make_user(email="other@example.com", display_name="Valdis Ozols"))
    page = html(client.get(f"/ideas/{idea.id}"))
    assert f"<dd>{shown}</dd>" in page  # the idea's author
    assert f'<strong class="comment__author">{shown}</strong>' in page  # the comment's author
    if shown != NAME:
        assert "Bērziņa" not in page
