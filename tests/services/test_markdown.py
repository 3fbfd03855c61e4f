"""User Markdown becomes safe HTML: formatting works, scripts, event handlers and dangerous links do not."""

from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from app.markdown import render_markdown


class Elements(HTMLParser):
    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html):
    return Elements(str(html)).found


def test_formatting_becomes_html():
    html = render_markdown("**Soliņi** un *puķes*\n\n- viens\n- divi\n\n1. pirmais\n\n> citāts\n\n`kods`\n\n---")
    assert "<strong>Soliņi</strong>" in html and "<em>puķes</em>" in html
    assert "<ul>\n<li>viens</li>" in html and "<ol>\n<li>pirmais</li>" in html
    assert "<blockquote>" in html and "<code>kods</code>" in html and "<hr>" in html
    assert isinstance(html, Markup)


def test_headings_fit_under_the_pages_own_headings():
    html = render_markdown("# Plāns\n## Kas vajadzīgs\n### Sīkāk\n###### Mazs")
    assert [tag for tag, _ in elements(html)] == ["h3", "h4", "h4", "h4"]


def test_an_author_who_starts_with_two_hashes_gets_no_skipped_heading_level():
    html = render_markdown("## Kā tas notiktu\n\n### Sīkāk\n\n## Kas vajadzīgs")
    assert [tag for tag, _ in elements(html)] == ["h3", "h4", "h3"]


def test_links_get_rel_nofollow_ugc_noopener_and_keep_only_the_address():
    html = render_markdown('[karte](https://www.openstreetmap.org "virsraksts") un <https://kopiena.lv>')
    links = [attrs for tag, attrs in elements(html) if tag == "a"]
    assert links == [
        {"href": "https://www.openstreetmap.org", "rel": "nofollow ugc noopener"},
        {"href": "https://kopiena.lv", "rel": "nofollow ugc noopener"},
    ]


def test_mail_and_relative_links_work():
    html = render_markdown("[raksti](mailto:centrs@preili.lv) [ideja](/ideas/5)")
    assert [attrs["href"] for tag, attrs in elements(html) if tag == "a"] == ["mailto:centrs@preili.lv", "/ideas/5"]


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=https://evil.example></iframe>",
        "<svg onload=alert(1)>",
        '<div style="background:url(javascript:alert(1))">x</div>',
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](javascript&#58;alert(1))",
        "[x](javascript&colon;alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](  javascript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](file:///etc/passwd)",
        "![x](javascript:alert(1))",
        "![pixel](https://tracker.example/p.gif)",
        '[x](https://ok.example "title" onclick=alert(1))',
        '<https://ok.example/" onmouseover="alert(1)>',
        "**bold <script>alert(1)</script>**",
        "```\n</code></pre><script>alert(1)</script>\n```",
        "[x]: javascript:alert(1)\n\n[link][x]",
    ],
)
def test_attempts_at_script_render_inert(text):
    html = render_markdown(text)
    found = elements(html)
    assert {tag for tag, _ in found} <= {
        "p",
        "br",
        "strong",
        "em",
        "ul",
        "ol",
        "li",
        "blockquote",
        "code",
        "pre",
        "h3",
        "h4",
        "a",
        "hr",
    }, html
    for tag, attrs in found:
        assert set(attrs) <= ({"href", "rel"} if tag == "a" else set()), html
        if tag == "a":
            assert attrs["href"].split(":")[0].lower() in ("http", "https", "mailto") or attrs["href"].startswith("/"), html
            assert attrs["rel"] == "nofollow ugc noopener"


def test_html_in_markdown_is_shown_as_text():
    html = render_markdown("Raksti <b>treknrakstā</b> un <script>alert(1)</script>")
    assert "&lt;b&gt;treknrakstā&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_pictures_are_not_embedded_but_stay_as_links():
    html = render_markdown("![foto](https://example.com/a.jpg)")
    assert "<img" not in html
    assert '<a href="https://example.com/a.jpg" rel="nofollow ugc noopener">foto</a>' in html


def test_empty_text():
    assert render_markdown("") == "" and render_markdown(None) == ""
