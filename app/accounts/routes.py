"""Register, confirm, log in and out, reset the password, and the person's own account pages."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from app.accounts import bp, services
from app.accounts.ages import too_young_for_an_account
from app.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    EmailForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from app.accounts.sessions import active_sessions, hash_token, start_session
from app.accounts.tokens import InvalidToken
from app.centres.queries import active_centres, centre_choices
from app.errors import NotAllowed
from app.extensions import db, limiter
from app.forms import EmptyForm
from app.urls import next_url


def login_form_failed(response):
    """Only failed log-ins count against the limits: a success redirects."""
    return response.status_code != 302


def submitted_email():
    """The log-in limits' key for one account: the e-mail as sent, normalised, whether or not it has an account."""
    return "login:" + services.normalise_email(request.form.get("email"))


def submitted_email_from_this_address():
    """The log-in limits' key for one account tried from one client address."""
    return submitted_email() + "|from:" + client_ip()


def client_ip():
    """The client's address: the connection's, or the one ProxyFix took from PROXY_COUNT trusted proxies.

    Never a raw X-Forwarded-For, which anyone can send to pretend to be someone else.
    """
    return request.remote_addr or ""


def setup_centre_field(form, user=None):
    """Offer the active centres; with only one there is nothing to choose and the field goes."""
    centres = active_centres()
    if len(centres) <= 1:
        del form.home_centre
        return centres[0] if centres else None
    form.home_centre.choices = centre_choices(centres)
    if user is not None and user.home_centre_id and request.method == "GET":
        form.home_centre.data = user.home_centre_id
    return None


def chosen_centre(form, only_centre):
    """The home centre picked in the form, or the only active centre when there was nothing to pick."""
    if only_centre is not None or not hasattr(form, "home_centre"):
        return only_centre
    return next((c for c in active_centres() if c.id == form.home_centre.data), None)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_LIMIT_PER_IP"], methods=["POST"])
def register():
    """The sign-up page for visitors: make an account and mail a confirmation link (the same answer for a taken address)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if request.method == "GET":
        # the language the page is shown in (the cookie, else the browser's), so English readers get English mail
        form.language.data = str(get_locale())
    only_centre = setup_centre_field(form)
    valid = form.validate_on_submit()
    if form.is_submitted() and too_young_for_an_account(form.given_birth_year()):
        # Nothing of what a child typed is kept, mailed or logged: the page only explains how they can take part.
        return render_template("accounts/register_too_young.html")
    if valid:
        services.register_user(
            form.display_name.data,
            form.email.data,
            form.password.data,
            form.language.data,
            chosen_centre(form, only_centre),
            ip_address=client_ip(),
            birth_year=form.given_birth_year(),
        )
        try:
            db.session.commit()
        except IntegrityError:
            # The same address registered twice at the same instant: one account, the same answer.
            db.session.rollback()
        return render_template("accounts/check_email.html", email=form.email.data, purpose="register")
    return render_template("accounts/register.html", form=form)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token):
    """GET shows a button; only the POST confirms, so link scanners in mail programs change nothing."""
    form = EmptyForm()
    try:
        user = services.user_for_confirmation(token)
    except InvalidToken:
        return render_template("accounts/link_invalid.html", resend=True), 400
    if form.validate_on_submit():
        services.confirm_email(token)
        db.session.commit()
        flash(_("Thank you, your e-mail address is confirmed. You can log in now."), "success")
        return redirect(url_for("accounts.login") if not current_user.is_authenticated else url_for("main.home"))
    return render_template("accounts/confirm.html", form=form, user=user)


@bp.route("/confirm", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["MAIL_REQUEST_LIMIT"], methods=["POST"])
def resend_confirmation():
    """Ask for a new confirmation link by e-mail; the answer never tells whether the address has an account."""
    form = EmailForm()
    if form.validate_on_submit():
        services.resend_confirmation(form.email.data)
        db.session.commit()
        return render_template("accounts/check_email.html", email=form.email.data, purpose="confirm")
    return render_template("accounts/resend_confirmation.html", form=form)


# Failed log-ins are throttled per account *and address*, so a stranger guessing from elsewhere cannot
# lock the owner out; per address, against one machine guessing many accounts; and per account across
# all addresses, with a ceiling high enough that only a distributed attack reaches it (OWASP).
# The limits key on the submitted e-mail whether or not it has an account: the same answer for both.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_IP"],
    methods=["POST"],
    key_func=submitted_email_from_this_address,
    deduct_when=login_form_failed,
)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"], deduct_when=login_form_failed)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    methods=["POST"],
    key_func=submitted_email,
    deduct_when=login_form_failed,
)
def login():
    """The log-in page: a new session for a confirmed, unsuspended account; failures are throttled and audited."""
    if current_user.is_authenticated:
        return redirect(next_url())
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data, ip_address=client_ip())
        if user is None:
            db.session.commit()  # keep the audit entry of the failure
            form.password.errors.append(_("The e-mail address or the password is not right."))
            return render_template("accounts/login.html", form=form)
        if not user.is_active:
            db.session.commit()
            form.email.errors.append(_("This account is suspended. Please contact the centre's coordinator."))
            return render_template("accounts/login.html", form=form)
        if not user.is_confirmed:
            db.session.commit()
            form.email.errors.append(_("Please confirm your e-mail address first: follow the link we sent you."))
            return render_template("accounts/login.html", form=form, show_resend=True)
        session.clear()  # a fresh session on every log-in: nothing planted before it survives
        start_session(user, remember=form.remember.data, user_agent=request.headers.get("User-Agent", ""))
        first_login = services.record_login(user, ip_address=client_ip())
        db.session.commit()
        login_user(user, remember=form.remember.data)
        if first_login:
            session["first_login"] = True  # the home page does not say "welcome back" in the first session
            flash(_("Welcome to Kopiena, %(name)s!", name=user.display_name), "success")
        else:
            flash(_("Welcome, %(name)s!", name=user.display_name), "success")
        return redirect(next_url())
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (POST): this browser's session ends in the database and its cookie is cleared."""
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for("main.home"))
    if current_user.is_authenticated:
        services.log_out(current_user, current_user.session_token)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["MAIL_REQUEST_LIMIT"], methods=["POST"])
def reset_request():
    """The forgotten-password page: mail a single-use reset link, answering the same whether or not the address has an account."""
    form = EmailForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template(
            "accounts/check_email.html",
            email=form.email.data,
            purpose="reset",
            minutes=int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds() // 60),
        )
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token):
    """Where a reset link leads: choose a new password; every session ends and the person logs in again."""
    try:
        user = services.reset_token_row(token).user
    except InvalidToken:
        return render_template("accounts/link_invalid.html", reset=True), 400
    form = ResetPasswordForm(user)
    if form.validate_on_submit():
        services.reset_password(token, form.password.data, ip_address=client_ip())
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("Your password is changed. Please log in with the new password."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/me/profile", methods=["GET", "POST"])
@login_required
def profile():
    """The signed-in person's own profile: name, about, skills, interests, language and home centre."""
    form = ProfileForm(obj=current_user)
    only_centre = setup_centre_field(form, current_user)
    if current_user.is_young_teen:
        del form.profile_public  # not offered under 16; the template says why
    if form.validate_on_submit():
        services.update_profile(
            current_user,
            form.display_name.data,
            form.about.data,
            form.skills.data,
            form.interests.data,
            form.language.data,
            chosen_centre(form, only_centre),
            profile_public=form.profile_public is not None and form.profile_public.data,
        )
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, young_teen_text=services.YOUNG_TEEN_PROFILE_TEXT)


def render_security(password_form=None, email_form=None, status=200):
    """The security page with the given (else empty) password and e-mail forms and the person's live sessions."""
    return render_template(
        "accounts/security.html",
        password_form=password_form or ChangePasswordForm(current_user, formdata=None),
        email_form=email_form or ChangeEmailForm(formdata=None),
        logout_all_form=EmptyForm(),
        sessions=active_sessions(current_user),
        current_token_hash=hash_token(current_user.session_token or ""),
    ), status


@bp.route("/me/security")
@login_required
def security():
    """The signed-in person's security page: change the password or e-mail, see the sessions, log out everywhere."""
    return render_security()


@bp.route("/me/password", methods=["POST"])
@login_required
def change_password():
    """Change one's password (POST, with the current one); every other device is logged out."""
    form = ChangePasswordForm(current_user)
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data, form.new_password.data, keep_token=current_user.session_token
            )
        except NotAllowed:
            form.current_password.errors.append(_("The current password is not right."))
        else:
            db.session.commit()
            flash(_("Your password is changed. You have been logged out on all other devices."), "success")
            return redirect(url_for("accounts.security"))
    return render_security(password_form=form, status=400)


@bp.route("/me/email", methods=["POST"])
@login_required
def change_email():
    """Ask to change one's e-mail address (POST, with the current password): a confirmation link goes to the new one."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            services.request_email_change(current_user, form.current_password.data, form.new_email.data)
        except NotAllowed:
            form.current_password.errors.append(_("The current password is not right."))
        else:
            db.session.commit()
            flash(
                _("We have sent a link to %(email)s. Your address changes when you follow it.", email=form.new_email.data), "info"
            )
            return redirect(url_for("accounts.security"))
    return render_security(email_form=form, status=400)


@bp.route("/me/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email_change(token):
    """Where a change-of-address link leads: a button moves the account to the new address (only the POST changes it)."""
    form = EmptyForm()
    try:
        user, new_email = services.email_change_from_token(token)
    except InvalidToken:
        return render_template("accounts/link_invalid.html"), 400
    if form.validate_on_submit():
        try:
            services.confirm_email_change(token)
        except InvalidToken:
            return render_template("accounts/link_invalid.html"), 400
        db.session.commit()
        flash(_("Your e-mail address is now %(email)s.", email=new_email), "success")
        return redirect(url_for("accounts.security") if current_user.is_authenticated else url_for("accounts.login"))
    return render_template("accounts/confirm_email_change.html", form=form, user=user, new_email=new_email)


@bp.route("/me/sessions/logout-all", methods=["POST"])
@login_required
def logout_everywhere():
    """Log the signed-in person out on every device, this one included (POST)."""
    form = EmptyForm()
    if form.validate_on_submit():
        services.log_out_everywhere(current_user)
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("You have been logged out on all devices, this one included."), "info")
        return redirect(url_for("accounts.login"))
    return redirect(url_for("accounts.security"))
