"""The person's notifications: the list, marking them read, and e-mail settings."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.forms import EmptyForm
from app.notifications import bp, queries, services
from app.notifications.forms import NotificationSettingsForm
from app.notifications.messages import describe, link
from app.pagination import requested_page

#: pages beyond this are not offered (and a huge number cannot reach the database)
MAX_PAGE = 10_000


@bp.route("/me/notifications")
@login_required
def notification_list():
    """The signed-in person's notifications, newest first, one page at a time."""
    page = queries.notifications_page(current_user, requested_page(request.args, MAX_PAGE))
    return render_template("notifications/list.html", page=page, form=EmptyForm(), describe=describe, link=link)


def back_to_list():
    """Back to the page of the notification list the button was on."""
    page = requested_page(request.form, MAX_PAGE)
    return redirect(url_for("notifications.notification_list", page=page if page > 1 else None))


@bp.route("/me/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id):
    """Mark one of one's own notifications read (POST); another person's is a 404."""
    notification = queries.own_notification(current_user, notification_id) or abort(404)
    if EmptyForm().validate_on_submit():
        services.mark_read(notification)
        db.session.commit()
    return back_to_list()


@bp.route("/me/notifications/read-all", methods=["POST"])
@login_required
def mark_all_read():
    """Mark all of the signed-in person's notifications read (POST)."""
    if EmptyForm().validate_on_submit():
        services.mark_all_read(current_user)
        db.session.commit()
        flash(_("All your notifications are marked as read."), "success")
    return back_to_list()


@bp.route("/me/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    """The signed-in person's choice of how often notifications come by e-mail."""
    form = NotificationSettingsForm(obj=current_user)
    if form.validate_on_submit():
        services.update_settings(current_user, form.email_own_ideas.data, form.email_other.data)
        db.session.commit()
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form), 400 if form.errors else 200
