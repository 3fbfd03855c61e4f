"""The application factory."""

import ipaddress
import os
import re
import secrets
import uuid
from urllib.parse import urlsplit

from flask import Flask, current_app, g, has_request_context, request
from flask_talisman import Talisman
from sqlalchemy import event
from sqlalchemy.engine import make_url
from werkzeug.middleware.proxy_fix import ProxyFix

from app.access_log import hide_secrets_in_dev_server_log
from app.extensions import babel, csrf, db, limiter, login_manager, migrate
from app.inputs import IdConverter, refuse_nul_in_address
from app.jobs.heartbeats import latest_heartbeat
from app.observability.logs import configure_logging, init_sentry
from app.observability.metrics import record_request, start_timer
from app.observability.readiness import HEARTBEAT_SOURCE
from config import CONFIGS, DEFAULT_BASE_URL

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def content_security_policy(tile_url):
    """The policy, with images also from the map tile server's host (exactly it; "{s}." subdomains as "*.")."""
    parts = urlsplit(tile_url)
    host = parts.netloc.replace("{s}.", "*.")
    policy = dict(CONTENT_SECURITY_POLICY)
    if parts.scheme in ("https", "http") and host:
        policy["img-src"] = f"'self' {parts.scheme}://{host}"
    return policy


REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def create_app(config_name=None, overrides=None):
    """Build the app for 'development', 'testing' or 'production' (default: $APP_ENV)."""
    config_name = config_name or os.environ.get("APP_ENV", "development")
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=os.path.join(os.path.dirname(os.path.dirname(__file__)), "instance"),
    )
    app.config.from_object(CONFIGS[config_name])
    app.config["ENV_NAME"] = config_name
    app.config.update(overrides or {})
    if not app.config["SECRET_KEY"] and config_name != "production":
        app.config["SECRET_KEY"] = development_secret_key(app.config["SECRET_KEY_FILE"])
    if config_name == "production":
        check_production_settings(app.config)
    if config_name == "production" or app.config["TRUSTED_HOSTS"]:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)

    # First, so that every answer has a request id, even one refused by an extension (e.g. CSRF).
    register_request_id(app)
    app.before_request(start_timer)
    register_extensions(app)
    # Before the blueprints: a rule takes its converters when it is added.
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul_in_address)
    register_blueprints(app)
    register_static_files(app)
    register_error_handlers(app)
    register_cache_rule(app)
    register_template_helpers(app)
    register_cli(app)
    # /readyz tells how old the newest heartbeat of a `flask worker` is (no worker ever: not ready)
    app.extensions[HEARTBEAT_SOURCE] = latest_heartbeat
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    app.after_request(record_request)
    configure_logging(app)
    init_sentry(app)
    hide_secrets_in_dev_server_log()
    return app


def check_production_settings(config):
    """Refuse to start production with a setting that is missing or only fit for development.

    Each of these would otherwise fail quietly: sessions signed with a guessable key, mail links on
    whatever Host a request names, a forgotten DATABASE_URL becoming a fresh SQLite file, and rate
    limits counted per worker process. Every problem is listed at once, with what to set.
    """
    problems = [
        problem
        for check in (secret_key_problem, base_url_problem, database_problem, rate_limit_problem)
        if (problem := check(config))
    ]
    if problems:
        raise RuntimeError("Production cannot start:\n- " + "\n- ".join(problems))


def secret_key_problem(config):
    """What to fix when SECRET_KEY is missing or shorter than 32 characters, else None."""
    if len(config.get("SECRET_KEY") or "") < 32:
        return (
            "SECRET_KEY must be set to a random value of at least 32 characters, "
            "e.g. SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
        )
    return None


def base_url_problem(config):
    """What to fix when BASE_URL is unset, not https, or not the site's public address, else None."""
    example = "e.g. BASE_URL=https://kopiena.example.lv"
    base_url = config.get("BASE_URL") or ""
    if base_url in ("", DEFAULT_BASE_URL):
        return f"BASE_URL must be set to the site's public address (links in mail are built on it), {example}"
    parts = urlsplit(base_url)
    if parts.scheme != "https":
        # Production cookies are Secure: over plain http nobody could even log in.
        return f"BASE_URL must start with https:// (it is {base_url}), {example}"
    if not parts.hostname or is_loopback(parts.hostname) or parts.query or parts.fragment:
        return f"BASE_URL must be the public address people reach the site at (it is {base_url}), {example}"
    return None


def is_loopback(hostname):
    """Whether a host name or IP address means this machine itself (127.0.0.1, ::1, localhost, *.localhost)."""
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return hostname == "localhost" or hostname.endswith(".localhost")


def database_problem(config):
    """What to fix when the database is not PostgreSQL (an unset DATABASE_URL means a SQLite file), else None."""
    backend = make_url(config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    if backend != "postgresql":
        return (
            f"DATABASE_URL must point to PostgreSQL (it points to {backend}; an unset DATABASE_URL means a "
            "SQLite file), e.g. DATABASE_URL=postgresql://kopiena:…@127.0.0.1/kopiena"
        )
    return None


def rate_limit_problem(config):
    """What to fix when rate limits would be counted in each worker's memory instead of a shared store, else None."""
    storage = config.get("RATELIMIT_STORAGE_URI") or ""
    if storage.split(":", 1)[0] in ("", "memory"):
        return (
            "RATELIMIT_STORAGE_URI must be a store every worker shares (memory:// counts in each process "
            "apart, so every worker would allow the whole limit), e.g. RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0"
        )
    return None


def trusted_hosts(config):
    """BASE_URL's host and any in the TRUSTED_HOSTS setting: a request naming another Host answers 400."""
    return [urlsplit(config["BASE_URL"]).hostname, *(config.get("TRUSTED_HOSTS") or [])]


def development_secret_key(path):
    """The key kept in instance/secret_key (readable by its owner only), made at random on first use.

    Not a constant in the source code: with a key anybody can read, anybody can sign a session cookie
    or a link for any account of a development or demo server. Several processes starting at once
    (the web server and the mail worker of `make run`) end up with the same key.
    """
    try:
        with open(path, encoding="utf-8") as file:
            key = file.read().strip()
        if key:
            return key
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    draft = f"{path}.{os.getpid()}.{secrets.token_hex(4)}"
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(secrets.token_hex(32) + "\n")
    try:
        os.link(draft, path)  # all or nothing, and never over a key another process has just made
    except FileExistsError:
        pass
    finally:
        os.unlink(draft)
    with open(path, encoding="utf-8") as file:
        key = file.read().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it, and a new development key is made")
    return key


def register_extensions(app):
    """Bind the extensions: database (and SQLite's set-up), migrations, CSRF, rate limits, languages, log-in, security headers."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        os.makedirs(app.instance_path, exist_ok=True)
        # The busy timeout makes a writer wait for the lock instead of failing at once.
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 15}})
    else:
        # A server that does not answer fails a request (503) and /readyz within seconds instead of hanging them.
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True, "connect_args": {"connect_timeout": 5}})
    from app import models  # noqa: F401  (registers every table)

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", set_sqlite_pragmas)
            event.listen(db.engine, "begin", begin_sqlite_transaction)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    if app.config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://")):
        timeout = app.config["RATELIMIT_STORE_TIMEOUT"]
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": timeout, "socket_timeout": timeout})
    limiter.init_app(app)

    from app.i18n import select_locale

    babel.init_app(app, locale_selector=select_locale)

    from app.accounts.sessions import load_user, refresh_idle_clock

    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    app.after_request(refresh_idle_clock)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "basic"
    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    login_manager.login_message_category = "info"

    # One Talisman per app: its init_app keeps the settings on the instance, so a shared instance
    # would give every app the settings of the last one built (e.g. production's HTTPS redirect).
    app.extensions["talisman"] = Talisman(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["HSTS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        content_security_policy=content_security_policy(app.config["MAP_TILE_URL"]),
        content_security_policy_nonce_in=["script-src", "style-src"],
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )


def set_sqlite_pragmas(dbapi_connection, _record):
    """Set up each new SQLite connection: WAL, foreign keys, a busy timeout, and a lower() that knows every alphabet."""
    # We emit BEGIN ourselves (begin_sqlite_transaction); the driver's own handling would defer it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLite's own lower() knows only ASCII: a search for "ēriks" would miss "Ēriks" (PostgreSQL finds it).
    dbapi_connection.create_function("lower", 1, unicode_lower, deterministic=True)


def begin_sqlite_transaction(connection):
    """Requests that change things (and commands) take SQLite's write lock at the start.

    A deferred transaction that reads and then writes fails with "database is locked" when another
    writer committed in between; BEGIN IMMEDIATE makes writers queue (busy timeout) instead.
    Readers are not blocked: WAL lets them read while one writer writes.
    """
    if has_request_context():
        writing = request.method not in ("GET", "HEAD", "OPTIONS")
    else:  # a command; tests turn this off so that their own reads do not hold the lock
        writing = current_app.config["SQLITE_IMMEDIATE_OUTSIDE_REQUESTS"]
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def unicode_lower(value):
    """SQLite's lower(), for every alphabet (as PostgreSQL's)."""
    return value.lower() if isinstance(value, str) else value


def register_request_id(app):
    """Give every request an id (the caller's X-Request-ID when it looks sane) and send it back in the answer's header."""

    @app.before_request
    def assign_request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if REQUEST_ID_PATTERN.match(incoming) else uuid.uuid4().hex[:16]

    @app.after_request
    def add_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response


def register_blueprints(app):
    """Attach every domain's pages; pages composing several domains are first put on those domains' blueprints."""
    from app.accounts.routes import bp as accounts_bp
    from app.activities import map_routes as activity_map_routes  # noqa: F401  (the map's data, on the activities blueprint)
    from app.activities.routes import bp as activities_bp
    from app.admin.routes import bp as admin_bp
    from app.centres.routes import bp as centres_bp
    from app.comments.routes import bp as comments_bp
    from app.ideas import list_routes as idea_list_routes  # noqa: F401  (/ideas, on the ideas blueprint)
    from app.ideas import map_routes as idea_map_routes  # noqa: F401  (the map's data, on the ideas blueprint)
    from app.ideas import report_routes  # noqa: F401  (reporting ideas, on the ideas blueprint)
    from app.ideas.routes import bp as ideas_bp
    from app.legal.routes import bp as legal_bp

    # pages showing several domains at once, on those domains' blueprints: imported before registering them
    from app.main import health_routes, idea_page, me, organisation_page, person_page  # noqa: F401
    from app.main.routes import bp as main_bp
    from app.moderation.routes import bp as moderation_bp
    from app.notifications import unsubscribe_routes  # noqa: F401  (one-click unsubscribe, on the notifications blueprint)
    from app.notifications.routes import bp as notifications_bp
    from app.organisations.routes import bp as organisations_bp
    from app.partnerships.routes import bp as partnerships_bp
    from app.privacy.routes import bp as privacy_bp
    from app.promotion import routes as promotion_routes  # noqa: F401  (the promote page, on the activities blueprint)
    from app.volunteering.routes import bp as volunteering_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(ideas_bp)
    app.register_blueprint(comments_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(volunteering_bp)
    app.register_blueprint(activities_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(partnerships_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(centres_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(legal_bp)


def register_static_files(app):
    """Content-hashed static addresses, their caching and gzip, /favicon.ico and /robots.txt (app/static_files.py)."""
    from app.static_files import register_static_files as register

    register(app)


def register_error_handlers(app):
    """Install the error pages and the handlers turning domain errors into a 403 or a message (app/errors.py)."""
    from app.errors import register_error_handlers as register

    register(app)


def register_cache_rule(app):
    """Install the rule that keeps personal answers out of browser and proxy caches (app/caching.py)."""
    from app.caching import register_cache_rule as register

    register(app)


def register_template_helpers(app):
    """Give templates the markdown filter, the state names and the header's values (app/templating.py)."""
    from app.templating import register_template_helpers as register

    register(app)


def register_cli(app):
    """Add Kopiena's `flask` commands: seeding, create-admin, mail, digests and reminders, generate-data (app/cli.py)."""
    from app.cli import register_commands

    register_commands(app)
