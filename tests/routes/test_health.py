"""/healthz and /readyz as a load balancer sees them, and a Redis outage as a person logging in sees it."""

import logging
import socket
import time
from datetime import timedelta

import pytest

from app.extensions import db
from app.observability.readiness import HEARTBEAT_SOURCE
from app.outbox.models import OutboxMessage
from app.timeutil import utcnow
from tests.apps import REDIS_URL, another_app
from tests.databases import skip_or_fail
from tests.factories import make_user, make_worker_heartbeat
from tests.factories_mydata import make_outbox_message
from tests.helpers import log_in, post_form

CHECKS = {"database", "redis", "uploads", "outbox", "worker"}


@pytest.fixture
def ready_uploads(uploads):
    """A writable upload folder and a worker that has just beaten: everything /readyz asks about is there."""
    uploads.mkdir()
    make_worker_heartbeat()
    return uploads


def test_readyz_names_every_check_and_answers_200_when_all_pass(client, ready_uploads, user):
    make_outbox_message(user.email)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    checks = response.json["checks"]
    assert set(checks) == CHECKS
    assert checks["database"] == {"status": "ok"}
    assert checks["redis"] == {"status": "skipped"}  # the tests count rate limits in memory
    assert checks["uploads"] == {"status": "ok"}
    assert checks["outbox"]["status"] == "ok" and checks["outbox"]["pending"] == 1
    assert checks["worker"] == {"status": "ok", "age_seconds": 0}  # the heartbeat of `flask worker`
    assert "Set-Cookie" not in response.headers
    assert list(ready_uploads.iterdir()) == []  # the write test leaves nothing behind


def test_readyz_fails_when_the_oldest_pending_mail_is_too_old(client, ready_uploads, user):
    message = make_outbox_message(user.email)
    message.created_at = utcnow() - timedelta(seconds=ctx_setting(client, "READY_MAX_OUTBOX_AGE") + 60)
    make_outbox_message(user.email, status=OutboxMessage.SENT)  # sent mail is not a backlog
    db.session.commit()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    outbox = response.json["checks"]["outbox"]
    assert outbox["status"] == "fail" and outbox["pending"] == 1
    assert outbox["oldest_pending_seconds"] > ctx_setting(client, "READY_MAX_OUTBOX_AGE")


def ctx_setting(client, name):
    return client.application.config[name]


def test_readyz_fails_when_the_upload_folder_is_missing(client, uploads):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["uploads"] == {"status": "fail", "error": "missing"}


def test_readyz_fails_when_the_upload_folder_is_not_writable(client, ready_uploads):
    ready_uploads.chmod(0o500)
    try:
        response = client.get("/readyz")
    finally:
        ready_uploads.chmod(0o700)
    if response.json["checks"]["uploads"]["status"] == "ok":
        pytest.skip("running as root: every folder is writable")
    assert response.status_code == 503
    assert response.json["checks"]["uploads"] == {"status": "fail", "error": "not writable"}


@pytest.mark.parametrize(
    "age, status, code",
    [(5, {"status": "ok", "age_seconds": 5}, 200), (10_000, {"status": "fail", "age_seconds": 10_000}, 503)],
)
def test_readyz_judges_the_worker_heartbeat_by_its_age(client, ready_uploads, monkeypatch, age, status, code):
    monkeypatch.setitem(client.application.extensions, HEARTBEAT_SOURCE, lambda: age)
    response = client.get("/readyz")
    assert response.json["checks"]["worker"] == status
    assert response.status_code == code


def test_readyz_fails_when_a_worker_never_beat(client, uploads):
    uploads.mkdir()
    response = client.get("/readyz")  # the app's own heartbeat source: app/jobs/heartbeats.py
    assert response.status_code == 503
    assert response.json["checks"]["worker"] == {"status": "fail", "error": "no heartbeat"}


def test_health_endpoints_need_no_csrf_and_are_not_rate_limited(client, ready_uploads):
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert client.head("/readyz").status_code == 200
    assert client.post("/healthz").status_code == 405  # not a form: nothing to post


def test_readyz_says_redis_is_up_when_it_is(ctx, tmp_path):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        skip_or_fail(f"Redis is not reachable at {REDIS_URL}")
    with another_app("testing", {"RATELIMIT_STORAGE_URI": REDIS_URL, "UPLOAD_FOLDER": str(tmp_path)}) as app:
        with app.app_context():
            db.create_all()
            make_worker_heartbeat()
        response = app.test_client().get("/readyz")
    assert response.json["checks"]["redis"] == {"status": "ok"}
    assert response.status_code == 200


def closed_port():
    """A loopback port that refuses connections: bound, then closed again."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_redis_down_logging_in_still_works_and_readyz_says_so(ctx, tmp_path, caplog):
    """A refused connection to Redis: the limits count in memory (with a warning), log-in goes on, /readyz is 503."""
    settings = {
        "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{closed_port()}/0",
        "UPLOAD_FOLDER": str(tmp_path),
        "LOGIN_LIMIT_PER_ACCOUNT_AND_IP": "2 per 15 minutes",
    }
    with another_app("testing", settings) as app:
        with app.app_context():
            db.create_all()
            email = make_user().email
        client = app.test_client()
        started = time.monotonic()
        with caplog.at_level(logging.WARNING):
            response = log_in(client, email)
            me = client.get("/me")
            readiness = client.get("/readyz")
        elapsed = time.monotonic() - started
        guesses = [post_form(app.test_client(), "/login", {"email": email, "password": "wrong"}).status_code for _ in range(4)]
    assert response.status_code == 302
    assert me.status_code == 200
    assert guesses[-1] == 429  # the log-in throttle still holds, counted in this process's memory
    assert "falling back to in-memory storage" in caplog.text
    assert readiness.status_code == 503
    assert readiness.json["checks"]["redis"] == {"status": "fail", "error": "unreachable"}
    assert readiness.json["checks"]["database"] == {"status": "ok"}
    assert elapsed < 10


def test_readyz_answers_fast_when_redis_hangs(ctx, tmp_path):
    """A Redis that takes the connection and never answers: /readyz gives up after READY_CHECK_TIMEOUT."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes the connection; nobody ever reads or answers
        settings = {
            "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{silent.getsockname()[1]}/0",
            "UPLOAD_FOLDER": str(tmp_path),
            "READY_CHECK_TIMEOUT": 0.5,
        }
        with another_app("testing", settings) as app:
            with app.app_context():
                db.create_all()
            started = time.monotonic()
            response = app.test_client().get("/readyz")
            elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json["checks"]["redis"] == {"status": "fail", "error": "unreachable"}
    assert elapsed < 3
