"""/ideas: the public list of ideas — filters, search, sort and keyset pagination (the reading is in
list_queries.py; the map of the same ideas, ?view=map, gets its points from map_routes.py)."""

from flask import render_template, request
from flask_babel import gettext

from app.ideas import bp, list_queries
from app.ideas.models import IdeaKind, IdeaState
from app.maps import requested_view


@bp.route("/ideas")
def list_ideas_page():
    """Public ideas, filtered and searched; every parameter is allow-listed, so a bad one means its default."""
    categories, centres = list_queries.filter_choices()
    filters = list_queries.parse_filters(
        request.args, {category.id for category in categories}, {centre.id for centre in centres}
    )
    searching = bool(filters.search)
    sort = list_queries.parse_sort(request.args.get("sort"), searching)
    per_page = list_queries.parse_per_page(request.args.get("per_page"))
    cursor = request.args.get("cursor")
    page = list_queries.list_ideas(filters, sort, cursor, per_page)
    link_args = filters.as_args()
    if requested_view(request.args) == "map":  # the map of the same ideas above the list (map_routes.py)
        link_args["view"] = "map"
    if sort != list_queries.parse_sort(None, searching):
        link_args["sort"] = sort
    if per_page != list_queries.DEFAULT_PER_PAGE:
        link_args["per_page"] = per_page
    states = [
        ("", gettext("Open or became an activity")),
        (IdeaState.PUBLISHED, gettext("Open for support")),
        (IdeaState.PROMOTED, IdeaState.LABELS[IdeaState.PROMOTED]),
        (IdeaState.ARCHIVED, IdeaState.LABELS[IdeaState.ARCHIVED]),
        ("all", gettext("All, including archived")),
    ]
    sorts = [("newest", gettext("Newest")), ("supported", gettext("Most supported")), ("discussed", gettext("Most discussed"))]
    if searching:  # the best match means something only when there are words to match
        sorts.insert(0, (list_queries.RELEVANCE, gettext("Best match")))
    return render_template(
        "ideas/list.html",
        page=page,
        filters=filters,
        sort=sort,
        per_page=per_page,
        categories=categories,
        centres=centres,
        kinds=IdeaKind.LABELS,
        states=states,
        sorts=sorts,
        per_page_choices=list_queries.PER_PAGE_CHOICES,
        link_args=link_args,
        cursor_given=bool(cursor),
    )
