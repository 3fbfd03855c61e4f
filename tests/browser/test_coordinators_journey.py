"""A coordinator on a phone (360 px) decides on an idea without a reason and finds the error where the eye is:
the error summary at the top of the form, with focus on it, and the page title starting with "Kļūda:".

Selectors are ids, URL paths and the templates' own classes, not wording (translations change).
"""

import re

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (fails them with CI=true) and says why
    expect = None

from app.extensions import db
from app.ideas.models import IdeaState
from tests.browser.helpers import (
    PERSON_PASSWORD,
    A11yAudit,
    assert_no_sideways_scroll,
    first_category,
    log_in,
    person_with,
    preili_centre,
)
from tests.factories import make_idea

WIDTH = 360
REASON = "Lūdzu, norādiet, kur un kad notiks talka."


def test_a_coordinator_deciding_without_a_reason_finds_the_error_summary_focused(new_page, live_app, live_person):
    author_email = live_person("Anna Ideju Autore")
    moderator_email = live_person("Dace Koordinatore", moderates="preili")
    with live_app.app_context():
        idea = make_idea(
            author=person_with(author_email),
            centre=preili_centre(),
            category=first_category(),
            state=IdeaState.SUBMITTED,
            title="Ēdnīca skolā",
        )
        db.session.commit()
        idea_id = idea.id
    a11y = A11yAudit()
    page = new_page(viewport={"width": WIDTH, "height": 740}, is_mobile=True, has_touch=True)
    log_in(page, moderator_email, PERSON_PASSWORD)
    page.goto(f"/moderation/ideas/{idea_id}")
    form = page.locator(f"main form[action='/moderation/ideas/{idea_id}']")
    form.locator("input[name=decision][value=decline]").check()
    form.locator("button[type=submit]:not([name=save_reason])").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    assert re.match(r"Kļūda: ", page.title())
    # the summary comes before the form's fields, and its link leads to the reason box
    assert page.evaluate(
        "document.querySelector('#error-summary').compareDocumentPosition(document.querySelector('#reason'))"
        " & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    expect(summary.locator("a[href='#reason']")).to_have_count(1)
    expect(page.locator("#reason")).to_have_attribute("aria-invalid", "true")
    assert_no_sideways_scroll(page, WIDTH)
    a11y.check(page)

    # With a reason, the decision is saved and the title is plain again.
    form.locator("#reason").fill(REASON)
    form.locator("button[type=submit]:not([name=save_reason])").click()
    expect(page).to_have_url(re.compile(r"/moderation$"))
    assert not page.title().startswith("Kļūda")
    a11y.assert_clean()
