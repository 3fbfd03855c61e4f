"""An organisation's page: its profile and representatives (organisations), its open partner calls and the ideas
and activities it is a partner of (partnerships).

It shows both domains, so it is composed here, above them; the URL and the endpoint stay the organisations
blueprint's (organisations.organisation_detail).
"""

from flask import render_template
from flask_login import current_user

from app import permissions
from app.forms import EmptyForm
from app.organisations import bp as organisations_bp
from app.organisations import queries as organisation_queries
from app.organisations.models import MembershipState
from app.organisations.routes import visible_organisation
from app.partnerships import call_queries
from app.partnerships import queries as partnership_queries


@organisations_bp.route("/organisations/<int:organisation_id>")
def organisation_detail(organisation_id):
    """The organisation's public page, with what the viewer may do there."""
    organisation = visible_organisation(organisation_id)
    memberships = organisation_queries.memberships_of(organisation)
    representatives = [item.user for item in memberships if item.state == MembershipState.APPROVED]
    ideas, activities = partnership_queries.split_partnerships(
        partnership_queries.accepted_partnerships(organisation), lambda idea: permissions.can_view_idea(current_user, idea)
    )
    can_ask = permissions.can_ask_to_represent(current_user, organisation)
    waiting = organisation_queries.pending_request(organisation, current_user) if can_ask else None
    return render_template(
        "organisations/detail.html",
        organisation=organisation,
        representatives=representatives,
        ideas=ideas,
        activities=activities,
        calls=call_queries.open_calls(organisation),
        waiting_request=waiting,
        can_ask=can_ask and waiting is None,
        button_form=EmptyForm(),
    )
