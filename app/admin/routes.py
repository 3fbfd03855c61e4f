"""Admin pages: people, their roles and suspension; categories of ideas; the audit log."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.models import User
from app.accounts.services import set_roles
from app.admin import audit_view, bp, queries, services
from app.admin.forms import CategoryForm, RolesForm, SuspendForm
from app.audit.sentences import areas_of
from app.centres.queries import all_centres, centre_choices
from app.errors import AlreadyDone, NotAllowed
from app.extensions import db
from app.forms import EmptyForm
from app.ideas.models import Category
from app.inputs import db_int
from app.moderation.queries import centres_moderated_by
from app.pagination import requested_page
from app.permissions import can_manage_categories, can_manage_users, can_suspend_users, can_view_audit_log


@bp.route("/users")
@login_required
def users():
    """Admins' list of people: search by name or e-mail, optionally only the suspended, one page at a time."""
    if not can_manage_users(current_user):
        raise NotAllowed(what="admin.users")
    query = request.args.get("q", "").strip()[:100]
    suspended_only = request.args.get("suspended") == "1"
    page = requested_page(request.args, queries.LAST_PAGE)
    return render_template(
        "admin/users.html",
        pagination=queries.search_users(query, page, suspended_only),
        query=query,
        suspended_only=suspended_only,
    )


def render_user_page(user, form=None, suspend_form=None, centres=None):
    """The person's admin page: roles, and suspension."""
    if form is None:
        form = RolesForm(formdata=None, obj=user)
        form.moderated_centres.choices = centre_choices(centres if centres is not None else all_centres())
        form.moderated_centres.data = [centre.id for centre in user.moderated_centres]
    return render_template(
        "admin/user_roles.html",
        user=user,
        form=form,
        suspend_form=suspend_form or SuspendForm(formdata=None),
        lift_form=EmptyForm(),
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def user_roles(user_id):
    """Admins' page of one person: make them an admin or a moderator of chosen centres, suspend them or lift it."""
    if not can_manage_users(current_user):
        raise NotAllowed(what="admin.user_roles")
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
            flash(_("The roles of %(name)s are saved.", name=user.full_name), "success")
            return redirect(url_for("admin.user_roles", user_id=user.id))
    return render_user_page(user, form=form)


def user_to_suspend(user_id):
    """The person whose suspension an admin changes, or 404; NotAllowed for anyone but an admin."""
    if not can_suspend_users(current_user):
        raise NotAllowed(what="admin.suspension")
    return db.session.get(User, user_id) or abort(404)


@bp.route("/users/<int:user_id>/suspend", methods=["POST"])
@login_required
def suspend_user(user_id):
    """An admin suspends a person (POST, with a reason): logged out everywhere, refused at log-in."""
    user = user_to_suspend(user_id)
    form = SuspendForm()
    if form.validate_on_submit():
        try:
            services.suspend_user(current_user, user, form.reason.data)
        except services.OwnAccount:
            flash(_("You cannot suspend your own account."), "error")
            return redirect(url_for("admin.user_roles", user_id=user.id))
        except AlreadyDone:
            db.session.rollback()
            flash(_("%(name)s was already suspended.", name=user.full_name), "info")
            return redirect(url_for("admin.user_roles", user_id=user.id))
        else:
            db.session.commit()
            flash(_("%(name)s is suspended and logged out everywhere.", name=user.full_name), "success")
            return redirect(url_for("admin.user_roles", user_id=user.id))
    return render_user_page(user, suspend_form=form), 200


@bp.route("/users/<int:user_id>/lift-suspension", methods=["POST"])
@login_required
def lift_suspension(user_id):
    """An admin lets a suspended person log in again (POST)."""
    user = user_to_suspend(user_id)
    if EmptyForm().validate_on_submit():
        try:
            services.lift_suspension(current_user, user)
        except AlreadyDone:
            db.session.rollback()
            flash(_("%(name)s is not suspended.", name=user.full_name), "info")
        else:
            db.session.commit()
            flash(_("%(name)s can log in again.", name=user.full_name), "success")
    return redirect(url_for("admin.user_roles", user_id=user.id))


# Categories of ideas


@bp.route("/categories")
@login_required
def categories():
    """Admins' list of the categories of ideas."""
    if not can_manage_categories(current_user):
        raise NotAllowed(what="admin.categories")
    return render_template("admin/categories.html", categories=queries.all_categories())


@bp.route("/categories/new", methods=["GET", "POST"])
@login_required
def new_category():
    """Admins add a category of ideas: short name, Latvian and English names, position, active or not."""
    if not can_manage_categories(current_user):
        raise NotAllowed(what="admin.categories")
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            services.create_category(
                current_user, form.slug.data, form.name_lv.data, form.name_en.data, form.position.data, form.is_active.data
            )
        except services.SlugTaken:
            form.slug.errors.append(_("Another category already uses this short name."))
        else:
            db.session.commit()
            flash(_("The category is added."), "success")
            return redirect(url_for("admin.categories"))
    return render_template("admin/category_form.html", form=form, category=None)


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@login_required
def edit_category(category_id):
    """Admins change a category of ideas, or stop offering it for new ideas."""
    if not can_manage_categories(current_user):
        raise NotAllowed(what="admin.categories")
    category = db.session.get(Category, category_id) or abort(404)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        try:
            services.update_category(
                current_user,
                category,
                form.slug.data,
                form.name_lv.data,
                form.name_en.data,
                form.position.data,
                form.is_active.data,
            )
        except services.SlugTaken:
            form.slug.errors.append(_("Another category already uses this short name."))
        else:
            db.session.commit()
            flash(_("The category is saved."), "success")
            return redirect(url_for("admin.categories"))
    return render_template("admin/category_form.html", form=form, category=category)


# The audit log


@bp.route("/audit")
@login_required
def audit_log():
    """The audit log, filtered by action, actor and centre: admins see all of it, moderators their centres' and their own."""
    if not can_view_audit_log(current_user):
        raise NotAllowed(what="admin.audit")
    action = request.args.get("action", "").strip()[:64]
    actor = request.args.get("actor", "").strip()[:100]
    centre_id = request.args.get("centre", 0, type=db_int)
    page = requested_page(request.args, queries.LAST_PAGE)
    centres = centres_moderated_by(current_user)
    return render_template(
        "admin/audit.html",
        pagination=queries.audit_entries(current_user, action, actor, page, centre_id),
        areas=areas_of(queries.audit_actions(current_user)),
        action=action,
        actor=actor,
        centres=centres,
        centre_id=centre_id,
        centre_names={centre.id: centre.name for centre in centres},
        describe=lambda entry: audit_view.describe(entry, current_user),
    )
