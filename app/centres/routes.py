"""Admin pages for centres: /admin/centres."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.centres import bp, services
from app.centres.forms import CentreForm
from app.centres.location import coordinate_text
from app.centres.models import Centre
from app.centres.queries import all_centres
from app.errors import NotAllowed
from app.extensions import db
from app.permissions import can_manage_centres


@bp.before_request
@login_required
def require_admin():
    """Every page under /admin/centres is for signed-in admins only."""
    if not can_manage_centres(current_user):
        raise NotAllowed(what="centres")


@bp.route("/admin/centres")
def list_centres():
    """Admins' list of centres, the active ones first."""
    return render_template("centres/list.html", centres=all_centres())


@bp.route("/admin/centres/new", methods=["GET", "POST"])
def new_centre():
    """Admins add a centre: name, municipality, short name for addresses, active or not."""
    form = CentreForm()
    if form.validate_on_submit():
        try:
            services.create_centre(
                current_user,
                form.name.data,
                form.municipality.data,
                form.slug.data,
                form.is_active.data,
                coordinates=form.coordinates(),
            )
        except services.SlugTaken:
            form.slug.errors.append(_("Another centre already uses this short name."))
        else:
            db.session.commit()
            flash(_("The centre is added."), "success")
            return redirect(url_for("centres.list_centres"))
    return render_template("centres/form.html", form=form, centre=None)


def form_values(centre):
    """The centre's fields as its edit form shows them (the map position as text, six decimals at most)."""
    return {
        "name": centre.name,
        "municipality": centre.municipality,
        "slug": centre.slug,
        "is_active": centre.is_active,
        "latitude": coordinate_text(centre.latitude),
        "longitude": coordinate_text(centre.longitude),
    }


@bp.route("/admin/centres/<int:centre_id>/edit", methods=["GET", "POST"])
def edit_centre(centre_id):
    """Admins change a centre, or make it inactive (it keeps its history but is no longer offered)."""
    centre = db.session.get(Centre, centre_id) or abort(404)
    form = CentreForm(data=form_values(centre))
    if form.validate_on_submit():
        try:
            services.update_centre(
                current_user,
                centre,
                form.name.data,
                form.municipality.data,
                form.slug.data,
                form.is_active.data,
                coordinates=form.coordinates(),
            )
        except services.SlugTaken:
            form.slug.errors.append(_("Another centre already uses this short name."))
        else:
            db.session.commit()
            flash(_("The centre is saved."), "success")
            return redirect(url_for("centres.list_centres"))
    return render_template("centres/form.html", form=form, centre=centre)
