"""The maps: /ideas/map.geojson and /activities/map.geojson (the lists' filters, only what the lists show, a cap, a
fixed number of statements, garbage answered with the default), the ?view=map pages and the small maps of an idea's
and an activity's page, in Latvian and English, and the Content-Security-Policy that lets the tiles in."""

import html
from datetime import timedelta

import pytest

from app import content_security_policy, create_app
from app.extensions import db
from app.timeutil import utcnow
from tests.factories import make_activity, make_category, make_idea, make_user
from tests.helpers import client_for, signed_in
from tests.statements import recorded_statements

#: Preiļi, Aglona and somewhere in between
PREILI, AGLONA, BETWEEN = (56.2942, 26.7246), (56.1325, 27.0061), (56.2, 26.9)
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
#: the statements of a map's data: the filters' choices (ideas) or the centres (activities), the points, the centre
DATA_BUDGET = 3


@pytest.fixture
def place(preili, aglona):
    """Two centres (Preiļi's with its coordinates), two categories and an author for the ideas."""
    preili.latitude, preili.longitude = PREILI
    db.session.commit()
    return {
        "preili": preili,
        "aglona": aglona,
        "author": make_user(email="author@example.com", display_name="Ilze"),
        "environment": make_category(name_lv="Vide", name_en="Environment"),
        "culture": make_category(name_lv="Kultūra", name_en="Culture"),
    }


def idea_at(scene, where=BETWEEN, centre="preili", category="environment", minutes_ago=0, **fields):
    """A published idea with coordinates (`where=None`: without), published `minutes_ago`, by the scene's author."""
    latitude, longitude = where if where else (None, None)
    fields.setdefault("published_at", utcnow() - timedelta(minutes=minutes_ago))
    return make_idea(
        author=scene["author"],
        centre=scene[centre],
        category=scene[category],
        latitude=latitude,
        longitude=longitude,
        **fields,
    )


def features(client, url, headers=None):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    assert response.mimetype == "application/geo+json"
    return response.get_json()


def titles(collection):
    return [feature["properties"]["title"] for feature in collection["features"]]


# The ideas' data ----------------------------------------------------------------------------------------------------


def test_idea_data_holds_the_public_unhidden_ideas_with_a_place_newest_first(client, place):
    idea_at(place, title="Vecākā", minutes_ago=30)
    idea_at(place, title="Jaunākā", minutes_ago=1)
    idea_at(place, title="Kļuva par pasākumu", state="promoted", minutes_ago=5)
    idea_at(place, title="Bez vietas", where=None)
    idea_at(place, title="Melnraksts", state="draft", published_at=None)
    idea_at(place, title="Iesniegta", state="submitted", published_at=None)
    idea_at(place, title="Noraidīta", state="declined", published_at=None)
    idea_at(place, title="Arhīvā", state="archived", minutes_ago=10)
    idea_at(place, title="Paslēpta", hidden_at=utcnow())

    collection = features(client, "/ideas/map.geojson")

    assert collection["type"] == "FeatureCollection"
    assert titles(collection) == ["Jaunākā", "Kļuva par pasākumu", "Vecākā"]
    assert collection["capped"] is False and collection["centre"] is None
    assert titles(features(client, "/ideas/map.geojson?state=all")) == ["Jaunākā", "Kļuva par pasākumu", "Arhīvā", "Vecākā"]


def test_even_their_author_and_a_moderator_get_only_public_ideas(app, place, preili_moderator):
    idea_at(place, title="Melnraksts", state="draft", published_at=None)
    idea_at(place, title="Iesniegta", state="submitted", published_at=None)
    idea_at(place, title="Paslēpta", hidden_at=utcnow())
    for person in (place["author"], preili_moderator):
        assert titles(features(client_for(app, person), "/ideas/map.geojson?state=all")) == []


def test_a_feature_is_a_point_longitude_first_with_title_link_and_a_line(client, place):
    idea = idea_at(place, where=AGLONA, title="Soliņi <b>parkā</b>", category="culture")

    (feature,) = features(client, "/ideas/map.geojson")["features"]
    (english,) = features(client, "/ideas/map.geojson", ENGLISH)["features"]

    assert feature["geometry"] == {"type": "Point", "coordinates": [AGLONA[1], AGLONA[0]]}
    assert feature["properties"] == {"title": "Soliņi <b>parkā</b>", "url": f"/ideas/{idea.id}", "line": "Kultūra · Publicēta"}
    assert english["properties"]["line"] == "Culture · Published"


def test_idea_data_takes_the_filters_of_the_list(client, place):
    idea_at(place, title="Preiļu vides", minutes_ago=1)
    idea_at(place, title="Aglonas kultūras", centre="aglona", category="culture", minutes_ago=2)
    idea_at(place, title="Uzņēmums", kind="social_enterprise", seeking_school_partner=True, minutes_ago=3)
    idea_at(place, title="Ezera krasts", summary="Sakopsim ezera krastu.", minutes_ago=4)
    culture, aglona = place["culture"].id, place["aglona"].id

    assert titles(features(client, f"/ideas/map.geojson?centre={aglona}")) == ["Aglonas kultūras"]
    assert titles(features(client, f"/ideas/map.geojson?category={culture}")) == ["Aglonas kultūras"]
    assert titles(features(client, "/ideas/map.geojson?kind=social_enterprise")) == ["Uzņēmums"]
    assert titles(features(client, "/ideas/map.geojson?partner=1")) == ["Uzņēmums"]
    assert titles(features(client, "/ideas/map.geojson?q=krasts")) == ["Ezera krasts"]
    # the same filters on the list: the map shows what the list shows
    listed = client.get(f"/ideas?centre={aglona}").get_data(as_text=True)
    assert "Aglonas kultūras" in listed and "Preiļu vides" not in listed


def test_the_map_opens_on_the_chosen_centres_coordinates(client, place):
    idea_at(place)
    preili, aglona = place["preili"].id, place["aglona"].id
    assert features(client, f"/ideas/map.geojson?centre={preili}")["centre"] == list(PREILI)
    assert features(client, f"/ideas/map.geojson?centre={aglona}")["centre"] is None  # Aglona has no coordinates


def test_the_newest_ideas_up_to_the_cap_and_a_flag_when_capped(app, client, place, monkeypatch):
    for number in range(5):
        idea_at(place, title=f"Ideja {number}", minutes_ago=number)
    monkeypatch.setitem(app.config, "MAP_POINT_LIMIT", 3)
    capped = features(client, "/ideas/map.geojson")
    assert titles(capped) == ["Ideja 0", "Ideja 1", "Ideja 2"]
    assert capped["capped"] is True and capped["limit"] == 3
    monkeypatch.setitem(app.config, "MAP_POINT_LIMIT", 5)
    assert features(client, "/ideas/map.geojson")["capped"] is False


@pytest.mark.parametrize(
    "query",
    [
        "category=abc&centre=-1&state=<script>&kind=x&partner=maybe&sort=drop",
        "category=99999999999999999999999&centre=1e9&per_page=1000000&cursor=%FF%FE",
        "q=" + "ezers " * 200,
        "q=%22%27%3B--&state=all&state=draft",
        "centre=2147483648&category=0",
    ],
)
def test_garbage_parameters_mean_the_defaults_never_an_error(client, place, query):
    idea_at(place, title="Redzama")
    collection = features(client, f"/ideas/map.geojson?{query}")
    assert collection["type"] == "FeatureCollection"
    assert "Melnraksts" not in titles(collection)


def test_idea_data_costs_the_same_few_statements_for_few_and_many_ideas(client, place, preili_moderator):
    signed_in(client, preili_moderator)
    counts = []
    for total in (1, 30):
        while len(titles(features(client, "/ideas/map.geojson"))) < total:
            idea_at(place)
        for url in ("/ideas/map.geojson", f"/ideas/map.geojson?centre={place['preili'].id}&q=soliņi&state=all"):
            with recorded_statements(requests_only=True) as statements:
                assert client.get(url).status_code == 200
            assert len(statements) <= DATA_BUDGET + 1, "\n\n".join(statements)  # + the signed-in person
            counts.append(len(statements))
    assert counts[:2] == counts[2:], counts


# The activities' data -----------------------------------------------------------------------------------------------


def activity_at(centre, where=BETWEEN, **fields):
    latitude, longitude = where if where else (None, None)
    return make_activity(centre=centre, latitude=latitude, longitude=longitude, **fields)


def test_activity_data_holds_the_lists_activities_with_a_place(client, preili, aglona):
    preili.latitude, preili.longitude = PREILI
    activity_at(preili, title="Drīz", starts_in_days=2, place="Raiņa bulvāris 19")
    activity_at(preili, title="Vēlāk", starts_in_days=9)
    activity_at(preili, title="Bez vietas", where=None)
    activity_at(preili, title="Atcelts", starts_in_days=3, state="cancelled")
    activity_at(aglona, title="Aglonā", starts_in_days=4)
    activity_at(preili, title="Pagājis", starts_in_days=-9, state="completed")

    assert titles(features(client, "/activities/map.geojson")) == ["Drīz", "Atcelts", "Aglonā", "Vēlāk"]
    assert titles(features(client, "/activities/map.geojson?when=past")) == ["Pagājis"]
    only_preili = features(client, "/activities/map.geojson?centre=preili")
    assert titles(only_preili) == ["Drīz", "Atcelts", "Vēlāk"]
    assert only_preili["centre"] == list(PREILI)
    first = only_preili["features"][0]["properties"]
    assert first["url"].startswith("/activities/") and first["line"].endswith(" · Raiņa bulvāris 19")
    assert only_preili["features"][1]["properties"]["line"].endswith(" · Atcelts")
    english = features(client, "/activities/map.geojson?centre=preili", ENGLISH)
    assert english["features"][1]["properties"]["line"].endswith(" · Cancelled")


def test_activity_data_is_capped_and_garbage_means_the_defaults(app, client, preili, monkeypatch):
    for days in (1, 2, 3):
        activity_at(preili, title=f"Pēc {days}", starts_in_days=days)
    monkeypatch.setitem(app.config, "MAP_POINT_LIMIT", 2)
    capped = features(client, "/activities/map.geojson")
    assert titles(capped) == ["Pēc 1", "Pēc 2"] and capped["capped"] is True
    for query in ("when=<x>&centre=%C0zz", "centre=../../etc&when=past,upcoming&page=-5", "centre=" + "x" * 5000):
        collection = features(client, f"/activities/map.geojson?{query}")
        assert titles(collection) == ["Pēc 1", "Pēc 2"]


def test_activity_data_costs_the_same_few_statements_for_few_and_many(client, preili):
    counts = []
    for total in (1, 25):
        while len(titles(features(client, "/activities/map.geojson"))) < total:
            activity_at(preili)
        with recorded_statements(requests_only=True) as statements:
            assert client.get("/activities/map.geojson?centre=preili").status_code == 200
        assert len(statements) <= DATA_BUDGET, "\n\n".join(statements)
        counts.append(len(statements))
    assert counts[0] == counts[1]


# The pages ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        (None, ("Ideju karte", "Saraksts", "Karte", "Izlaist karti")),
        (ENGLISH, ("Map of the ideas", "List", "Map", "Skip the map")),
    ],
)
def test_the_map_of_ideas_sits_above_the_same_list(client, place, headers, words):
    idea_at(place, title="Soliņi parkā")
    culture = place["culture"].id
    page = client.get(f"/ideas?view=map&category={culture}&kind=local_improvement", headers=headers)
    assert page.status_code == 200
    text = html.unescape(page.get_data(as_text=True))
    for word in words:
        assert word in text
    assert f'data-geojson="/ideas/map.geojson?kind=local_improvement&category={culture}"' in text
    assert 'name="view" value="map"' in text  # the filter form keeps the map
    assert "leaflet.css" in text and "leaflet.js" in text and "js/map.js" in text
    assert "data-map-block hidden" in text and "<noscript>" in text  # without JavaScript: the list alone
    assert 'role="region"' in text
    # the switch: the list without view=map, the map current
    assert f'href="/ideas?kind=local_improvement&category={culture}">' + words[1] in text
    assert f'href="/ideas?kind=local_improvement&category={culture}&view=map" aria-current="page">' + words[2] in text


def test_the_list_itself_has_no_map_and_no_leaflet(client, place):
    idea_at(place, title="Soliņi parkā")
    text = client.get("/ideas").get_data(as_text=True)
    assert "Soliņi parkā" in text and "leaflet" not in text and "data-map" not in text
    assert 'href="/ideas" aria-current="page">Saraksts' in text


def test_the_map_of_ideas_lists_the_ideas_too_and_pages_keep_the_map(client, place):
    for number in range(12):
        idea_at(place, title=f"Ideja {number}", minutes_ago=number)
    text = html.unescape(client.get("/ideas?view=map&per_page=10").get_data(as_text=True))
    assert "Ideja 0" in text and "Ideja 9" in text and "Ideja 10" not in text
    assert "view=map" in text.split('rel="next"')[0].rsplit("href=", 1)[1]


@pytest.mark.parametrize("headers", [None, ENGLISH])
def test_the_map_of_activities_sits_above_the_same_list(client, preili, aglona, headers):
    activity_at(preili, title="Keramikas darbnīca")
    text = html.unescape(client.get("/activities?view=map&centre=preili&when=past", headers=headers).get_data(as_text=True))
    assert 'data-geojson="/activities/map.geojson?centre=preili&when=past"' in text
    assert ("Pasākumu karte" if headers is None else "Map of the activities") in text
    assert 'name="view" value="map"' in text and "leaflet.js" in text
    # "Coming up" and "Past" keep the map
    assert 'href="/activities?centre=preili&view=map"' in text
    upcoming = html.unescape(client.get("/activities?view=map", headers=headers).get_data(as_text=True))
    assert "Keramikas darbnīca" in upcoming  # the list is there under the map


def test_an_ideas_page_with_a_place_has_a_small_map_its_address_and_link_stay(client, place):
    idea = idea_at(place, where=PREILI, title='Soliņi "><script>alert(1)</script>', place="Raiņa parks")
    text = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert f'data-point="{PREILI[0]},{PREILI[1]}"' in text
    assert 'data-title="Soliņi &#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in text
    assert "<script>alert" not in text
    assert "Raiņa parks" in text and "openstreetmap.org/?mlat=" in text
    assert "leaflet.js" in text and "markercluster" not in text
    without = idea_at(place, where=None, title="Bez vietas")
    assert "leaflet" not in client.get(f"/ideas/{without.id}").get_data(as_text=True)


def test_an_activitys_page_with_a_place_has_a_small_map_and_the_openstreetmap_link(client, preili):
    activity = activity_at(preili, where=AGLONA, place="Aglonas bazilika")
    text = client.get(f"/activities/{activity.id}", headers=ENGLISH).get_data(as_text=True)
    assert f'data-point="{AGLONA[0]},{AGLONA[1]}"' in text and "Where the activity is, on the map" in text
    assert "Aglonas bazilika" in text and f"mlat={AGLONA[0]}" in text
    without = activity_at(preili, where=None)
    assert "leaflet" not in client.get(f"/activities/{without.id}").get_data(as_text=True)


# The Content-Security-Policy ----------------------------------------------------------------------------------------


def test_map_pages_allow_no_inline_script_and_images_only_from_the_tile_host(client, place):
    policy = client.get("/ideas?view=map").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["script-src"].startswith("'self' 'nonce-")
    assert directives["img-src"] == "'self'"  # the tests' tiles are the app's own picture


@pytest.mark.parametrize(
    ("tile_url", "img_src"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "'self' https://tile.openstreetmap.org"),
        ("https://{s}.tiles.example.lv/{z}/{x}/{y}.png", "'self' https://*.tiles.example.lv"),
        ("/static/img/map-tile-blank.png", "'self'"),
        ("javascript:alert(1)//{z}", "'self'"),
    ],
)
def test_the_policy_names_exactly_the_tile_host(tile_url, img_src):
    assert content_security_policy(tile_url)["img-src"] == img_src


def test_a_tile_host_setting_reaches_the_header_and_the_map(tmp_path):
    app = create_app(
        "testing",
        {"MAP_TILE_URL": "https://tiles.example.lv/{z}/{x}/{y}.png", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/t.db"},
    )
    response = app.test_client().get("/static/img/map-tile-blank.png")
    assert "img-src 'self' https://tiles.example.lv;" in response.headers["Content-Security-Policy"]
    response.close()


def test_the_map_of_activities_keeps_the_lists_search(client, preili):
    activity_at(preili, title="Talka pie ezera", starts_in_days=3)
    activity_at(preili, title="Keramikas darbnīca", starts_in_days=4)
    page = html.unescape(client.get("/activities?view=map&q=ezers").get_data(as_text=True))
    assert 'data-geojson="/activities/map.geojson?q=ezers"' in page
    titles = [feature["properties"]["title"] for feature in client.get("/activities/map.geojson?q=ezers").json["features"]]
    assert titles == ["Talka pie ezera"]
