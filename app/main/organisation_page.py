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
    approved = [item for item in memberships if item.state == MembershipState.APPROVED]
    # named only with their own consent; the others are counted (the template never gets their names)
    named = [item.user for item in approved if item.named_publicly]
    own = next((item for item in approved if permissions.is_signed_in(current_user) and item.user_id == current_user.id), None)
    ideas, activities = partnership_queries.split_partnerships(
        partnership_queries.accepted_partnerships(organisation), lambda idea: permissions.can_view_idea(current_user, idea)
    )
    can_ask = permissions.can_ask_to_represent(current_user, organisation)
    waiting = organisation_queries.pending_request(organisation, current_user) if can_ask else None
    return render_template(
        "organisations/detail.html",
        organisation=organisation,
        named_representatives=named,
        unnamed_representatives=len(approved) - len(named),
        own_membership=own,
        show_contacts=partnership_queries.can_see_contacts(current_user, organisation),
        ideas=ideas,
        activities=activities,
        calls=call_queries.open_calls(organisation),
        waiting_request=waiting,
        can_ask=can_ask and waiting is None,
        button_form=EmptyForm(),
    )
