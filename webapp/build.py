"""Content -> a new build directory -> atomic switch. Used by the CLI and the watcher only;
requests read builds through webapp/live.py.

A build is a directory under BUILDS_DIR holding the search index (with every stored field
the pages need), `meta.pickle` (site, topics, partners, pages, alerts, the moments when
what it shows changes by itself), `media/` (images), `published.pickle` (every address
this site has made public, for the next build) and `gone.pickle` (those since removed,
answered 410 Gone).
`current` is a symlink to the live build. A new build is written under a temporary name,
renamed into place and only then made live by replacing the symlink with `os.replace`, so
readers see the old build or the new one, never a half-written one. A content error stops
the build before anything is switched, and the last good build keeps serving.
"""

from __future__ import annotations

import os
import pickle
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from webapp.content import Article, Content
from webapp.live import CURRENT, GONE_FILE, META_FILE
from webapp.search import SearchBackend, backend_class

PUBLISHED_FILE = "published.pickle"
# News turning historic is a moment too, but only within this horizon (a later build
# lists the later ones): every article's would make a long list for nothing.
HISTORIC_HORIZON_DAYS = 400


def write_build(
    content: Content,
    builds_dir: Path,
    *,
    keep: int = 3,
    progress: Callable[[int], None] = lambda step: None,
    backend: type[SearchBackend] | None = None,
    full: bool = False,
    tidy: bool = True,
) -> Path:
    """Write `content` as a new build, make it live, prune old builds; return its path.

    Articles unchanged since the live build are reused from its index unless `full`.
    `tidy=False` puts off merging parts of the index to a later build (see SearchBackend).
    """
    builds_dir.mkdir(parents=True, exist_ok=True)
    build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    partial = builds_dir / f".partial-{build_id}-{os.getpid()}"
    live = builds_dir / CURRENT
    names = {
        ref.id: sorted(set(ref.name.values()))
        for ref in [*content.topics.values(), *content.partners.values()]
    }
    (backend or backend_class()).write(
        partial / "index",
        content.articles,
        content.search,
        progress,
        previous=(live / "index") if live.exists() and not full else None,
        names=names,
        tidy=tidy,
    )
    built_at = datetime.strptime(build_id, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    public = [article for article in content.articles if not article.draft]
    meta = {
        "build_id": build_id,
        "site": content.site,
        "topics": content.topics,
        "partners": content.partners,
        "pages": content.pages,
        "years": sorted({article.published_at.year for article in public}, reverse=True),
        "alerts": content.alerts,
        "moments": _moments(content, public, built_at),
    }
    (partial / META_FILE).write_bytes(pickle.dumps(meta))
    _write_registry(partial, public, live if live.exists() else None, built_at)
    media = partial / "media"
    media.mkdir()
    for name, source in content.images.items():
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, media / name)
    final = builds_dir / build_id
    partial.rename(final)
    _switch(builds_dir, build_id)
    _prune(builds_dir, keep)
    return final


def _moments(content: Content, public: list[Article], built_at: datetime) -> list[float]:
    """Every moment after `built_at` when what the build shows changes by itself, sorted."""
    after = built_at.timestamp()
    moments = {article.published_at.timestamp() for article in public}
    for alert in content.alerts:
        moments |= {moment.timestamp() for moment in (alert.starts_at, alert.ends_at) if moment}
    years = content.site.historic_after_years
    if years:
        horizon = after + HISTORIC_HORIZON_DAYS * 86400
        for article in public:
            turns = _years_later(article.published_at, years).timestamp()
            if turns <= horizon:
                moments.add(turns)
    return sorted(moment for moment in moments if moment > after)


def _years_later(moment: datetime, years: int) -> datetime:
    """The same date and time `years` later (28 February for 29 February)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def _write_registry(partial: Path, public: list[Article], live: Path | None, built_at: datetime) -> None:
    """Remember every address made public, and list those gone since (for 410 Gone).

    published: "<lang>:<slug>" (earlier slugs too) and "key:<key>" -> (key, publication
    time). An address is gone when an earlier build published it, its time had come, and
    this build no longer has it.
    """
    published: dict[str, tuple[str, float]] = {}
    for article in public:
        entry = (article.key, article.published_at.timestamp())
        for slug in (article.slug, *article.old_slugs):
            published[f"{article.lang}:{slug}"] = entry
        known = published.get(f"key:{article.key}")
        published[f"key:{article.key}"] = min(entry, known, key=lambda e: e[1]) if known else entry
    before: dict[str, tuple[str, float]] = {}
    gone: dict[str, tuple[str, float]] = {}
    if live is not None:
        before = _read_pickle(live / PUBLISHED_FILE)
        gone = _read_pickle(live / GONE_FILE)
    now = built_at.timestamp()
    for name, entry in before.items():
        if name not in published and entry[1] <= now:
            gone[name] = entry
    for name in published.keys() & gone.keys():  # published again
        del gone[name]
    ever = {name: entry for name, entry in before.items() if entry[1] <= now} | published
    (partial / PUBLISHED_FILE).write_bytes(pickle.dumps(ever, protocol=pickle.HIGHEST_PROTOCOL))
    (partial / GONE_FILE).write_bytes(pickle.dumps(gone, protocol=pickle.HIGHEST_PROTOCOL))


def _read_pickle(path: Path) -> dict:
    try:
        return pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError):
        return {}


def _switch(builds_dir: Path, build_id: str) -> None:
    link = builds_dir / f".{CURRENT}-{build_id}"
    link.symlink_to(build_id)
    os.replace(link, builds_dir / CURRENT)  # atomic on POSIX


def _prune(builds_dir: Path, keep: int) -> None:
    """Delete all but the newest `keep` builds and any partial build older than an hour."""
    live = os.readlink(builds_dir / CURRENT)
    finished = sorted(
        p for p in builds_dir.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
    )
    for old in finished[:-keep] if keep else finished:
        if old.name != live:
            shutil.rmtree(old, ignore_errors=True)
    for partial in builds_dir.glob(".partial-*"):
        if time.time() - partial.stat().st_mtime > 3600:
            shutil.rmtree(partial, ignore_errors=True)
