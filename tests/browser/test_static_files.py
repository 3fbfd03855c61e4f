"""Static files in a real browser: the map page's stylesheets and scripts come by their hashed addresses, gzipped and
kept a year; Leaflet's marker images, which its stylesheet names relatively (no hash), load too and are kept an hour.
"""

from tests.browser.test_maps import map_drawn, map_site, tab  # noqa: F401  (the map site and its tab fixtures)

YEAR = "public, max-age=31536000, immutable"


def test_the_map_pages_files_load_hashed_gzipped_and_cached(tab, map_site):  # noqa: F811
    page = tab()
    answers = {}
    page.on("response", lambda response: answers.setdefault(response.url.split("/static/", 1)[-1], response))
    page.goto("/ideas?view=map")
    map_drawn(page, 3)
    page.wait_for_load_state("networkidle")
    static = {address: response for address, response in answers.items() if "://" not in address}
    hashed = [address for address in static if "?v=" in address]
    assert {address.split("?")[0] for address in hashed} >= {
        "css/kopiena.css",
        "vendor/leaflet/leaflet.css",
        "vendor/leaflet/leaflet.js",
        "js/map.js",
    }
    for address in hashed:
        headers = static[address].all_headers()
        assert static[address].status == 200 and headers["cache-control"] == YEAR, address
        if address.split("?")[0].endswith((".css", ".js", ".svg")):
            assert headers.get("content-encoding") == "gzip", address
    # the lone idea's marker: Leaflet's own picture, asked for relatively by leaflet.css's folder
    for image in ("vendor/leaflet/images/marker-icon.png", "vendor/leaflet/images/marker-shadow.png"):
        assert static[image].status == 200, sorted(static)
        assert static[image].all_headers()["cache-control"] == "public, max-age=3600"
    natural_width = page.locator(".leaflet-marker-icon:not(.marker-cluster)").evaluate("image => image.naturalWidth")
    assert natural_width == 25  # the picture arrived and was drawn
