"""Cache headers: one rule for every answer, applied after every request.

What a person sees when signed in is theirs: a draft, an edit form, a submitted idea as its moderator sees it,
their registrations, names and contacts of others. A browser must not keep it (the back button on a shared
computer after logging out) and neither may a proxy. So every answer to a signed-in person is sent with
`Cache-Control: no-store`, and so is every page that is personal even for visitors (the account pages: log-in
and registration forms, and the reset and confirmation links with their tokens).

Only an answer that is the same for everyone keeps its own header: static files, and what a route marks as
public itself (photos of public ideas and activities, logos, public calendar feeds: `public, max-age=…`).
Public pages for visitors keep today's behaviour (no header: browsers revalidate as they see fit).
"""

from flask import request
from flask_login import current_user

NO_STORE = "no-store"
#: blueprints whose every page is personal, for visitors too
PERSONAL_FOR_EVERYONE = frozenset({"accounts"})


def register_cache_rule(app):
    """Apply keep_personal_answers_out_of_caches to every answer the app sends."""
    app.after_request(keep_personal_answers_out_of_caches)


def keep_personal_answers_out_of_caches(response):
    """no-store on every answer to a signed-in person and on personal pages, unless it is the same for everyone."""
    if request.endpoint == "static" or response.cache_control.public:
        return response
    if request.blueprint in PERSONAL_FOR_EVERYONE or current_user.is_authenticated:
        response.headers["Cache-Control"] = NO_STORE
    return response
