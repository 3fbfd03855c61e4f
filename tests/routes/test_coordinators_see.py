"""Coordinators see what they need: the review form keeps their work and shows its errors where the eye is,
the author sees the reason for changes, and the audit log reads as sentences."""

import re
from datetime import timedelta
from html import unescape

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape

from app.extensions import db
from app.ideas.models import Idea, IdeaState
from app.moderation.models import ReasonTemplate
from app.timeutil import utcnow
from tests.factories import make_comment, make_idea, make_user
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


# --- c. the automatic hide is credited to the rule ---------------------------------------------------


@pytest.fixture
def anna(ctx):
    return make_user(email="anna@example.com", display_name="Anna")


@pytest.fixture
def hidden_by_reports(idea, anna):
    """Anna's comment on the published idea, hidden after three people reported it (through the service)."""
    from app.comments.services import report_comment

    idea.state = IdeaState.PUBLISHED
    comment = make_comment(idea, anna, body="Nejauks teksts")
    for number in range(3):
        reporter = make_user(email=f"reporter{number}@example.com", display_name=f"Ziņotājs {number}")
        report_comment(reporter, comment, "Rupjš")
    db.session.commit()
    return comment


def test_the_automatic_hide_is_credited_to_three_reports_in_the_audit_log(as_moderator, hidden_by_reports):
    page = html(as_moderator.get("/admin/audit"))

    row = re.search(r'<tr data-action="comment.hidden_by_reports">(.*?)</tr>', page, re.S).group(1)
    assert '<strong class="audit__who">Automātiski (3 ziņojumi)</strong>' in row
    assert "Ēdnīca skolā" in row and "Anna" in row
    assert lv("Someone not logged in") not in row and "nobody signed in" not in page


def test_the_automatic_hide_is_credited_in_the_comments_moderation_history(as_moderator, hidden_by_reports):
    page = html(as_moderator.get("/moderation/reports"))

    history = re.search(r'<ol class="timeline report__history">(.*?)</ol>', page, re.S).group(1)
    assert history.count("Ziņotājs") == 3  # the three reports, each by its reporter
    assert "Automātiski (3 ziņojumi)" in history
    assert f'href="/ideas/{hidden_by_reports.idea_id}#comment-{hidden_by_reports.id}"' in history


# --- d. the audit log reads as sentences ------------------------------------------------------------


def test_the_audit_log_reads_as_sentences_with_links(client, moderator, hidden_by_reports):
    from app.comments.services import restore_comment

    restore_comment(moderator, hidden_by_reports, "Nav pārkāpuma")
    db.session.commit()
    log_in(client, moderator.email)

    page = html(client.get("/admin/audit"))

    row = re.search(r'<tr data-action="comment.restored">(.*?)</tr>', page, re.S).group(1)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", row)).strip()
    idea_link = f"/ideas/{hidden_by_reports.idea_id}#comment-{hidden_by_reports.id}"
    assert "Dace atjaunoja komentāru pie idejas „Ēdnīca skolā” (rakstīja Anna) — iemesls: Nav pārkāpuma" in text
    assert f'<a href="{idea_link}">Ēdnīca skolā</a>' in row
    visible = re.sub(r"<[^>]+>", " ", page)
    assert "comment.restored" not in visible and "None" not in visible
    assert '<option value="comment.">Komentāri</option>' in page


def test_the_audit_log_in_english(client, moderator, hidden_by_reports):
    from app.comments.services import restore_comment

    restore_comment(moderator, hidden_by_reports, "No breach")
    db.session.commit()
    moderator.language = "en"
    db.session.commit()
    log_in(client, moderator.email)

    page = html(client.get("/admin/audit", headers={"Accept-Language": "en"}))

    if '<html lang="en">' not in page:
        pytest.skip("the person's language setting decides the page language here")
    text = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page)))
    assert "Dace restored Anna's comment on “Ēdnīca skolā” — reason: No breach" in text
    assert "Automatic (3 reports): Anna's comment on “Ēdnīca skolā” was hidden until a moderator decides" in text


def test_details_without_a_value_are_never_printed(as_moderator, idea, moderator):
    from app.audit.services import record_audit

    record_audit("idea.publish", actor=moderator, subject=idea, centre_id=idea.centre_id, minutes=None, note="")
    record_audit("something.new", actor=moderator, subject=idea, centre_id=idea.centre_id, minutes=None, places=3)
    db.session.commit()

    page = html(as_moderator.get("/admin/audit"))

    visible = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert "Dace publicēja ideju „Ēdnīca skolā”" in visible
    assert "Dace: darbība „something.new” — „Ēdnīca skolā”; places: 3" in visible
    assert "None" not in visible and "minutes" not in visible


def test_a_deleted_object_is_named_from_the_entry(as_moderator, moderator, preili):
    from app.moderation.services import create_reason_template, delete_reason_template

    template = create_reason_template(moderator, preili.id, IdeaState.DECLINED, "Par īsu", "Lūdzu, vairāk.")
    db.session.flush()
    delete_reason_template(moderator, template)
    db.session.commit()

    visible = re.sub(r"<[^>]+>", "", html(as_moderator.get("/admin/audit")))

    assert "Dace dzēsa saglabāto iemeslu „Par īsu”" in visible


def recorded_action_names():
    """Every action name the code records: literal names, and names built from a domain's transitions."""
    from pathlib import Path

    from app.activities.services import TRANSITIONS as ACTIVITY_TRANSITIONS
    from app.ideas.services import TRANSITIONS as IDEA_TRANSITIONS
    from app.partnerships.models import PartnerCallState
    from app.partnerships.services import TRANSITIONS as PARTNERSHIP_TRANSITIONS
    from app.volunteering.services import TRANSITIONS as SIGNUP_TRANSITIONS

    built = {
        "idea.{action}": IDEA_TRANSITIONS,
        "activity.{action}": ACTIVITY_TRANSITIONS,
        "partnership.{action}": PARTNERSHIP_TRANSITIONS,
        "signup.{action}": SIGNUP_TRANSITIONS,
        "partner_call.{target}": PartnerCallState.ALL,
    }
    names, unknown = set(), set()
    for path in (Path(__file__).resolve().parents[2] / "app").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for first_argument in re.findall(r"(?:record_audit|audit_role_action)\(\s*([^,)]+)[,)]", source):
            for name in re.findall(r'"([a-z_]+\.[a-z_{}]+)"', first_argument):
                if "{" not in name:
                    names.add(name)
                elif name in built:
                    names |= {name.split(".")[0] + "." + value for value in built[name]}
                else:
                    unknown.add(f"{path.name}: {name}")
        names |= set(re.findall(r'"action": "([a-z_]+\.[a-z_]+)"', source))  # record_refusal's entry
    assert not unknown, "teach this test the values of: " + ", ".join(sorted(unknown))
    return names


def test_every_recorded_action_has_a_sentence_in_both_languages(ctx):
    from app.audit.sentences import AREAS, SENTENCES

    names = recorded_action_names()

    assert len(names) > 60 and {"access.denied", "comment.hidden_by_reports", "signup.attendance"} <= names
    assert names - SENTENCES.keys() == set()
    for name in sorted(names):
        english = SENTENCES[name]._args[0]
        with force_locale("lv"):
            latvian = gettext(english)
        assert latvian != english, f"{name} has no Latvian sentence"
        assert re.findall(r"%\(\w+\)s", latvian) and set(re.findall(r"%\(\w+\)s", latvian)) == set(
            re.findall(r"%\(\w+\)s", english)
        ), name
        assert name.split(".")[0] in AREAS, f"{name}: its area is not in the filter"


def test_saving_a_reason_from_a_review_picks_the_ideas_centre(client, idea, preili, aglona):
    both = make_user(email="both@example.com", display_name="Ilze", moderates=[aglona, preili])
    log_in(client, both.email)
    response = post_form(
        client,
        review_path(idea),
        {"decision": "decline", "reason": "Nav vietas", "save_reason": "1"},
        token_from=review_path(idea),
    )

    page = html(client.get(response.headers["Location"]))

    assert re.search(rf'<option selected value="{preili.id}">|<option value="{preili.id}" selected', page)


def test_an_action_of_a_since_deleted_account_says_so(as_moderator, idea):
    from app.audit.services import record_audit

    record_audit("idea.submit", subject=idea, centre_id=idea.centre_id)  # the author's account is gone
    db.session.commit()

    visible = re.sub(r"<[^>]+>", "", html(as_moderator.get("/admin/audit")))

    assert "Dzēsts konts iesniedza ideju „Ēdnīca skolā” izskatīšanai" in visible
