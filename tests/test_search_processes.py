"""Search and maps as production runs them: the web server as a subprocess on a database migrated with
`flask db upgrade` (a SQLite file, and PostgreSQL), the demo data loaded by `flask seed-demo`.

A resident writes an idea with "ezera" and "skolēniem" in it and a spot on the map, a coordinator publishes
it, and a visitor finds it by other forms of the words, on /ideas, on the site-wide /search and on the map's
GeoJSON — all through the indexes the migrations built (on SQLite the triggers keep FTS5 in step; a batch
rebuild of `ideas` once dropped them, and nothing in the test client noticed)."""

import json
import re
from urllib.parse import quote

import pytest

from app.cli import DEMO_PASSWORD
from tests.databases import BACKENDS
from tests.test_processes import Browser, make_run, smtp_sink

pytestmark = pytest.mark.real_commits

TITLE = "Laipas pie Rušenicas ezera"
SPOT = ("56.29871", "26.72544")


def log_in(base_url, email):
    browser = Browser(base_url)
    status, page = browser.submit("/login", "/login", {"email": email, "password": DEMO_PASSWORD})
    assert status == 302, f"logging in as {email} failed: {page[:500]}"
    return browser


def option_value(page, field, label_part):
    """The value of the <option> of <select name=field> whose text contains label_part."""
    select = re.search(rf'<select[^>]*name="{field}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.search(rf'<option[^>]*value="(\d+)"[^>]*>[^<]*{label_part}', select).group(1)


def submit_idea(base_url):
    """Anna writes and submits the idea; returns its path."""
    anna = log_in(base_url, "anna@kopiena.example")
    form = anna.get("/ideas/new")
    status, page = anna.submit(
        "/ideas/new",
        "/ideas/new",
        {
            "title": TITLE,
            "summary": "Koka laipas, lai skolēniem būtu droši piekļūt ūdenim.",
            "description": "Vasarā pie ezera nāk daudz ģimeņu un skolēnu.",
            "kind": "local_improvement",
            "category": option_value(form, "category", ""),
            "centre": option_value(form, "centre", "Preiļ"),
            "place": "Rušenicas ezera krasts, Preiļi",
            "latitude": SPOT[0],
            "longitude": SPOT[1],
            "action": "submit",
        },
    )
    assert status == 302, f"the idea was not submitted: {page[:800]}"
    mine = anna.get("/me/ideas")
    return re.search(rf'href="(/ideas/\d+)"[^>]*>\s*{TITLE}', mine).group(1)


def publish(base_url, idea_path):
    coordinator = log_in(base_url, "koordinatore.preili@kopiena.example")
    review = "/moderation" + idea_path
    status, page = coordinator.submit(review, review, {"decision": "publish", "reason": ""})
    assert status == 302, f"publishing failed: {page[:800]}"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_published_idea_is_found_by_other_word_forms_on_the_running_app(backend, tmp_path):
    with smtp_sink() as (_sink, mail_port), make_run(backend, tmp_path, mail_port) as (base_url, _url, _processes):
        idea_path = submit_idea(base_url)
        visitor = Browser(base_url)
        assert TITLE not in visitor.get("/ideas?q=ezers")  # not public while it waits for review
        publish(base_url, idea_path)

        for query in ("ezers", "ezeru", "skolēns", "skoleniem", "Rušenica"):
            page = visitor.get(f"/ideas?q={quote(query)}")
            assert idea_path in page, f"/ideas?q={query} did not find the idea"
        assert idea_path not in visitor.get("/ideas?q=ezis")
        assert idea_path in visitor.get(f"/search?q={quote('skolēniem')}")

        # on the map of ideas, at the spot the form was given (GeoJSON: longitude first)
        points = json.loads(visitor.get(f"/ideas/map.geojson?q={quote('ezers')}"))["features"]
        assert [point["geometry"]["coordinates"] for point in points] == [[float(SPOT[1]), float(SPOT[0])]]
        assert points[0]["properties"]["url"].endswith(idea_path)
