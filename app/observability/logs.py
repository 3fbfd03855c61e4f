"""Logs: readable text in development, one JSON object a line in production (LOG_FORMAT), tokens masked.

In JSON, every request gives one line (logger "kopiena.request") with its id, the user's id (never the
e-mail), method, endpoint, masked path, status, duration and client address; every other record carries
the request id when written during a request. Sentry is optional (SENTRY_DSN and the sentry-sdk package).
"""

import logging
import time

from flask import current_app, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

from app.access_log import SecretMaskingFilter, mask_secrets

REQUEST_LOGGER = logging.getLogger("kopiena.request")
FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"


class RequestIdFilter(logging.Filter):
    """Adds the request id to records written during a request."""

    def filter(self, record):
        """Set record.request_id (when in a request and not set already); the record is always logged."""
        if not hasattr(record, "request_id") and has_request_context():
            record.request_id = g.get("request_id")
        return True


class JsonLogHandler(logging.StreamHandler):
    """The root logger's handler in JSON mode (its own class, so that a second app replaces it, not adds one)."""


def configure_logging(app):
    """Text or JSON on the root logger as the app's LOG_FORMAT says; in JSON, one line per request too."""
    app.after_request(log_request)
    if app.config["LOG_FORMAT"] == "json":
        use_json_logs()
    else:
        use_text_logs()


def use_json_logs():
    """The root logger writes JSON lines (to stderr), tokens masked, with the request id during requests."""
    root = logging.getLogger()
    for existing in [existing for existing in root.handlers if type(existing) in (logging.StreamHandler, JsonLogHandler)]:
        root.removeHandler(existing)  # basicConfig's text handler, or another app's JSON one: one format only
    handler = JsonLogHandler()
    handler.setFormatter(JsonFormatter(FIELDS, rename_fields={"levelname": "level", "name": "logger"}))
    # On the handler, not the loggers: a handler's filters see the records of every logger below the root.
    handler.addFilter(SecretMaskingFilter())
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return handler


def use_text_logs():
    """Readable text lines on the root logger (development), as logging.basicConfig writes them."""
    root = logging.getLogger()
    for handler in [handler for handler in root.handlers if isinstance(handler, JsonLogHandler)]:
        root.removeHandler(handler)
    logging.basicConfig(level=logging.INFO)


def log_request(response):
    """After each request, in JSON mode: its one log line (text mode has the server's access log instead)."""
    if current_app.config["LOG_FORMAT"] != "json":
        return response
    started = g.get("request_started")
    user = g.get("_login_user")  # Flask-Login's, when the request loaded it: reading it here costs no query
    REQUEST_LOGGER.info(
        "request",
        extra={
            "request_id": g.get("request_id"),
            "user_id": user.id if getattr(user, "is_authenticated", False) else None,
            "method": request.method,
            "endpoint": request.endpoint,
            "path": mask_secrets(request.full_path if request.query_string else request.path),
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started is not None else None,
            "remote_addr": request.remote_addr,
        },
    )
    return response


def init_sentry(app):
    """Send errors to Sentry when SENTRY_DSN is set: with sentry-sdk installed, else a warning at start."""
    dsn = app.config["SENTRY_DSN"]
    if not dsn:
        return
    try:
        import sentry_sdk
    except ImportError:
        app.logger.warning("SENTRY_DSN is set but the sentry-sdk package is not installed: errors are not sent to Sentry")
        return
    # No personal data (cookies, addresses, user e-mails) goes to the error service.
    sentry_sdk.init(dsn=dsn, send_default_pii=False, environment=app.config["ENV_NAME"])
