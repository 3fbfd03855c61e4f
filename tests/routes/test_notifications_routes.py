"""The notification pages: the list, marking read, the count in the header (with Latvian plurals and a
fixed cost in SQL statements), the e-mail settings form, and that nobody sees another person's."""

import re

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.notifications.models import EmailFrequency, Notification
from app.notifications.services import notify
from tests.factories import make_comment, make_idea, make_user
from tests.helpers import csrf_token, log_in, post_form
from tests.statements import recorded_statements

LIST = "/me/notifications"
SETTINGS = "/me/notifications/settings"
READ_ALL = "/me/notifications/read-all"
HIDDEN_COUNT = re.compile(r'<span class="visually-hidden">, ([^<]*)</span>')


def about_notifications(statements):
    return [s for s in statements if "notifications" in s.lower()]


@pytest.fixture
def others(ctx):
    """Someone who acts, and an idea of theirs."""
    actor = make_user(email="actor@example.com", display_name="Marija Kalniņa")
    return actor, make_idea(author=actor, title="Kopienas dārzs")


def give(person, count, actor, idea, event="idea_archived"):
    """Give the person `count` notifications (each from its own notify call)."""
    added = []
    for _ in range(count):
        added += notify(event, [person], actor=actor, idea=idea)
    db.session.commit()
    return added


def page(client, path=LIST):
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def unread_text(html):
    match = HIDDEN_COUNT.search(html)
    return match.group(1) if match else None


def read_flags(person):
    db.session.expire_all()
    return [
        n.read_at is not None
        for n in db.session.scalars(select(Notification).where(Notification.user_id == person.id).order_by(Notification.id))
    ]


# Access ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [LIST, SETTINGS])
def test_pages_need_a_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", [READ_ALL, "/me/notifications/1/read"])
def test_marking_read_needs_a_log_in_and_a_post(client, user, path):
    assert client.get(path).status_code == 405
    response = post_form(client, path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", [LIST, SETTINGS])
def test_pages_are_not_cached(logged_in, path):
    assert logged_in.get(path).headers["Cache-Control"] == "no-store"


# The list ----------------------------------------------------------------------------------------


def test_list_shows_only_the_persons_own_newest_first_with_unread_marked(logged_in, user, others):
    actor, idea = others
    other_idea = make_idea(author=actor, title="Soliņi parkā")
    stranger = make_user(email="stranger@example.com")
    give(stranger, 1, actor, make_idea(author=actor, title="Svešā ideja"))
    older, newer = give(user, 1, actor, idea) + give(user, 1, actor, other_idea, "idea_promoted")
    older.read_at = older.created_at
    user.language = "en"
    db.session.commit()

    html = page(logged_in)

    assert "Svešā ideja" not in html
    assert html.index("Soliņi parkā") < html.index("Kopienas dārzs")  # newest first
    items = re.findall(r'<li class="notification[^"]*">.*?</li>', html, re.S)
    assert len(items) == 2
    newest, oldest = items
    assert "notification--unread" in newest and ">New<" in newest  # marked visually and in words
    assert f'href="/ideas/{other_idea.id}"' in newest
    assert "notification--unread" not in oldest and ">New<" not in oldest
    assert f'action="/me/notifications/{newer.id}/read"' in newest
    assert "/read" not in oldest  # nothing to mark


def test_links_go_to_the_comment(logged_in, user, others):
    actor, idea = others
    comment = make_comment(idea, actor, body="Sveiki")
    notify("comment_reply", [user], actor=actor, idea=idea, comment=comment)
    db.session.commit()

    assert f'href="/ideas/{idea.id}#comment-{comment.id}"' in page(logged_in)


def test_list_is_paginated(logged_in, user, others):
    actor, idea = others
    give(user, 25, actor, idea)

    first = page(logged_in)
    second = page(logged_in, LIST + "?page=2")

    assert first.count('<li class="notification') == 20
    assert 'href="/me/notifications?page=2" rel="next"' in first
    assert second.count('<li class="notification') == 5
    assert 'rel="next"' not in second
    assert 'href="/me/notifications" rel="prev"' in second
    assert logged_in.get(LIST + "?page=99999999999999999999999").status_code == 200


def test_names_and_titles_are_escaped_in_the_list(logged_in, user):
    actor = make_user(email="x@example.com", display_name="<script>alert('name')</script>")
    idea = make_idea(author=actor, title="<img src=x onerror=alert(1)> & <script>alert('title')</script>")
    notify("comment_new", [user], actor=actor, idea=idea)
    db.session.commit()

    html = page(logged_in)

    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;script&gt;" in html


# Marking read ----------------------------------------------------------------------------------


def test_mark_one_as_read(logged_in, user, others):
    actor, idea = others
    first, second = give(user, 2, actor, idea)

    response = post_form(logged_in, f"/me/notifications/{first.id}/read", {"page": "1"}, token_from=LIST)

    assert response.status_code == 302
    assert response.headers["Location"].endswith(LIST)
    assert read_flags(user) == [True, False]


def test_marking_read_needs_the_csrf_token(logged_in, user, others):
    actor, idea = others
    (notification,) = give(user, 1, actor, idea)

    assert logged_in.post(f"/me/notifications/{notification.id}/read").status_code == 400
    assert logged_in.post(READ_ALL, data={"csrf_token": "forged"}).status_code == 400
    assert read_flags(user) == [False]


def test_another_persons_notification_is_not_found(logged_in, user, others):
    actor, idea = others
    stranger = make_user(email="stranger@example.com")
    (theirs,) = give(stranger, 1, actor, idea)

    response = post_form(logged_in, f"/me/notifications/{theirs.id}/read", token_from=LIST)

    assert response.status_code == 404
    assert read_flags(stranger) == [False]
    assert post_form(logged_in, "/me/notifications/999999/read", token_from=LIST).status_code == 404


def test_mark_all_as_read_touches_only_the_persons_own(logged_in, user, others):
    actor, idea = others
    stranger = make_user(email="stranger@example.com")
    give(user, 3, actor, idea)
    give(stranger, 1, actor, idea)

    response = post_form(logged_in, READ_ALL, {"page": "2"}, token_from=LIST)

    assert response.status_code == 302
    assert response.headers["Location"].endswith(LIST + "?page=2")
    assert read_flags(user) == [True, True, True]
    assert read_flags(stranger) == [False]
    html = page(logged_in)
    assert unread_text(html) is None
    assert "Mark all as read" not in html


# The count in the header ---------------------------------------------------------------------------


def test_header_shows_the_unread_count(client, user, others):
    actor, idea = others
    client.set_cookie("kopiena_lang", "en")
    user.language = "en"
    db.session.commit()
    log_in(client, user.email)
    assert unread_text(page(client, "/me")) is None

    give(user, 2, actor, idea)
    html = page(client, "/me")

    assert re.search(r'href="/me/notifications"[^>]*>Notifications <span[^>]*aria-hidden="true">\(2\)</span>', html)
    assert unread_text(html) == "2 unread"


def test_visitors_see_no_notifications_link(client):
    assert 'href="/me/notifications"' not in page(client, "/")


def test_header_count_uses_latvian_plurals(client, user, others):
    """Latvian: 1 and 21 take one form, 2 and 11 another (as "1 nelasīts", "2 nelasīti", "11 nelasīti")."""
    actor, idea = others
    log_in(client, user.email)  # the person reads Latvian
    texts = {}
    total = 0
    for wanted in (1, 2, 11, 21):
        give(user, wanted - total, actor, idea)
        total = wanted
        texts[wanted] = unread_text(page(client, "/me"))
    words = {n: text.replace(str(n), "#") for n, text in texts.items()}
    assert words[1] == words[21]
    assert words[2] == words[11]
    assert words[1] != words[2], texts
    assert "unread" not in texts[1], "not translated"


def test_header_count_costs_one_statement_for_signed_in_people_and_none_for_visitors(client, user, others):
    actor, idea = others
    give(user, 3, actor, idea)

    with recorded_statements() as visitor:
        page(client, "/")
    log_in(client, user.email)
    with recorded_statements() as signed_in:
        page(client, "/me")

    assert about_notifications(visitor) == []
    assert len(about_notifications(signed_in)) == 1


@pytest.mark.parametrize("how_many", [3, 60])
def test_list_page_runs_at_most_five_statements_whatever_the_number(logged_in, user, how_many):
    """Different people and ideas on every row: still one statement for the page's rows."""
    ideas = [make_idea(author=make_user(display_name=f"Autors {n}"), title=f"Ideja {n}") for n in range(3)]
    for n in range(how_many):
        idea = ideas[n % 3]
        notify("comment_new", [user], actor=db.session.get(User, idea.author_id), idea=idea)
    db.session.commit()

    with recorded_statements() as statements:
        html = page(logged_in)

    assert html.count('<li class="notification') == min(how_many, 20)
    assert len(statements) <= 5, "\n".join(statements)


# Settings --------------------------------------------------------------------------------------


def test_settings_show_the_defaults(logged_in):
    html = page(logged_in, SETTINGS)

    assert re.search(r"<legend[^>]*>[^<]+</legend>", html)
    assert re.search(r'<input checked id="email_own_ideas-0" name="email_own_ideas"[^>]* value="immediately">', html)
    assert re.search(r'<input checked id="email_other-1" name="email_other"[^>]* value="daily">', html)
    assert html.count("<input checked") == 2


def test_settings_are_saved(logged_in, user):
    response = post_form(
        logged_in, SETTINGS, {"email_own_ideas": EmailFrequency.DAILY, "email_other": EmailFrequency.OFF}, token_from=SETTINGS
    )

    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert (saved.email_own_ideas, saved.email_other) == ("daily", "off")
    html = page(logged_in, SETTINGS)
    assert 'checked id="email_own_ideas-1"' in html
    assert 'checked id="email_other-2"' in html


@pytest.mark.parametrize(
    "data",
    [
        {"email_own_ideas": "hourly", "email_other": "off"},
        {"email_other": "off"},
        {"email_own_ideas": "off", "email_other": "<script>x</script>"},
    ],
)
def test_settings_refuse_unknown_or_missing_choices(logged_in, user, data):
    user.language = "en"
    db.session.commit()
    response = post_form(logged_in, SETTINGS, data, token_from=SETTINGS)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Please choose one of the options." in html
    assert 'class="error-summary"' in html
    assert "<script>x" not in html
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert (saved.email_own_ideas, saved.email_other) == ("immediately", "daily")


def test_settings_need_the_csrf_token(logged_in, user):
    response = logged_in.post(SETTINGS, data={"email_own_ideas": "off", "email_other": "off"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).email_own_ideas == "immediately"


def test_settings_are_linked_from_my_page_and_the_list(logged_in):
    assert f'href="{SETTINGS}"' in page(logged_in, "/me")
    assert f'href="{SETTINGS}"' in page(logged_in, LIST)


def test_changed_setting_applies_to_new_notifications(logged_in, user, others):
    actor, idea = others
    (before,) = give(user, 1, actor, idea)  # email_other: daily by default
    post_form(logged_in, SETTINGS, {"email_own_ideas": "immediately", "email_other": "immediately"}, token_from=SETTINGS)
    db.session.expire_all()
    (after,) = give(db.session.get(User, user.id), 1, actor, idea)

    assert db.session.get(Notification, before.id).email_status == Notification.EMAIL_DIGEST
    assert after.email_status == Notification.EMAIL_IMMEDIATE


def test_csrf_token_helper_finds_the_list_form(logged_in, user, others):
    """The list page carries a token for its buttons (used by the tests above)."""
    actor, idea = others
    give(user, 1, actor, idea)
    assert csrf_token(logged_in, LIST)
