"""What the browser tests share: finding Chromium, reading the mail the app sent, running axe-core, finding rows of
the live app's database."""

import email
import email.policy
import re
import shutil
from pathlib import Path

from sqlalchemy import select

from app.accounts.models import User
from app.centres.models import Centre
from app.extensions import db
from app.ideas.models import Category
from app.outbox.services import deliver_due_mail

BROWSER_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BROWSER_DIR.parent.parent
AXE_PATH = BROWSER_DIR / "vendor" / "axe.min.js"
CHROMIUM_PATH = "/usr/bin/chromium"
#: headless, as root, without any network but loopback
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: how long one Playwright action, navigation or expectation may wait (milliseconds)
TIMEOUT_MS = 10_000
#: axe-core rules for WCAG 2.0 and 2.1, levels A and AA
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = ("serious", "critical")
#: the password of every person the `live_person` fixture makes (hashed once: scrypt is slow on purpose)
PERSON_PASSWORD = "zils kaķis guļ uz palodzes"


def chromium_executable():
    if Path(CHROMIUM_PATH).is_file():
        return CHROMIUM_PATH
    return shutil.which("chromium")


def stale_catalogues():
    """The .po catalogues whose compiled .mo is missing or older (the app would silently show English)."""
    stale = []
    for po in sorted((PROJECT_DIR / "app" / "translations").glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(str(mo.relative_to(PROJECT_DIR)))
    return stale


# --- mail --------------------------------------------------------------------------------------


class Mailbox:
    """The SMTP sink's messages, after delivering the outbox as `flask send-mail` does."""

    def __init__(self, app, handler):
        self.app = app
        self.handler = handler

    def deliver(self):
        with self.app.app_context():
            sent, failed = deliver_due_mail()
        assert failed == 0, f"{failed} message(s) could not be delivered to the SMTP sink"
        return sent

    def latest_to(self, address):
        """Deliver the outbox, then return the newest message that reached `address` (an EmailMessage)."""
        self.deliver()
        for envelope in reversed(self.handler.messages):
            if address.lower() in (rcpt.lower() for rcpt in envelope.rcpt_tos):
                return email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        raise AssertionError(
            f"no mail reached {address}; mail went to: {[envelope.rcpt_tos for envelope in self.handler.messages]}"
        )


def mail_text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def link_path(message, path_start):
    """The path (with query) of the first link in the mail whose path starts with `path_start`."""
    text = mail_text(message)
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_start) + r"[^\s]*)", text)
    assert match, f"no link to {path_start} in the mail:\n{text}"
    return match.group(1)


# --- accessibility -----------------------------------------------------------------------------

AXE_RUN = """async (tags) => {
    const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
    return results.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map(n => ({target: n.target.join(" "), impact: n.impact, summary: n.failureSummary})),
    }));
}"""


def axe_violations(page):
    """Every WCAG 2.0/2.1 A/AA violation axe-core finds on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_PATH))
    return page.evaluate(AXE_RUN, AXE_TAGS)


def serious_axe_violations(page):
    """The serious and critical violations on the page, described for a failure message ([] when none)."""
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    if not blocking:
        return []
    lang = page.evaluate("document.documentElement.lang")
    lines = [f"{page.url} (<html lang={lang!r}>):"]
    for violation in blocking:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    {node['target']}: {' '.join((node['summary'] or '').split())}")
    return lines


UNLABELLED_FIELDS = """() => [...document.querySelectorAll("input, select, textarea")]
    .filter(el => el.type !== "hidden" && el.labels.length === 0
                  && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
    .map(el => el.outerHTML.slice(0, 200))"""


def unlabelled_fields(page):
    """Form fields the browser itself finds no label for (e.g. a <label for> that leads to another
    element with the same id), described for a failure message ([] when none)."""
    fields = page.evaluate(UNLABELLED_FIELDS)
    if not fields:
        return []
    return [f"{page.url}: {len(fields)} field(s) without a label of their own:"] + [f"    {f}" for f in fields]


def assert_no_serious_axe_violations(page):
    """Fail listing each serious or critical axe-core violation: rule id, help text and elements."""
    lines = serious_axe_violations(page)
    assert not lines, "axe-core found serious/critical violations on " + "\n".join(lines)


def assert_accessible(page):
    """No serious/critical axe-core violation, and every form field has its own label."""
    lines = serious_axe_violations(page) + unlabelled_fields(page)
    assert not lines, "accessibility problems:\n" + "\n".join(lines)


class A11yAudit:
    """Checks pages along a journey (axe-core and field labels) and fails only at the end, so a
    problem on one page hides neither the rest of the journey nor the problems on later pages."""

    def __init__(self):
        self.findings = []
        self.checked = 0

    def check(self, page):
        self.checked += 1
        self.findings.extend(serious_axe_violations(page) + unlabelled_fields(page))

    def assert_clean(self):
        assert self.checked, "no page was checked"
        assert not self.findings, f"accessibility problems on the {self.checked} checked page(s):\n" + "\n".join(self.findings)


# --- pages -------------------------------------------------------------------------------------


def log_in(page, address, password):
    """Log in through the real log-in page (field ids, not wording) and wait until it has let us in."""
    page.goto("/login")
    page.locator("#email").fill(address)
    page.locator("#password").fill(password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


#: WCAG 1.4.12: the spacing a reader may impose on every page's text
TEXT_SPACING = (
    "* { line-height: 1.5 !important; letter-spacing: .12em !important; word-spacing: .16em !important; }"
    " p { margin-bottom: 2em !important; }"
)


def assert_no_sideways_scroll(page, width):
    """The page is no wider than the screen (nothing to scroll sideways on a phone)."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide on a {width}px screen (sideways scrolling)"


# --- rows of the live app's database (inside its app context) ------------------------------------


def preili_centre():
    """The Preiļi centre (the live app is seeded with the initiative centres)."""
    return db.session.scalar(select(Centre).where(Centre.slug == "preili"))


def first_category():
    """The first category of ideas, as the form lists them."""
    return db.session.scalar(select(Category).order_by(Category.position).limit(1))


def person_with(email):
    """The person with this address (made by the `live_person` fixture or through the pages)."""
    return db.session.scalar(select(User).where(User.email == email))
