"""The maps: which view of a list is asked for, the data as GeoJSON (RFC 7946) for static/js/map.js, where a map opens.

Each domain reads its own points (app/ideas/map_queries.py, app/activities/map_queries.py); this module only
shapes them, so that every map gets the same answer: a FeatureCollection of Points, with three members of our own
that the page reads: `capped` (more items matched than the map shows), `limit` and `centre` ([latitude, longitude]
of the chosen centre, where the map opens, or null). How close a map opens, and where when it has nothing to show
(Latgale), is the page's business: static/js/map.js.
"""

from dataclasses import dataclass

from flask import current_app, jsonify, url_for

#: decimals of a coordinate in the answer: 6 is about 10 cm, more says nothing
DECIMALS = 6


@dataclass(frozen=True)
class MapPoint:
    """One marker: where, what its popup says (title, a short line) and the page it links to."""

    latitude: float
    longitude: float
    title: str
    url: str
    line: str = ""


#: the views of a list page (?view=…): the list itself, or the list under a map of the same items
VIEWS = ("list", "map")


def requested_view(args):
    """The view of a list page the address asks for: "map", else "list" (anything unknown is the list)."""
    return "map" if args.get("view") == "map" else "list"


#: an id no row has (the largest a route takes), for building an item's address once for every point
PLACEHOLDER_ID = 2**31 - 1


def address_maker(endpoint, argument):
    """A function from an id to the address of the item's page: url_for runs once, not once per point (two thousand
    calls of url_for took a sixth of the map's answer)."""
    head, _marker, tail = url_for(endpoint, **{argument: PLACEHOLDER_ID}).rpartition(str(PLACEHOLDER_ID))
    return lambda item_id: f"{head}{item_id}{tail}"


def point_limit():
    """How many points one map shows at most (MAP_POINT_LIMIT): the browser must draw every one of them."""
    return current_app.config["MAP_POINT_LIMIT"]


def is_on_earth(latitude, longitude):
    """Whether the pair is a usable coordinate (a stored value out of range would break the whole map)."""
    return latitude is not None and longitude is not None and -90 <= latitude <= 90 and -180 <= longitude <= 180


def feature(point):
    """The point as a GeoJSON Feature (GeoJSON puts the longitude first)."""
    return {
        "type": "Feature",
        "geometry": {
            "type": "Point",
            "coordinates": [round(point.longitude, DECIMALS), round(point.latitude, DECIMALS)],
        },
        "properties": {"title": point.title, "url": point.url, "line": point.line},
    }


def centre_of(place):
    """[latitude, longitude] of a centre (anything with those attributes) for the map to open on, or None."""
    if place is None or not is_on_earth(place.latitude, place.longitude):
        return None
    return [round(place.latitude, DECIMALS), round(place.longitude, DECIMALS)]


def points_response(points, capped, centre=None):
    """The answer of a map's data address: the points as a FeatureCollection, whether they were capped, the
    centre to open on. Points without a usable coordinate are left out."""
    response = jsonify(
        {
            "type": "FeatureCollection",
            "features": [feature(point) for point in points if is_on_earth(point.latitude, point.longitude)],
            "capped": capped,
            "limit": point_limit(),
            "centre": centre,
        }
    )
    response.mimetype = "application/geo+json"
    return response
