"""What load balancers and monitoring ask: /healthz (alive), /readyz (ready to serve) and /metrics (Prometheus).

None of them touches the session (no cookie goes out), needs a CSRF token or counts against a rate limit.
"""

from flask import Response, abort, jsonify

from app.extensions import csrf, limiter
from app.main import bp
from app.observability.metrics import exposition, metrics_allowed
from app.observability.readiness import readiness


@bp.route("/healthz")
@limiter.exempt
@csrf.exempt
def healthz():
    """Liveness: the process answers. No database or other dependency is asked (that is /readyz)."""
    return Response("ok", mimetype="text/plain")


@bp.route("/readyz")
@limiter.exempt
@csrf.exempt
def readyz():
    """Readiness: 200 when every dependency answers, 503 (take this server out of rotation) when one fails."""
    ready, checks = readiness()
    return jsonify(status="ok" if ready else "unavailable", checks=checks), 200 if ready else 503


@bp.route("/metrics")
@limiter.exempt
@csrf.exempt
def metrics():
    """Prometheus metrics, for the addresses in METRICS_ALLOWED_IPS only (404 to anyone else)."""
    if not metrics_allowed():
        abort(404)
    body, content_type = exposition()
    return Response(body, content_type=content_type)
