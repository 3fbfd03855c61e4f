"""Issue 14 from end to end, in a real browser: what a resident writes is found by other word forms and is on the map
where they put it.

A resident writes an idea ("…pie ezera", "skolēni", "sociālā uzņēmējdarbība"), clicks the small map under the
address and drags the marker, and submits it; the coordinator publishes it through the review page. A visitor then
types other forms of the words into the header's search box ("ezers", "skolēniem", "uzņēmējdarbības") and finds
it; on the map of ideas its marker stands at the spot the resident chose, and its popup leads to the idea. With
JavaScript off the same pages are a list and plain fields. (axe on the map pages: tests/browser/test_maps.py.)

Selectors are field ids, URL paths and the templates' own classes, not wording (translations change).
"""

import json
import re
from pathlib import Path

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (fails them with CI=true) and says why
    expect = None

from app.extensions import db
from app.ideas.models import Idea
from tests.browser.helpers import PERSON_PASSWORD, assert_no_sideways_scroll, log_in
from tests.browser.test_location_picker import marker_centre

SHOTS = Path("/tmp/shots")
TITLE = "Laipa pie Rušenicas ezera"
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def write_and_place_the_idea(page):
    """Fill the idea form, put the marker on the map and drag it; returns the coordinates the fields show."""
    page.goto("/ideas/new")
    page.locator("#title").fill(TITLE)
    page.locator("#summary").fill("Droša laipa, lai skolēni var pētīt ezeru.")
    page.locator("#description").fill("Laipu uzbūvēs vietējā sociālā uzņēmējdarbība — jauniešu darbnīca.")
    page.locator("#kind-0").check()
    page.locator("#category").select_option(index=1)
    page.locator("#place").fill("Rušenicas ezera krasts, Preiļi")
    picker_map = page.locator(".location-picker__map")
    expect(picker_map).to_be_visible()
    picker_map.click(position={"x": 180, "y": 110})
    expect(page.locator(".location-picker .leaflet-marker-icon")).to_be_visible()
    clicked = page.locator("#latitude").input_value(), page.locator("#longitude").input_value()
    x, y = marker_centre(page)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 30, y + 20, steps=5)
    page.mouse.move(x + 60, y + 35, steps=5)
    page.mouse.up()
    expect(page.locator("#longitude")).not_to_have_value(clicked[1])
    return float(page.locator("#latitude").input_value()), float(page.locator("#longitude").input_value())


def search_from_the_header(page, words):
    box = page.locator("#site-search-q")
    box.fill(words)
    with page.expect_navigation():
        box.press("Enter")


def test_a_written_idea_is_found_by_other_word_forms_and_stands_on_the_map_where_it_was_put(live_app, live_person, new_page):
    resident = live_person("Iedzīvotāja Laura Krūmiņa")
    coordinator = live_person("Koordinatore Sandra Liepa", moderates="preili")

    page = new_page(viewport={"width": 1280, "height": 900})
    log_in(page, resident, PERSON_PASSWORD)
    spot = write_and_place_the_idea(page)
    with page.expect_navigation():
        page.locator("main button[name=action][value=submit]").click()
    with live_app.app_context():
        idea = db.session.query(Idea).filter_by(title=TITLE).one()
        idea_id, stored = idea.id, (idea.latitude, idea.longitude)
    assert stored == spot  # saved where the marker was

    page = new_page(viewport={"width": 1280, "height": 900})
    log_in(page, coordinator, PERSON_PASSWORD)
    page.goto(f"/moderation/ideas/{idea_id}")
    page.locator("input[name=decision][value=publish]").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]:not([name])").click()

    visitor = new_page(**PHONE)
    visitor.goto("/")
    for words in ("ezers", "skolēniem", "uzņēmējdarbības"):
        search_from_the_header(visitor, words)
        expect(visitor.locator(f'section[aria-labelledby=found-ideas] a[href="/ideas/{idea_id}"]').first).to_be_visible()
        assert_no_sideways_scroll(visitor, 360)
    SHOTS.mkdir(exist_ok=True)
    visitor.screenshot(path=str(SHOTS / "find-uznemejdarbibas-360.png"), full_page=True)

    # the map of ideas, narrowed by the same search: the one marker, at the resident's spot
    with visitor.expect_response(lambda response: "/ideas/map.geojson" in response.url) as answer:
        visitor.goto("/ideas?view=map&q=ezers")
    features = json.loads(answer.value.body())["features"]
    assert [feature["geometry"]["coordinates"] for feature in features] == [[spot[1], spot[0]]]  # GeoJSON: lon, lat
    expect(visitor.locator("[data-map]")).to_have_attribute("data-map-ready", "1")
    marker = visitor.locator(".map .leaflet-marker-icon")
    expect(marker).to_have_count(1)
    visitor.screenshot(path=str(SHOTS / "find-map-360.png"), full_page=True)
    marker.click()
    popup_link = visitor.locator(".leaflet-popup a.map-popup__title")
    expect(popup_link).to_have_text(TITLE)
    popup_link.click()
    visitor.wait_for_url(re.compile(rf"/ideas/{idea_id}$"))
    expect(visitor.locator(".map--place")).to_be_visible()  # its own small map


def test_without_javascript_the_search_the_map_page_and_the_form_are_plain(live_person, new_page):
    resident = live_person("Iedzīvotājs Jānis Bez Skriptiem")
    page = new_page(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page.goto("/search?q=ezeri")
    expect(page.locator("#search-q")).to_have_value("ezeri")
    page.goto("/ideas?view=map")
    expect(page.locator("[data-map]")).to_be_hidden()  # nothing that needs a script is shown
    expect(page.locator(".view-switch")).to_be_visible()
    log_in(page, resident, PERSON_PASSWORD)
    page.goto("/ideas/new")
    expect(page.locator(".location-picker")).to_be_hidden()
    expect(page.locator("#latitude")).to_be_visible()
    expect(page.locator("#longitude")).to_be_visible()
