"""Latency, start-up and memory on a build of any size (see bench/corpus.py).

    .venv/bin/python bench/scale.py --builds var/bench-builds-10000

Prints one Markdown table row per measure. Each worker measure runs in a fresh process,
as a gunicorn worker would start.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORKER = r"""
import json, re, sys, time
from pathlib import Path
start = time.perf_counter()
sys.path.insert(0, ROOT)
from webapp import create_app
app = create_app({"BUILDS_DIR": BUILDS_PATH})
client = app.test_client()
client.get("/sv/")
started = time.perf_counter() - start
for path in ["/sv/", "/en/?topic=vatten", "/sv/search?q=vatten", "/sv/topics/krisberedskap"] * 25:
    client.get(path)
rss = int(re.search(r"VmRSS:\s+(\d+)", open("/proc/self/status").read()).group(1))
with app.app_context():  # the worker really served the build under test
    assert app.extensions["live_build"].get().path.parent.resolve() == Path(BUILDS_PATH).resolve()
print(json.dumps({"startup_s": started, "rss_mb": rss / 1024}))
"""


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--builds", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    from webapp import create_app
    from webapp.search import ArticleQuery

    app = create_app({"BUILDS_DIR": args.builds})
    client = app.test_client()
    rng = random.Random(3)
    with app.app_context():
        build = app.extensions["live_build"].get()
        search = build.search
        words = json.loads((build.path / "index" / "vocabulary.json").read_text())["sv"]
        words = [w for w in words if len(w) > 4 and w.isalpha()]
        topics, partners = sorted(build.topics), sorted(build.partners)
        search.list_articles(ArticleQuery(lang="sv", text="vatten"))  # warm the caches
        rows = {}
        for name, count in (
            ("search, one word, with facet counts", 1),
            ("search, two words, with facet counts", 2),
        ):
            samples = []
            for _ in range(args.queries):
                text = " ".join(rng.sample(words, count))
                start = time.perf_counter()
                search.list_articles(ArticleQuery(lang="sv", text=text))
                samples.append((time.perf_counter() - start) * 1000)
            rows[name] = percentiles(samples)
        samples = []
        for _ in range(args.queries):
            url = f"/sv/?topic={rng.choice(topics)}&partner={rng.choice(partners)}&page={rng.randint(1, 3)}"
            start = time.perf_counter()
            client.get(url, headers={"HX-Request": "true"})
            samples.append((time.perf_counter() - start) * 1000)
        rows["filtered list fragment (HTTP, htmx)"] = percentiles(samples)
        samples = []
        for _ in range(args.queries // 4):
            start = time.perf_counter()
            client.get("/sv/search", query_string={"q": rng.choice(words)})
            samples.append((time.perf_counter() - start) * 1000)
        rows["search page (HTTP, full page)"] = percentiles(samples)
    worker = WORKER.replace("ROOT", repr(str(ROOT))).replace("BUILDS_PATH", repr(str(args.builds)))
    result = json.loads(
        subprocess.run([sys.executable, "-c", worker], capture_output=True, text=True, check=True).stdout
    )
    versions = (
        search.list_articles(ArticleQuery(lang="sv")).total
        + search.list_articles(ArticleQuery(lang="en")).total
    )
    print(f"| {versions} article versions | median ms | p95 ms |")
    print("|---|---|---|")
    for name, (median, p95) in rows.items():
        print(f"| {name} | {median:.1f} | {p95:.1f} |")
    print(f"| worker start-up to first page | {result['startup_s'] * 1000:.0f} ms | |")
    print(f"| worker RSS after 100 requests | {result['rss_mb']:.0f} MB | |")


if __name__ == "__main__":
    main()
