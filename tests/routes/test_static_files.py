"""Static files: addresses naming their content, a year of caching for those only, gzip, /favicon.ico, /robots.txt.

What a browser sees: after an upgrade (or an edit in development) a changed stylesheet has another address, so a
copy kept for a year is never served in its place; an address without the hash (Leaflet's images) is revalidated.
"""

import gzip
import hashlib
import re
import shutil
from io import BytesIO
from pathlib import Path

import pytest
from flask import url_for
from PIL import Image

from app.static_files import StaticFiles
from tests.apps import PRODUCTION_SITE, another_app, production_settings
from tests.helpers import html

STATIC = Path(__file__).resolve().parent.parent.parent / "static"
YEAR = "public, max-age=31536000, immutable"
HOUR = "public, max-age=3600"


def version_of(relative):
    """What the address should carry: the first 12 hex digits of the file's sha256."""
    return hashlib.sha256((STATIC / relative).read_bytes()).hexdigest()[:12]


def stylesheet_address(text):
    return re.search(r'<link rel="stylesheet" href="([^"]+)"', text).group(1)


@pytest.fixture
def static_copy(app, tmp_path, monkeypatch):
    """The app serving a copy of the static folder, which a test may change as an upgrade would."""
    folder = tmp_path / "static"
    shutil.copytree(STATIC, folder)
    monkeypatch.setattr(app, "static_folder", str(folder))
    monkeypatch.setitem(app.extensions, "static_files", StaticFiles(str(folder), watch=True))
    return folder


def test_every_static_address_in_a_page_names_its_content(client, ctx):
    text = html(client.get("/ideas?view=map"))
    addresses = re.findall(r'(?:href|src)="(/static/[^"]+)"', text)
    assert f"/static/css/kopiena.css?v={version_of('css/kopiena.css')}" in addresses
    assert f"/static/img/favicon.svg?v={version_of('img/favicon.svg')}" in addresses
    assert f"/static/vendor/leaflet/leaflet.js?v={version_of('vendor/leaflet/leaflet.js')}" in addresses
    assert f"/static/js/map.js?v={version_of('js/map.js')}" in addresses
    assert all(re.search(r"\?v=[0-9a-f]{12}$", address) for address in addresses), addresses


def test_a_file_asked_for_by_its_current_hash_is_kept_a_year(client, ctx):
    address = stylesheet_address(html(client.get("/")))
    response = client.get(address)
    assert response.status_code == 200 and b"--" in response.data  # the stylesheet itself
    assert response.headers["Cache-Control"] == YEAR
    assert response.headers["ETag"] == f'"{version_of("css/kopiena.css")}"'


@pytest.mark.parametrize("query", ["", "?v=000000000000", "?v=../../etc"])
def test_a_file_asked_for_without_its_hash_or_by_an_old_one_is_revalidated_soon(client, ctx, query):
    response = client.get(f"/static/css/kopiena.css{query}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == HOUR
    again = client.get(f"/static/css/kopiena.css{query}", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_leaflets_images_asked_for_relatively_by_its_stylesheet_are_served_and_cached(client, ctx):
    stylesheet = client.get("/static/vendor/leaflet/leaflet.css").get_data(as_text=True)
    assert "url(images/marker-icon.png)" in stylesheet or "images/layers.png" in stylesheet
    for image in ("layers.png", "marker-icon.png", "marker-icon-2x.png", "marker-shadow.png"):
        response = client.get(f"/static/vendor/leaflet/images/{image}")
        assert response.status_code == 200 and Image.open(BytesIO(response.data)).format == "PNG"
        assert response.headers["Cache-Control"] == HOUR and response.headers["ETag"]
        assert "Content-Encoding" not in response.headers  # PNG is compressed already


@pytest.mark.parametrize(
    "relative, mimetype",
    [("css/kopiena.css", "text/css"), ("js/map.js", "text/javascript"), ("img/favicon.svg", "image/svg+xml")],
)
def test_stylesheets_scripts_and_svg_are_gzipped_for_a_client_that_accepts_it(client, ctx, relative, mimetype):
    original = (STATIC / relative).read_bytes()
    address = f"/static/{relative}?v={version_of(relative)}"
    zipped = client.get(address, headers={"Accept-Encoding": "br, gzip;q=0.8"})
    assert zipped.headers["Content-Encoding"] == "gzip" and zipped.mimetype == mimetype
    assert gzip.decompress(zipped.data) == original and len(zipped.data) < len(original)
    assert zipped.headers["Cache-Control"] == YEAR and "Accept-Encoding" in zipped.headers["Vary"]
    assert client.get(address, headers={"If-None-Match": zipped.headers["ETag"], "Accept-Encoding": "gzip"}).status_code == 304
    for refusing in ({}, {"Accept-Encoding": "identity"}, {"Accept-Encoding": "gzip;q=0"}):
        plain = client.get(address, headers=refusing)
        assert "Content-Encoding" not in plain.headers and plain.data == original
        assert "Accept-Encoding" in plain.headers["Vary"]  # a shared cache must not give this one to others
        assert plain.headers["ETag"] != zipped.headers["ETag"]


@pytest.mark.parametrize("path", ["/static/nothing.css", "/static/../config.py", "/static/%2e%2e/config.py", "/static/css"])
def test_no_file_outside_the_folder_or_missing_is_served(client, ctx, path):
    assert client.get(path).status_code == 404


def test_an_address_for_a_missing_file_is_still_built(app, ctx):
    with app.test_request_context():
        assert url_for("static", filename="css/gone.css") == "/static/css/gone.css"


def test_an_edited_stylesheet_gets_a_new_address_at_once_in_development(client, ctx, static_copy):
    before = stylesheet_address(html(client.get("/")))
    (static_copy / "css" / "kopiena.css").write_text("body { color: red; } /* the upgrade */\n", encoding="utf-8")
    after = stylesheet_address(html(client.get("/")))
    assert after != before and after.startswith("/static/css/kopiena.css?v=")
    response = client.get(after)
    assert response.data == b"body { color: red; } /* the upgrade */\n"
    assert response.headers["Cache-Control"] == YEAR
    assert client.get(before).headers["Cache-Control"] == HOUR  # a page still naming the old address


def test_production_hashes_each_file_once_and_an_upgrade_changes_the_address(tmp_path):
    """Production does not look at the files again (an upgrade restarts the processes), and after the restart
    the changed stylesheet's address is another one, while an unchanged script keeps its own."""
    folder = tmp_path / "static"
    shutil.copytree(STATIC, folder)
    with another_app("production", production_settings()) as app:
        assert not app.extensions["static_files"].watch
        app.extensions["static_files"] = StaticFiles(str(folder), watch=False)
        app.static_folder = str(folder)
        with app.test_request_context(base_url=PRODUCTION_SITE):
            before = url_for("static", filename="css/kopiena.css"), url_for("static", filename="js/map.js")
            (folder / "css" / "kopiena.css").write_text("body { color: red; }\n", encoding="utf-8")
            assert url_for("static", filename="css/kopiena.css") == before[0]  # hashed once per process
            app.extensions["static_files"] = StaticFiles(str(folder), watch=False)  # the restart
            after = url_for("static", filename="css/kopiena.css"), url_for("static", filename="js/map.js")
        assert after[0] != before[0] and after[1] == before[1]
        response = app.test_client().get(after[0], base_url=PRODUCTION_SITE)
        assert response.data == b"body { color: red; }\n" and response.headers["Cache-Control"] == YEAR


def test_favicon_ico_is_a_real_icon_kept_a_day(client, ctx):
    # named before the SVG: a browser that cannot show an SVG icon takes this one
    assert '<link rel="icon" href="/favicon.ico" sizes="32x32">' in html(client.get("/"))
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
    icon = Image.open(BytesIO(response.data))
    assert icon.format == "ICO" and {(16, 16), (32, 32)} <= icon.info["sizes"]
    assert icon.convert("RGBA").getpixel((24, 24))[:3] == (29, 92, 59)  # the green of favicon.svg (#1d5c3b)
    assert response.headers["Cache-Control"] == "public, max-age=86400"


def robots_allow(rules, path):
    """Whether robots.txt's rules let a robot read `path`, as Google reads them: the longest matching rule wins."""
    matching = [
        (len(pattern), verdict == "Allow")
        for verdict, pattern in rules
        if re.match(re.escape(pattern).replace(r"\*", ".*").replace(r"\$", "$"), path)
    ]
    return max(matching, default=(0, True))[1]


PUBLIC = [
    "/",
    "/ideas",
    "/ideas/12",
    "/activities",
    "/activities/7",
    "/activities/calendar",
    "/centres/preili",
    "/organisations/3",
    "/partners",
    "/people/5",
    "/privacy",
    "/help/formatting",
    "/static/css/kopiena.css",
]
PRIVATE = ["/me", "/me/ideas", "/admin/users", "/moderation", "/moderation/ideas/4", "/login", "/register",
           "/reset-password/abc", "/confirm/abc", "/unsubscribe/abc", "/ideas/new", "/ideas/12/edit",
           "/activities/7/edit", "/activities/7/roles/new", "/activities/7/registrations", "/ideas/12/report",
           "/comments/3/edit", "/organisations/3/edit", "/partner-calls/2/edit", "/search?q=x"]  # fmt: skip


def test_robots_may_read_the_public_pages_only(client, ctx):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    lines = [line for line in response.get_data(as_text=True).splitlines() if line]
    assert lines[0] == "User-agent: *"
    rules = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:]]
    assert {verdict for verdict, _pattern in rules} == {"Allow", "Disallow"}  # no Sitemap, nothing else
    assert [path for path in PUBLIC if not robots_allow(rules, path)] == []
    assert [path for path in PRIVATE if robots_allow(rules, path)] == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Accept-Encoding": "gzip;q=١٢, \x00, *;q=99999999999999999999", "Range": f"bytes={2**63}-{10**30}"},
        {"Accept-Encoding": "gzip", "Range": "bytes=0-10", "If-Range": "junk", "If-None-Match": "\x00, *"},
        {"Accept-Encoding": "x" * 5000, "If-Modified-Since": "Mon, 1 Jan 0001 00:00:00 GMT"},
    ],
)
@pytest.mark.parametrize("query", ["?v=\x00", "?v=" + "f" * 5000, "?v=a&v=b", ""])
def test_junk_headers_and_versions_are_no_server_error(client, ctx, headers, query):
    for path in ("/static/css/kopiena.css", "/static/vendor/leaflet/images/marker-icon.png", "/favicon.ico"):
        response = client.get(path + query, headers=headers)
        assert response.status_code < 500, f"{path}: {response.status_code}"
        if response.status_code == 200 and response.headers.get("Content-Encoding") == "gzip":
            assert gzip.decompress(response.data) == (STATIC / "css/kopiena.css").read_bytes()
