"""The one-click unsubscribe address of notification mail (on the notifications blueprint)."""

from flask import abort, render_template, request

from app.extensions import csrf, db
from app.forms import EmptyForm
from app.notifications import bp, unsubscribing


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: a mail program POSTs here without any page (the signed token is the proof)
def unsubscribe(token):
    """GET: a page with a button (mail scanners open links, so a GET changes nothing). POST (that button, or a
    mail program's one click): turn that e-mail preference off. No login needed; a token not made here is a 404."""
    user, kind = unsubscribing.read_token(token) or abort(404)
    if request.method == "GET":
        return render_template("notifications/unsubscribe.html", kind=kind, form=EmptyForm(), done=False)
    unsubscribing.unsubscribe(user, kind)
    db.session.commit()
    return render_template("notifications/unsubscribe.html", kind=kind, done=True)
