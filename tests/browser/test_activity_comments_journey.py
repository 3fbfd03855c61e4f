"""Comments on an activity, in a real browser on a phone (issue 13 item 5): a resident thanks the centre for the
ceramics workshop on its page at 360 px, sees the comment in the discussion, and its coordinator is told;
another resident answers. axe-core checks the page with the discussion; nothing scrolls sideways.

Selectors are field ids, form ids and the templates' own classes, not wording (translations change).
Screenshots (not committed) go to /tmp/shots/.
"""

import re
from pathlib import Path

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (fails them with CI=true) and says why
    expect = None

from sqlalchemy import select

from app.extensions import db
from tests.browser.helpers import PERSON_PASSWORD, A11yAudit, assert_no_sideways_scroll, log_in, person_with, preili_centre
from tests.factories import make_activity

SHOTS = Path("/tmp/shots")
PHONE = {"width": 360, "height": 740}
THANKS = "Paldies par darbnīcu! Mūsu podi jau zied uz palodzes."
ANSWER = "Piekrītu — gaidām nākamo reizi!"


def demo_like_activity(live_app, coordinator_email):
    """“Keramikas darbnīca” of Preiļi, open for registration next week, created by the coordinator: its id."""
    with live_app.app_context():
        activity = make_activity(
            centre=preili_centre(), creator=person_with(coordinator_email), state="open", title="Keramikas darbnīca"
        )
        return activity.id


def notified(live_app, email, event):
    from app.notifications.models import Notification

    with live_app.app_context():
        user = person_with(email)
        return db.session.scalars(select(Notification).where(Notification.user_id == user.id, Notification.event == event)).all()


def test_a_resident_comments_on_an_activity_on_a_phone(new_page, live_app, live_person):
    coordinator = live_person("Koordinatore Dace", moderates="preili")
    resident = live_person("Anna Bērziņa")
    neighbour = live_person("Valdis Ozols")
    activity_id = demo_like_activity(live_app, coordinator)
    audit = A11yAudit()

    page = new_page(viewport=PHONE)
    log_in(page, resident, PERSON_PASSWORD)
    page.goto(f"/activities/{activity_id}")
    form = page.locator("#comment-form")
    expect(form).to_be_visible()
    assert_no_sideways_scroll(page, PHONE["width"])
    page.locator("#comment-body").fill(THANKS)
    form.locator("button[type=submit]").click()

    page.wait_for_url(re.compile(rf"/activities/{activity_id}#comment-\d+$"))
    comment_id = page.url.rsplit("-", 1)[1]
    comment = page.locator(f"#comment-{comment_id}")
    expect(comment).to_contain_text(THANKS)
    expect(comment).to_contain_text("Anna")
    expect(page.locator("#comments-heading")).to_contain_text("1")
    assert_no_sideways_scroll(page, PHONE["width"])
    audit.check(page)
    assert len(notified(live_app, coordinator, "comment_new_activity")) == 1

    other = new_page(viewport=PHONE)
    log_in(other, neighbour, PERSON_PASSWORD)
    other.goto(f"/activities/{activity_id}")
    other.locator(f"#comment-{comment_id} .comment__actions a[href*='reply_to']").click()
    other.locator(f"#reply-body-{comment_id}").fill(ANSWER)
    other.locator(f"#reply-form-{comment_id} button[type=submit]").click()
    other.wait_for_url(re.compile(rf"/activities/{activity_id}#comment-\d+$"))
    expect(other.locator(f"#comment-{comment_id}").locator("xpath=..").locator(".comments__replies")).to_contain_text(ANSWER)
    assert_no_sideways_scroll(other, PHONE["width"])
    SHOTS.mkdir(exist_ok=True)
    other.screenshot(path=str(SHOTS / "activity-comments-360.png"), full_page=True)
    audit.check(other)
    assert len(notified(live_app, resident, "comment_reply")) == 1

    audit.assert_clean()
