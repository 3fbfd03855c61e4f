"""Reporting an idea through the pages: the report form, the hidden idea's page, the moderators' queue and decisions."""

import re

from sqlalchemy import func, select

from app.extensions import db
from app.ideas import reports
from app.ideas.models import Idea, IdeaReport
from tests.factories import make_activity
from tests.factories_ideareports import hide_after_reports, hide_by_moderator
from tests.helpers import html, post_form, signed_in

CARD_TITLE = re.compile(r'<h[23] class="idea-card__title" id="idea-(\d+)-title">')


def as_person(client, person):
    """Sign the client in as the person (ending whoever was signed in before; None: a visitor)."""
    client.delete_cookie("kopiena_session")
    client.set_cookie("kopiena_lang", "en")
    return signed_in(client, person)


def field_error(page, field_id):
    match = re.search(rf'<p class="field__error" id="{field_id}-error">(.*?)</p>', page, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else None


def reload(idea):
    db.session.expire_all()
    return db.session.get(Idea, idea.id)


def report(client, idea, reason):
    path = f"/ideas/{idea.id}/report"
    return post_form(client, path, {"reason": reason}, token_from=path)


def listed_ids(client, path="/ideas?state=all"):
    response = client.get(path)
    assert response.status_code == 200
    return [int(number) for number in CARD_TITLE.findall(html(response))]


def test_the_idea_page_offers_the_report_form_and_an_empty_reason_keeps_the_form(client, discussion):
    as_person(client, discussion.anna)
    page = html(client.get(f"/ideas/{discussion.idea.id}"))
    assert f'href="/ideas/{discussion.idea.id}/report"' in page and "Report this idea" in page

    response = report(client, discussion.idea, "   ")

    assert response.status_code == 200 and field_error(html(response), "reason") == "Please give a reason."
    assert "<title>Error:" in html(response)
    too_long = "Ļoti gars iemesls " * 40
    response = report(client, discussion.idea, too_long)
    assert response.status_code == 200 and field_error(html(response), "reason")
    assert too_long.strip() in html(response)  # the text typed is kept
    assert db.session.scalar(select(func.count()).select_from(IdeaReport)) == 0


def test_a_report_thanks_the_person_once_and_the_page_then_says_reported(client, discussion):
    as_person(client, discussion.anna)
    response = report(client, discussion.idea, "Reklāma")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/ideas/{discussion.idea.id}")
    page = html(client.get(response.headers["Location"]))
    assert "Thank you. A moderator of the centre will look at this idea." in page
    assert "You reported this idea." in page and f"/ideas/{discussion.idea.id}/report" not in page

    report(client, discussion.idea, "Vēlreiz")
    assert "You have reported this idea already." in html(client.get(f"/ideas/{discussion.idea.id}"))
    assert reload(discussion.idea).open_report_count == 1


def test_the_author_and_visitors_get_no_report_link_and_cannot_report(client, discussion):
    as_person(client, discussion.author)
    assert "Report this idea" not in html(client.get(f"/ideas/{discussion.idea.id}"))
    assert client.get(f"/ideas/{discussion.idea.id}/report").status_code == 403
    assert report(client, discussion.idea, "Pati").status_code == 403
    as_person(client, None)
    assert "Report this idea" not in html(client.get(f"/ideas/{discussion.idea.id}"))
    assert client.get(f"/ideas/{discussion.idea.id}/report").status_code == 302  # to log in
    assert db.session.scalar(select(func.count()).select_from(IdeaReport)) == 0


def test_the_third_report_hides_the_idea_from_everyone_but_its_author_and_the_centres_moderators(client, discussion):
    idea = discussion.idea
    for person in (discussion.anna, discussion.valdis):
        as_person(client, person)
        report(client, idea, "Reklāma")
    as_person(client, discussion.marija)
    response = report(client, idea, "Reklāma")
    assert response.status_code == 302 and response.headers["Location"].endswith("/ideas")  # its page is gone for her

    for person in (None, discussion.anna, discussion.janis, discussion.other_moderator):
        as_person(client, person)
        assert client.get(f"/ideas/{idea.id}").status_code == 404
        assert client.get(f"/ideas/{idea.id}/report").status_code in (302, 404)
        assert idea.id not in listed_ids(client)
        assert "Soliņi parkā" not in html(client.get("/"))
        assert idea.id not in listed_ids(client, "/ideas?q=soli&state=all")

    as_person(client, discussion.author)
    page = html(client.get(f"/ideas/{idea.id}"))
    assert "This idea is hidden" in page and "until a moderator of the centre has looked at it" in page
    assert "Support this idea" not in page and "Report this idea" not in page
    as_person(client, discussion.moderator)
    page = html(client.get(f"/ideas/{idea.id}"))
    assert "This idea is hidden" in page and f"/ideas/{idea.id}/restore" in page and f"/ideas/{idea.id}/keep-hidden" in page


def test_the_page_of_an_idea_a_moderator_hid_tells_its_author_why(client, discussion):
    hide_by_moderator(discussion.idea, discussion.moderator, reason="Personas dati <b>x</b>")
    as_person(client, discussion.author)
    page = html(client.get(f"/ideas/{discussion.idea.id}"))
    assert "A moderator of the centre hid it." in page and "Personas dati &lt;b&gt;x&lt;/b&gt;" in page


def test_supports_comments_and_sign_ups_on_a_hidden_idea_are_refused(client, discussion):
    hide_after_reports(discussion.idea)
    as_person(client, discussion.janis)
    path = f"/ideas/{discussion.idea.id}"
    csrf_source = "/ideas/new"
    assert post_form(client, f"{path}/support", {}, token_from=csrf_source).status_code == 404
    assert post_form(client, f"{path}/comments", {"body": "Sveiki"}, token_from=csrf_source).status_code == 404
    assert post_form(client, f"{path}/follow", {}, token_from=csrf_source).status_code == 404
    assert reload(discussion.idea).support_count == 0 and reload(discussion.idea).comment_count == 0


def test_the_moderator_restores_it_from_the_queue_and_a_missing_reason_keeps_the_page(client, discussion):
    hide_after_reports(discussion.idea)
    as_person(client, discussion.moderator)
    queue = html(client.get("/moderation/reports"))
    assert "Reported ideas" in queue and "Soliņi parkā" in queue and "hidden until you decide" in queue
    assert "Reports <span" in queue  # the tab

    path = f"/ideas/{discussion.idea.id}/restore?next=/moderation/reports"
    response = post_form(client, path, {"reason": " ", "next": "/moderation/reports"}, token_from=path)
    assert response.status_code == 200 and field_error(html(response), "reason") == "Please give a reason."
    assert reload(discussion.idea).hidden_at is not None

    response = post_form(client, path, {"reason": "Nekā slikta", "next": "/moderation/reports"}, token_from=path)
    assert response.status_code == 302 and response.headers["Location"] == "/moderation/reports"
    assert reload(discussion.idea).is_public and reload(discussion.idea).open_report_count == 0
    assert "No reported ideas." in html(client.get("/moderation/reports"))
    assert discussion.idea.id in listed_ids(as_person(client, None))


def test_keep_hidden_needs_a_reason_and_tells_the_author(client, discussion):
    hide_after_reports(discussion.idea)
    as_person(client, discussion.moderator)
    path = f"/ideas/{discussion.idea.id}/keep-hidden"
    response = post_form(client, path, {"reason": "", "next": "https://evil.example/"}, token_from=path)
    assert response.status_code == 200 and field_error(html(response), "reason")
    response = post_form(client, path, {"reason": "Personas dati", "next": "https://evil.example/"}, token_from=path)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/ideas/{discussion.idea.id}")
    assert reload(discussion.idea).hidden_reason == "Personas dati"
    as_person(client, discussion.author)
    assert "was hidden by a moderator: Personas dati" in html(client.get("/me/notifications"))


def test_another_centres_moderator_and_residents_may_not_decide(client, discussion):
    hide_after_reports(discussion.idea)
    for person in (discussion.other_moderator, discussion.janis):
        as_person(client, person)
        for action in ("restore", "keep-hidden", "hide"):
            path = f"/ideas/{discussion.idea.id}/{action}"
            assert client.get(path).status_code == 404
            assert post_form(client, path, {"reason": "x"}, token_from="/ideas/new").status_code == 404
    as_person(client, discussion.author)  # sees the page, may not decide
    assert client.get(f"/ideas/{discussion.idea.id}/restore").status_code == 403
    assert reload(discussion.idea).hidden_at is not None
    as_person(client, discussion.other_moderator)
    assert "Soliņi parkā" not in html(client.get("/moderation/reports"))


def test_a_moderator_hides_a_public_idea_from_its_page(client, discussion):
    as_person(client, discussion.moderator)
    page = html(client.get(f"/ideas/{discussion.idea.id}"))
    assert f'href="/ideas/{discussion.idea.id}/hide"' in page
    path = f"/ideas/{discussion.idea.id}/hide"
    response = post_form(client, path, {"reason": "Reklāma"}, token_from=path)
    assert response.status_code == 302
    assert reload(discussion.idea).hidden_by_id == discussion.moderator.id
    # a second sending (a double click): "already done", never a server error
    assert post_form(client, path, {"reason": "Reklāma"}, token_from=path).status_code in (302, 409)
    assert reports.reported_ideas(discussion.moderator) == []


def test_the_moderation_history_credits_the_hiding_to_the_reports_rule(client, discussion):
    for person in (discussion.anna, discussion.valdis, discussion.marija):
        reports.report_idea(person, reload(discussion.idea), "Reklāma")
        db.session.commit()
    as_person(client, discussion.moderator)
    queue = html(client.get("/moderation/reports"))
    assert "Automatic (3 reports)</strong>: the idea" in queue and "was hidden until a moderator decides" in queue
    assert "reported the idea" in queue
    assert "not logged in" not in queue


def test_the_author_and_the_moderator_read_a_hidden_ideas_discussion_but_nobody_writes_in_it(client, discussion):
    from app.comments.services import add_comment

    add_comment(discussion.anna, discussion.idea, "Mans komentārs")
    db.session.commit()
    hide_after_reports(discussion.idea)
    for person in (discussion.author, discussion.moderator):
        as_person(client, person)
        page = html(client.get(f"/ideas/{discussion.idea.id}"))
        assert "Mans komentārs" in page and "The discussion of this idea is closed." in page
        assert f'action="/ideas/{discussion.idea.id}/comments"' not in page


def test_the_authors_own_list_marks_the_hidden_idea(client, discussion):
    hide_after_reports(discussion.idea)
    as_person(client, discussion.author)
    page = html(client.get("/me/ideas"))
    assert "Soliņi parkā" in page and '<span class="badge badge--warning">Hidden</span>' in page


def test_an_activity_names_the_idea_it_grew_from_only_to_those_who_may_see_that_idea(client, discussion):
    idea = discussion.idea
    idea.state = "promoted"
    activity = make_activity(centre=idea.centre, title="Soliņu talka", idea_id=idea.id)
    hide_by_moderator(idea, discussion.moderator, "Personas dati")
    link = f'href="/ideas/{idea.id}"'

    for person in (None, discussion.valdis):
        as_person(client, person)
        page = html(client.get(f"/activities/{activity.id}"))
        assert "Soliņu talka" in page and link not in page and "Soliņi parkā" not in page

    as_person(client, discussion.moderator)
    assert link in html(client.get(f"/activities/{activity.id}"))
