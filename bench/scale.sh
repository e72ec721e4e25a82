#!/usr/bin/env bash
# Builds and latency at 1,000, 10,000 and 100,000 articles (SIZES overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
for n in ${SIZES:-1000 10000 100000}; do
  echo "== $n articles"
  .venv/bin/python bench/corpus.py --articles "$n" --out "var/corpus-$n"
  rm -rf "var/bench-builds-$n"
  echo "full build:"
  /usr/bin/time -f "%e s elapsed, %M KB peak memory" env NEWS_CONTENT_DIR="var/corpus-$n" \
    NEWS_BUILDS_DIR="var/bench-builds-$n" .venv/bin/flask --app webapp build 2>&1 | tail -2
  changed=$(find "var/corpus-$n/articles" -name '*.sv.md' | sort | head -1)
  sed -i 's/^title: \(.*\)$/title: \1 (ändrad)/' "$changed"
  echo "rebuild after one article changed:"
  /usr/bin/time -f "%e s elapsed, %M KB peak memory" env NEWS_CONTENT_DIR="var/corpus-$n" \
    NEWS_BUILDS_DIR="var/bench-builds-$n" .venv/bin/flask --app webapp build 2>&1 | tail -2
  .venv/bin/python bench/scale.py --builds "var/bench-builds-$n"
done
