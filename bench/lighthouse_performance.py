"""Lighthouse performance (its default mobile emulation: a mid-range phone on slow 4G) on
the article, list and search pages in both languages, served by gunicorn as `make run`
serves them. Prints the score and the metrics behind it; reports go to
test-results/lighthouse-performance/.

    .venv/bin/python bench/lighthouse_performance.py [--builds var/builds] [--runs 3]

Scores vary a little from run to run on a busy machine, so each page is measured `--runs`
times and the median is printed with the lowest.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
REPORTS = ROOT / "test-results" / "lighthouse-performance"
PAGES = {
    "article-sv": "/sv/news/partnerskap-starker-samverkan-for-hallbar-utveckling",
    "article-en": "/en/news/partnership-strengthens-collaboration-for-sustainable-development",
    "list-sv": "/sv/",
    "list-en": "/en/",
    "search-sv": "/sv/search?q=vatten",
    "search-en": "/en/search?q=climate",
}
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}


def measure(url: str, report: Path, attempts: int = 3) -> dict:
    """One Lighthouse run; tried again when Lighthouse fails to record the trace
    (it sometimes reports NO_NAVSTART with headless Chromium)."""
    for attempt in range(1, attempts + 1):
        try:
            return _run_lighthouse(url, report)
        except subprocess.CalledProcessError:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


def _run_lighthouse(url: str, report: Path) -> dict:
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            f"--chrome-path={chromium_path()}",
            "--chrome-flags=--headless=new " + " ".join(CHROMIUM_ARGS),
            "--only-categories=performance",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
        ],
        check=True,
        timeout=180,
    )
    return json.loads(report.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--builds", type=Path, default=ROOT / "var" / "builds")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=8101)
    args = parser.parse_args()
    REPORTS.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{args.port}",
         "webapp:create_app()"],
        env={**os.environ, "NEWS_BUILDS_DIR": str(args.builds)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/sv/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        print("| page | score (median, lowest) | " + " | ".join(METRICS.values()) + " |")
        print("|---|---|" + "---|" * len(METRICS))
        for name, path in PAGES.items():
            results = [measure(base + path, REPORTS / f"{name}-{run}.json") for run in range(args.runs)]
            scores = [round(result["categories"]["performance"]["score"] * 100) for result in results]
            middle = results[scores.index(sorted(scores)[len(scores) // 2])]
            metrics = [middle["audits"][audit]["displayValue"] for audit in METRICS]
            median = statistics.median(scores)
            print(f"| {name} | {median:.0f} ({min(scores)}) | " + " | ".join(metrics) + " |")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
