"""Load while rebuilding: a bounded mix of article, list, filter and search requests
against a server on loopback, with a full content rebuild every few seconds.

    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 --seconds 60 --rebuild-every 5

Counts errors (5xx, connection failures) and checks that every news list shows the full
number of articles, so no response was built from a partial index. With --soak it also
samples the workers' RSS at the start and the end. Loopback only.
"""

from __future__ import annotations

import argparse
import http.client
import random
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PATHS = [
    "/sv/",
    "/en/",
    "/sv/?topic=vatten",
    "/en/?topic=klimat-energi&partner=chalmers",
    "/sv/search?q=vatten",
    "/en/search?q=fire+ban",
    "/sv/news/partnerskap-starker-samverkan-for-hallbar-utveckling",
    "/en/news/partnership-strengthens-collaboration-for-sustainable-development",
    "/sv/topics/krisberedskap",
    "/en/partners/smhi",
]
COUNT = re.compile(rb'<h2 id="results-heading" tabindex="-1">(\d+) ')


@dataclass
class Stats:
    requests: int = 0
    errors: Counter = field(default_factory=Counter)
    partial: int = 0
    rebuilds: int = 0
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _worker(host: str, port: int, stop: float, expected: dict[str, int], stats: Stats) -> None:
    connection = http.client.HTTPConnection(host, port, timeout=10)
    while time.monotonic() < stop:
        path = random.choice(PATHS)
        start = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=10)
            with stats.lock:
                stats.errors[type(error).__name__] += 1
            continue
        elapsed = time.perf_counter() - start
        match = COUNT.search(body) if path in expected else None
        with stats.lock:
            stats.requests += 1
            stats.latencies.append(elapsed)
            if status >= 500:
                stats.errors[f"HTTP {status}"] += 1
            if match and int(match.group(1)) != expected[path]:
                stats.partial += 1
    connection.close()


def expected_counts(base_url: str) -> dict[str, int]:
    """The list totals of the live build before the load starts."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    counts = {}
    for path in ("/sv/", "/en/"):
        connection.request("GET", path)
        counts[path] = int(COUNT.search(connection.getresponse().read()).group(1))
    connection.close()
    return counts


def run_load(
    base_url: str, seconds: float, concurrency: int, rebuild_every: float, rebuild: list[str]
) -> Stats:
    parts = urlsplit(base_url)
    assert parts.hostname in ("127.0.0.1", "localhost", "::1"), "load is only ever sent to loopback"
    stats = Stats()
    expected = expected_counts(base_url)
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_worker, args=(parts.hostname, parts.port, stop, expected, stats))
        for _ in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    next_rebuild = time.monotonic() + rebuild_every
    while time.monotonic() < stop:
        if rebuild and time.monotonic() >= next_rebuild:
            subprocess.run(rebuild, check=True, capture_output=True)
            stats.rebuilds += 1
            next_rebuild = time.monotonic() + rebuild_every
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    return stats


def report(stats: Stats, seconds: float) -> str:
    ordered = sorted(stats.latencies) or [0.0]
    p95 = ordered[int(len(ordered) * 0.95) - 1 if len(ordered) > 1 else 0]
    return (
        f"{stats.requests} requests in {seconds:.0f} s ({stats.requests / seconds:.0f}/s), "
        f"{stats.rebuilds} rebuilds, errors: {dict(stats.errors) or 0}, "
        f"partial-index responses: {stats.partial}, "
        f"median {ordered[len(ordered) // 2] * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"
    )


def workers_rss_kb(master_pid: int) -> int:
    """Total resident memory of a gunicorn master's worker processes, in KiB."""
    total = 0
    for child in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split():
        status = Path(f"/proc/{child}/status").read_text()
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rebuild-every", type=float, default=5, help="0: no rebuilds")
    parser.add_argument("--master-pid", type=int, help="gunicorn master: report its workers' RSS growth")
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    rebuild = [str(root / ".venv" / "bin" / "flask"), "--app", "webapp", "build", "--full"]
    if args.master_pid:
        run_load(args.url, 5, args.concurrency, 0, [])  # warm-up
        before = workers_rss_kb(args.master_pid)
    stats = run_load(
        args.url, args.seconds, args.concurrency, args.rebuild_every, rebuild if args.rebuild_every else []
    )
    print(report(stats, args.seconds))
    failed = bool(stats.errors or stats.partial)
    if args.master_pid:
        after = workers_rss_kb(args.master_pid)
        growth = (after - before) / before * 100
        print(f"workers' RSS {before / 1024:.1f} MiB -> {after / 1024:.1f} MiB ({growth:+.1f}%)")
        failed = failed or growth >= 10
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
