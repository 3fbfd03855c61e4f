#!/usr/bin/env bash
# `make bench`: a temporary SQLite database with 100,000 made-up ideas, served by gunicorn on a free loopback
# port, measured by benchmarks/measure.py. Nothing is left behind. Not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
IDEAS=${BENCH_IDEAS:-100000}
USERS=${BENCH_USERS:-2000}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kopiena-bench.XXXXXX")
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

export APP_ENV=development
export DATABASE_URL="sqlite:///$WORK/bench.db"
export BENCH_STATIC_DIR="$WORK/static"
export RATELIMIT_STORAGE_URI=memory://
mkdir -p "$BENCH_STATIC_DIR"

echo "== database: $DATABASE_URL"
$BIN/flask --app wsgi db upgrade >/dev/null 2>&1
$BIN/flask --app wsgi generate-data --ideas "$IDEAS" --users "$USERS" --seed 1

PORT=$($BIN/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "== gunicorn on 127.0.0.1:$PORT"
$BIN/gunicorn -w 2 -b "127.0.0.1:$PORT" --pythonpath benchmarks --error-logfile "$WORK/gunicorn.log" \
    bench_wsgi:app &
SERVER_PID=$!
for _ in $(seq 1 100); do
    if $BIN/python -c "import http.client as h; c = h.HTTPConnection('127.0.0.1', $PORT, timeout=1); c.request('GET', '/healthz'); assert c.getresponse().status == 200" 2>/dev/null; then
        break
    fi
    sleep 0.2
done

echo
$BIN/python benchmarks/measure.py --port "$PORT" --static-dir "$BENCH_STATIC_DIR" --master-pid "$SERVER_PID" "$@"
