"""/me/data (download my data) and /me/delete (delete my account): thin routes over exports.py and deletion.py.

Only the signed-in person's own downloads are ever found: another person's id, an expired one or a guessed one
is a 404, whatever exists behind it.
"""

from flask import abort, current_app, flash, redirect, render_template, send_file, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, logout_user

from app.extensions import db, limiter
from app.privacy import bp
from app.privacy.deletion import LastAdmin, delete_account, is_last_admin
from app.privacy.exports import WrongPassword, current_exports, export_for_download, export_path, prepare_export
from app.privacy.forms import DataExportForm, DeleteAccountForm
from app.privacy.personal_data import SECTIONS


def export_limit():
    """How many downloads one person may prepare in a while (DATA_EXPORT_LIMIT, e.g. "5 per hour")."""
    return current_app.config["DATA_EXPORT_LIMIT"]


def person_key():
    """Building downloads is limited per account (per address for nobody signed in, who is sent to log in anyway)."""
    if current_user.is_authenticated:
        return f"privacy:user:{current_user.id}"
    return f"privacy:ip:{get_remote_address()}"


def built(response):
    """Only a download actually prepared (a redirect) counts against the limit."""
    return response.status_code == 302


def render_data_page(form):
    """The download page: what is in it, the prepared downloads, and the password form."""
    return render_template(
        "privacy/my_data.html",
        form=form,
        exports=current_exports(current_user),
        sections=SECTIONS,
        days=current_app.config["DATA_EXPORT_DAYS"],
    )


@bp.route("/me/data", methods=["GET", "POST"])
@limiter.limit(export_limit, key_func=person_key, methods=["POST"], deduct_when=built)
@login_required
def my_data():
    """Explain the download and list the prepared ones (GET); build one after the password is entered again (POST)."""
    form = DataExportForm()
    if not form.validate_on_submit():
        return render_data_page(form)  # a form shown again with its errors answers 200, as the log-in page does
    try:
        prepare_export(current_user._get_current_object(), form.password.data)
    except WrongPassword:
        db.session.rollback()
        form.password.errors.append(_("The current password is not right."))
        return render_data_page(form)
    db.session.commit()
    days = current_app.config["DATA_EXPORT_DAYS"]
    flash(
        ngettext(
            "Your data is ready. Download it below; the link works for %(num)d day.",
            "Your data is ready. Download it below; the link works for %(num)d days.",
            days,
        ),
        "success",
    )
    return redirect(url_for("privacy.my_data", _anchor="downloads"))


@bp.route("/me/data/<int:export_id>/download")
@login_required
def download_export(export_id):
    """The ZIP of one of the person's own downloads, until it expires; anything else is a 404."""
    export = export_for_download(current_user, export_id) or abort(404)
    name = f"kopiena-data-{export.created_at:%Y-%m-%d}.zip"
    return send_file(export_path(export), mimetype="application/zip", as_attachment=True, download_name=name)


@bp.route("/me/delete", methods=["GET", "POST"])
@login_required
def delete_my_account():
    """Say plainly what deleting the account does (GET); delete it after the password and the tick box (POST)."""
    form = DeleteAccountForm()
    last_admin = is_last_admin(current_user)
    if form.validate_on_submit():
        try:
            delete_account(current_user._get_current_object(), form.password.data)
        except WrongPassword:
            db.session.rollback()
            form.password.errors.append(_("The current password is not right."))
        except LastAdmin:
            db.session.rollback()
        else:
            db.session.commit()
            logout_user()
            session.clear()
            flash(_("Your account is deleted. Thank you for taking part in Kopiena."), "success")
            return redirect(url_for("main.home"))
    return render_template("privacy/delete_account.html", form=form, last_admin=last_admin)
