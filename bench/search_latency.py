"""Search latency on a build: median and p95 per kind of request, printed as a table.

    .venv/bin/python bench/search_latency.py [--builds var/builds] [--rounds 20]

Runs each query of the search-quality table (and filtered lists) through the backend,
and through the Flask app (whole search page), on the live build. The queries as readers
type them (AS_TYPED: without å, ä, ö, with typos, irregular plurals) are timed apart: a
typo that finds nothing is searched twice (the query, then its correction). On a bench
corpus (bench/corpus.py, made of the demo's sentences) they exercise the same paths.
Figures are written, not asserted: targets are met here, not in unit tests.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.search_quality import AS_TYPED, EXPECTED  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.search import ArticleQuery  # noqa: E402


def timed(function, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"| {name} | {len(samples)} | {statistics.median(ordered):.1f} | {p95:.1f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--builds", default="var/builds")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    app = create_app({"BUILDS_DIR": Path(args.builds)})
    client = app.test_client()
    with app.app_context():
        search = app.extensions["live_build"].get().search
        rows = {
            "one word": [],
            "two or more words": [],
            "as typed, one word (folded, typo, irregular)": [],
            "as typed, two or more words": [],
            "filtered list (no words)": [],
            "search page (HTTP)": [],
        }
        for lang, query, _key, _note in EXPECTED:
            kind = "one word" if len(query.split()) == 1 else "two or more words"
            rows[kind] += timed(
                lambda lang=lang, query=query: search.list_articles(ArticleQuery(lang=lang, text=query)),
                args.rounds,
            )
            rows["search page (HTTP)"] += timed(
                lambda lang=lang, query=query: client.get(f"/{lang}/search", query_string={"q": query}),
                max(1, args.rounds // 4),
            )
        for lang, query, filters, _key, _kind in AS_TYPED:
            kind = (
                "as typed, one word (folded, typo, irregular)"
                if len(query.split()) == 1
                else "as typed, two or more words"
            )
            other = "other=1" in filters
            rows[kind] += timed(
                lambda lang=lang, query=query, other=other: search.list_articles(
                    ArticleQuery(lang=lang, text=query, include_other_languages=other)
                ),
                args.rounds,
            )
        for topic in ("vatten", "klimat-energi", "krisberedskap"):
            rows["filtered list (no words)"] += timed(
                lambda topic=topic: search.list_articles(
                    ArticleQuery(lang="sv", topics=(topic,), partners=("smhi",))
                ),
                args.rounds,
            )
    print("| request (facet counts included) | samples | median ms | p95 ms |")
    print("|---|---|---|---|")
    for name, samples in rows.items():
        print(summary(name, samples))


if __name__ == "__main__":
    main()
