"""Admin pages: people and their roles, and the audit log."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.models import User
from app.accounts.services import set_roles
from app.admin import bp, queries
from app.admin.forms import RolesForm
from app.audit.services import refuse
from app.caching import forbid_caching
from app.centres.queries import all_centres, centre_choices
from app.errors import NotAllowed
from app.extensions import db
from app.permissions import can_manage_users, can_view_audit_log

bp.after_request(forbid_caching)


@bp.route("/users")
@login_required
def users():
    if not can_manage_users(current_user):
        refuse(current_user, "admin.users")
    query = request.args.get("q", "").strip()[:100]
    page = request.args.get("page", 1, type=int)
    return render_template("admin/users.html", pagination=queries.search_users(query, page), query=query)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def user_roles(user_id):
    if not can_manage_users(current_user):
        refuse(current_user, "admin.user_roles")
    user = db.session.get(User, user_id) or abort(404)
    centres = all_centres()
    form = RolesForm(obj=user)
    form.moderated_centres.choices = centre_choices(centres)
    if request.method == "GET":
        form.moderated_centres.data = [centre.id for centre in user.moderated_centres]
    if form.validate_on_submit():
        chosen = [centre for centre in centres if centre.id in form.moderated_centres.data]
        try:
            set_roles(current_user, user, form.is_admin.data, chosen)
        except NotAllowed:
            form.is_admin.errors.append(_("You cannot remove your own administrator role."))
        else:
            db.session.commit()
            flash(_("The roles of %(name)s are saved.", name=user.display_name), "success")
            return redirect(url_for("admin.user_roles", user_id=user.id))
    return render_template("admin/user_roles.html", user=user, form=form)


@bp.route("/audit")
@login_required
def audit_log():
    if not can_view_audit_log(current_user):
        refuse(current_user, "admin.audit")
    action = request.args.get("action", "").strip()[:64]
    actor = request.args.get("actor", "").strip()[:100]
    page = request.args.get("page", 1, type=int)
    return render_template("admin/audit.html", pagination=queries.audit_entries(action, actor, page),
                           actions=queries.audit_actions(), action=action, actor=actor)
