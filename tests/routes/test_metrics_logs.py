"""/metrics for the allowed addresses only, labelled by endpoint; JSON log lines with no token and no e-mail."""

import importlib.util
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.access_log import mask_secrets
from app.observability.logs import JsonLogHandler, use_json_logs, use_text_logs
from app.observability.metrics import record_job
from tests.apps import another_app
from tests.factories import make_idea
from tests.factories_mydata import make_outbox_message
from tests.helpers import log_in

ROOT = Path(__file__).resolve().parent.parent.parent
OUTSIDER = {"REMOTE_ADDR": "203.0.113.9"}


def scrape(client, **kwargs):
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def sample(text, name, **labels):
    """The value of one series in Prometheus's text format (0 when absent)."""
    wanted = name + "{" + ",".join(f'{key}="{value}"' for key, value in labels.items()) + "}" if labels else name
    for line in text.splitlines():
        if line.startswith(wanted + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_by_endpoint_not_by_url(client, user):
    idea = make_idea(author=user)
    before = sample(scrape(client), "kopiena_requests_total", endpoint="ideas.idea_detail", method="GET", status="2xx")
    assert client.get(f"/ideas/{idea.id}").status_code == 200
    client.get("/no-such-page")
    text = scrape(client)
    assert sample(text, "kopiena_requests_total", endpoint="ideas.idea_detail", method="GET", status="2xx") == before + 1
    assert sample(text, "kopiena_requests_total", endpoint="unmatched", method="GET", status="4xx") >= 1
    assert sample(text, "kopiena_request_duration_seconds_count", endpoint="ideas.idea_detail") >= 1
    assert f"/ideas/{idea.id}" not in text and "no-such-page" not in text


def test_metrics_show_the_outbox_backlog_and_jobs_run(client, user):
    make_outbox_message(user.email)
    make_outbox_message(user.email)
    before = sample(scrape(client), "kopiena_jobs_total", job="reminders", outcome="ok")
    record_job("reminders")
    text = scrape(client)
    assert sample(text, "kopiena_outbox_pending") == 2
    assert sample(text, "kopiena_jobs_total", job="reminders", outcome="ok") == before + 1


def test_metrics_are_404_to_other_addresses(client):
    assert client.get("/metrics", environ_base=OUTSIDER).status_code == 404
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200


def test_metrics_allow_a_configured_network(client, monkeypatch):
    monkeypatch.setitem(client.application.config, "METRICS_ALLOWED_IPS", ["203.0.113.0/24", "not an address"])
    assert client.get("/metrics", environ_base=OUTSIDER).status_code == 200
    assert client.get("/metrics").status_code == 404  # 127.0.0.1 is no longer listed


MULTIPROCESS = """
import sys
from app import create_app
app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": sys.argv[1]})
with app.app_context():
    from app.extensions import db
    db.create_all()
app.test_client().get("/healthz")
if sys.argv[2] == "scrape":
    print(app.test_client().get("/metrics").get_data(as_text=True))
"""


def test_metrics_add_up_every_worker_process_in_multiprocess_mode(tmp_path):
    """Two processes (as two gunicorn workers) each answer /healthz once; a scrape of either counts both."""
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    outputs = []
    for step in ("count", "scrape"):
        database = f"sqlite:///{tmp_path / step}.db"
        result = subprocess.run(
            [sys.executable, "-c", MULTIPROCESS, database, step], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr[-3000:]
        outputs.append(result.stdout)
    assert sample(outputs[1], "kopiena_requests_total", endpoint="main.healthz", method="GET", status="2xx") == 2


# --- logs -------------------------------------------------------------------------------------------


@pytest.fixture
def json_log(ctx, monkeypatch):
    """The app logging JSON (as with LOG_FORMAT=json), its client, and the lines it wrote; text logs afterwards."""
    monkeypatch.setitem(ctx.config, "LOG_FORMAT", "json")
    handler = use_json_logs()
    stream = io.StringIO()
    handler.setStream(stream)
    try:
        yield ctx.test_client(), lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        use_text_logs()


def request_lines(lines):
    return [line for line in lines if line.get("logger") == "kopiena.request"]


def test_json_log_has_one_line_per_request_without_tokens(json_log):
    client, lines = json_log
    response = client.get("/reset-password/SECRET-TOKEN-123?x=1")
    [line] = request_lines(lines())
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["method"] == "GET" and line["endpoint"] == "accounts.reset_password"
    assert line["status"] == response.status_code
    assert line["path"] == "/reset-password/[secret]?x=1"
    assert isinstance(line["duration_ms"], float) and line["remote_addr"] == "127.0.0.1"
    assert line["user_id"] is None
    assert "SECRET-TOKEN-123" not in json.dumps(lines())


def test_json_log_names_the_user_by_id_never_by_email(json_log, user):
    client, lines = json_log
    log_in(client, user.email)
    client.get("/me")
    line = request_lines(lines())[-1]
    assert line["status"] == 200
    assert line["user_id"] == user.id
    assert user.email not in json.dumps(lines())


def test_json_log_records_carry_the_request_id(json_log):
    client, lines = json_log
    with client.application.test_request_context("/", headers={"X-Request-ID": "abcdef0123456789"}):
        client.application.preprocess_request()
        logging.getLogger("app.anything").warning("link /confirm/%s sent", "TOKEN-XYZ")
    [line] = [line for line in lines() if line["logger"] == "app.anything"]
    assert line["request_id"] == "abcdef0123456789"
    assert line["level"] == "WARNING"
    assert line["message"] == "link /confirm/[secret] sent"


def test_development_keeps_text_logs(ctx):
    with another_app("development", {"SQLALCHEMY_DATABASE_URI": ctx.config["SQLALCHEMY_DATABASE_URI"]}):
        assert not any(isinstance(handler, JsonLogHandler) for handler in logging.getLogger().handlers)


def test_unsubscribe_tokens_are_masked():
    assert mask_secrets("GET /unsubscribe/abc.DEF-123 HTTP/1.1") == "GET /unsubscribe/[secret] HTTP/1.1"


def test_sentry_dsn_without_sentry_sdk_warns_at_start(ctx, caplog):
    if importlib.util.find_spec("sentry_sdk"):
        pytest.skip("sentry-sdk is installed here")
    settings = {"SQLALCHEMY_DATABASE_URI": ctx.config["SQLALCHEMY_DATABASE_URI"], "SENTRY_DSN": "https://key@sentry.example/1"}
    with caplog.at_level(logging.WARNING), another_app("testing", settings):
        pass
    assert "SENTRY_DSN is set but the sentry-sdk package is not installed" in caplog.text
