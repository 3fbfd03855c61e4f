"""Prometheus metrics: requests by endpoint and status class, their latency, the outbox backlog, jobs run.

Labels are Flask endpoint names ("ideas.detail"), never the URL: ids and tokens in URLs would make a new
series for every idea (and put tokens in the metrics). With several gunicorn workers, set
PROMETHEUS_MULTIPROC_DIR to an empty folder the workers share (emptied before each start): each process
writes its numbers there and a scrape of any worker adds them up (prometheus_client's multiprocess mode).
"""

import ipaddress
import os
import time

from flask import current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from app.extensions import db
from app.outbox.models import OutboxMessage

REQUESTS = Counter("kopiena_requests_total", "HTTP requests answered", ["endpoint", "method", "status"])
LATENCY = Histogram(
    "kopiena_request_duration_seconds",
    "Time to answer an HTTP request",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
JOBS = Counter("kopiena_jobs_total", "Scheduled jobs and mail batches run by the worker", ["job", "outcome"])


def record_job(job, outcome="ok"):
    """Count one run of a worker job (e.g. record_job("reminders"), record_job("digest", "failed"))."""
    JOBS.labels(job=job, outcome=outcome).inc()


def start_timer():
    """Before each request: note when it started (for the latency and the log line)."""
    g.request_started = time.perf_counter()


def record_request(response):
    """After each request: count it by endpoint, method and status class, and observe its latency."""
    endpoint = request.endpoint or "unmatched"  # 404s match no endpoint: one label for all of them
    REQUESTS.labels(endpoint=endpoint, method=request.method, status=f"{response.status_code // 100}xx").inc()
    started = g.get("request_started")
    if started is not None:
        LATENCY.labels(endpoint=endpoint).observe(time.perf_counter() - started)
    return response


def client_may_read_metrics(remote_address, allowed):
    """Whether the client address is one of the allowed addresses or in one of the allowed networks."""
    try:
        address = ipaddress.ip_address(remote_address or "")
    except ValueError:
        return False
    for entry in allowed:
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:  # a typo in the setting allows nobody by it
            continue
    return False


class OutboxBacklog:
    """The mail waiting in the outbox, counted when scraped (one small query)."""

    def collect(self):
        """Yield the backlog gauge (nothing when the database cannot be asked)."""
        try:
            pending = db.session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == OutboxMessage.PENDING)
            )
            db.session.rollback()
        except Exception:  # a scrape must not fail because the database does; /readyz says so
            db.session.rollback()
            return
        yield GaugeMetricFamily("kopiena_outbox_pending", "E-mails waiting in the outbox", value=pending)


def exposition():
    """The metrics in Prometheus's text format, and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        shared = CollectorRegistry()
        multiprocess.MultiProcessCollector(shared)
    else:
        shared = REGISTRY
    backlog = CollectorRegistry(auto_describe=False)
    backlog.register(OutboxBacklog())
    return generate_latest(shared) + generate_latest(backlog), CONTENT_TYPE_LATEST


def metrics_allowed():
    """Whether this request's client may read /metrics (METRICS_ALLOWED_IPS)."""
    return client_may_read_metrics(request.remote_addr, current_app.config["METRICS_ALLOWED_IPS"])
