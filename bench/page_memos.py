"""What the in-process page memo saves (docs/performance.md, "Page memos").

A page request at the origin takes one of three paths: FrontMemo answers a request it saw
before, ahead of Flask; a revalidation (If-None-Match, as nginx's cache sends) whose ETag
still matches gets a 304 without rendering (the ETag is known before rendering); anything
else is rendered. This measures each path on the live build (NEWS_BUILDS_DIR, else
var/builds): median and p95 in ms per request, in process (no network), over the front
pages and the articles linked from the Swedish one.

    .venv/bin/python bench/page_memos.py [--rounds 200]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time

from webapp import create_app

ENCODINGS = ["gzip, deflate, br, zstd", "gzip, deflate, br", "gzip"]  # Chrome, Firefox/Safari, curl -z


def timed(client, path: str, encoding: str) -> float:
    start = time.perf_counter()
    response = client.get(path, headers={"Accept-Encoding": encoding})
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (path, response.status_code)
    return elapsed * 1000


def summary(name: str, samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    return f"| {name} | {statistics.median(samples):.2f} | {p95:.2f} | {len(samples)} |"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=200)
    options = parser.parse_args()
    app = create_app()
    client = app.test_client()
    front = client.get("/sv/").get_data(as_text=True)
    paths = ["/sv/", "/en/", "/sv/?page=2"] + sorted(set(re.findall(r'href="(/sv/news/[^"#]+)"', front)))
    front_memo = app.wsgi_app
    renders, revalidations, front_hits = [], [], []
    for round_ in range(options.rounds):
        path = paths[round_ % len(paths)]
        encoding = ENCODINGS[round_ % len(ENCODINGS)]
        front_memo.pages.clear()
        start = time.perf_counter()
        response = client.get(path, headers={"Accept-Encoding": encoding})  # not in the memo
        renders.append((time.perf_counter() - start) * 1000)
        front_hits.append(timed(client, path, encoding))  # the same request again
        start = time.perf_counter()
        revalidated = client.get(
            path, headers={"Accept-Encoding": encoding, "If-None-Match": response.headers["ETag"]}
        )
        revalidations.append((time.perf_counter() - start) * 1000)
        assert revalidated.status_code == 304
    print("| path | median ms | p95 ms | requests |\n|---|---|---|---|")
    print(summary("rendered and compressed (not in the memo)", renders))
    print(summary("revalidation answered 304 before rendering", revalidations))
    print(summary("FrontMemo: the same request again", front_hits))


if __name__ == "__main__":
    main()
