"""An idea's way through the site in a real browser, as the people involved would go it.

A resident writes an idea with a photo, previews it and submits it; the centre's moderator asks for
changes; the resident is notified, edits and submits again; the moderator publishes it. Another
resident finds it by a word of its description and comments, a third replies, the author is
notified; three people report the comment and it is hidden from visitors until a moderator looks at
it. On the way, axe-core checks the list, the idea's page, the form, the moderation pages and the
notifications. Plus: the list and an idea's page on a phone-sized screen.

Selectors are field ids, URL paths and the templates' own classes, not wording (translations change).
"""

import re

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (fails them with CI=true) and says why
    expect = None

from PIL import Image
from sqlalchemy import func, select

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
from tests.factories import make_comment, make_idea

#: a word only this idea's description has: the search must find the idea by it
UNIQUE_WORD = "ķirbjudārzs"
TITLE = "Kopīga dobe bibliotēkas pagalmā"
SUMMARY = "Kaimiņi kopā audzē dārzeņus un puķes."
NEW_SUMMARY = "Kaimiņi un skolēni kopā audzē ķirbjus, dārzeņus un puķes."
DESCRIPTION = "Bibliotēkas pagalmā ierīkosim **kopīgu dobi**: " + UNIQUE_WORD + " visiem kaimiņiem.\n\n- ķirbji\n- saulespuķes\n"
NEEDS = "Sēklas, divas lāpstas un brīva sestdiena."
PLACE = "Raiņa iela 5, Preiļi"
CHANGES_REASON = "Lūdzu, uzrakstiet, kas laistīs dobi vasarā."
COMMENT = "Lieliski! Es varu atnest ķirbju sēklas."
REPLY = "Un es atnesīšu lejkannu."
REPORT_REASONS = ("Reklāma, nevis komentārs.", "Tas ir surogātpasts.", "Nepiedienīgs teksts.")


# --- small steps ------------------------------------------------------------------------------------


def small_jpeg(path):
    Image.new("RGB", (64, 48), (200, 120, 40)).save(path, "JPEG")
    return path


def ideas_titled(live_app, title):
    from app.ideas.models import Idea

    with live_app.app_context():
        return db.session.scalar(select(func.count()).select_from(Idea).where(Idea.title == title))


def press(page, action):
    """One of the idea form's buttons: preview, save or submit."""
    page.locator(f"main button[name=action][value={action}]").click()


def idea_id_of(page):
    page.wait_for_url(re.compile(r"/ideas/\d+$"))
    return int(re.search(r"/ideas/(\d+)$", page.url).group(1))


def comment_id_of(page):
    page.wait_for_url(re.compile(r"/ideas/\d+#comment-\d+$"))
    return int(re.search(r"#comment-(\d+)$", page.url).group(1))


def expect_state(page, state):
    expect(page.locator(f"main .idea__header .idea-state--{state}")).to_be_visible()


def expect_photo_loaded(page, selector):
    """The picture is there and the browser could decode what the app serves."""
    expect(page.locator(selector)).to_be_visible()
    page.wait_for_function(
        "s => { const img = document.querySelector(s); return img && img.complete && img.naturalWidth > 0; }", arg=selector
    )


def decide(page, idea_id, decision, reason=""):
    """The moderator's decision on the review page: publish, request_changes or decline."""
    form = page.locator(f"main form[action='/moderation/ideas/{idea_id}']")
    form.locator(f"input[name=decision][value={decision}]").check()
    form.locator("#reason").fill(reason)
    form.locator("button[type=submit]:not([name=save_reason])").click()


def report_comment(page, idea_id, comment_id, reason):
    page.goto(f"/ideas/{idea_id}")
    page.locator(f"#comment-{comment_id} a[href='/comments/{comment_id}/report']").click()
    expect(page).to_have_url(re.compile(rf"/comments/{comment_id}/report$"))
    page.locator("#reason").fill(reason)
    page.locator(f"main form[action='/comments/{comment_id}/report'] button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/ideas/{idea_id}#comment-{comment_id}$"))
    # the report link gives way to "you have reported this comment"
    expect(page.locator(f"#comment-{comment_id} a[href='/comments/{comment_id}/report']")).to_have_count(0)


# --- the journey ------------------------------------------------------------------------------------


def test_idea_from_draft_to_moderated_discussion(new_page, live_app, live_person, tmp_path):
    a11y = A11yAudit()  # checks each page on the way; fails at the end, listing all it found
    author_email = live_person("Inese Ķirbe")
    moderator_email = live_person("Māris Vadītājs", moderates="preili")
    commenter_email = live_person("Pēteris Runātājs")
    replier_email = live_person("Laima Atbildētāja")
    reporter_email = live_person("Dace Ziņotāja")
    photo = small_jpeg(tmp_path / "dobe.jpg")

    # 1. The resident writes the idea: first with nothing filled in, then properly, with a preview.
    author = new_page()
    log_in(author, author_email, PERSON_PASSWORD)
    author.goto("/ideas")
    a11y.check(author)  # the list, before this idea is in it
    author.locator("main a[href='/ideas/new']").click()
    expect(author).to_have_url(re.compile(r"/ideas/new$"))
    expect(author.locator("#title")).to_be_visible()
    a11y.check(author)  # the new form

    press(author, "submit")
    expect(author.locator("#error-summary")).to_be_visible()
    for field_id in ("title", "summary", "description", "category"):
        expect(author.locator(f"#{field_id}")).to_have_attribute("aria-invalid", "true")
    expect(author.locator("#kind-error")).to_be_visible()
    a11y.check(author)  # the form with errors
    assert ideas_titled(live_app, TITLE) == 0

    author.locator("#title").fill(TITLE)
    author.locator("#summary").fill(SUMMARY)
    author.locator("#description").fill(DESCRIPTION)
    author.locator("#kind-0").check()
    author.locator("#category").select_option(index=1)
    if author.locator("#centre").count():  # only offered when there are several centres
        expect(author.locator("#centre option:checked")).to_have_text("Preiļi")  # the resident's own
    author.locator("#place").fill(PLACE)
    author.locator("#needs").fill(NEEDS)
    author.set_input_files("#photo", photo)

    press(author, "preview")
    preview = author.locator("main .idea-preview")
    expect(preview.locator(".prose strong")).to_have_text("kopīgu dobi")  # Markdown rendered
    expect(preview.locator(".prose li")).to_have_count(2)
    expect(preview).to_contain_text(UNIQUE_WORD)
    expect(preview).not_to_contain_text("**")
    expect(author.locator("#title")).to_have_value(TITLE)  # the form keeps what was written
    expect(author.locator("#description")).to_have_value(DESCRIPTION)
    assert ideas_titled(live_app, TITLE) == 0, "the preview saved the idea"
    # The preview keeps the photo: the page shows it, and it is saved with the idea without choosing it again.
    expect(author.locator("main .idea-form__kept-photo img")).to_be_visible()

    press(author, "submit")
    idea_id = idea_id_of(author)
    expect(author.locator("main h1")).to_have_text(TITLE)
    expect_state(author, "submitted")
    expect(author.locator("main .idea__main .prose strong")).to_have_text("kopīgu dobi")
    expect(author.locator("main .idea__facts")).to_contain_text(PLACE)
    expect_photo_loaded(author, "main .idea__photo img")
    assert ideas_titled(live_app, TITLE) == 1
    # Nobody else sees it before it is reviewed.
    visitor = new_page()
    assert visitor.request.get(f"/ideas/{idea_id}").status == 404

    # 2. The moderator finds it in the queue and asks for changes (first forgetting the reason).
    moderator = new_page()
    log_in(moderator, moderator_email, PERSON_PASSWORD)
    expect(moderator.locator(".site-nav .nav-count")).to_have_text(re.compile(r"\(\d+\)"))
    moderator.goto("/moderation")
    queued = moderator.locator(f"main .queue-item a[href='/moderation/ideas/{idea_id}']")
    expect(queued).to_have_text(TITLE)
    a11y.check(moderator)  # the queue
    queued.click()
    expect(moderator).to_have_url(re.compile(rf"/moderation/ideas/{idea_id}$"))
    expect(moderator.locator("main .review .prose strong")).to_have_text("kopīgu dobi")
    expect(moderator.locator("main .review__summary")).to_have_text(SUMMARY)
    expect_photo_loaded(moderator, "main .review__photo img")
    a11y.check(moderator)  # the decision page
    decide(moderator, idea_id, "request_changes")  # no reason: the author must be told why
    expect(moderator.locator("#reason")).to_have_attribute("aria-invalid", "true")
    a11y.check(moderator)  # the decision page with an error
    decide(moderator, idea_id, "request_changes", CHANGES_REASON)
    expect(moderator).to_have_url(re.compile(r"/moderation$"))
    expect(moderator.locator(f"main a[href='/moderation/ideas/{idea_id}']")).to_have_count(0)

    # 3. The resident is notified, with the reason, edits the summary and submits again.
    author.goto(f"/ideas/{idea_id}")
    expect(author.locator(".site-nav .nav-notifications__count")).to_have_text("(1)")
    author.locator(".site-nav a.nav-notifications").click()
    expect(author).to_have_url(re.compile(r"/me/notifications$"))
    decided = author.locator("main .notification--unread").filter(has_text=CHANGES_REASON)
    expect(decided).to_have_count(1)
    expect(decided).to_contain_text(TITLE)
    a11y.check(author)  # the notifications
    decided.locator(f"a[href='/ideas/{idea_id}']").click()
    expect_state(author, "changes_requested")
    expect(author.locator("main .idea__history")).to_contain_text(CHANGES_REASON)
    author.locator(f"main a[href='/ideas/{idea_id}/edit']").click()
    expect(author.locator("#summary")).to_have_value(SUMMARY)
    expect(author.locator("#description")).to_have_value(DESCRIPTION.strip())
    expect_photo_loaded(author, "main .idea-form__current-photo img")  # kept without choosing it again
    author.locator("#summary").fill(NEW_SUMMARY)
    press(author, "submit")
    author.wait_for_url(re.compile(rf"/ideas/{idea_id}$"))
    expect_state(author, "submitted")
    expect(author.locator("main .idea__header .idea__summary")).to_have_text(NEW_SUMMARY)
    expect_photo_loaded(author, "main .idea__photo img")

    # 4. The moderator sees the new summary and publishes the idea.
    moderator.goto("/moderation")
    moderator.locator(f"main a[href='/moderation/ideas/{idea_id}']").click()
    expect(moderator.locator("main .review__summary")).to_have_text(NEW_SUMMARY)
    expect(moderator.locator("main .timeline")).to_contain_text(CHANGES_REASON)
    decide(moderator, idea_id, "publish")
    expect(moderator).to_have_url(re.compile(r"/moderation$"))
    expect(moderator.locator(f"main a[href='/moderation/ideas/{idea_id}']")).to_have_count(0)
    assert visitor.request.get(f"/ideas/{idea_id}").status == 200

    # 5. Another resident finds it by a word of its description (with and without diacritics) and comments.
    commenter = new_page()
    log_in(commenter, commenter_email, PERSON_PASSWORD)
    commenter.goto("/ideas")
    for query in (UNIQUE_WORD, "kirbjudarzs"):
        commenter.locator("#q").fill(query)
        commenter.locator("#q").press("Enter")
        commenter.wait_for_url(re.compile(r"/ideas\?(.*&)?q="))
        expect(commenter.locator("main .idea-card")).to_have_count(1)
        expect(commenter.locator(f"main .idea-card a[href='/ideas/{idea_id}']")).to_have_text(TITLE)
    a11y.check(commenter)  # the list
    commenter.locator(f"main .idea-card a[href='/ideas/{idea_id}']").click()
    expect(commenter.locator("main h1")).to_have_text(TITLE)
    commenter.locator("#comment-body").fill(COMMENT)
    commenter.locator("#comment-form button[type=submit]").click()
    comment_id = comment_id_of(commenter)
    expect(commenter.locator(f"#comment-{comment_id} .comment__body")).to_have_text(COMMENT)

    # ... and a third resident replies to that comment.
    replier = new_page()
    log_in(replier, replier_email, PERSON_PASSWORD)
    replier.goto(f"/ideas/{idea_id}")
    replier.locator(f"#comment-{comment_id} a[href*='reply_to={comment_id}']").click()
    replier.locator(f"#reply-body-{comment_id}").fill(REPLY)
    replier.locator(f"#reply-form-{comment_id} button[type=submit]").click()
    reply_id = comment_id_of(replier)
    expect(replier.locator(f"main .comments__replies #comment-{reply_id} .comment__body")).to_have_text(REPLY)
    a11y.check(replier)  # the idea's page with a discussion

    # 6. The author is notified of both; the commenter of the reply.
    author.goto("/me/notifications")
    for answer_id, name in ((comment_id, "Pēteris Runātājs"), (reply_id, "Laima Atbildētāja")):
        expect(author.locator(f"main .notification a[href='/ideas/{idea_id}#comment-{answer_id}']")).to_contain_text(name)
    commenter.goto("/me/notifications")
    expect(commenter.locator(f"main .notification a[href='/ideas/{idea_id}#comment-{reply_id}']")).to_contain_text(
        "Laima Atbildētāja"
    )

    # 7. Three people report the comment: after the third it is hidden from visitors until reviewed.
    reporter = new_page()
    log_in(reporter, reporter_email, PERSON_PASSWORD)
    for number, (page, reason) in enumerate(zip((author, replier, reporter), REPORT_REASONS, strict=True), start=1):
        report_comment(page, idea_id, comment_id, reason)
        visitor.goto(f"/ideas/{idea_id}")
        shown = visitor.locator(f"#comment-{comment_id}")
        if number < 3:
            expect(shown.locator(".comment__body")).to_have_text(COMMENT)
        else:
            expect(shown.locator(".comment__placeholder")).to_be_visible()
            expect(shown).not_to_contain_text(COMMENT)
            expect(shown.locator(".comment__body")).to_have_count(0)
    # The reply stays where it was.
    expect(visitor.locator(f"main .comments__replies #comment-{reply_id} .comment__body")).to_have_text(REPLY)
    a11y.check(visitor)  # the idea's page with a hidden comment, as a visitor

    moderator.goto("/moderation/reports")
    reported = moderator.locator(f"main article.report[aria-labelledby='report-{comment_id}']")
    expect(reported.locator(".report__body")).to_have_text(COMMENT)
    for reason in REPORT_REASONS:
        expect(reported.locator(".report__list")).to_contain_text(reason)
    expect(reported.locator(".badge--warning")).to_be_visible()  # hidden until a moderator decides
    a11y.check(moderator)  # the reported comments

    a11y.assert_clean()


# --- a phone-sized screen ---------------------------------------------------------------------------


def published_idea_with_comment(live_app, live_person):
    """A published idea with long words and a comment, written straight into the live app's database."""
    author_email = live_person("Jānis Tālrunis")
    with live_app.app_context():
        author = person_with(author_email)
        idea = make_idea(
            author=author,
            centre=preili_centre(),
            category=first_category(),
            state="published",
            kind="social_enterprise",
            title="Pašvaldības līdzfinansētā sociālās uzņēmējdarbības darbnīca jauniešiem",
            summary="Darbnīca, kurā jaunieši labo velosipēdus un mācās uzņēmējdarbību.",
            description="Skatīt https://www.preili.lv/lv/jaunumi/2024/pasvaldibas-lidzfinansejuma-"
            "konkurss-sociala-uznemejdarbiba-jauniesu-iniciativam-pieteikumi\n\n"
            "**Nepieciešams**: telpa, instrumenti un pieredzējis meistars.",
            place="Rēzeknes iela 12, Preiļi",
            needs="Instrumenti, rezerves daļas.",
        )
        make_comment(idea, author, body="Pieteikšanās līdz piektdienai. " * 5)
        return idea.id


def test_idea_list_and_page_fit_a_phone_screen(new_page, live_app, live_person):
    idea_id = published_idea_with_comment(live_app, live_person)
    page = new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)

    page.goto("/ideas")
    expect(page.locator(f"main .idea-card a[href='/ideas/{idea_id}']")).to_be_visible()
    assert_no_sideways_scroll(page, 360)

    page.locator(f"main .idea-card a[href='/ideas/{idea_id}']").tap()
    expect(page).to_have_url(re.compile(rf"/ideas/{idea_id}$"))
    expect(page.locator("main .comment__body")).to_be_visible()
    assert_no_sideways_scroll(page, 360)
