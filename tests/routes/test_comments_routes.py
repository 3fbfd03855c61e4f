"""Comments through the browser's eyes: the discussion on an idea's page, the forms, reports,
moderators' decisions, escaping, CSRF, access and the posting limit."""

import re

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.comments import services
from app.comments.models import Comment, CommentReport
from app.extensions import db
from app.ideas.models import Idea
from tests.factories import make_idea, make_user
from tests.helpers import csrf_token, html, post_form, signed_in
from tests.statements import recorded_statements

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def idea_page(client, idea, **params):
    response = client.get(f"/ideas/{idea.id}", query_string=params)
    assert response.status_code == 200, response.status_code
    return html(response)


def as_person(client, person):
    """Sign the client in as the person (ending whoever was signed in before)."""
    client.delete_cookie("kopiena_session")
    return signed_in(client, person)


def in_english(client):
    """Visitors see English (signed-in people: their own setting; the test people's is English)."""
    client.set_cookie("kopiena_lang", "en")
    return client


def send_comment(client, idea, body, parent=None):
    data = {"body": body}
    if parent is not None:
        data["parent_id"] = str(parent.id)
    return post_form(client, f"/ideas/{idea.id}/comments", data, token_from=f"/ideas/{idea.id}")


def comment_by(person, idea, body="Laba ideja!", parent=None):
    comment = services.add_comment(person, idea, body, parent=parent)
    db.session.commit()
    return comment


def reload(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def comments():
    db.session.expire_all()
    return db.session.scalars(select(Comment).order_by(Comment.id)).all()


def field_error(page, field_id):
    match = re.search(rf'<p class="field__error" id="{field_id}-error">(.*?)</p>', page, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def article(page, comment):
    """The HTML of one comment on the page."""
    match = re.search(rf'<article class="comment[^"]*" id="comment-{comment.id}">(.*?)</article>', page, re.S)
    assert match, f"comment {comment.id} not on the page"
    return match.group(1)


def report(person, comment, reason="Aizvainojoši"):
    services.report_comment(person, reload(Comment, comment.id), reason)
    db.session.commit()


# --- writing --------------------------------------------------------------------------------------


def test_resident_comments_and_sees_it_on_the_idea_page(client, discussion):
    as_person(client, discussion.anna)

    response = send_comment(client, discussion.idea, "Labs priekšlikums!")

    [comment] = comments()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/ideas/{discussion.idea.id}#comment-{comment.id}")
    assert (comment.body, comment.author_id) == ("Labs priekšlikums!", discussion.anna.id)
    page = idea_page(client, discussion.idea)
    assert "Labs priekšlikums!" in article(page, comment) and "Anna" in article(page, comment)
    assert reload(Idea, discussion.idea.id).comment_count == 1


def test_visitor_reads_comments_but_is_asked_to_log_in_to_write(client, discussion):
    comment = comment_by(discussion.anna, discussion.idea, "Redzams visiem")

    page = idea_page(client, discussion.idea)

    assert "Redzams visiem" in article(page, comment)
    assert 'id="comment-form"' not in page
    assert "/login?next=" in page
    response = client.post(
        f"/ideas/{discussion.idea.id}/comments",
        data={"body": "Bez konta", "csrf_token": csrf_token(client, f"/ideas/{discussion.idea.id}")},
    )
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert len(comments()) == 1


def test_comment_form_is_on_the_page_for_members(client, discussion):
    as_person(client, discussion.anna)
    page = idea_page(client, discussion.idea)
    assert 'id="comment-form"' in page and '<label class="field__label" for="comment-body">' in page


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("   ", "Please write something first."),
        ("garš " * 1001, "A comment can be at most 5000 characters long."),
    ],
)
def test_bad_comment_is_shown_again_with_the_error_next_to_the_field(client, discussion, body, message):
    as_person(client, discussion.anna)

    response = send_comment(client, discussion.idea, body)

    page = html(response)
    assert response.status_code == 200
    assert message in field_error(page, "body")
    assert f"{body.strip()}</textarea>" in page  # the text is kept
    assert comments() == []


def test_comment_text_is_plain_escaped_text_with_line_breaks(client, discussion):
    comment = comment_by(
        discussion.anna, discussion.idea, f"Pirmā rinda\notrā {XSS}\n\nJauna rindkopa https://example.com **ne**"
    )
    page = idea_page(client, discussion.idea)
    body = article(page, comment)
    assert "<script>" not in page.split("</footer>")[0].split('<main id="main"')[1]
    assert str(escape(XSS)) in body
    assert "<p>Pirmā rinda<br>otrā " in body and "<p>Jauna rindkopa https://example.com **ne**</p>" in body
    assert 'href="https://example.com' not in page and "<strong>ne</strong>" not in body


def test_author_names_are_escaped(client, discussion):
    evil = make_user(email="evil@example.com", display_name=XSS)
    comment = comment_by(evil, discussion.idea, "Sveiki")
    page = idea_page(client, discussion.idea)
    assert str(escape(XSS)) in article(page, comment)
    assert "<img src=x" not in page


# --- replies --------------------------------------------------------------------------------------


def test_reply_link_opens_a_reply_form_and_the_reply_lands_under_the_top_comment(client, discussion):
    top = comment_by(discussion.anna, discussion.idea, "Augšējais")
    reply = comment_by(discussion.valdis, discussion.idea, "Atbilde", parent=top)
    as_person(client, discussion.marija)

    page = idea_page(client, discussion.idea)
    assert f"?reply_to={reply.id}#reply-form-{top.id}" in article(page, reply)
    page = idea_page(client, discussion.idea, reply_to=reply.id)
    assert f'id="reply-form-{top.id}"' in page and f'name="parent_id" value="{reply.id}"' in page
    assert "Your reply to Valdis" in page

    response = send_comment(client, discussion.idea, "Valdim", parent=reply)

    answer = comments()[-1]
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#comment-{answer.id}")
    assert answer.parent_id == top.id
    page = idea_page(client, discussion.idea)
    replies = page.split(f'id="comment-{top.id}"')[1]
    assert replies.index(f'id="comment-{reply.id}"') < replies.index(f'id="comment-{answer.id}"')


# --- a form sent twice (a double-click) makes one comment -----------------------------------------------------------


def form_as_rendered(client, path, form_id):
    """The hidden fields of one form on the page, as the browser would send them."""
    page = html(client.get(path))
    form = re.search(rf'<form [^>]*id="{form_id}"[^>]*>(.*?)</form>', page, re.S)
    assert form, f"no form {form_id} on {path}"
    fields = {}
    for tag in re.findall(r"<input [^>]*>", form.group(1)):
        if 'type="hidden"' in tag:
            fields[re.search(r'name="(\w+)"', tag).group(1)] = re.search(r'value="([^"]*)"', tag).group(1)
    return fields


def send_twice(client, idea, fields, body):
    """The same form, sent twice: what a double-click on its button does."""
    return [client.post(f"/ideas/{idea.id}/comments", data=dict(fields, body=body)) for _ in range(2)]


def test_the_same_comment_form_sent_twice_makes_one_comment(client, discussion):
    as_person(client, discussion.anna)
    form = form_as_rendered(client, f"/ideas/{discussion.idea.id}", "comment-form")
    assert form["submission_key"]

    first, second = send_twice(client, discussion.idea, form, "Laba ideja!")

    [comment] = comments()
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"] == f"/ideas/{discussion.idea.id}#comment-{comment.id}"
    assert reload(Idea, discussion.idea.id).comment_count == 1
    assert "Your comment is published." in idea_page(client, discussion.idea)  # no error for the second sending


def test_two_comment_forms_make_two_comments_even_with_the_same_text(client, discussion):
    as_person(client, discussion.anna)
    forms = [form_as_rendered(client, f"/ideas/{discussion.idea.id}", "comment-form") for _ in range(2)]
    assert forms[0]["submission_key"] != forms[1]["submission_key"]
    for form in forms:
        assert client.post(f"/ideas/{discussion.idea.id}/comments", data=dict(form, body="Jā!")).status_code == 302
    assert [comment.body for comment in comments()] == ["Jā!", "Jā!"]


def test_the_same_reply_form_sent_twice_makes_one_reply_and_two_forms_make_two(client, discussion):
    top = comment_by(discussion.valdis, discussion.idea, "Augšējais")
    as_person(client, discussion.anna)
    reply_page = f"/ideas/{discussion.idea.id}?reply_to={top.id}"
    form = form_as_rendered(client, reply_page, f"reply-form-{top.id}")

    first, second = send_twice(client, discussion.idea, form, "Piekrītu")
    assert first.headers["Location"] == second.headers["Location"]
    assert [(comment.body, comment.parent_id) for comment in comments()[1:]] == [("Piekrītu", top.id)]

    another = form_as_rendered(client, reply_page, f"reply-form-{top.id}")
    assert client.post(f"/ideas/{discussion.idea.id}/comments", data=dict(another, body="Piekrītu")).status_code == 302
    assert [comment.body for comment in comments()[1:]] == ["Piekrītu", "Piekrītu"]


def test_a_form_sent_again_after_an_error_is_still_the_same_form(client, discussion):
    as_person(client, discussion.anna)
    form = form_as_rendered(client, f"/ideas/{discussion.idea.id}", "comment-form")
    corrected = client.post(f"/ideas/{discussion.idea.id}/comments", data=dict(form, body="  "))
    assert corrected.status_code == 200
    assert f'name="submission_key" value="{form["submission_key"]}"' in html(corrected)

    send_twice(client, discussion.idea, form, "Tagad ar tekstu")
    assert [comment.body for comment in comments()] == ["Tagad ar tekstu"]


def test_a_key_not_made_by_the_form_is_ignored(client, discussion):
    as_person(client, discussion.anna)
    form = form_as_rendered(client, f"/ideas/{discussion.idea.id}", "comment-form")
    for _ in range(2):
        client.post(f"/ideas/{discussion.idea.id}/comments", data=dict(form, submission_key="x" * 500, body="Garš"))
    assert [comment.submission_key for comment in comments()] == [None, None]


def test_reply_to_a_comment_of_another_idea_answers_404(client, discussion):
    other = make_idea(author=discussion.author, centre=discussion.centre, title="Cita")
    elsewhere = comment_by(discussion.anna, other, "Citur")
    as_person(client, discussion.valdis)
    assert send_comment(client, discussion.idea, "Atbilde", parent=elsewhere).status_code == 404
    assert len(comments()) == 1


# --- which ideas take comments --------------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "submitted", "changes_requested", "declined"])
def test_ideas_not_visible_answer_404_to_others(client, discussion, state):
    idea = make_idea(author=discussion.author, centre=discussion.centre, state=state)
    as_person(client, discussion.anna)
    response = post_form(client, f"/ideas/{idea.id}/comments", {"body": "Sveiki"}, token_from="/me")
    assert response.status_code == 404
    assert comments() == []


@pytest.mark.parametrize("state", ["submitted", "changes_requested", "declined"])
def test_author_and_moderator_of_an_unpublished_idea_cannot_comment(client, discussion, state):
    idea = make_idea(author=discussion.author, centre=discussion.centre, state=state)
    for person in (discussion.author, discussion.moderator):
        as_person(client, person)
        assert post_form(client, f"/ideas/{idea.id}/comments", {"body": "Sveiki"}, token_from="/me").status_code == 403
    assert comments() == []


def test_archived_idea_keeps_its_discussion_but_takes_no_new_comments(client, discussion):
    comment = comment_by(discussion.anna, discussion.idea, "Vecs komentārs")
    db.session.execute(Idea.__table__.update().where(Idea.id == discussion.idea.id).values(state="archived"))
    db.session.commit()
    as_person(client, discussion.valdis)

    page = idea_page(client, discussion.idea)
    assert "Vecs komentārs" in article(page, comment)
    assert 'id="comment-form"' not in page
    assert send_comment(client, discussion.idea, "Jauns").status_code == 403
    assert len(comments()) == 1


def test_author_of_a_draft_cannot_comment_and_moderators_do_not_see_it(client, discussion):
    idea = make_idea(author=discussion.author, centre=discussion.centre, state="draft")
    as_person(client, discussion.author)
    assert post_form(client, f"/ideas/{idea.id}/comments", {"body": "Sveiki"}, token_from="/me").status_code == 403
    as_person(client, discussion.moderator)
    assert post_form(client, f"/ideas/{idea.id}/comments", {"body": "Sveiki"}, token_from="/me").status_code == 404
    assert comments() == []


def test_unknown_idea_answers_404(client, discussion):
    as_person(client, discussion.anna)
    assert post_form(client, "/ideas/999999/comments", {"body": "Sveiki"}, token_from="/me").status_code == 404


def test_suspended_person_cannot_comment(client, discussion):
    as_person(client, discussion.anna)
    token = csrf_token(client, f"/ideas/{discussion.idea.id}")
    db.session.execute(
        discussion.anna.__table__.update().where(type(discussion.anna).id == discussion.anna.id).values(suspended_at=func.now())
    )
    db.session.commit()

    response = client.post(f"/ideas/{discussion.idea.id}/comments", data={"body": "Sveiki", "csrf_token": token})

    assert response.status_code in (302, 403)
    assert comments() == []


def test_comment_urls_want_post_and_a_csrf_token(client, discussion):
    comment = comment_by(discussion.anna, discussion.idea)
    as_person(client, discussion.anna)
    assert client.get(f"/ideas/{discussion.idea.id}/comments").status_code == 405
    assert client.post(f"/ideas/{discussion.idea.id}/comments", data={"body": "Bez žetona"}).status_code == 400
    assert client.post(f"/comments/{comment.id}/delete").status_code == 400
    assert client.post(f"/comments/{comment.id}/edit", data={"body": "Mainīts"}).status_code == 400
    assert len(comments()) == 1 and comments()[0].body == "Laba ideja!" and comments()[0].deleted_at is None


# --- edit and delete ------------------------------------------------------------------------------


def test_author_edits_and_the_page_marks_it_edited(client, discussion):
    comment = comment_by(discussion.anna, discussion.idea, "Pirmā versija")
    as_person(client, discussion.anna)
    page = idea_page(client, discussion.idea)
    assert f"/comments/{comment.id}/edit" in article(page, comment)
    assert "comment__edited" not in article(page, comment)
    form = html(client.get(f"/comments/{comment.id}/edit"))
    assert "Pirmā versija</textarea>" in form

    response = post_form(
        client, f"/comments/{comment.id}/edit", {"body": "Otrā versija"}, token_from=f"/comments/{comment.id}/edit"
    )

    assert response.status_code == 302 and response.headers["Location"].endswith(f"#comment-{comment.id}")
    saved = reload(Comment, comment.id)
    assert saved.body == "Otrā versija" and saved.edited_at is not None
    shown = article(idea_page(client, discussion.idea), comment)
    assert "Otrā versija" in shown and '<span class="comment__edited">(edited)</span>' in shown


def test_empty_edit_keeps_the_form_with_an_error(client, discussion):
    comment = comment_by(discussion.anna, discussion.idea, "Teksts")
    as_person(client, discussion.anna)
    response = post_form(client, f"/comments/{comment.id}/edit", {"body": "  "}, token_from=f"/comments/{comment.id}/edit")
    assert response.status_code == 200 and field_error(html(response), "body")
    assert reload(Comment, comment.id).body == "Teksts"


@pytest.mark.parametrize("who", ["valdis", "author", "moderator"])
def test_others_cannot_edit_or_delete(client, discussion, who):
    comment = comment_by(discussion.anna, discussion.idea, "Annas teksts")
    as_person(client, getattr(discussion, who))
    page = idea_page(client, discussion.idea)
    assert f"/comments/{comment.id}/edit" not in page and f"/comments/{comment.id}/delete" not in page
    assert client.get(f"/comments/{comment.id}/edit").status_code == 403
    assert post_form(client, f"/comments/{comment.id}/edit", {"body": "Mainīts"}, token_from="/me").status_code == 403
    assert post_form(client, f"/comments/{comment.id}/delete", token_from="/me").status_code == 403
    saved = reload(Comment, comment.id)
    assert saved.body == "Annas teksts" and saved.deleted_at is None


def test_delete_asks_first_then_leaves_a_placeholder_and_the_replies(client, discussion):
    top = comment_by(discussion.anna, discussion.idea, "Drīz pazudīšu")
    reply = comment_by(discussion.valdis, discussion.idea, "Es palikšu", parent=top)
    as_person(client, discussion.anna)
    confirm_page = client.get(f"/comments/{top.id}/delete")
    assert confirm_page.status_code == 200 and reload(Comment, top.id).deleted_at is None

    response = post_form(client, f"/comments/{top.id}/delete", token_from=f"/comments/{top.id}/delete")

    assert response.status_code == 302 and response.headers["Location"].endswith(f"#comment-{top.id}")
    page = idea_page(client, discussion.idea)
    assert "This comment was deleted." in article(page, top)
    assert "Drīz pazudīšu" not in page
    assert "Es palikšu" in article(page, reply)
    assert reload(Idea, discussion.idea.id).comment_count == 1


# --- reports --------------------------------------------------------------------------------------


def test_report_needs_a_reason(client, discussion):
    comment = comment_by(discussion.anna, discussion.idea)
    as_person(client, discussion.valdis)
    assert f"/comments/{comment.id}/report" in article(idea_page(client, discussion.idea), comment)
    assert client.get(f"/comments/{comment.id}/report").status_code == 200

    response = post_form(client, f"/comments/{comment.id}/report", {"reason": "  "}, token_from=f"/comments/{comment.id}/report")

    assert response.status_code == 200 and field_error(html(response), "reason")
    assert db.session.scalar(select(func.count()).select_from(CommentReport)) == 0


def test_report_is_saved_once_and_the_page_says_so(client, discussion):
    comment = comment_by(discussion.anna, discussion.idea)
    as_person(client, discussion.valdis)
    for _ in range(3):
        response = post_form(
            client, f"/comments/{comment.id}/report", {"reason": "Rupjš"}, token_from=f"/comments/{comment.id}/report"
        )
        assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(CommentReport)) == 1
    saved = reload(Comment, comment.id)
    assert saved.open_report_count == 1 and saved.hidden_at is None
    shown = article(idea_page(client, discussion.idea), comment)
    assert f"/comments/{comment.id}/report" not in shown


def test_nobody_reports_their_own_comment(client, discussion):
    comment = comment_by(discussion.anna, discussion.idea)
    as_person(client, discussion.anna)
    assert f"/comments/{comment.id}/report" not in article(idea_page(client, discussion.idea), comment)
    assert post_form(client, f"/comments/{comment.id}/report", {"reason": "Pats"}, token_from="/me").status_code == 403


def test_three_reports_hide_the_comment_for_everyone_but_moderators(client, discussion):
    comment = comment_by(discussion.anna, discussion.idea, "Strīdīgais teksts")
    for person in (discussion.valdis, discussion.marija, discussion.janis):
        as_person(client, person)
        post_form(client, f"/comments/{comment.id}/report", {"reason": "Rupjš"}, token_from=f"/comments/{comment.id}/report")

    for viewer in (None, discussion.author, discussion.other_moderator):
        if viewer is None:
            viewing = in_english(client.application.test_client())
        else:
            viewing = as_person(client, viewer)
        shown = article(idea_page(viewing, discussion.idea), comment)
        assert "Strīdīgais teksts" not in shown
        assert "This comment is hidden while a moderator reviews it." in shown
    as_person(client, discussion.moderator)
    shown = article(idea_page(client, discussion.idea), comment)
    assert "Strīdīgais teksts" in shown and "Only moderators see the hidden text" in shown
    assert f"/comments/{comment.id}/restore" in shown and f"/comments/{comment.id}/confirm" in shown
    assert reload(Idea, discussion.idea.id).comment_count == 0


def test_two_reports_do_not_hide(client, discussion):
    comment = comment_by(discussion.anna, discussion.idea, "Vēl redzams")
    report(discussion.valdis, comment)
    report(discussion.marija, comment)
    assert "Vēl redzams" in article(idea_page(client, discussion.idea), comment)


# --- moderators -----------------------------------------------------------------------------------


def moderate(client, comment, action, reason="Pārbaudīts", **extra):
    return post_form(
        client, f"/comments/{comment.id}/{action}", {"reason": reason, **extra}, token_from=f"/comments/{comment.id}/{action}"
    )


def reported_three_times(discussion, body="Strīdīgs"):
    comment = comment_by(discussion.anna, discussion.idea, body)
    for person in (discussion.valdis, discussion.marija, discussion.janis):
        report(person, comment, reason=f"{XSS} no {person.display_name}")
    return comment


def test_moderation_page_shows_the_hidden_text_and_the_escaped_reasons(client, discussion):
    comment = reported_three_times(discussion, body=f"Teksts {XSS}")
    as_person(client, discussion.moderator)

    page = html(client.get(f"/comments/{comment.id}/restore"))

    assert "<script>" not in page and "<img src=x" not in page
    assert str(escape(XSS)) + " no Valdis" in page
    assert f"Teksts {escape(XSS)}" in page
    assert "Valdis" in page and "Marija" in page and "Jānis" in page


def test_moderator_restores_with_a_reason(client, discussion):
    comment = reported_three_times(discussion)
    as_person(client, discussion.moderator)

    response = moderate(client, comment, "restore", "Nekas aizskarošs")

    assert response.status_code == 302 and response.headers["Location"].endswith(f"#comment-{comment.id}")
    saved = reload(Comment, comment.id)
    assert saved.hidden_at is None and saved.open_report_count == 0
    assert "Strīdīgs" in article(idea_page(client.application.test_client(), discussion.idea), comment)


def test_moderator_confirms_and_everyone_sees_the_reason(client, discussion):
    comment = reported_three_times(discussion)
    as_person(client, discussion.moderator)

    assert moderate(client, comment, "confirm", f"Aizskaroši {XSS}").status_code == 302

    visitor = in_english(client.application.test_client())
    shown = article(idea_page(visitor, discussion.idea), comment)
    assert "Strīdīgs" not in shown
    assert f"Hidden by a moderator: Aizskaroši {escape(XSS)}" in shown


def test_moderator_hides_a_comment_nobody_reported(client, discussion):
    comment = comment_by(discussion.anna, discussion.idea, "Reklāma šeit")
    as_person(client, discussion.moderator)
    assert f"/comments/{comment.id}/hide" in article(idea_page(client, discussion.idea), comment)

    assert moderate(client, comment, "hide", "Reklāma").status_code == 302

    saved = reload(Comment, comment.id)
    assert (saved.hidden_by_id, saved.hidden_reason) == (discussion.moderator.id, "Reklāma")
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "comment.hidden")).all()
    assert (entry.actor_id, entry.centre_id, entry.reason) == (discussion.moderator.id, discussion.centre.id, "Reklāma")


@pytest.mark.parametrize("action", ["hide", "restore", "confirm"])
def test_moderator_action_without_a_reason_shows_the_form_again(client, discussion, action):
    comment = reported_three_times(discussion)
    as_person(client, discussion.moderator)
    response = moderate(client, comment, action, "   ")
    assert response.status_code == 200 and field_error(html(response), "reason")
    saved = reload(Comment, comment.id)
    assert saved.hidden_at is not None and saved.hidden_by_id is None and saved.open_report_count == 3


@pytest.mark.parametrize("action", ["hide", "restore", "confirm"])
@pytest.mark.parametrize("who", ["other_moderator", "valdis", "anna"])
def test_only_moderators_of_the_ideas_centre_may_decide(client, discussion, action, who):
    comment = reported_three_times(discussion)
    person = getattr(discussion, who)
    as_person(client, person)

    assert client.get(f"/comments/{comment.id}/{action}").status_code == 403
    assert post_form(client, f"/comments/{comment.id}/{action}", {"reason": "Mēģinu"}, token_from="/me").status_code == 403

    saved = reload(Comment, comment.id)
    assert saved.hidden_at is not None and saved.hidden_by_id is None and saved.open_report_count == 3
    denied = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "access.denied", AuditEntry.actor_id == person.id)
    ).all()
    assert len(denied) == 2


def test_moderator_is_sent_back_to_a_local_next_page_only(client, discussion):
    comment = reported_three_times(discussion)
    as_person(client, discussion.moderator)
    response = moderate(client, comment, "restore", next="/moderation/reports")
    assert response.headers["Location"].endswith("/moderation/reports")
    other = reported_three_times(discussion, "Otrs")
    response = moderate(client, other, "restore", next="https://evil.example/")
    assert "evil.example" not in response.headers["Location"]


# --- limits and the page's cost -------------------------------------------------------------------


def test_posting_limit_per_account_answers_429(client, discussion, ctx):
    ctx.config["COMMENT_LIMIT"] = "2 per minute"
    try:
        as_person(client, discussion.anna)
        assert send_comment(client, discussion.idea, "Viens").status_code == 302
        assert send_comment(client, discussion.idea, "Divi").status_code == 302
        refused = send_comment(client, discussion.idea, "Trīs")
        assert refused.status_code == 429
        assert len(comments()) == 2
        # another account is not affected by Anna's limit
        as_person(client, discussion.valdis)
        assert send_comment(client, discussion.idea, "Valdis").status_code == 302
    finally:
        ctx.config["COMMENT_LIMIT"] = "10 per minute;100 per day"


@pytest.mark.parametrize("viewer", ["visitor", "resident", "moderator"])
def test_idea_page_runs_the_same_few_statements_with_many_comments_as_with_none(client, discussion, viewer):
    if viewer != "visitor":
        as_person(client, discussion.moderator if viewer == "moderator" else discussion.marija)
    idea_page(client, discussion.idea)
    with recorded_statements(requests_only=True) as without_comments:
        idea_page(client, discussion.idea)
    for number in range(15):
        top = comment_by(discussion.anna, discussion.idea, f"Komentārs {number}")
        comment_by(discussion.valdis, discussion.idea, "Atbilde", parent=top)
        report(discussion.janis, top)
    report(discussion.marija, top)

    with recorded_statements(requests_only=True) as with_comments:
        page = idea_page(client, discussion.idea)

    assert page.count('<article class="comment ') == 30
    assert len(with_comments) == len(without_comments), "\n\n".join(with_comments)
    assert len(with_comments) <= 7, "\n\n".join(with_comments)
