"""Photos of people's work in a real browser at 320 px (issue 13 item 5): idea and activity cards with a photo stay
readable without sideways scrolling, the pictures load and keep their box, axe finds nothing serious, and a
coordinator takes the photo off an activity with the "Noņemt fotoattēlu" box."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.extensions import db
from tests.browser.helpers import (
    PERSON_PASSWORD,
    A11yAudit,
    assert_no_sideways_scroll,
    first_category,
    log_in,
    person_with,
    preili_centre,
)
from tests.factories import make_activity, make_idea
from tests.factories_photos import stored_photo

NARROW = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def scene(live_app, live_person):
    """A published idea with a photo and an activity that grew from it (the same file), in Preiļi, and its coordinator."""
    coordinator = live_person("Koordinatore Ilze Ozola", moderates="preili")
    with live_app.app_context():
        name = stored_photo(Path(live_app.config["UPLOAD_FOLDER"]))
        idea = make_idea(
            author=person_with(coordinator),
            centre=preili_centre(),
            category=first_category(),
            title="Putnu būrīši skolas dārzam ar ļoti garu nosaukumu, kas aizņem vairākas rindas",
            image_name=name,
        )
        activity = make_activity(
            centre=preili_centre(),
            creator=person_with(coordinator),
            title="Putnu būrīšu darbnīca visai ģimenei sestdienas rītā",
            idea_id=idea.id,
            image_name=name,
        )
        db.session.commit()
        return {"coordinator": coordinator, "idea": idea.id, "activity": activity.id}


def assert_card_photo_fits(page, selector):
    """The card's photo loaded, keeps its small box, and leaves the title most of the card's width."""
    photo = page.locator(f"{selector} img").first
    expect(photo).to_be_visible()
    photo.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    box = photo.bounding_box()
    assert box["width"] <= 96 and box["height"] <= 72, box
    title = page.locator(f"{selector} h2, {selector} h3").first.bounding_box()
    assert title["width"] >= 140, title


def test_cards_with_photos_read_well_at_320px(new_page, scene):
    a11y = A11yAudit()
    page = new_page(**NARROW)
    for path, selector in (
        ("/ideas", f"#idea-{scene['idea']}-title"),
        ("/activities", f"#activity-{scene['activity']}-title"),
        ("/", f"#idea-{scene['idea']}-title"),
    ):
        page.goto(path)
        card = f"article:has({selector})"
        assert_card_photo_fits(page, card)
        assert_no_sideways_scroll(page, 320)
        a11y.check(page)
    page.goto(f"/activities/{scene['activity']}")
    expect(page.locator(".activity__photo img")).to_be_visible()
    assert_no_sideways_scroll(page, 320)
    a11y.check(page)
    a11y.assert_clean()


def test_the_coordinator_removes_the_photo_from_the_activity(new_page, scene):
    a11y = A11yAudit()
    page = new_page(**NARROW)
    log_in(page, scene["coordinator"], PERSON_PASSWORD)
    page.goto(f"/activities/{scene['activity']}/edit")
    assert_no_sideways_scroll(page, 320)
    a11y.check(page)
    page.get_by_label("Noņemt fotoattēlu").check()
    page.locator("form.activity-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Putnu būrīšu darbnīca visai ģimenei sestdienas rītā")
    expect(page.locator(".activity__photo")).to_have_count(0)
    page.goto(f"/ideas/{scene['idea']}")  # the idea still shows its photo
    expect(page.locator(".idea__photo img")).to_be_visible()
    a11y.assert_clean()
