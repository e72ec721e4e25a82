"""From saving an article to serving it, with `flask build --watch` running.

    NEWS_CONTENT_DIR=var/corpus-10000 NEWS_BUILDS_DIR=var/bench-builds-10000 \
    NEWS_CACHE_DIR=var/cache-10000 .venv/bin/python bench/watch_latency.py

Starts the watcher (its first build reads unchanged articles from the cache), then edits
the title of a different article every two seconds or so, as a person would save, and
times from the file's save to the moment the `current` build link points at a build that
serves the new title. Prints one Markdown table row.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    from webapp.live import open_build

    content, builds = Path(os.environ["NEWS_CONTENT_DIR"]), Path(os.environ["NEWS_BUILDS_DIR"])
    watcher = subprocess.Popen(
        [str(ROOT / ".venv/bin/flask"), "--app", "webapp", "build", "--watch"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for line in watcher.stdout:
            if line.startswith("Watching"):
                break
        else:
            raise SystemExit("the watcher stopped before it watched")
        files = sorted((content / "articles").rglob("*.sv.md"))
        seconds = []
        for number in range(args.rounds):
            path = files[(number * 7919) % len(files)]  # spread over the years
            live = os.readlink(builds / "current")
            source = path.read_text(encoding="utf-8")
            title = f"Ändrad {time.time_ns()}"
            started = time.perf_counter()
            # A long title goes on over indented lines: all of them are replaced.
            new = re.sub(r"^title: .*(?:\n[ \t]+.*)*", f"title: {title}", source, count=1, flags=re.M)
            path.write_text(new)
            while os.readlink(builds / "current") == live:
                time.sleep(0.002)
            seconds.append(time.perf_counter() - started)
            build = open_build(builds / os.readlink(builds / "current"))
            found = build.search.versions(path.name.removesuffix(".sv.md"))["sv"]
            assert found.title == title, (found.title, title)
            build.search.close()
            time.sleep(2)  # a person saves, then looks; the watcher tidies the index meanwhile
    finally:
        watcher.terminate()
        watcher.wait(timeout=30)
    print("| measure | median | slowest | rounds |")
    print("|---|---|---|---|")
    print(
        f"| saved article to live (`flask build --watch`) | {statistics.median(seconds):.2f} s "
        f"| {max(seconds):.2f} s | {len(seconds)} |"
    )


if __name__ == "__main__":
    main()
