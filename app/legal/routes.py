"""The legal pages for everyone, their editing by admins (/admin/legal), and accepting a new version at log-in."""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, user_loaded_from_cookie, user_logged_in
from sqlalchemy.exc import IntegrityError

from app.centres.queries import active_centres
from app.errors import NotAllowed
from app.extensions import db
from app.legal import bp, services
from app.legal.documents import CONSENT_SLUGS, SLUGS, as_html, in_language
from app.legal.forms import ConsentForm, LegalDocumentForm
from app.legal.queries import current_document, current_documents, due_documents, version_of, versions_of
from app.permissions import can_manage_legal_pages
from app.urls import is_local_path, next_url

#: the key in the signed session cookie listing the pages the person must accept before going on (set at log-in)
CONSENT_DUE = "consent_due"
#: what a person who owes an acceptance may still open: the pages to read, the acceptance itself, logging out
OPEN_WHILE_CONSENT_DUE = frozenset(
    {
        "static",
        "legal.page",
        "legal.consent",
        "accounts.logout",
        "main.switch_language",
        "main.healthz",
        "main.readyz",
        "main.metrics",
    }
)
SLUG_RULE = "<any({}):slug>".format(", ".join(SLUGS))


@bp.route("/" + SLUG_RULE)
def page(slug):
    """A legal page for everyone, in the site's language; the contact page lists the active centres."""
    document = current_document(slug)
    title, body = in_language(document, str(get_locale()))
    centres = active_centres() if slug == "contact" else []
    return render_template("legal/page.html", slug=slug, document=document, title=title, body_html=as_html(body), centres=centres)


# --- accepting a new version at log-in -------------------------------------------------------------------------


@bp.record_once
def watch_log_ins(state):
    """Decide at each log-in (the form or a "remember me" cookie) whether the person owes an acceptance."""
    user_logged_in.connect(remember_due_consents, state.app)
    user_loaded_from_cookie.connect(remember_due_consents, state.app)


def remember_due_consents(_app, user, **_extra):
    """Keep in the signed session which pages the person must accept again: no statement on later requests."""
    due = due_documents(user.id)
    if due:
        session[CONSENT_DUE] = due
    else:
        session.pop(CONSENT_DUE, None)


@bp.before_app_request
def ask_for_consent_first():
    """A signed-in person who owes an acceptance is sent to it first (then on to where they were going)."""
    if request.endpoint is None or request.endpoint in OPEN_WHILE_CONSENT_DUE:
        return None
    # Asked before the session key: a "remember me" log-in happens here and decides the key.
    if not current_user.is_authenticated or not session.get(CONSENT_DUE):
        return None
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("legal.consent", next=target))


def consents_due():
    """The pages the session says the person must accept (only real ones, whatever the cookie holds)."""
    due = session.get(CONSENT_DUE)
    return [slug for slug in CONSENT_SLUGS if isinstance(due, list) and slug in due]


@bp.route("/consent", methods=["GET", "POST"])
@login_required
def consent():
    """Accept the new version of the terms or the privacy notice, then go on to where the person was going."""
    due = consents_due()
    target = next_url()
    if not due:
        session.pop(CONSENT_DUE, None)
        return redirect(target)
    form = ConsentForm()
    if form.validate_on_submit():
        services.record_consents(current_user.id, due)
        db.session.commit()
        session.pop(CONSENT_DUE, None)
        flash(_("Thank you. Your acceptance is recorded."), "success")
        return redirect(target)
    requested = request.form.get("next") or request.args.get("next")
    form.next.data = requested if is_local_path(requested) else ""
    return render_template("legal/consent.html", form=form, documents=[current_document(slug) for slug in due])


# --- admins: /admin/legal ----------------------------------------------------------------------------------------


def require_legal_admin():
    """Only admins edit the legal pages; anyone else gets 403 (audited)."""
    if not can_manage_legal_pages(current_user):
        raise NotAllowed(what="legal.admin")


@bp.route("/admin/legal")
@login_required
def admin_list():
    """Admins' list of the five pages with the version shown now."""
    require_legal_admin()
    return render_template("legal/admin_list.html", documents=current_documents())


@bp.route("/admin/legal/" + SLUG_RULE, methods=["GET", "POST"])
@login_required
def admin_edit(slug):
    """Admins write a new version of a page (both languages); saving adds a version, the old ones stay."""
    require_legal_admin()
    current = current_document(slug)
    form = LegalDocumentForm(obj=current)
    if request.method == "GET":
        form.based_on.data = str(current.version)
        form.asks_consent.data = False
    stale = False
    if form.validate_on_submit():
        try:
            document = services.publish_document(
                current_user,
                slug,
                form.title_lv.data,
                form.title_en.data,
                form.body_lv.data,
                form.body_en.data,
                asks_consent=form.asks_consent.data,
                based_on=int(form.based_on.data) if form.based_on.data else None,
            )
            db.session.commit()
        except (services.StaleVersion, IntegrityError):
            db.session.rollback()  # another admin published meanwhile: their version is shown, this text kept
            stale, current = True, current_document(slug)
            form.based_on.data = str(current.version)
        else:
            if document is None:
                flash(_("Nothing was changed, so no new version was made."), "info")
            else:
                flash(_("Version %(version)d is published.", version=document.version), "success")
            return redirect(url_for("legal.admin_list"))
    return render_template(
        "legal/admin_edit.html", form=form, slug=slug, current=current, stale=stale, may_ask=slug in CONSENT_SLUGS
    )


@bp.route("/admin/legal/" + SLUG_RULE + "/versions")
@login_required
def admin_history(slug):
    """Admins' list of every version of a page: when, by whom, whether it asked people to accept it."""
    require_legal_admin()
    return render_template("legal/admin_history.html", slug=slug, versions=versions_of(slug))


@bp.route("/admin/legal/" + SLUG_RULE + "/versions/<int:version>")
@login_required
def admin_version(slug, version):
    """One earlier version of a page as it was published, in both languages."""
    require_legal_admin()
    document = version_of(slug, version) or abort(404)
    return render_template(
        "legal/admin_version.html",
        slug=slug,
        document=document,
        texts=[(code, title, as_html(body)) for code in ("lv", "en") for title, body in [in_language(document, code)]],
    )
