"""User-written Markdown as safe HTML: markdown-it-py renders it, nh3 keeps only an allow-list.

Two layers on purpose: markdown-it never passes raw HTML through (html disabled) and refuses
javascript:/data: links itself; nh3 then removes whatever is not on the allow-list, so a mistake or a
future option in the renderer cannot smuggle a script, an event handler or a dangerous link through.
"""

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4", "a", "hr"}
#: "*" (attributes on every tag) empty: nh3 would otherwise keep title and lang everywhere
ALLOWED_ATTRIBUTES = {"a": {"href"}, "*": set()}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"


def shift_headings(state):
    """The page has its own h1 and h2: the author's biggest heading becomes h3, every smaller one h4, whether the
    author began with "#" or with "##" (no level is skipped after the page's h2)."""
    top = min((int(token.tag[1]) for token in state.tokens if token.type == "heading_open"), default=1)
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) - top + 3, 4)}"


def build_renderer():
    """A CommonMark renderer passing no raw HTML and no pictures, with the author's headings moved below the page's own."""
    renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    # Pictures from elsewhere are not shown (tracking, broken layouts); the text stays as a link.
    renderer.disable("image")
    renderer.core.ruler.push("kopiena_shift_headings", shift_headings)
    return renderer


_renderer = build_renderer()


def render_markdown(text):
    """The author's Markdown as sanitised HTML, ready for a template."""
    html = _renderer.render(text or "")
    return Markup(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel=LINK_REL,
            strip_comments=True,
        )
    )
