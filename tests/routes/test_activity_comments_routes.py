"""Comments on an activity's page: posting, replies, errors, double clicks, the comment's own pages going back to
the activity, moderators of another centre, and the statement budget of the page with a long discussion."""

import re

import pytest
from sqlalchemy import select

from app.activities.models import Activity
from app.comments import services
from app.comments.models import Comment
from app.extensions import db
from tests.factories_actcomments import make_activity_discussion
from tests.helpers import csrf_token, html, post_form, signed_in
from tests.statements import recorded_statements


@pytest.fixture
def talk(ctx):
    return make_activity_discussion()


def as_person(client, person):
    client.delete_cookie("kopiena_session")
    return signed_in(client, person)


def activity_page(client, activity, **params):
    response = client.get(f"/activities/{activity.id}", query_string=params)
    assert response.status_code == 200, response.status_code
    return html(response)


def send_comment(client, activity, body, parent=None):
    data = {"body": body}
    if parent is not None:
        data["parent_id"] = str(parent.id)
    return post_form(client, f"/activities/{activity.id}/comments", data, token_from=f"/activities/{activity.id}")


def comment_by(person, activity, body="Paldies!", parent=None):
    comment = services.add_comment(person, activity, body, parent=parent)
    db.session.commit()
    return comment


def comments():
    db.session.expire_all()
    return db.session.scalars(select(Comment).order_by(Comment.id)).all()


def count(activity):
    db.session.expire_all()
    return db.session.get(Activity, activity.id).comment_count


def field_error(page, field_id):
    match = re.search(rf'<p class="field__error" id="{field_id}-error">(.*?)</p>', page, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def test_resident_comments_from_the_activity_page_and_sees_it(client, talk):
    as_person(client, talk.anna)
    page = activity_page(client, talk.activity)
    assert 'id="comment-form"' in page and f'action="/activities/{talk.activity.id}/comments"' in page

    response = send_comment(client, talk.activity, "Paldies par darbnīcu!")

    [comment] = comments()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/activities/{talk.activity.id}#comment-{comment.id}")
    assert comment.activity_id == talk.activity.id and comment.idea_id is None
    page = activity_page(client, talk.activity)
    assert f'id="comment-{comment.id}"' in page and "Paldies par darbnīcu!" in page
    assert "(1 comment)" in page and count(talk.activity) == 1


def test_a_reply_from_the_activity_page_lands_under_the_top_comment(client, talk):
    top = comment_by(talk.anna, talk.activity)
    as_person(client, talk.valdis)
    page = activity_page(client, talk.activity, reply_to=top.id)
    assert f'id="reply-form-{top.id}"' in page

    response = send_comment(client, talk.activity, "Piekrītu", parent=top)

    reply = comments()[-1]
    assert response.status_code == 302 and reply.parent_id == top.id and reply.activity_id == talk.activity.id


def test_visitor_reads_and_is_asked_to_log_in(client, talk):
    comment_by(talk.anna, talk.activity, "Redzams visiem")
    page = activity_page(client, talk.activity)
    assert "Redzams visiem" in page and 'id="comment-form"' not in page and "/login?next=" in page


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("   ", "Please write something first."),
        ("garš " * 1001, "A comment can be at most 5000 characters long."),
    ],
)
def test_bad_comment_comes_back_with_a_clear_message(client, talk, body, message):
    as_person(client, talk.anna)
    response = send_comment(client, talk.activity, body)
    page = html(response)
    assert response.status_code == 200 and message in field_error(page, "body")
    assert "On the activity" in page and f"/activities/{talk.activity.id}#comments" in page
    assert comments() == []


def test_a_nul_byte_never_gives_a_server_error(client, talk):
    as_person(client, talk.anna)
    response = send_comment(client, talk.activity, "Paldies\x00 par darbnīcu")
    assert response.status_code in (200, 302)
    for comment in comments():
        assert "\x00" not in comment.body


def test_the_same_form_sent_twice_makes_one_comment(client, talk):
    as_person(client, talk.anna)
    page = activity_page(client, talk.activity)
    form = re.search(r'<form [^>]*id="comment-form"[^>]*>(.*?)</form>', page, re.S).group(1)
    fields = {
        re.search(r'name="(\w+)"', tag).group(1): re.search(r'value="([^"]*)"', tag).group(1)
        for tag in re.findall(r"<input [^>]*>", form)
        if 'type="hidden"' in tag
    }
    assert fields["submission_key"]
    first, second = [
        client.post(f"/activities/{talk.activity.id}/comments", data=dict(fields, body="Paldies!")) for _ in range(2)
    ]
    [comment] = comments()
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert count(talk.activity) == 1


def test_a_reply_to_a_comment_of_another_activity_answers_404(client, talk):
    from tests.factories import make_activity

    elsewhere = make_activity(centre=talk.centre, title="Cits pasākums")
    other = comment_by(talk.anna, elsewhere)
    as_person(client, talk.valdis)
    assert send_comment(client, talk.activity, "Atbilde", parent=other).status_code == 404
    huge = type("Huge", (), {"id": 2**40})()  # no database integer: refused by the form, never a server error
    assert send_comment(client, talk.activity, "Atbilde", parent=huge).status_code in (200, 404)
    assert len(comments()) == 1


def test_unknown_activity_answers_404(client, talk):
    as_person(client, talk.anna)
    response = post_form(client, "/activities/999999/comments", {"body": "Sveiki"}, token_from=f"/activities/{talk.activity.id}")
    assert response.status_code == 404


def test_a_cancelled_activity_takes_no_comments(client, ctx):
    talk = make_activity_discussion(state="cancelled")
    as_person(client, talk.anna)
    page = activity_page(client, talk.activity)
    assert 'id="comment-form"' not in page and "its discussion is closed" in page
    assert send_comment(client, talk.activity, "Žēl").status_code == 403


def test_edit_delete_and_report_go_back_to_the_activity(client, talk):
    comment = comment_by(talk.anna, talk.activity)
    back = f"/activities/{talk.activity.id}#comment-{comment.id}"
    as_person(client, talk.anna)
    page = html(client.get(f"/comments/{comment.id}/edit"))
    assert "On the activity" in page and back in page
    response = post_form(
        client, f"/comments/{comment.id}/edit", {"body": "Paldies vēlreiz!"}, token_from=f"/comments/{comment.id}/edit"
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(back)

    as_person(client, talk.valdis)
    response = post_form(
        client, f"/comments/{comment.id}/report", {"reason": "Reklāma"}, token_from=f"/comments/{comment.id}/report"
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(back)

    as_person(client, talk.anna)
    response = post_form(client, f"/comments/{comment.id}/delete", {}, token_from=f"/comments/{comment.id}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith(back)
    assert count(talk.activity) == 0


def reported_three_times(talk):
    comment = comment_by(talk.anna, talk.activity, "Pērciet manus podus!")
    for person in (talk.valdis, talk.marija, talk.janis):
        services.report_comment(person, db.session.get(Comment, comment.id), "Reklāma")
        db.session.commit()
    return comment


def test_moderators_queue_lists_the_activity_comment_and_the_moderator_restores(client, talk):
    comment = reported_three_times(talk)
    as_person(client, talk.moderator)
    queue = html(client.get("/moderation/reports"))
    assert "Pērciet manus podus!" in queue and f"/activities/{talk.activity.id}#comment-{comment.id}" in queue
    assert "Keramikas darbnīca" in queue
    page = activity_page(client, talk.activity)
    assert "Pērciet manus podus!" in page  # moderators see the hidden text, marked

    response = post_form(
        client, f"/comments/{comment.id}/restore", {"reason": "Nekas slikts"}, token_from=f"/comments/{comment.id}/restore"
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/activities/{talk.activity.id}#comment-{comment.id}")
    assert count(talk.activity) == 1


@pytest.mark.parametrize("action", ["hide", "restore", "confirm"])
def test_another_centres_moderator_may_not_decide(client, talk, action):
    comment = reported_three_times(talk)
    as_person(client, talk.other_moderator)
    assert "Pērciet" not in html(client.get("/moderation/reports"))
    assert client.get(f"/comments/{comment.id}/{action}").status_code == 403
    assert post_form(client, f"/comments/{comment.id}/{action}", {"reason": "Mēģinu"}, token_from="/me").status_code == 403
    assert db.session.get(Comment, comment.id).open_report_count == 3


def test_comment_url_wants_post_and_csrf(client, talk):
    as_person(client, talk.anna)
    assert client.get(f"/activities/{talk.activity.id}/comments").status_code == 405
    assert client.post(f"/activities/{talk.activity.id}/comments", data={"body": "Bez žetona"}).status_code == 400
    assert comments() == []
    assert csrf_token(client, f"/activities/{talk.activity.id}")


@pytest.mark.parametrize("viewer", ["visitor", "resident", "moderator"])
def test_activity_page_runs_the_same_statements_with_many_comments_as_with_none(client, talk, viewer):
    if viewer != "visitor":
        as_person(client, talk.moderator if viewer == "moderator" else talk.marija)
    activity_page(client, talk.activity)
    with recorded_statements(requests_only=True) as without_comments:
        activity_page(client, talk.activity)
    for number in range(15):
        top = comment_by(talk.anna, talk.activity, f"Komentārs {number}")
        comment_by(talk.valdis, talk.activity, "Atbilde", parent=top)
        services.report_comment(talk.janis, db.session.get(Comment, top.id), "Reklāma")
        db.session.commit()

    with recorded_statements(requests_only=True) as with_comments:
        page = activity_page(client, talk.activity)

    assert page.count('<article class="comment ') == 30
    assert len(with_comments) == len(without_comments), "\n\n".join(with_comments)
