"""The location picker on the idea form in a real browser (issue 14 item 3).

A resident clicks the small map under the address: the marker appears and the two coordinate fields fill in;
dragging the marker changes them; typed numbers move the marker; "Remove the spot" empties them; the saved idea
is where the marker was. The map's tiles come from a local address the test answers (the machine has no
internet), and when they fail to load the picker works all the same. The page keeps its Content-Security-Policy
(no bypass here): no violation is reported. Screenshots at 360 and 1280 px go to $PICKER_SHOTS when it is set.
"""

import math
import os
import re
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (fails them with CI=true) and says why
    expect = None

from app.extensions import db
from app.ideas.models import Idea
from tests.browser.conftest import open_context
from tests.browser.helpers import PERSON_PASSWORD, assert_no_serious_axe_violations, assert_no_sideways_scroll, log_in

#: every violation of the page's Content-Security-Policy, collected by the page itself
CSP_WATCH = (
    "window.cspViolations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " (event) => window.cspViolations.push(event.violatedDirective + ' ' + event.blockedURI));"
)


def tile_png():
    """One grey 256 px map tile."""
    out = BytesIO()
    Image.new("RGB", (256, 256), (221, 228, 222)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def local_tiles(live_app, live_server):
    """The map's tiles from an address on the live server (allowed by the CSP's 'self'); gives its path prefix."""
    before = live_app.config["MAP_TILE_URL"]
    live_app.config["MAP_TILE_URL"] = f"{live_server}/test-map-tiles/{{z}}/{{x}}/{{y}}.png"
    yield "/test-map-tiles/"
    live_app.config["MAP_TILE_URL"] = before


@pytest.fixture
def watched_page(browser, live_server):
    """A desktop tab that keeps the app's CSP; gives (page, problems): script errors, console errors, CSP violations."""
    context = open_context(browser, live_server, bypass_csp=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(CSP_WATCH)
    problems = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    yield page, problems
    context.close()


def coordinates(page):
    return page.locator("#latitude").input_value(), page.locator("#longitude").input_value()


def marker_centre(page):
    box = page.locator(".location-picker .leaflet-marker-icon").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] - 2  # the pin's tip is at the spot


def write_the_idea(page, title):
    page.locator("#title").fill(title)
    page.locator("#summary").fill("Soliņi gar upi.")
    page.locator("#description").fill("Gar upi vajag soliņus.")
    page.locator("#kind-0").check()
    page.locator("#category").select_option(index=1)
    page.locator("#place").fill("Upes iela, Preiļi")


def screenshot(page, name):
    folder = os.environ.get("PICKER_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def test_click_and_drag_the_marker_and_the_idea_is_saved_at_that_spot(live_app, live_person, local_tiles, watched_page):
    page, problems = watched_page
    tiles_asked = []

    def answer_tile(route):
        tiles_asked.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=tile_png())

    page.route(re.compile(r".*/test-map-tiles/.*"), answer_tile)
    log_in(page, live_person("Ilze Picker"), PERSON_PASSWORD)
    page.goto("/ideas/new")
    picker = page.locator(".location-picker")
    expect(picker).to_be_visible()
    expect(page.locator(".location-picker__remove")).to_be_hidden()  # no spot yet
    assert coordinates(page) == ("", "")
    write_the_idea(page, "Soliņi gar upi")
    expect(page.locator(".location-picker .leaflet-tile-loaded").first).to_be_attached()
    assert tiles_asked and all("/test-map-tiles/13/" in url for url in tiles_asked)  # opened on the centre
    screenshot(page, "idea-form-1280.png")

    # a click puts the marker there and fills in the numbers, near the home centre Preiļi (56.29, 26.72)
    page.locator(".location-picker__map").click(position={"x": 200, "y": 120})
    expect(page.locator(".location-picker .leaflet-marker-icon")).to_be_visible()
    expect(page.locator(".location-picker__remove")).to_be_visible()
    clicked = coordinates(page)
    latitude, longitude = (float(value) for value in clicked)
    assert abs(latitude - 56.2942) < 0.1 and abs(longitude - 26.7247) < 0.1, clicked

    # dragging the marker right and down: further east, further south
    x, y = marker_centre(page)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y + 30, steps=5)
    page.mouse.move(x + 80, y + 60, steps=5)
    page.mouse.up()
    expect(page.locator("#longitude")).not_to_have_value(clicked[1])
    dragged = coordinates(page)
    assert float(dragged[1]) > longitude and float(dragged[0]) < latitude, (clicked, dragged)

    # numbers typed by hand (as a keyboard user does) move the marker; "Remove the spot" empties both
    before = marker_centre(page)
    page.locator("#latitude").fill(str(latitude + 0.003))
    assert marker_centre(page) != before
    page.locator(".location-picker__remove").click()
    assert coordinates(page) == ("", "")
    expect(page.locator(".location-picker .leaflet-marker-icon")).to_have_count(0)
    expect(page.locator("#latitude")).to_be_focused()

    # set again, drag again, save: the idea is where the marker was
    page.locator(".location-picker__map").click(position={"x": 300, "y": 150})
    x, y = marker_centre(page)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 50, y - 25, steps=8)
    page.mouse.up()
    expect(page.locator("#latitude")).not_to_have_value("")
    shown = coordinates(page)
    page.locator("main button[name=action][value=save]").click()
    page.wait_for_url(re.compile(r"/ideas/\d+$"))
    idea_id = int(re.search(r"/ideas/(\d+)$", page.url).group(1))
    with live_app.app_context():
        idea = db.session.get(Idea, idea_id)
        assert (idea.latitude, idea.longitude) == (float(shown[0]), float(shown[1]))
        assert idea.place == "Upes iela, Preiļi"

    # the edit form opens on the saved spot, with the marker there
    page.goto(f"/ideas/{idea_id}/edit")
    expect(page.locator(".location-picker .leaflet-marker-icon")).to_be_visible()
    assert coordinates(page) == shown

    assert page.evaluate("window.cspViolations") == []
    assert problems == []


def test_the_picker_works_when_the_tiles_cannot_load(live_person, local_tiles, watched_page):
    page, problems = watched_page
    page.route(re.compile(r".*/test-map-tiles/.*"), lambda route: route.abort("internetdisconnected"))
    log_in(page, live_person("Ilze Offline"), PERSON_PASSWORD)

    page.goto("/ideas/new")
    expect(page.locator(".location-picker")).to_be_visible()
    page.locator(".location-picker__map").click(position={"x": 150, "y": 100})

    expect(page.locator(".location-picker .leaflet-marker-icon")).to_be_visible()
    assert all(coordinates(page))
    assert page.evaluate("window.cspViolations") == []
    # the only complaints are the tiles' own failed loads: nothing broke
    assert [problem for problem in problems if "ERR_INTERNET_DISCONNECTED" not in problem] == []


def test_on_a_phone_the_picker_fits_the_screen(browser, live_server, live_person, local_tiles):
    context = open_context(browser, live_server, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.route(
        re.compile(r".*/test-map-tiles/.*"), lambda route: route.fulfill(status=200, content_type="image/png", body=tile_png())
    )
    try:
        log_in(page, live_person("Ilze Phone"), PERSON_PASSWORD)
        page.goto("/ideas/new")
        expect(page.locator(".location-picker")).to_be_visible()
        page.locator(".location-picker__map").tap(position={"x": 120, "y": 80})
        expect(page.locator(".location-picker .leaflet-marker-icon")).to_be_visible()
        assert all(coordinates(page))
        page.locator(".location-picker").scroll_into_view_if_needed()
        assert_no_sideways_scroll(page, 360)
        screenshot(page, "idea-form-360.png")
    finally:
        context.close()


def test_without_javascript_the_fields_alone_work(browser, live_app, live_server, live_person):
    context = open_context(browser, live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_person("Ilze NoScript"), PERSON_PASSWORD)
        page.goto("/ideas/new")
        expect(page.locator(".location-picker")).to_be_hidden()
        write_the_idea(page, "Soliņi bez skripta")
        page.locator("#latitude").fill("56,2951")
        page.locator("#longitude").fill("26.7256")
        page.locator("main button[name=action][value=save]").click()
        page.wait_for_url(re.compile(r"/ideas/\d+$"))
        idea_id = int(re.search(r"/ideas/(\d+)$", page.url).group(1))
        with live_app.app_context():
            idea = db.session.get(Idea, idea_id)
            assert (idea.latitude, idea.longitude) == (56.2951, 26.7256)
    finally:
        context.close()


def tile_of(latitude, longitude, zoom):
    """The (x, y) of the map tile that shows the spot at this zoom (Web Mercator, as Leaflet and OpenStreetMap)."""
    scale = 2**zoom
    x = int((longitude + 180) / 360 * scale)
    y = int((1 - math.asinh(math.tan(math.radians(latitude))) / math.pi) / 2 * scale)
    return x, y


def test_the_map_follows_the_chosen_centre_until_a_spot_is_set(live_app, live_person, local_tiles, page):
    tiles_asked = []

    def answer_tile(route):
        tiles_asked.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=tile_png())

    page.route(re.compile(r".*/test-map-tiles/.*"), answer_tile)
    log_in(page, live_person("Ilze Centres"), PERSON_PASSWORD)
    page.goto("/ideas/new")
    expect(page.locator(".location-picker .leaflet-tile-loaded").first).to_be_attached()
    x, y = tile_of(56.2942, 26.7247, 13)  # the home centre, Preiļi
    assert any(f"/13/{x}/{y}.png" in url for url in tiles_asked)

    with live_app.app_context():
        from app.centres.models import Centre

        daugavpils = db.session.query(Centre).filter_by(slug="daugavpils").one().id
    tiles_asked.clear()
    page.locator("#centre").select_option(str(daugavpils))
    x, y = tile_of(55.8747, 26.5362, 13)
    expect(page.locator(f".location-picker img[src$='/13/{x}/{y}.png']")).to_be_attached()

    assert_no_serious_axe_violations(page)  # the form with its map (the fixture lets axe in past the CSP)
    page.locator(".location-picker__map").click(position={"x": 150, "y": 100})
    expect(page.locator(".location-picker__remove")).to_be_visible()
    assert_no_serious_axe_violations(page)


def test_an_admin_moves_a_centre_on_the_map(live_app, local_tiles, page):
    from app.centres.models import Centre
    from tests.factories import make_user

    page.route(
        re.compile(r".*/test-map-tiles/.*"), lambda route: route.fulfill(status=200, content_type="image/png", body=tile_png())
    )
    with live_app.app_context():
        make_user(email="admin.picker@ideas.example.lv", password=PERSON_PASSWORD, admin=True, language="lv")
        aglona = db.session.query(Centre).filter_by(slug="aglona").one()
        aglona_id, before = aglona.id, (aglona.latitude, aglona.longitude)
    log_in(page, "admin.picker@ideas.example.lv", PERSON_PASSWORD)
    page.goto(f"/admin/centres/{aglona_id}/edit")
    expect(page.locator(".location-picker .leaflet-marker-icon")).to_be_visible()  # where the centre is now
    assert coordinates(page) == ("56.1306", "27.0069")
    screenshot(page, "centre-form-1280.png")

    page.locator(".location-picker__map").click(position={"x": 60, "y": 60})
    moved = coordinates(page)
    assert moved != ("56.1306", "27.0069")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/centres$"))

    with live_app.app_context():
        aglona = db.session.get(Centre, aglona_id)
        assert (aglona.latitude, aglona.longitude) == (float(moved[0]), float(moved[1]))
        aglona.latitude, aglona.longitude = before  # as the other tests expect it
        db.session.commit()
