#!/usr/bin/env bash
# Builds and latency at 1,000, 10,000 and 100,000 articles (SIZES overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
for n in ${SIZES:-1000 10000 100000}; do
  echo "== $n articles"
  export NEWS_CONTENT_DIR="var/corpus-$n" NEWS_BUILDS_DIR="var/bench-builds-$n" NEWS_CACHE_DIR="var/cache-$n"
  [ -n "${KEEP_CORPUS:-}" ] && [ -d "$NEWS_CONTENT_DIR" ] || .venv/bin/python bench/corpus.py --articles "$n" --out "$NEWS_CONTENT_DIR"
  rm -rf "$NEWS_BUILDS_DIR" "$NEWS_CACHE_DIR"
  echo "full build (nothing cached):"
  /usr/bin/time -f "%e s elapsed, %M KB peak memory" .venv/bin/flask --app webapp build 2>&1 | tr '\r' '\n' | tail -2
  echo "rebuild with nothing changed:"
  /usr/bin/time -f "%e s elapsed, %M KB peak memory" .venv/bin/flask --app webapp build 2>&1 | tail -1
  changed=$(find "$NEWS_CONTENT_DIR/articles" -name '*.sv.md' | sort | sed -n 1p)  # sed reads all: no SIGPIPE
  sed -i 's/^title: \(.*\)$/title: \1 (ändrad)/' "$changed"
  echo "rebuild after one article changed:"
  /usr/bin/time -f "%e s elapsed, %M KB peak memory" .venv/bin/flask --app webapp build 2>&1 | tail -1
  echo "saved article to live, with 'flask build --watch' running:"
  .venv/bin/python bench/watch_latency.py
  .venv/bin/python bench/scale.py --builds "$NEWS_BUILDS_DIR"
done
