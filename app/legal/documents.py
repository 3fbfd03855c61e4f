"""The five legal pages: their short names, their default texts and the settings written into every text.

The default texts are Markdown files beside this module (defaults/<slug>.<lang>.md, the first line "# Title"); they
are version 1 of a page until an admin publishes a version of their own. Texts name settings in braces, e.g.
{retention_sent_mail_days}: they are replaced when the page is shown, so the privacy notice always states the
periods `flask purge` uses, whatever version an admin wrote. Only the names below are replaced; any other braces
stay as they are (an admin's text is never run as a format string).
"""

import re
from functools import cache
from pathlib import Path

from flask import current_app
from markupsafe import Markup

from app.i18n import LANGUAGE_COOKIE
from app.legal.models import LegalDocument
from app.markdown import render_markdown

#: the pages, in the order the footer and the admin list show them
SLUGS = ("privacy", "terms", "accessibility", "contact", "cookies")
#: the pages a person accepts at registration, and again when a new version asks for it
CONSENT_SLUGS = ("terms", "privacy")
#: from this age a person may have an account of their own: Latvia's age of digital consent
#: (Fizisko personu datu apstrādes likums, section 33; GDPR art. 8); younger children take part through a parent
DIGITAL_CONSENT_AGE = 13
LANGUAGES = ("lv", "en")
DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@cache
def default_text(slug, language):
    """(title, Markdown body) of the default text of a page in a language, read once from its file."""
    text = (DEFAULTS_DIR / f"{slug}.{language}.md").read_text(encoding="utf-8")
    first, _newline, body = text.partition("\n")
    return first.removeprefix("# ").strip(), body.strip() + "\n"


def default_document(slug):
    """Version 1 of a page, from the default files (not stored: the database has no version of it yet)."""
    title_lv, body_lv = default_text(slug, "lv")
    title_en, body_en = default_text(slug, "en")
    return LegalDocument(
        slug=slug, version=1, title_lv=title_lv, title_en=title_en, body_lv=body_lv, body_en=body_en, asks_consent=False
    )


def text_settings():
    """The values the texts may name in braces, from the configuration: the names of the places to write and the periods."""
    config = current_app.config
    names = {
        "controller_name": config["LEGAL_CONTROLLER_NAME"],
        "contact_email": config["LEGAL_CONTACT_EMAIL"],
        "dpo_email": config["LEGAL_DPO_EMAIL"],
        "site_address": config["BASE_URL"],
        "min_account_age": DIGITAL_CONSENT_AGE,
        "data_export_days": config["DATA_EXPORT_DAYS"],
        "remember_days": config["REMEMBER_COOKIE_DURATION"].days,
        "session_idle_hours": int(config["SESSION_IDLE_TIMEOUT"].total_seconds() // 3600),
        "session_absolute_hours": int(config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds() // 3600),
        "session_cookie_name": config["SESSION_COOKIE_NAME"],
        "remember_cookie_name": config["REMEMBER_COOKIE_NAME"],
        "language_cookie_name": LANGUAGE_COOKIE,
    }
    # every RETENTION_*_DAYS setting, e.g. {retention_sent_mail_days}
    retention = {key.lower(): value for key, value in config.items() if key.startswith("RETENTION_")}
    return {name: str(value) for name, value in (names | retention).items()}


def fill_in(text, settings=None):
    """The text with every {name} of a known setting replaced by its value; unknown braces are left alone."""
    settings = text_settings() if settings is None else settings
    return PLACEHOLDER.sub(lambda match: settings.get(match.group(1), match.group(0)), text or "")


def in_language(document, language):
    """(title, Markdown body with the settings filled in) of a version in the language (Latvian unless English)."""
    if language == "en":
        return document.title_en, fill_in(document.body_en)
    return document.title_lv, fill_in(document.body_lv)


def as_html(markdown_text):
    """The page's Markdown as sanitised HTML (app/markdown.py), its sections as h2 and h3 under the page's h1.

    The shared renderer puts an author's headings at h3 and h4, below a page's own h2; a legal page has none, so
    they move one level up. Only whole tags change: after sanitising, a heading tag has no attributes, and a
    "<h3>" an author typed as text is escaped.
    """
    html = str(render_markdown(markdown_text))
    for old, new in (("h3>", "h2>"), ("h4>", "h3>")):
        html = html.replace(f"<{old}", f"<{new}").replace(f"</{old}", f"</{new}")
    return Markup(html)
