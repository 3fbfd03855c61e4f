"""Writing to an activity's volunteers.

The page belongs to the volunteering blueprint (endpoint volunteering.write_to_activity_volunteers), but it loads an
activity, and volunteering sits below activities: so the view lives here and uses volunteering's write_page().
"""

from flask import abort, url_for
from flask_login import login_required

from app.activities.models import Activity
from app.extensions import db
from app.volunteering import bp as volunteering_bp
from app.volunteering.message_routes import sending_limit, write_page


@volunteering_bp.route("/activities/<int:activity_id>/volunteer-messages", methods=["GET", "POST"])
@login_required
@sending_limit
def write_to_activity_volunteers(activity_id):
    """Write to the accepted volunteers of an activity (its coordinators), also to thank them after it was held."""
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        abort(404)
    return write_page(
        activity,
        url_for("volunteering.write_to_activity_volunteers", activity_id=activity.id),
        url_for("activities.activity_detail", activity_id=activity.id, _anchor="volunteers"),
    )
