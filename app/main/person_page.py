"""A person's profile page, /people/<id>: their name, about, skills and interests (accounts) and the ideas they wrote
that everyone may see (ideas).

It shows both domains, so it is composed here; the endpoint is the accounts blueprint's (accounts.person), so that
the pages of lower layers (comments, volunteering) link to it by name without importing anything above them.

Who sees it (permissions.can_view_profile): everyone, when the person turned it on in their profile settings, is 16
or older and their account is neither suspended nor deleted; the person themself always (with a notice when others
do not see it). Coordinators and admins see no more than anyone: what they need to choose volunteers — the name and
skills of whoever offered to help — is on the sign-up pages, because offering to help shows them to the organiser.
Never shown: the e-mail address, the year of birth, sign-ups or registrations.
"""

from flask import abort, render_template
from flask_login import current_user

from app import permissions
from app.accounts import bp as accounts_bp
from app.accounts.models import User
from app.accounts.services import YOUNG_TEEN_PROFILE_TEXT
from app.extensions import db
from app.ideas.queries import PROFILE_IDEAS_LIMIT, public_ideas_of


def split_list(text):
    """ "ceramics, photography ," → ["ceramics", "photography"]: the comma-separated skills or interests as items."""
    return [item.strip() for item in (text or "").split(",") if item.strip()]


@accounts_bp.route("/people/<int:user_id>")
def person(user_id):
    """A person's public profile page (404 unless they made it public; they themself always see it)."""
    shown = db.session.get(User, user_id)
    if shown is None or not permissions.can_view_profile(current_user, shown):
        abort(404)
    ideas = public_ideas_of(shown.id)  # what everyone may see, decided in the query
    return render_template(
        "accounts/person.html",
        person=shown,
        own_page=permissions.is_signed_in(current_user) and current_user.id == shown.id,
        skills=split_list(shown.skills),
        interests=split_list(shown.interests),
        ideas=ideas[:PROFILE_IDEAS_LIMIT],
        more_ideas=len(ideas) > PROFILE_IDEAS_LIMIT,
        young_teen_text=YOUNG_TEEN_PROFILE_TEXT,
    )
