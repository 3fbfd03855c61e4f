"""The maps in a real browser (issue 14): the map of ideas and of activities (/ideas?view=map, /activities?view=map)
and the small map of an idea's page.

A person sees the markers (a lone one, and a cluster where ideas share a spot), opens a popup with the mouse and
with the keyboard and follows its link; with JavaScript off the page is the list; the pages break no rule of the
Content-Security-Policy (the policy enforced, not bypassed as elsewhere in these tests); axe-core finds nothing
serious at 360 px and nothing scrolls sideways at 320 px; tiles that fail to load break nothing.

The tests have no internet: MAP_TILE_URL is the app's own blank picture (config.py, TestingConfig). The site is a
live server of its own (the other browser tests' server keeps its small, predictable data). Screenshots (not
committed) go to /tmp/maps-shots/.
"""

from pathlib import Path

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (fails them with CI=true) and says why
    expect = None

from app.extensions import db, limiter
from tests.browser.conftest import close_live_app, make_live_app, open_context, serving, watch_for_problems
from tests.browser.helpers import preili_centre
from tests.browser.test_every_page import AXE_WIDTH, HEIGHT, findings_on
from tests.factories import make_activity, make_category, make_idea, make_user

SHOTS = Path("/tmp/maps-shots")
#: two ideas on the same spot in Preiļi (a cluster), one alone in Daugavpils
PREILI, DAUGAVPILS = (56.2942, 26.7246), (55.8747, 26.5362)
LONE_TITLE = "Daugavas krasta soliņi"
PAIR_TITLES = ("Puķu dobes pie skolas", "Velosipēdu novietne")
WITHOUT_PLACE = "Ideja bez vietas kartē"
ACTIVITY_TITLE = "Keramikas darbnīca Aglonā"
#: the map's pieces Leaflet draws (a marker or a cluster is a .leaflet-marker-icon)
MARKER = ".leaflet-marker-icon:not(.marker-cluster)"
CLUSTER = ".leaflet-marker-icon.marker-cluster"
#: listens for what the Content-Security-Policy refuses, from before the page's own scripts run
CSP_LISTENER = """window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", e =>
    window.__cspViolations.push(`${e.violatedDirective}: ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`));"""


@pytest.fixture(scope="module")
def map_site(smtp_sink, tmp_path_factory):
    """The app with the initiative centres (Preiļi's coordinates set), ideas and an activity with places on the map."""
    from app.centres.services import seed_initiative_centres

    app = make_live_app(tmp_path_factory.mktemp("maps") / "maps.db", smtp_sink)
    with app.app_context():
        seed_initiative_centres()
        preili = preili_centre()
        preili.latitude, preili.longitude = PREILI
        author = make_user(email="autore@maps.example.lv", display_name="Ilze")
        category = make_category(name_lv="Vide", name_en="Environment")
        ids = {}
        for title, where in ((LONE_TITLE, DAUGAVPILS), (PAIR_TITLES[0], PREILI), (PAIR_TITLES[1], PREILI)):
            idea = make_idea(author=author, centre=preili, category=category, title=title, place="Raiņa bulvāris 19")
            idea.latitude, idea.longitude = where
            ids[title] = idea.id
        make_idea(author=author, centre=preili, category=category, title=WITHOUT_PLACE)
        activity = make_activity(centre=preili, title=ACTIVITY_TITLE, latitude=56.1325, longitude=27.0061)
        ids[ACTIVITY_TITLE] = activity.id
        db.session.commit()
    with serving(app) as url:
        yield url, ids, app
    close_live_app(app)


@pytest.fixture
def tab(browser, map_site):
    """`tab(**context_options)`: a tab on the map site; it must stay free of script errors and failed requests."""
    contexts, problems = [], []

    def open_tab(**options):
        limiter.reset()
        context = open_context(browser, map_site[0], **options)
        contexts.append(context)
        page = context.new_page()
        watch_for_problems(page, problems)
        return page

    yield open_tab
    for context in contexts:
        context.close()
    assert not problems, "the browser reported problems:\n" + "\n".join(problems)


def map_drawn(page, markers):
    """Wait until the map has its data and shows it: `markers` points in all (a cluster counts its own)."""
    expect(page.locator("[data-map]")).to_have_attribute("data-map-ready", str(markers))
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()


def test_the_map_of_ideas_shows_the_ideas_and_a_popup_leads_to_the_idea(tab, map_site):
    _url, ids, _app = map_site
    page = tab()
    page.goto("/ideas?view=map")
    map_drawn(page, 3)
    expect(page.locator("[data-map]")).to_have_attribute("aria-label", "Ideju karte")
    expect(page.locator(".view-switch a[aria-current=page]")).to_have_attribute("href", "/ideas?view=map")
    # the list is under the map, with the idea that has no place on it
    expect(page.locator(".idea-list")).to_contain_text(WITHOUT_PLACE)
    # two ideas on one spot: one cluster, named for a screen reader; the lone idea a marker of its own
    cluster = page.locator(CLUSTER)
    expect(cluster).to_have_count(1)
    expect(cluster).to_contain_text("Idejas šajā vietā: 2.")
    lone = page.locator(MARKER)
    expect(lone).to_have_count(1)
    expect(lone).to_have_attribute("alt", LONE_TITLE)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "ideas-map.png"), full_page=True)

    lone.click()
    popup_link = page.locator(".leaflet-popup a.map-popup__title")
    expect(popup_link).to_have_text(LONE_TITLE)
    expect(page.locator(".leaflet-popup .map-popup__line")).to_have_text("Vide · Publicēta")
    page.screenshot(path=str(SHOTS / "ideas-map-popup.png"))
    popup_link.click()
    page.wait_for_url(f"**/ideas/{ids[LONE_TITLE]}")


def test_the_keyboard_reaches_the_markers_opens_a_popup_and_a_cluster(tab, map_site):
    page = tab()
    page.goto("/ideas?view=map")
    map_drawn(page, 3)
    # the cluster: Enter zooms in until its two ideas are apart (spiderfied at the closest zoom)
    pair_marker = page.locator(f"{MARKER}[alt='{PAIR_TITLES[0]}']")
    for _press in range(3):
        if pair_marker.count():
            break
        page.locator(CLUSTER).focus()
        page.keyboard.press("Enter")
        page.wait_for_timeout(700)  # the zoom's or the spiderfying's animation
    expect(pair_marker).to_be_attached()
    # a marker is a button: Enter opens its popup and the focus moves to the popup's link
    marker = page.locator(f"{MARKER}[alt='{PAIR_TITLES[0]}']")
    expect(marker).to_have_attribute("role", "button")
    marker.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup a.map-popup__title")).to_be_focused()
    page.screenshot(path=str(SHOTS / "ideas-map-keyboard.png"))
    expect(page.locator(".leaflet-popup a.map-popup__title")).to_have_text(PAIR_TITLES[0])
    expect(page.locator(".leaflet-popup-close-button")).to_have_attribute("aria-label", "Aizvērt")


def test_without_javascript_the_map_page_is_the_list(tab):
    page = tab(java_script_enabled=False)
    page.goto("/ideas?view=map")
    expect(page.locator(".map-block")).to_be_hidden()
    # (Chromium with scripts switched off by Playwright still parses <noscript> as if scripts ran: its text is
    # there, not rendered; a browser without JavaScript shows it)
    assert "Kartes rādīšanai vajag JavaScript" in page.locator("noscript").first.inner_html()
    for title in (LONE_TITLE, *PAIR_TITLES, WITHOUT_PLACE):
        expect(page.locator(".idea-list")).to_contain_text(title)
    page.screenshot(path=str(SHOTS / "ideas-map-no-js.png"), full_page=True)


def test_the_map_of_activities_and_the_map_on_an_ideas_page(tab, map_site):
    _url, ids, _app = map_site
    page = tab(locale="en-GB")
    page.goto("/activities?view=map")
    map_drawn(page, 1)
    expect(page.locator(MARKER)).to_have_attribute("alt", ACTIVITY_TITLE)
    page.locator(MARKER).click()
    expect(page.locator(".leaflet-popup a.map-popup__title")).to_have_attribute("href", f"/activities/{ids[ACTIVITY_TITLE]}")
    page.screenshot(path=str(SHOTS / "activities-map.png"), full_page=True)

    page.goto(f"/ideas/{ids[LONE_TITLE]}")
    expect(page.locator("[data-map]")).to_have_attribute("data-map-ready", "1")
    expect(page.locator("[data-map]")).to_have_attribute("aria-label", "Where the idea is, on the map")
    expect(page.locator(MARKER)).to_have_attribute("alt", LONE_TITLE)
    expect(page.get_by_role("link", name="Show on the map (OpenStreetMap)")).to_be_visible()
    page.screenshot(path=str(SHOTS / "idea-page-map.png"), full_page=True)


def test_the_map_pages_break_no_rule_of_the_content_security_policy(browser, map_site):
    url, ids, _app = map_site
    context = open_context(browser, url, bypass_csp=False)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: console.append(f"script error: {error}"))
    try:
        for address, markers in (("/ideas?view=map", 3), ("/activities?view=map", 1), (f"/ideas/{ids[LONE_TITLE]}", 1)):
            page.goto(address)
            map_drawn(page, markers)
            page.locator(".leaflet-marker-icon").first.click()  # a popup or a cluster's zoom: styles set as it runs
            page.wait_for_timeout(400)
            violations = page.evaluate("window.__cspViolations")
            assert violations == [], f"{address}: {violations}"
        assert not [line for line in console if "Content Security Policy" in line or "script error" in line], console
    finally:
        context.close()


@pytest.mark.parametrize("address", ["/ideas?view=map", "/activities?view=map", "idea page"])
def test_the_map_pages_pass_axe_at_360px_and_reflow_at_320px(browser, map_site, address):
    url, ids, _app = map_site
    context = open_context(browser, url, viewport={"width": AXE_WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True)
    page = context.new_page()
    problems = []
    watch_for_problems(page, problems)
    try:
        page.goto(f"/ideas/{ids[LONE_TITLE]}" if address == "idea page" else address)
        expect(page.locator("[data-map]")).to_have_attribute("data-map-ready", "1" if address != "/ideas?view=map" else "3")
        if address == "/ideas?view=map":
            page.screenshot(path=str(SHOTS / "ideas-map-360.png"), full_page=True)
        findings = findings_on(page)
        assert not findings, "\n".join(findings)
        assert not problems, problems
    finally:
        context.close()


def test_tiles_that_fail_to_load_break_nothing(browser, map_site):
    url, _ids, _app = map_site
    context = open_context(browser, url)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("**/map-tile-blank.png", lambda route: route.abort())
    try:
        page.goto("/ideas?view=map")
        map_drawn(page, 3)
        page.locator(MARKER).click()
        expect(page.locator(".leaflet-popup a.map-popup__title")).to_have_text(LONE_TITLE)
        assert errors == []
    finally:
        context.close()


def test_the_map_says_when_it_shows_only_the_newest_and_opens_on_the_chosen_centre(tab, map_site):
    _url, _ids, app = map_site
    page = tab()
    app.config["MAP_POINT_LIMIT"] = 2
    try:
        page.goto("/ideas?view=map")
        map_drawn(page, 2)
        expect(page.locator("[data-map-capped]")).to_be_visible()
        expect(page.locator("[data-map-capped]")).to_contain_text("jaunākās 2 idejas")
    finally:
        app.config["MAP_POINT_LIMIT"] = 2000
    with app.app_context():
        preili_id = preili_centre().id
    page.goto(f"/ideas?view=map&centre={preili_id}")
    map_drawn(page, 3)
    expect(page.locator("[data-map-capped]")).to_be_hidden()
    # opened on Preiļi (close: the town), so the idea in Daugavpils, 47 km away, is off the map
    expect(page.locator(CLUSTER)).to_have_count(1)  # once the zoom's animation is over
    cluster, area = page.locator(CLUSTER).bounding_box(), page.locator("[data-map]").bounding_box()
    assert area["x"] < cluster["x"] < area["x"] + area["width"] and area["y"] < cluster["y"] < area["y"] + area["height"]
    expect(page.locator(MARKER)).to_have_count(0)
