"""Coordinators see what they need: the review form keeps their work and shows its errors where the eye is,
the author sees the reason for changes, and the audit log reads as sentences."""

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape

from app.extensions import db
from app.ideas.models import Idea, IdeaState
from app.moderation.models import ReasonTemplate
from app.timeutil import utcnow
from tests.factories import make_idea, make_user
from tests.helpers import html, log_in, post_form


def lv(message, **variables):
    """A message as the (Latvian) page shows it."""
    with force_locale("lv"):
        return str(escape(gettext(message, **variables)))


def title_of(page):
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()


@pytest.fixture
def moderator(preili):
    return make_user(email="dace@example.com", display_name="Dace", moderates=[preili])


@pytest.fixture
def as_moderator(client, moderator):
    log_in(client, moderator.email)
    return client


@pytest.fixture
def idea(preili, author):
    idea = make_idea(author=author, centre=preili, state=IdeaState.SUBMITTED, title="Ēdnīca skolā")
    idea.submitted_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    return idea


def review_path(idea):
    return f"/moderation/ideas/{idea.id}"


# --- a. the review form ---------------------------------------------------------------------------


def test_a_decision_without_a_reason_puts_the_error_summary_first_with_focus_and_error_title(as_moderator, idea):
    response = post_form(as_moderator, review_path(idea), {"decision": "decline", "reason": ""}, token_from=review_path(idea))

    assert response.status_code == 200
    page = html(response)
    assert title_of(page).startswith(lv("Error:") + " ")
    assert lv("Error:") == "Kļūda:"
    summary = re.search(r'<div class="error-summary"[^>]*>', page).group(0)
    assert 'tabindex="-1"' in summary and "autofocus" in summary
    form_start = page.index(f'<form method="post" action="{review_path(idea)}"')
    assert page.index('class="error-summary"') < form_start  # above the form's fields
    assert lv("Please tell the author why: write a reason or choose a saved one.") in page
    assert "<script" not in page.split("<main", 1)[1].split("</main>")[0]
    assert db.session.get(Idea, idea.id).state == IdeaState.SUBMITTED


def test_a_page_without_errors_has_no_error_title(as_moderator, idea):
    page = html(as_moderator.get(review_path(idea)))
    assert not title_of(page).startswith(lv("Error:"))
    assert 'class="error-summary"' not in page


def test_the_error_title_is_generic_for_any_form_with_errors(as_moderator):
    response = post_form(
        as_moderator,
        "/moderation/reasons/new",
        {"decision": "declined", "title": "", "text": ""},
        token_from="/moderation/reasons/new",
    )
    assert response.status_code == 200
    assert title_of(html(response)).startswith("Kļūda: ")


def test_saving_the_typed_reason_for_reuse_keeps_it_in_the_decision(as_moderator, idea, preili):
    typed = "Lūdzu, norādiet <vietu> un laiku."
    response = post_form(
        as_moderator,
        review_path(idea),
        {"decision": "request_changes", "reason": typed, "save_reason": "1"},
        token_from=review_path(idea),
    )

    assert response.status_code == 302
    new_reason = response.headers["Location"]
    assert new_reason.startswith("/moderation/reasons/new") and f"idea={idea.id}" in new_reason
    form_page = html(as_moderator.get(new_reason))
    assert f"{escape(typed)}</textarea>" in form_page
    assert re.search(r'<option selected value="changes_requested">|<option value="changes_requested" selected', form_page)
    assert db.session.get(Idea, idea.id).state == IdeaState.SUBMITTED  # nothing decided yet

    saved = post_form(
        as_moderator,
        new_reason,
        {"decision": "changes_requested", "title": "Vieta un laiks", "text": typed},
        token_from=new_reason,
    )

    assert saved.status_code == 302 and saved.headers["Location"] == review_path(idea)
    [template] = db.session.query(ReasonTemplate).all()
    assert (template.centre_id, template.text) == (preili.id, typed)
    back = html(as_moderator.get(review_path(idea)))
    assert f"{escape(typed)}</textarea>" in back
    assert re.search(r'value="request_changes"[^>]*checked|checked[^>]*value="request_changes"', back)
    # The draft is used once: a later visit starts empty.
    assert f"{escape(typed)}</textarea>" not in html(as_moderator.get(review_path(idea)))


def test_saving_a_reason_needs_a_valid_form_token(as_moderator, idea):
    response = as_moderator.post(review_path(idea), data={"decision": "decline", "reason": "x", "save_reason": "1"})
    assert response.status_code in (200, 400)
    assert "/moderation/reasons/new" not in response.headers.get("Location", "")
    assert db.session.get(Idea, idea.id).state == IdeaState.SUBMITTED


# --- b. the author's edit form after "changes requested" -------------------------------------------


def test_the_edit_form_after_changes_requested_shows_the_moderators_reason_above_the_fields(client, moderator, idea, author):
    from app.ideas.services import transition

    transition(idea, "request_changes", moderator, "Vecais iemesls")
    db.session.commit()
    transition(idea, "submit", author)
    transition(idea, "request_changes", moderator, "Lūdzu, norādiet <vietu> un laiku.")
    db.session.commit()
    log_in(client, author.email)

    page = html(client.get(f"/ideas/{idea.id}/edit"))

    reason_at = page.index(f"{escape('Lūdzu, norādiet <vietu> un laiku.')}</div>")
    assert reason_at < page.index('id="title"')  # above the fields
    assert lv("What the coordinators ask you to change") in page
    assert "Vecais iemesls" not in page  # the latest request only
    assert "<vietu>" not in page


def test_a_draft_edit_form_shows_no_changes_request(client, author, preili):
    draft = make_idea(author=author, centre=preili, state=IdeaState.DRAFT, title="Melnraksts")
    log_in(client, author.email)
    page = html(client.get(f"/ideas/{draft.id}/edit"))
    assert lv("What the coordinators ask you to change") not in page
