"""Configuration, read from environment variables (and a `.env` file in development)."""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
# Real environment variables win over the file, so a deployment never depends on it.
load_dotenv(BASE_DIR / ".env")

DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def list_from_env(name):
    """A comma-separated setting as a list (empty when unset)."""
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def database_url_from_env():
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'instance' / 'kopiena.db'}"
    # Hosting providers hand out postgres:// URLs; SQLAlchemy wants the driver named.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    #: unset in development: a random key is made once and kept in SECRET_KEY_FILE (production refuses to start)
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SECRET_KEY_FILE = str(BASE_DIR / "instance" / "secret_key")
    SQLALCHEMY_DATABASE_URI = database_url_from_env()
    SITE_NAME = "Kopiena"
    #: the address people reach the site at; every link in mail and the calendar feed starts with it
    BASE_URL = os.environ.get("BASE_URL", DEFAULT_BASE_URL).rstrip("/")
    #: host names besides BASE_URL's that requests may name (production answers 400 to any other Host)
    TRUSTED_HOSTS = list_from_env("TRUSTED_HOSTS") or None

    #: the map tiles (Leaflet's URL template) and the credit the tile provider asks for; the Content-Security-Policy
    #: lets pages load images from exactly this host. OpenStreetMap's own tiles are for light use (their tile usage
    #: policy): a busy site sets its own tile server or a provider's here.
    MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    MAP_ATTRIBUTION = os.environ.get("MAP_ATTRIBUTION", "© OpenStreetMap contributors")
    MAP_ATTRIBUTION_URL = os.environ.get("MAP_ATTRIBUTION_URL", "https://www.openstreetmap.org/copyright")
    #: at most this many markers on a map of ideas or activities (the newest; the page says so when there are more)
    MAP_POINT_LIMIT = int(os.environ.get("MAP_POINT_LIMIT", "2000"))

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")  # empty: mail is printed to the console
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS")
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Kopiena <noreply@kopiena.lv>")
    #: seconds one SMTP step may take. The worker talks to SMTP outside any transaction, so a hanging
    #: server holds no database lock; still kept well below SQLite's busy timeout (15 s), so that were
    #: mail ever sent with a transaction open, a waiting request would get the lock rather than fail,
    #: and because it bounds how long one dead server holds up the rest of the queue.
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "10"))
    #: how long a worker's claim on a message lasts; must be far longer than a whole delivery (about ten
    #: SMTP steps of MAIL_TIMEOUT each), since after it another worker sends the message again
    MAIL_LEASE_SECONDS = int(os.environ.get("MAIL_LEASE_SECONDS", "600"))
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "8"))

    #: `flask worker`: the local time (BABEL_DEFAULT_TIMEZONE, HH:MM) each daily job is due; a worker started later
    #: runs it later that day; an empty value turns the job off
    DIGEST_TIME = os.environ.get("DIGEST_TIME", "07:00")
    #: from this time on, every hour (each coordinator still gets at most one a day)
    MODERATOR_DIGEST_TIME = os.environ.get("MODERATOR_DIGEST_TIME", "08:00")
    REMINDER_TIME = os.environ.get("REMINDER_TIME", "16:00")
    #: before 03:00, the hour the clocks change
    PURGE_TIME = os.environ.get("PURGE_TIME", "02:30")
    #: seconds between the worker's rounds (mail, then the jobs due)
    WORKER_INTERVAL = float(os.environ.get("WORKER_INTERVAL", "10"))
    #: how long a job run's lease lasts; after it, a run that never finished (its worker died) is retried
    JOB_LEASE_SECONDS = int(os.environ.get("JOB_LEASE_SECONDS", "3600"))
    #: a failed job run is tried again after this many seconds
    JOB_RETRY_SECONDS = int(os.environ.get("JOB_RETRY_SECONDS", "300"))

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    #: when the shared store (Redis) does not answer, count limits in each process's memory (with a warning in the
    #: log) rather than fail every limited request, log-ins included; the store is tried again by itself
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    #: seconds to wait for the rate-limit store (Redis) before falling back: a hanging Redis must not hang requests
    RATELIMIT_STORE_TIMEOUT = float(os.environ.get("RATELIMIT_STORE_TIMEOUT", "1"))
    #: failed log-ins to one account from one client address (the owner elsewhere is not affected)
    LOGIN_LIMIT_PER_ACCOUNT_AND_IP = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT_AND_IP", "5 per 15 minutes")
    #: failed log-ins from one client address, whatever the accounts
    LOGIN_LIMIT_PER_IP = os.environ.get("LOGIN_LIMIT_PER_IP", "30 per 15 minutes")
    #: failed log-ins to one account from all addresses together: a ceiling against distributed guessing,
    #: high so that strangers cannot easily lock the owner out
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "100 per hour")
    MAIL_REQUEST_LIMIT = os.environ.get("MAIL_REQUEST_LIMIT", "5 per hour")
    REGISTER_LIMIT_PER_IP = os.environ.get("REGISTER_LIMIT_PER_IP", "10 per hour")
    #: comments, replies, edits and reports one account may send (against spam)
    COMMENT_LIMIT = os.environ.get("COMMENT_LIMIT", "10 per minute;100 per day")
    #: new ideas one account may save, and saved edits of ideas (against spam)
    IDEA_CREATE_LIMIT = os.environ.get("IDEA_CREATE_LIMIT", "10 per day")
    IDEA_EDIT_LIMIT = os.environ.get("IDEA_EDIT_LIMIT", "30 per hour")
    #: messages one account may send to volunteers (each reaches many people by mail)
    VOLUNTEER_MESSAGE_LIMIT = os.environ.get("VOLUNTEER_MESSAGE_LIMIT", "10 per hour")

    LANGUAGES = ("lv", "en")
    BABEL_DEFAULT_LOCALE = os.environ.get("DEFAULT_LANGUAGE", "lv")
    BABEL_DEFAULT_TIMEZONE = "Europe/Riga"

    SESSION_COOKIE_NAME = "kopiena_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_NAME = "kopiena_remember"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    #: a signed-in session ends after this long without a request (unless "remember me"); reading a page counts too
    #: (its clock is kept in the signed session cookie, not the database: see app/accounts/sessions.py)
    SESSION_IDLE_TIMEOUT = timedelta(hours=2)
    #: and after this long in any case (unless "remember me", which lasts REMEMBER_COOKIE_DURATION)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)

    #: Werkzeug's scrypt at its default cost (n=2**15, r=8, p=1: about 0.1 s and 32 MB a hash, on purpose)
    PASSWORD_HASH_METHOD = "scrypt"
    EMAIL_CONFIRM_MAX_AGE = timedelta(days=7)
    PASSWORD_RESET_MAX_AGE = timedelta(hours=1)
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    #: where idea photos are kept (re-encoded, under random names), outside static/
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(BASE_DIR / "instance" / "uploads"))
    #: the largest photo file accepted by the idea form (the request as a whole: MAX_CONTENT_LENGTH)
    PHOTO_MAX_BYTES = int(os.environ.get("PHOTO_MAX_BYTES", str(5 * 1024 * 1024)))
    #: pictures that would unpack to more pixels are refused before decoding (a small file can unpack to gigabytes);
    #: JPEG photos are unpacked at a reduced size, so larger ones pass; WebP and non-RGB pictures count more
    #: (app/ideas/photos.py). 12 million: at most about 90 MB of memory for one picture.
    MAX_IMAGE_PIXELS = int(os.environ.get("MAX_IMAGE_PIXELS", str(12_000_000)))
    #: where prepared downloads of a person's data are kept (ZIP files under random names), outside static/
    EXPORT_FOLDER = os.environ.get("EXPORT_FOLDER", str(BASE_DIR / "instance" / "exports"))
    #: how long a prepared download of a person's data can be fetched
    DATA_EXPORT_DAYS = int(os.environ.get("DATA_EXPORT_DAYS", "7"))
    #: how many downloads of their data one person may prepare in a while (each is built within the request)
    DATA_EXPORT_LIMIT = os.environ.get("DATA_EXPORT_LIMIT", "5 per hour")

    # Retention (`flask purge`, daily): after how many days personal data that is no longer needed is removed.
    # The privacy notice states these same numbers.
    #: the body and address of mail that was sent (or given up on)
    RETENTION_SENT_MAIL_DAYS = int(os.environ.get("RETENTION_SENT_MAIL_DAYS", "30"))
    #: children's and companions' names on registrations, counted from the end of the activity
    RETENTION_COMPANION_NAMES_DAYS = int(os.environ.get("RETENTION_COMPANION_NAMES_DAYS", "30"))
    #: the messages volunteers wrote with their offer to help, counted from the offer
    RETENTION_SIGNUP_MESSAGES_DAYS = int(os.environ.get("RETENTION_SIGNUP_MESSAGES_DAYS", "180"))
    #: IP addresses in the audit log and browser names (user agents) of sessions
    RETENTION_NETWORK_DAYS = int(os.environ.get("RETENTION_NETWORK_DAYS", "90"))
    #: accounts whose e-mail address was never confirmed
    RETENTION_UNCONFIRMED_ACCOUNT_DAYS = int(os.environ.get("RETENTION_UNCONFIRMED_ACCOUNT_DAYS", "30"))
    #: notifications the person has read
    RETENTION_READ_NOTIFICATION_DAYS = int(os.environ.get("RETENTION_READ_NOTIFICATION_DAYS", "180"))

    # The legal pages (/privacy, /terms, /accessibility, /contact, /cookies) name these; set them for your centre.
    #: who decides about the personal data (the controller): the municipality the centre belongs to
    LEGAL_CONTROLLER_NAME = os.environ.get("LEGAL_CONTROLLER_NAME", "Preiļu novada pašvaldība")
    #: where residents write about the site, their data and its accessibility
    LEGAL_CONTACT_EMAIL = os.environ.get("LEGAL_CONTACT_EMAIL", "kopiena@example.lv")
    #: the municipality's data protection officer
    LEGAL_DPO_EMAIL = os.environ.get("LEGAL_DPO_EMAIL", "datu.aizsardziba@example.lv")

    # Health, metrics and logs (app/observability/).
    #: /readyz fails when the oldest mail waiting in the outbox is older than this many seconds (the worker is stuck)
    READY_MAX_OUTBOX_AGE = int(os.environ.get("READY_MAX_OUTBOX_AGE", "900"))
    #: /readyz fails when the mail worker's last heartbeat is older than this many seconds
    READY_MAX_HEARTBEAT_AGE = int(os.environ.get("READY_MAX_HEARTBEAT_AGE", "300"))
    #: seconds each /readyz check may take (database statement, Redis PING) before it counts as failed
    READY_CHECK_TIMEOUT = float(os.environ.get("READY_CHECK_TIMEOUT", "2"))
    #: client addresses (or networks, e.g. 10.0.0.0/8) that may read /metrics; everyone else gets 404
    METRICS_ALLOWED_IPS = list_from_env("METRICS_ALLOWED_IPS") or ["127.0.0.1", "::1"]
    #: "json" (one JSON object a line, for log collectors) or "text"; unset: json in production, text elsewhere
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "").strip().lower()
    #: errors are sent to Sentry when set and the optional sentry-sdk package is installed
    SENTRY_DSN = os.environ.get("SENTRY_DSN", "")

    #: commands (no request) start SQLite transactions with BEGIN IMMEDIATE, as writing requests do
    SQLITE_IMMEDIATE_OUTSIDE_REQUESTS = True
    FORCE_HTTPS = False
    HSTS = False
    #: how many reverse proxies stand in front of the app (for the client address and scheme)
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    #: the tests log in thousands of times; a cheap scrypt spares minutes (a test keeps the real cost for the others)
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    SECRET_KEY = "testing-secret-key-" + "x" * 32
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_SERVER = ""
    SQLITE_IMMEDIATE_OUTSIDE_REQUESTS = False
    #: tests that look at the files point this at their own tmp_path; nothing lands in the project
    UPLOAD_FOLDER = os.path.join(tempfile.gettempdir(), "kopiena-test-uploads")
    EXPORT_FOLDER = os.path.join(tempfile.gettempdir(), "kopiena-test-exports")
    #: the tests have no internet: every map tile is one blank picture of the app's own (a page must not depend on it)
    MAP_TILE_URL = "/static/img/map-tile-blank.png"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    FORCE_HTTPS = env_bool("FORCE_HTTPS", True)
    HSTS = True
    LOG_FORMAT = Config.LOG_FORMAT or "json"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
