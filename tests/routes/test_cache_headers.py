"""Cache-Control: nothing a signed-in person sees, and no page that is not public, is kept by a browser or proxy.

One rule (app/caching.py) for every page: the table below names pages of every kind, as their owner or moderator
sees them, and expects `no-store` on each; public pages for visitors and files that are the same for everyone keep
being cacheable.
"""

from io import BytesIO

import pytest
from PIL import Image

from app.extensions import db
from tests.factories import make_activity, make_category, make_idea, make_user
from tests.helpers import client_for


@pytest.fixture
def pages_of_every_kind(ctx, preili, tmp_path, monkeypatch):
    """An author's draft, submitted and published ideas, an activity and the people around them."""
    monkeypatch.setitem(ctx.config, "UPLOAD_FOLDER", str(tmp_path))
    category = make_category()
    author = make_user(email="author@example.com", home_centre=preili)
    moderator = make_user(email="moderator@example.com", moderates=[preili])
    Image.new("RGB", (40, 30)).save(tmp_path / f"{'a' * 32}.jpg", "JPEG")
    ideas = {
        state: make_idea(author=author, centre=preili, category=category, state=state, title=state)
        for state in ("draft", "submitted", "published")
    }
    ideas["published"].image_name = f"{'a' * 32}.jpg"
    db.session.commit()
    return {
        "people": {"author": author, "moderator": moderator, "admin": make_user(email="admin@example.com", admin=True)},
        "ids": {
            "draft": ideas["draft"].id,
            "submitted": ideas["submitted"].id,
            "published": ideas["published"].id,
            "activity": make_activity(centre=preili, creator=moderator).id,
        },
    }


def browser_of(client, pages_of_every_kind, who):
    """A new client of the app, logged in as `who` unless a visitor."""
    return client_for(client.application, pages_of_every_kind["people"].get(who))


#: (who, page) → every one answered with no-store
PERSONAL_PAGES = [
    ("author", "/ideas/new"),
    ("author", "/ideas/{draft}"),
    ("author", "/ideas/{draft}/edit"),
    ("author", "/ideas/{draft}/photo"),  # 404 (no photo), still the author's answer
    ("author", "/ideas/{submitted}"),
    ("author", "/ideas/{published}"),  # a public page, but with the person's own name and buttons
    ("author", "/ideas"),
    ("author", "/activities/{activity}"),
    ("author", "/me"),
    ("author", "/me/ideas"),
    ("author", "/me/profile"),
    ("author", "/notifications"),
    ("author", "/moderation"),  # refused: 403, still not kept
    ("moderator", "/ideas/{submitted}"),  # a submitted idea as its moderator sees it
    ("moderator", "/moderation"),
    ("moderator", "/moderation/ideas/{submitted}"),
    ("moderator", "/activities/new"),
    ("moderator", "/activities/{activity}/edit"),
    ("moderator", "/activities/{activity}/registrations"),
    ("admin", "/admin/users"),
    ("admin", "/admin/audit"),
    ("visitor", "/login"),
    ("visitor", "/register"),
    ("visitor", "/reset-password"),
]


@pytest.mark.parametrize("who,path", PERSONAL_PAGES)
def test_personal_pages_are_never_kept(client, pages_of_every_kind, who, path):
    response = browser_of(client, pages_of_every_kind, who).get(path.format(**pages_of_every_kind["ids"]))
    assert response.status_code in (200, 403, 404)
    assert response.headers.get("Cache-Control") == "no-store"


@pytest.mark.parametrize("path", ["/", "/ideas", "/ideas/{published}", "/activities", "/activities/{activity}"])
def test_public_pages_for_visitors_are_cacheable_as_before(client, pages_of_every_kind, path):
    response = browser_of(client, pages_of_every_kind, "visitor").get(path.format(**pages_of_every_kind["ids"]))
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("who", ["visitor", "author"])
def test_files_that_are_the_same_for_everyone_keep_their_caching_for_signed_in_people_too(client, pages_of_every_kind, who):
    browser = browser_of(client, pages_of_every_kind, who)
    photo = browser.get(f"/ideas/{pages_of_every_kind['ids']['published']}/photo")
    assert photo.status_code == 200 and photo.headers["Cache-Control"] == "public, max-age=86400"
    assert Image.open(BytesIO(photo.data)).format == "JPEG"
    stylesheet = browser.get("/static/css/kopiena.css")
    assert stylesheet.status_code == 200 and "no-store" not in stylesheet.headers.get("Cache-Control", "")
