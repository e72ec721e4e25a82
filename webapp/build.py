"""Content -> a new build directory -> atomic switch; and reading the live build.

A build is a directory under BUILDS_DIR holding the search index (with every stored field
the pages need), `meta.pickle` (site, topics, partners, pages) and `media/` (images).
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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from webapp.content import Content, Page, Partner, Site, Topic
from webapp.search import SearchBackend, SearchError, backend_class

CURRENT = "current"
META_FILE = "meta.pickle"


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
    meta = {
        "build_id": build_id,
        "site": content.site,
        "topics": content.topics,
        "partners": content.partners,
        "pages": content.pages,
        "years": sorted({article.published_at.year for article in content.articles}, reverse=True),
    }
    (partial / META_FILE).write_bytes(pickle.dumps(meta))
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


@dataclass
class Build:
    """One finished build, opened for reading."""

    path: Path
    build_id: str
    site: Site
    topics: dict[str, Topic]
    partners: dict[str, Partner]
    pages: list[Page]
    years: list[int]
    search: SearchBackend

    @property
    def media_dir(self) -> Path:
        return self.path / "media"

    def page(self, page_id: str, lang: str) -> Page | None:
        """The fixed page with this id in this language, if it exists."""
        return next((p for p in self.pages if p.id == page_id and p.lang == lang), None)


def open_build(path: Path) -> Build:
    """Open a finished build directory. Raises SearchError if it is missing or damaged."""
    try:
        meta = pickle.loads((path / META_FILE).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError) as error:
        raise SearchError(f"no readable build at {path}: {error}") from error
    return Build(
        path=path,
        build_id=meta["build_id"],
        site=meta["site"],
        topics=meta["topics"],
        partners=meta["partners"],
        pages=meta["pages"],
        years=meta["years"],
        search=backend_class()(path / "index"),
    )


def current_build() -> Build:
    """The build this request reads: looked up once per request, so every part of a page
    (view, template helpers, caching headers) comes from the same build."""
    from flask import current_app, g

    if "build" not in g:
        g.build = current_app.extensions["live_build"].get()
    return g.build


class LiveBuild:
    """The build `current` points to, reopened when a new build is switched in.

    Checking costs one readlink per request; a worker keeps no other state.
    """

    def __init__(self, builds_dir: Path):
        self.builds_dir = Path(builds_dir)
        self._target: str | None = None
        self._build: Build | None = None

    def get(self) -> Build:
        """The live build. Raises SearchError when there is none yet."""
        try:
            target = os.readlink(self.builds_dir / CURRENT)
        except OSError as error:
            raise SearchError(
                f"no build in {self.builds_dir}: run 'flask --app webapp build' first"
            ) from error
        if target != self._target or self._build is None:
            fresh = open_build(self.builds_dir / target)
            if self._build is not None:
                self._build.search.close()
            self._build, self._target = fresh, target
        return self._build
