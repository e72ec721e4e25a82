#!/usr/bin/env bash
# Throughput of the article page with wrk on loopback, each next to a baseline from the
# same run: a bare Flask app rendering a Jinja page of the same size (origin), and nginx
# serving the same bytes as a static file (cached path). Prints a Markdown table.
#
#   bash bench/throughput.sh [builds-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILDS=${1:-var/builds}
WORK=$(mktemp -d)
ARTICLE=/sv/news/partnerskap-starker-samverkan-for-hallbar-utveckling
[ -e "$BUILDS/current" ] || { echo "no build in $BUILDS" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "nginx is missing: apt-get install nginx" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; "$NGINX" -p "$WORK" -c "$WORK/nginx.conf" -s stop 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
KEEP=${KEEP:-}

wait_for() { for _ in $(seq 100); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }
rate() { wrk -t2 -c32 -d10s "$1" | awk '/Requests\/sec/ {print $2}'; }

# The app, as `make run` serves it.
NEWS_BUILDS_DIR=$BUILDS .venv/bin/gunicorn --workers 2 --bind 127.0.0.1:8201 'webapp:create_app()' >"$WORK/app.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:8201$ARTICLE"
curl -fs "http://127.0.0.1:8201$ARTICLE" >"$WORK/article.html"
SIZE=$(wc -c <"$WORK/article.html")

# Baseline 1: bare Flask rendering a Jinja template of the same size.
mkdir -p "$WORK/bare/templates"
cp "$WORK/article.html" "$WORK/bare/templates/page.html"
cat >"$WORK/bare/bare.py" <<'PY'
from flask import Flask, render_template
app = Flask(__name__)

@app.get("/page")
def page():
    return render_template("page.html")
PY
(cd "$WORK/bare" && "$OLDPWD/.venv/bin/gunicorn" --workers 2 --bind 127.0.0.1:8202 bare:app >"$WORK/bare.log" 2>&1) &
PIDS+=($!)
wait_for "http://127.0.0.1:8202/page"

# Baseline 2 and the cached path: nginx serving the same bytes as a file, and nginx
# caching the app with the shipped proxy-cache settings.
mkdir -p "$WORK/static" "$WORK/var"
cp "$WORK/article.html" "$WORK/static/article.html"
sed -e "s#alias static/;#alias $PWD/static/;#" -e "s#listen 127.0.0.1:8080;#listen 127.0.0.1:8203;#" \
    -e "s#server 127.0.0.1:8000;#server 127.0.0.1:8201;#" deploy/nginx.conf >"$WORK/nginx.conf"
# The benchmark runs as root in a private temporary folder; let the workers read it.
[ "$(id -u)" = 0 ] && sed -i "1i user root;" "$WORK/nginx.conf"
sed -i "s#^}\$#    server { listen 127.0.0.1:8204; location / { root $WORK/static; } }\n}#" "$WORK/nginx.conf"
"$NGINX" -p "$WORK/" -c "$WORK/nginx.conf" || { cat "$WORK/nginx.conf" "$WORK/var/nginx-error.log" >&2; exit 1; }
wait_for "http://127.0.0.1:8203$ARTICLE"
wait_for "http://127.0.0.1:8204/article.html"

APP=$(rate "http://127.0.0.1:8201$ARTICLE")
BARE=$(rate "http://127.0.0.1:8202/page")
CACHED=$(rate "http://127.0.0.1:8203$ARTICLE")
STATIC=$(rate "http://127.0.0.1:8204/article.html")
echo "| article page, $SIZE bytes (wrk -t2 -c32 -d10s) | requests/s | ratio to its baseline |"
echo "|---|---|---|"
echo "| bare Flask, same-size Jinja page (origin baseline) | $BARE | |"
echo "| our app under gunicorn (origin) | $APP | $(python3 -c "print(f'{$APP/$BARE:.2f}')") |"
echo "| nginx serving the same bytes as a file (cache baseline) | $STATIC | |"
echo "| our app behind nginx with the shipped proxy cache | $CACHED | $(python3 -c "print(f'{$CACHED/$STATIC:.2f}')") |"
