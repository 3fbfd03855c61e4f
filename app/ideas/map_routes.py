"""The data of the map of ideas: /ideas/map.geojson, with the filters of /ideas (the page is the list's own,
/ideas?view=map)."""

from flask import request
from flask_babel import get_locale

from app.ideas import bp, list_queries, map_queries
from app.maps import centre_of, point_limit, points_response


@bp.route("/ideas/map.geojson")
def ideas_map_data():
    """The public ideas of the list with these filters that have a place on the map, as GeoJSON (the newest, up
    to MAP_POINT_LIMIT); unknown or malformed parameters mean their defaults, as on the list."""
    categories, centres = list_queries.filter_choices()
    filters = list_queries.parse_filters(
        request.args, {category.id for category in categories}, {centre.id for centre in centres}
    )
    points, capped = map_queries.idea_points(filters, point_limit(), str(get_locale()))
    return points_response(points, capped, centre_of(map_queries.centre_location(filters.centre_id)))
