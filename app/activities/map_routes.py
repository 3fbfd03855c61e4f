"""The data of the map of activities: /activities/map.geojson, with the choices of /activities (the page is the
list's own, /activities?view=map)."""

from flask import request

from app.activities import bp, map_queries, queries
from app.centres.queries import active_centres
from app.maps import centre_of, point_limit, points_response
from app.search_index import parse_query


@bp.route("/activities/map.geojson")
def activities_map_data():
    """The activities of the list with these choices (coming up or past, a centre, a search) that have a place on the map,
    as GeoJSON (up to MAP_POINT_LIMIT, in the list's order); unknown parameters mean their defaults."""
    centre = queries.centre_by_slug(active_centres(), request.args.get("centre"))
    when = queries.parse_when(request.args.get("when"))
    search = parse_query(request.args.get("q"))
    points, capped = map_queries.activity_points(when, centre.id if centre else None, point_limit(), search)
    return points_response(points, capped, centre_of(centre))
