"""Apps besides the session's `app` fixture (production settings, a broken database), cleaned up after use."""

import os
import secrets
from contextlib import contextmanager

from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db, limiter
from tests.databases import POSTGRES_ADMIN_URL

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PRODUCTION_SITE = "https://kopiena.example.lv"
#: a PostgreSQL URL for a production app that must never reach its database (the database does not exist)
UNREACHED_POSTGRES_URL = make_url(POSTGRES_ADMIN_URL).set(database="kopiena_never_created").render_as_string(hide_password=False)


@contextmanager
def another_app(config_name, overrides):
    """Build an app with create_app; its database connections are closed afterwards.

    The limiter is one object for every app, and the last init_app picks its storage: without putting
    the test app's storage back, later tests would count (and `limiter.reset()` would wipe) in this
    app's Redis, which other test processes share. Its fallback state too: an app whose Redis was down
    leaves the limiter counting in memory.
    """
    names = ("_storage", "_limiter", "_key_prefix", "_storage_dead", "_fallback_limiter", "_fallback_storage")
    saved_limiter = {name: getattr(limiter, name, None) for name in names}
    app = create_app(config_name, overrides)
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        for name, value in saved_limiter.items():
            setattr(limiter, name, value)


def production_settings(database_url=UNREACHED_POSTGRES_URL, **overrides):
    """Everything production refuses to start without, plus overrides.

    The rate-limit counters live in the test Redis under a prefix of their own, so that tests never
    share counters (Redis is reached only by requests that are rate-limited).
    """
    return {
        "SECRET_KEY": "p" * 40,
        "BASE_URL": PRODUCTION_SITE,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"test-{secrets.token_hex(4)}",
        **overrides,
    }


def production_database_url(app):
    """The test app's database when it is PostgreSQL (production runs on nothing else), else one never reached."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    return url if make_url(url).get_backend_name() == "postgresql" else UNREACHED_POSTGRES_URL
