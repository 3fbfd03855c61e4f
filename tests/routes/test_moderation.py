"""The moderation pages: review queue, header count, decisions, saved reasons, reported comments."""

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import select

from app.extensions import db
from app.ideas.models import Idea, IdeaEvent, IdeaState
from app.moderation.models import ReasonTemplate
from app.notifications.models import Notification
from app.timeutil import utcnow
from tests.factories import make_centre, make_comment, make_comment_report, make_idea, make_reason_template, make_user
from tests.helpers import audit_entries, client_for, csrf_token, html, log_in, post_form, run_at_once
from tests.statements import statements_of


def in_latvian(message, **variables):
    """A message as the (Latvian) page shows it, escaped as the template does."""
    with force_locale("lv"):
        variables = {key: gettext(value) if key == "state" else value for key, value in variables.items()}
        return str(escape(gettext(message, **variables)))


def field_error(page, field_id):
    match = re.search(rf'<p class="field__error" id="{field_id}-error">(.*?)</p>', page, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def reload(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


@pytest.fixture
def moderator(preili):
    return make_user(email="dace@example.com", display_name="Koordinatore Dace", moderates=[preili])


@pytest.fixture
def as_moderator(client, moderator):
    log_in(client, moderator.email)
    return client


def submitted(author, centre, title, hours_ago=1, **fields):
    """A submitted idea that has waited the given number of hours."""
    idea = make_idea(author=author, centre=centre, state=IdeaState.SUBMITTED, title=title, **fields)
    idea.submitted_at = utcnow() - timedelta(hours=hours_ago)
    db.session.commit()
    return idea


def queue_titles(page):
    return re.findall(r'<h2 class="queue-item__title"><a href="/moderation/ideas/\d+">(.*?)</a>', page)


def reported_comment(idea, author, reports=1, hidden=False, body="Nejauks komentārs"):
    """A comment on the idea with open reports (written directly; the comments domain has its own tests)."""
    comment = make_comment(idea, author, body=body, hidden_at=utcnow() if hidden else None)
    for number in range(reports):
        reporter = make_user(email=f"reporter{comment.id}-{number}@example.com", display_name=f"Ziņotājs {number}")
        make_comment_report(comment, reporter, reason="Rupjš")
    return comment


# --- the queue ------------------------------------------------------------------------------------


def test_queue_shows_the_ideas_of_own_centres_oldest_first(as_moderator, preili, aglona, author):
    submitted(author, preili, "Jaunākā", hours_ago=1)
    submitted(author, preili, "Vecākā", hours_ago=50)
    submitted(author, preili, "Vidējā", hours_ago=5)
    submitted(author, aglona, "Aglonas ideja", hours_ago=100)
    make_idea(author=author, centre=preili, state=IdeaState.PUBLISHED, title="Jau publicēta")
    make_idea(author=author, centre=preili, state=IdeaState.DRAFT, title="Melnraksts")

    page = html(as_moderator.get("/moderation"))

    assert queue_titles(page) == ["Vecākā", "Vidējā", "Jaunākā"]
    assert "Preiļi" in page and str(escape(author.display_name)) in page
    assert "Aglonas ideja" not in page


def test_queue_shows_how_long_each_idea_has_waited(as_moderator, preili, author):
    submitted(author, preili, "Soliņi", hours_ago=72)
    with force_locale("lv"):
        from flask_babel import format_timedelta

        expected = format_timedelta(timedelta(hours=72), threshold=1)
    assert expected in html(as_moderator.get("/moderation"))


def test_admin_sees_the_ideas_of_every_centre(client, admin, preili, aglona, author):
    submitted(author, preili, "Preiļu ideja", hours_ago=1)
    submitted(author, aglona, "Aglonas ideja", hours_ago=2)
    log_in(client, admin.email)
    assert queue_titles(html(client.get("/moderation"))) == ["Aglonas ideja", "Preiļu ideja"]


def test_queue_is_paginated_and_keeps_the_order(as_moderator, preili, author):
    for number in range(25):
        submitted(author, preili, f"Ideja {number:02d}", hours_ago=100 - number)

    first = queue_titles(html(as_moderator.get("/moderation")))
    second = queue_titles(html(as_moderator.get("/moderation?page=2")))

    assert first == [f"Ideja {number:02d}" for number in range(20)]
    assert second == [f"Ideja {number:02d}" for number in range(20, 25)]


def test_empty_queue_says_so(as_moderator):
    assert in_latvian("Nothing is waiting. Thank you!") in html(as_moderator.get("/moderation"))


# --- who may use the moderation pages -------------------------------------------------------------


@pytest.fixture
def idea_to_review(preili, author):
    return submitted(author, preili, "Soliņi parkā")


def moderation_gets(idea):
    return [
        "/moderation",
        "/moderation/reports",
        "/moderation/reasons",
        "/moderation/reasons/new",
        f"/moderation/ideas/{idea.id}",
    ]


def test_visitors_are_sent_to_log_in(client, idea_to_review):
    for path in moderation_gets(idea_to_review):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login" in response.headers["Location"]


def test_residents_get_403_and_an_audit_entry(client, idea_to_review):
    resident = make_user(email="valdis@example.com", display_name="Valdis")
    log_in(client, resident.email)
    paths = moderation_gets(idea_to_review)
    for path in paths:
        assert client.get(path).status_code == 403, path
    # a decision by a resident changes nothing
    token = csrf_token(client, "/")
    response = client.post(f"/moderation/ideas/{idea_to_review.id}", data={"csrf_token": token, "decision": "publish"})
    assert response.status_code == 403
    assert reload(Idea, idea_to_review.id).state == IdeaState.SUBMITTED
    denied = audit_entries("access.denied")
    assert len(denied) == len(paths) + 1
    assert {entry.actor_id for entry in denied} == {resident.id}
    assert denied[-1].details["path"] == f"/moderation/ideas/{idea_to_review.id}"


def test_moderator_of_another_centre_gets_403_and_an_audit_entry(client, idea_to_review, aglona_moderator):
    log_in(client, aglona_moderator.email)

    assert client.get(f"/moderation/ideas/{idea_to_review.id}").status_code == 403
    token = csrf_token(client, "/moderation")
    response = client.post(f"/moderation/ideas/{idea_to_review.id}", data={"csrf_token": token, "decision": "publish"})

    assert response.status_code == 403
    assert reload(Idea, idea_to_review.id).state == IdeaState.SUBMITTED
    assert [entry.actor_id for entry in audit_entries("access.denied")] == [aglona_moderator.id] * 2


def test_someone_elses_draft_is_not_found_even_for_moderators(as_moderator, preili, author):
    draft = make_idea(author=author, centre=preili, state=IdeaState.DRAFT, title="Melnraksts")
    assert as_moderator.get(f"/moderation/ideas/{draft.id}").status_code == 404
    assert as_moderator.get("/moderation/ideas/999999").status_code == 404


# --- the count in the header ----------------------------------------------------------------------


def header_link(page):
    match = re.search(r'<a href="/moderation"[^>]*>(.*?)</a>', page, re.S)
    return match.group(1) if match else None


def test_header_shows_what_waits_in_own_centres(as_moderator, preili, aglona, author):
    submitted(author, preili, "Pirmā")
    idea = submitted(author, preili, "Otrā")
    published = make_idea(author=author, centre=preili, state=IdeaState.PUBLISHED)
    reported_comment(published, author, reports=1)
    reported_comment(published, author, reports=3, hidden=True)
    submitted(author, aglona, "Aglonas")  # another centre: not counted
    reported_comment(make_idea(author=author, centre=aglona), author)

    link = header_link(html(as_moderator.get("/")))

    assert link is not None
    assert '<span class="nav-count" aria-hidden="true">(4)</span>' in link
    with force_locale("lv"):
        from flask_babel import ngettext

        label = ngettext("%(num)d item waiting", "%(num)d items waiting", 4)
    assert f'<span class="visually-hidden">, {label}</span>' in link
    assert idea.id  # the page stays the same for the rest


def test_header_without_waiting_items_shows_no_number(as_moderator):
    link = header_link(html(as_moderator.get("/")))
    assert link is not None and "nav-count" not in link


def test_residents_and_visitors_have_no_moderation_link(client, author):
    assert header_link(html(client.get("/"))) is None
    log_in(client, author.email)
    assert header_link(html(client.get("/"))) is None


def warmed_up_statements_of(client, path):
    client.get(path)  # warm up: the session's last-seen time is written at most once a minute
    return statements_of(client, path)


def test_header_count_costs_one_statement_for_moderators_and_none_for_residents(app, moderator, author, preili):
    submitted(author, preili, "Pirmā")
    resident_client, moderator_client = app.test_client(), app.test_client()
    log_in(resident_client, author.email)
    log_in(moderator_client, moderator.email)

    resident = warmed_up_statements_of(resident_client, "/")
    moderator_statements = warmed_up_statements_of(moderator_client, "/")

    counting = [s for s in moderator_statements if "comments.open_report_count" in s]
    # one SELECT with three scalar subqueries: submitted ideas, reported comments, reported ideas
    assert len(counting) == 1 and counting[0].count("count(") == 3 and "ideas.open_report_count" in counting[0]
    assert not [s for s in resident if "comments.open_report_count" in s]
    assert len(moderator_statements) == len(resident) + 1


# --- decisions ------------------------------------------------------------------------------------


def decide(client, idea, decision, reason="", saved_reason=""):
    path = f"/moderation/ideas/{idea.id}"
    data = {"decision": decision, "reason": reason, "saved_reason": saved_reason}
    return post_form(client, path, data, token_from=path)


def events_of(idea):
    db.session.expire_all()
    return db.session.scalars(select(IdeaEvent).where(IdeaEvent.idea_id == idea.id).order_by(IdeaEvent.id)).all()


def test_decision_page_shows_the_idea(as_moderator, preili, author):
    idea = submitted(
        author,
        preili,
        "Soliņi <b>parkā</b>",
        description="Parkā trūkst **soliņu**.\n\n<script>alert(1)</script>[x](javascript:alert(2))",
        needs="Dēļi un skrūves",
        seeking_school_partner=True,
        partner_age_groups="7-9,10-12",
        partner_subjects="arts",
    )
    page = html(as_moderator.get(f"/moderation/ideas/{idea.id}"))

    assert "Soliņi &lt;b&gt;parkā&lt;/b&gt;" in page
    assert "<b>parkā</b>" not in page
    assert "<strong>soliņu</strong>" in page and "Dēļi un skrūves" in page
    assert "<script>alert(1)" not in page and 'href="javascript' not in page
    with force_locale("lv"):
        assert gettext("Ages 7–9") in page and gettext("Arts and crafts") in page
    for decision in ("publish", "request_changes", "decline"):
        assert f'value="{decision}"' in page


def test_publishing_needs_no_reason(as_moderator, moderator, idea_to_review, author):
    response = decide(as_moderator, idea_to_review, "publish")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/moderation")
    saved = reload(Idea, idea_to_review.id)
    assert saved.state == IdeaState.PUBLISHED and saved.published_at is not None
    last = events_of(idea_to_review)[-1]
    assert (last.to_state, last.actor_id, last.reason) == (IdeaState.PUBLISHED, moderator.id, "")
    [entry] = audit_entries("idea.publish")
    assert (entry.actor_id, entry.subject_id, entry.centre_id) == (moderator.id, idea_to_review.id, idea_to_review.centre_id)
    assert (
        db.session.scalar(select(Notification).where(Notification.user_id == author.id, Notification.event == "idea_published"))
        is not None
    )
    page = html(as_moderator.get("/moderation"))
    assert in_latvian("“%(title)s” is published. The author has been told.", title="Soliņi parkā") in page


@pytest.mark.parametrize(
    ("decision", "state"), [("request_changes", IdeaState.CHANGES_REQUESTED), ("decline", IdeaState.DECLINED)]
)
def test_request_changes_and_decline_need_a_reason(as_moderator, idea_to_review, decision, state):
    refused = decide(as_moderator, idea_to_review, decision, reason="   ")

    assert refused.status_code == 200
    assert field_error(html(refused), "reason") == in_latvian("Please tell the author why: write a reason or choose a saved one.")
    assert reload(Idea, idea_to_review.id).state == IdeaState.SUBMITTED

    response = decide(as_moderator, idea_to_review, decision, reason="Lūdzu, norādiet vietu.")

    assert response.status_code == 302
    assert reload(Idea, idea_to_review.id).state == state
    assert events_of(idea_to_review)[-1].reason == "Lūdzu, norādiet vietu."


def test_a_decision_must_be_chosen_and_the_reason_is_kept(as_moderator, idea_to_review):
    response = decide(as_moderator, idea_to_review, "", reason="Mans teksts <i>šeit</i>")

    assert response.status_code == 200
    page = html(response)
    assert field_error(page, "decision") == in_latvian("Please choose a decision.")
    assert "Mans teksts &lt;i&gt;šeit&lt;/i&gt;</textarea>" in page
    assert reload(Idea, idea_to_review.id).state == IdeaState.SUBMITTED


def test_unknown_decision_is_refused(as_moderator, idea_to_review):
    response = decide(as_moderator, idea_to_review, "archive", reason="x")
    assert response.status_code == 200
    assert reload(Idea, idea_to_review.id).state == IdeaState.SUBMITTED


def test_a_saved_reason_fills_an_empty_reason_box(as_moderator, idea_to_review, preili):
    template = make_reason_template(preili, IdeaState.DECLINED)

    response = decide(as_moderator, idea_to_review, "decline", saved_reason=str(template.id))

    assert response.status_code == 302
    assert reload(Idea, idea_to_review.id).state == IdeaState.DECLINED
    assert events_of(idea_to_review)[-1].reason == "Ideja neattiecas uz mūsu novadu."


def test_a_written_reason_wins_over_a_saved_one(as_moderator, idea_to_review, preili):
    template = make_reason_template(preili, IdeaState.DECLINED)
    decide(as_moderator, idea_to_review, "decline", reason="Mans paša teksts", saved_reason=str(template.id))
    assert events_of(idea_to_review)[-1].reason == "Mans paša teksts"


def test_a_saved_reason_of_another_decision_is_refused(as_moderator, idea_to_review, preili):
    template = make_reason_template(preili, IdeaState.PUBLISHED, title="Paldies")

    response = decide(as_moderator, idea_to_review, "decline", saved_reason=str(template.id))

    assert response.status_code == 200
    assert field_error(html(response), "saved_reason")
    assert reload(Idea, idea_to_review.id).state == IdeaState.SUBMITTED


def test_a_saved_reason_of_another_centre_is_refused(as_moderator, idea_to_review, aglona):
    template = make_reason_template(aglona, IdeaState.DECLINED)

    response = decide(as_moderator, idea_to_review, "decline", saved_reason=str(template.id))

    assert response.status_code == 200
    assert field_error(html(response), "saved_reason") == in_latvian("Please choose one of the saved reasons.")
    assert reload(Idea, idea_to_review.id).state == IdeaState.SUBMITTED


def test_the_decision_page_offers_the_centres_saved_reasons_by_decision(as_moderator, idea_to_review, preili, aglona):
    make_reason_template(preili, IdeaState.DECLINED, title="<script>alert(1)</script>")
    make_reason_template(preili, IdeaState.CHANGES_REQUESTED, title="Trūkst vietas")
    make_reason_template(aglona, IdeaState.DECLINED, title="Aglonas teksts")

    page = html(as_moderator.get(f"/moderation/ideas/{idea_to_review.id}"))

    select_html = re.search(r'<select[^>]*id="saved_reason"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in select_html
    assert "<script>alert(1)" not in page
    assert "Trūkst vietas" in select_html and "Aglonas teksts" not in select_html
    assert select_html.count("<optgroup") == 2


def test_second_of_two_moderators_is_told_and_the_first_decision_stands(app, moderator, idea_to_review, preili):
    other = make_user(email="ilze@example.com", display_name="Koordinatore Ilze", moderates=[preili])
    first, second = app.test_client(), app.test_client()
    log_in(first, moderator.email)
    log_in(second, other.email)
    path = f"/moderation/ideas/{idea_to_review.id}"
    first_token, second_token = csrf_token(first, path), csrf_token(second, path)  # both have the form open

    assert first.post(path, data={"csrf_token": first_token, "decision": "publish"}).status_code == 302
    response = second.post(path, data={"csrf_token": second_token, "decision": "decline", "reason": "Nē"})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(path)
    page = html(second.get(path))
    assert (
        in_latvian(
            "%(name)s decided on “%(title)s” before you: it is now “%(state)s”. Your decision was not saved.",
            name="Koordinatore Dace",
            title="Soliņi parkā",
            state="Published",
        )
        in page
    )
    assert 'name="decision"' not in page  # no form any more
    assert reload(Idea, idea_to_review.id).state == IdeaState.PUBLISHED
    assert [event.to_state for event in events_of(idea_to_review)][-1] == IdeaState.PUBLISHED
    assert len(audit_entries("idea.publish")) == 1 and audit_entries("idea.decline") == []


@pytest.mark.real_commits
def test_two_moderators_deciding_at_the_same_moment_one_wins(app, moderator, idea_to_review, preili):
    other = make_user(email="ilze@example.com", display_name="Koordinatore Ilze", moderates=[preili])
    clients = [client_for(app, moderator), client_for(app, other)]
    path = f"/moderation/ideas/{idea_to_review.id}"
    tokens = [csrf_token(client, path) for client in clients]
    decisions = [{"decision": "publish"}, {"decision": "decline", "reason": "Nē"}]

    def posting(client, token, decision):
        """A job for run_at_once: nothing to load before the barrier; after it, the client posts the decision."""
        return lambda: lambda: client.post(path, data={"csrf_token": token, **decision})

    jobs = [posting(*job) for job in zip(clients, tokens, decisions, strict=True)]
    results = run_at_once(app, jobs, outcome=lambda response: response)

    assert [result.status_code for result in results] == [302, 302]
    winners = [index for index, result in enumerate(results) if result.headers["Location"].endswith("/moderation")]
    assert len(winners) == 1
    loser = 1 - winners[0]
    assert results[loser].headers["Location"].endswith(path)
    expected = IdeaState.PUBLISHED if winners[0] == 0 else IdeaState.DECLINED
    assert reload(Idea, idea_to_review.id).state == expected
    assert len([e for e in events_of(idea_to_review) if e.from_state == IdeaState.SUBMITTED]) == 1
    with app.app_context():
        shown = html(clients[loser].get(path))  # the flash is shown once
    assert "Jūsu lēmums netika saglabāts." in shown


def test_an_idea_no_longer_waiting_says_so(as_moderator, preili, author):
    idea = make_idea(author=author, centre=preili, state=IdeaState.PUBLISHED, title="Gatava")
    page = html(as_moderator.get(f"/moderation/ideas/{idea.id}"))
    assert in_latvian("This idea is not waiting for a decision: it is “%(state)s”.", state="Published") in page
    assert 'name="decision"' not in page


def test_a_withdrawn_idea_tells_the_moderator(as_moderator, idea_to_review):
    path = f"/moderation/ideas/{idea_to_review.id}"
    token = csrf_token(as_moderator, path)
    idea = reload(Idea, idea_to_review.id)
    idea.state = IdeaState.DRAFT
    db.session.commit()

    response = as_moderator.post(path, data={"csrf_token": token, "decision": "publish"})

    assert response.status_code == 302 and response.headers["Location"].endswith("/moderation")
    assert in_latvian("The author has withdrawn this idea, so there is nothing to decide any more.") in html(
        as_moderator.get("/moderation")
    )
    assert reload(Idea, idea_to_review.id).state == IdeaState.DRAFT


def test_another_centres_moderator_learns_nothing_of_a_draft(client, idea_to_review, aglona_moderator):
    log_in(client, aglona_moderator.email)
    token = csrf_token(client, "/moderation")
    idea = reload(Idea, idea_to_review.id)
    idea.state = IdeaState.DRAFT
    db.session.commit()
    response = client.post(f"/moderation/ideas/{idea_to_review.id}", data={"csrf_token": token, "decision": "publish"})
    assert response.status_code == 404


def test_decisions_are_post_only_with_csrf(as_moderator, idea_to_review):
    response = as_moderator.post(f"/moderation/ideas/{idea_to_review.id}", data={"decision": "publish"})
    assert response.status_code == 400
    assert reload(Idea, idea_to_review.id).state == IdeaState.SUBMITTED


# --- saved reasons --------------------------------------------------------------------------------


def reason_form(client, path, **fields):
    data = {"decision": IdeaState.DECLINED, "title": "Nav vietējā", "text": "Ideja neattiecas uz mūsu novadu."}
    data.update(fields)
    return post_form(client, path, data, token_from=path)


def templates():
    db.session.expire_all()
    return db.session.scalars(select(ReasonTemplate).order_by(ReasonTemplate.id)).all()


def test_moderator_saves_edits_and_deletes_a_reason(as_moderator, moderator, preili):
    response = reason_form(as_moderator, "/moderation/reasons/new")

    assert response.status_code == 302
    [template] = templates()
    assert (template.centre_id, template.decision, template.title) == (preili.id, "declined", "Nav vietējā")
    assert "Nav vietējā" in html(as_moderator.get("/moderation/reasons"))

    response = reason_form(
        as_moderator, f"/moderation/reasons/{template.id}/edit", title="Ārpus novada", decision=IdeaState.CHANGES_REQUESTED
    )
    assert response.status_code == 302
    [template] = templates()
    assert (template.title, template.decision) == ("Ārpus novada", "changes_requested")

    response = post_form(as_moderator, f"/moderation/reasons/{template.id}/delete", token_from="/moderation/reasons")
    assert response.status_code == 302
    assert templates() == []
    actions = [
        (entry.action, entry.actor_id, entry.centre_id)
        for entry in audit_entries()
        if entry.action.startswith("reason_template.")
    ]
    assert actions == [
        ("reason_template.created", moderator.id, preili.id),
        ("reason_template.updated", moderator.id, preili.id),
        ("reason_template.deleted", moderator.id, preili.id),
    ]


def test_reason_form_shows_errors_and_keeps_the_input(as_moderator):
    response = reason_form(as_moderator, "/moderation/reasons/new", title="", text="")
    page = html(response)

    assert response.status_code == 200
    assert field_error(page, "title") == in_latvian("Please enter a short title.")
    assert field_error(page, "text") == in_latvian("Please write the text the author will see.")
    assert templates() == []

    response = reason_form(as_moderator, "/moderation/reasons/new", title="Virsraksts\r\nBcc: x", text="Teksts paliek")
    assert field_error(html(response), "title") and "Teksts paliek</textarea>" in html(response)
    assert templates() == []


def test_one_centre_no_centre_picker(as_moderator):
    assert 'name="centre"' not in html(as_moderator.get("/moderation/reasons/new"))


def test_several_centres_choose_one_of_their_own(client, preili, aglona):
    rezekne = make_centre(name="Rēzekne", slug="rezekne")
    both = make_user(email="both@example.com", moderates=[preili, aglona])
    log_in(client, both.email)
    page = html(client.get("/moderation/reasons/new"))
    assert 'name="centre"' in page and ">Rēzekne</option>" not in page

    refused = reason_form(client, "/moderation/reasons/new", centre=str(rezekne.id))
    assert refused.status_code == 200 and field_error(html(refused), "centre")
    assert templates() == []

    assert reason_form(client, "/moderation/reasons/new", centre=str(aglona.id)).status_code == 302
    assert [template.centre_id for template in templates()] == [aglona.id]


def test_moderators_see_only_their_centres_reasons_and_cannot_touch_others(as_moderator, moderator, preili, aglona):
    make_reason_template(preili, IdeaState.DECLINED, title="Preiļu teksts")
    theirs = make_reason_template(aglona, IdeaState.DECLINED, title="Aglonas teksts")

    page = html(as_moderator.get("/moderation/reasons"))
    assert "Preiļu teksts" in page and "Aglonas teksts" not in page

    assert as_moderator.get(f"/moderation/reasons/{theirs.id}/edit").status_code == 403
    response = post_form(as_moderator, f"/moderation/reasons/{theirs.id}/delete", token_from="/moderation/reasons")
    assert response.status_code == 403
    assert len(templates()) == 2
    assert [entry.actor_id for entry in audit_entries("access.denied")] == [moderator.id] * 2


def test_reason_texts_are_shown_inert(as_moderator, preili):
    make_reason_template(preili, IdeaState.DECLINED, title='<img src=x onerror="alert(1)">', text="<script>alert('x')</script>")
    page = html(as_moderator.get("/moderation/reasons"))
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x" in page


def test_delete_is_post_only(as_moderator, preili):
    template = make_reason_template(preili, IdeaState.DECLINED)
    assert as_moderator.get(f"/moderation/reasons/{template.id}/delete").status_code == 405
    assert len(templates()) == 1


# --- reported comments ----------------------------------------------------------------------------


def test_reports_page_lists_reported_comments_of_own_centres(as_moderator, preili, aglona, author):
    mine = make_idea(author=author, centre=preili, title="Preiļu ideja")
    comment = reported_comment(mine, author, reports=2, body="<script>alert(1)</script> rupjības")
    theirs = make_idea(author=author, centre=aglona, title="Aglonas ideja")
    reported_comment(theirs, author, body="Aglonas komentārs")

    page = html(as_moderator.get("/moderation/reports"))

    assert "&lt;script&gt;alert(1)&lt;/script&gt; rupjības" in page
    assert "<script>alert(1)" not in page
    assert "Aglonas komentārs" not in page
    assert page.count("Rupjš") == 2
    assert f"/comments/{comment.id}/hide" in page
