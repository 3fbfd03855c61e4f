"""Adding a volunteer role to an activity.

The page belongs to the volunteering blueprint (endpoint volunteering.new_activity_role, the URL under
/activities/), but it loads an activity, and volunteering sits below activities: so the view lives here.
"""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import permissions
from app.activities.models import Activity
from app.errors import NotAllowed
from app.extensions import db
from app.volunteering import bp as volunteering_bp
from app.volunteering import services
from app.volunteering.forms import RoleForm
from app.volunteering.routes import role_fields


@volunteering_bp.route("/activities/<int:activity_id>/roles/new", methods=["GET", "POST"])
@login_required
def new_activity_role(activity_id):
    """The form to add a volunteer role to a planned or open activity (its coordinators)."""
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        abort(404)
    if not permissions.can_add_activity_roles(current_user, activity):
        raise NotAllowed(what="volunteering.new_activity_role")
    form = RoleForm()
    if not form.validate_on_submit():
        return render_template("volunteering/role_form.html", form=form, idea=None, activity=activity, role=None)
    services.add_activity_role(current_user, activity, **role_fields(form))
    db.session.commit()
    flash(_("The role is added. People can now offer to help."), "success")
    return redirect(url_for("activities.activity_detail", activity_id=activity.id, _anchor="volunteers"))
