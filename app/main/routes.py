"""The home page, the search across the site and the language switch (health checks: health_routes.py)."""

from flask import current_app, redirect, render_template, request
from flask_login import current_user

from app.accounts.services import set_language
from app.extensions import db
from app.i18n import LANGUAGE_COOKIE
from app.main import bp
from app.main.forms import LanguageForm
from app.main.home_page import home_page
from app.main.search_page import CALL_STATE, site_search
from app.urls import next_url


@bp.route("/")
def home():
    """The home page, for everyone: ideas seeking volunteers, upcoming activities, open partner calls, new ideas."""
    return render_template("main/home.html", home=home_page())


@bp.route("/search")
def search():
    """One search across ideas, activities, organisations and partner calls (the header's search box)."""
    results = site_search(request.args.get("q"))
    return render_template("main/search.html", results=results, call_state_filter=CALL_STATE, header_q=results.search.text)


@bp.route("/help/formatting")
def formatting_help():
    """A short page on the simple formatting descriptions allow: bold, lists, links, headings."""
    return render_template("main/formatting_help.html")


@bp.route("/language", methods=["POST"])
def switch_language():
    """Remember the chosen language (on the account too, when signed in) and go back to the page."""
    form = LanguageForm()
    target = next_url()
    if not form.validate_on_submit():
        return redirect(target)
    if current_user.is_authenticated:
        set_language(current_user, form.language.data)
        db.session.commit()
    response = redirect(target)
    response.set_cookie(
        LANGUAGE_COOKIE,
        form.language.data,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response
