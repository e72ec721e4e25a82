#!/usr/bin/env bash
# `make bench`: figures for docs/performance.md. Starts its own gunicorn on loopback,
# measures, stops it. Load is bounded in time and never leaves this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${BENCH_PORT:-8100}
SOAK_SECONDS=${SOAK_SECONDS:-600}

echo "== Search latency on the live build"
.venv/bin/python bench/search_latency.py

.venv/bin/gunicorn --workers 2 --bind "127.0.0.1:$PORT" --limit-request-line 16384 \
  --pid var/bench-gunicorn.pid 'webapp:create_app()' >var/bench-gunicorn.log 2>&1 &
trap 'kill "$(cat var/bench-gunicorn.pid)" 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/sv/" >/dev/null && break; sleep 0.2; done

echo "== 60 s of load with a full rebuild every 5 s"
.venv/bin/python bench/load.py --url "http://127.0.0.1:$PORT" --seconds 60 --rebuild-every 5

echo "== Soak: $SOAK_SECONDS s of load, workers' memory before and after"
.venv/bin/python bench/load.py --url "http://127.0.0.1:$PORT" --seconds "$SOAK_SECONDS" --rebuild-every 0 \
  --master-pid "$(cat var/bench-gunicorn.pid)"
