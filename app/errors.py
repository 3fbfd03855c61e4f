"""Domain errors raised by services, and the error pages."""

import logging
from urllib.parse import urlsplit

from flask import flash, g, redirect, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, SecurityError

from app.access_log import mask_secrets
from app.audit.services import record_refusal
from app.extensions import db, login_manager
from app.urls import is_local_path

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A business rule refused an action; the message is shown to the person."""

    def __init__(self, message=None):
        super().__init__(message)
        self.message = message


class NotAllowed(DomainError):
    """The acting person may not do this; `what` names the page or action in the audit log (default: the endpoint)."""

    def __init__(self, message=None, what=None):
        super().__init__(message)
        self.what = what


class InvalidTransition(DomainError):
    """The thing is not in a state that allows this."""


class AlreadyDone(DomainError):
    """The action was already done (e.g. a double-click)."""


class CapacityReached(DomainError):
    """No place is free any more (e.g. the last volunteer place was just taken)."""


ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to do this.")),
    404: (_l("Page not found"), _l("This page does not exist or is not visible to you.")),
    405: (_l("Not allowed this way"), _l("This address cannot be used like this. Please use the buttons on the page.")),
    413: (_l("File too large"), _l("The file you sent is too large. Please choose a smaller one.")),
    429: (_l("Too many attempts"), _l("You have tried this too many times. Please wait a while and try again.")),
    500: (_l("Something went wrong"), _l("An error on our side stopped this. It has been logged; please try again later.")),
    503: (_l("Temporarily unavailable"), _l("Kopiena cannot reach its database just now. Please try again in a few minutes.")),
}


def render_error(code, message=None):
    """The error page for an HTTP status (its title, the given or usual message, the request id), as (html, status)."""
    title, default_message = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    return render_template(
        "errors/error.html", code=code, title=title, message=message or default_message, request_id=g.get("request_id", "")
    ), code


CONFLICT_TEXTS = {
    "InvalidTransition": _l("This cannot be done any more: someone may have changed it just now. Please look at the page again."),
    "AlreadyDone": _l("That was already done."),
    "CapacityReached": _l("There is no free place left."),
}


def register_error_handlers(app):
    """Answer refusals (403, audited), conflicts (back with a message), expired forms, HTTP errors, no database, crashes."""

    @app.errorhandler(NotAllowed)
    def not_allowed(error):
        """Record the refusal in the audit log, then answer 403 with the error's message (or the general one)."""
        actor_id = current_user.id if current_user.is_authenticated else None  # read now: the rollback expires the user
        db.session.rollback()  # nothing else the request did is kept; the entry is written alone
        what = error.what or request.endpoint or ""
        record_refusal(actor_id, what, request.path, request.remote_addr)
        return render_error(403, error.message)

    @app.errorhandler(InvalidTransition)
    @app.errorhandler(AlreadyDone)
    @app.errorhandler(CapacityReached)
    def conflict(error):
        """Tell the person what happened and take them back to the page they came from."""
        db.session.rollback()
        flash(error.message or CONFLICT_TEXTS[type(error).__name__], "error")
        referrer = request.referrer or ""
        parts = urlsplit(referrer)
        back = parts.path + (f"?{parts.query}" if parts.query else "") if parts.netloc == request.host else "/"
        return redirect(back if is_local_path(back) else "/")

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(
            400, _l("The form had expired or was sent from elsewhere. Please go back, reload the page and send it again.")
        )

    @app.errorhandler(HTTPException)
    def http_error(error):
        if isinstance(error, SecurityError):
            # A Host outside TRUSTED_HOSTS: no URL can be built for it, so not even the error page's links.
            return error
        if error.code in ERROR_TEXTS:
            response, code = render_error(error.code)
            if error.code == 405 and error.valid_methods:
                return response, code, {"Allow": ", ".join(error.valid_methods)}
            return response, code
        return error

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        log.error("database error (request %s): %s", g.get("request_id"), error)
        try:
            db.session.rollback()
        except Exception:  # the connection itself may be gone; the pool will recover it
            log.exception("rollback failed")
        # Render as a visitor: loading the signed-in person would ask the database again.
        g._login_user = login_manager.anonymous_user()
        return render_error(503)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        log.exception("unhandled error (request %s) on %s %s", g.get("request_id"), request.method, mask_secrets(request.path))
        db.session.rollback()
        return render_error(500)
