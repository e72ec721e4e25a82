"""The read side every request uses: the live build, opened for reading, and the clock.

A build is a directory under BUILDS_DIR (written by webapp/build.py, which only the CLI and
the watcher import); `current` is a symlink to the live one. Nothing here parses content.

What a build shows depends on the moment it is read at: a scheduled (embargoed) article
appears at its minute, an alert comes and goes at its times, news turns historic. The
build lists every such moment (`Build.moments`), so a page's cache key can say which of
them have passed (`Build.epoch`) and no cache keeps a page past the next one
(`Build.seconds_to_next_change`).
"""

from __future__ import annotations

import bisect
import os
import pickle
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from webapp.content.model import Alert, Page, Partner, Site, Topic
from webapp.search import SearchBackend, SearchError, backend_class

CURRENT = "current"
META_FILE = "meta.pickle"
GONE_FILE = "gone.pickle"


def now() -> datetime:
    """The moment this request reads the build at (UTC). Tests may fix it with the
    setting NOW (a datetime); it is read once per request, so a page is one moment."""
    from flask import current_app, g, has_app_context

    if not has_app_context():
        return datetime.now(UTC)
    if "now" not in g:
        g.now = current_app.config.get("NOW") or datetime.now(UTC)
    return g.now


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
    alerts: tuple[Alert, ...] = ()
    # Seconds since 1970 (UTC), sorted: every moment after the build when what it shows
    # changes by itself (a scheduled article, an alert's start or end, news turning old).
    moments: list[float] = field(default_factory=list)
    # Each media file's first moment (seconds since 1970, UTC); None: builds before it was kept.
    media_from: dict[str, float] | None = None

    @property
    def media_dir(self) -> Path:
        return self.path / "media"

    @property
    def sitemaps_dir(self) -> Path:
        return self.path / "sitemaps"

    def media_public(self, name: str, at: datetime) -> bool:
        """Whether the media file `name` may be sent at `at`: an embargoed article's image or
        video is not, until the article is public."""
        if self.media_from is None:
            return True
        moment = self.media_from.get(name)
        return moment is not None and moment <= at.timestamp()

    def page(self, page_id: str, lang: str) -> Page | None:
        """The fixed page with this id in this language, if it exists."""
        return next((p for p in self.pages if p.id == page_id and p.lang == lang), None)

    def epoch(self, at: datetime) -> int:
        """How many of the build's moments have passed at `at`: pages read at two times
        with the same epoch are the same."""
        return bisect.bisect_right(self.moments, at.timestamp())

    def seconds_to_next_change(self, at: datetime) -> float | None:
        """Seconds from `at` until the next moment, or None if nothing is scheduled."""
        after = self.epoch(at)
        return self.moments[after] - at.timestamp() if after < len(self.moments) else None

    def alerts_at(self, at: datetime) -> list[Alert]:
        """The alerts shown at `at`, most severe first."""
        return [
            alert
            for alert in self.alerts
            if (alert.starts_at is None or alert.starts_at <= at)
            and (alert.ends_at is None or at < alert.ends_at)
        ]

    def years_at(self, at: datetime) -> list[int]:
        """Years with published news, newest first; no year that is still to come."""
        return [year for year in self.years if year <= at.year]

    @cached_property
    def gone(self) -> dict[str, tuple[str, float]]:
        """Articles this site published and then removed: "<lang>:<slug>" and "key:<key>" ->
        (key, when first public). Read only when an address is not found."""
        try:
            return pickle.loads((self.path / GONE_FILE).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError):
            return {}

    def removed(self, name: str, at: datetime) -> bool:
        """Whether `name` ("<lang>:<slug>" or "key:<key>") was public once and is removed."""
        found = self.gone.get(name)
        return found is not None and found[1] <= at.timestamp()


def open_build(path: Path) -> Build:
    """Open a finished build directory. Raises SearchError if it is missing or damaged."""
    try:
        meta = pickle.loads((path / META_FILE).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as error:
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
        alerts=meta.get("alerts", ()),
        moments=meta.get("moments", []),
        media_from=meta.get("media_from"),
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

    Checking costs one readlink per request; a worker keeps no other state. The build a
    request got stays open while the request uses it: an old build's index is closed when
    nothing refers to it any more (Python frees it), never under a request still reading.
    """

    def __init__(self, builds_dir: Path):
        self.builds_dir = Path(builds_dir)
        self._current: tuple[str, Build] | None = None  # one tuple: read and replaced at once
        self._lock = threading.Lock()

    def get(self) -> Build:
        """The live build. Raises SearchError when there is none yet."""
        try:
            target = os.readlink(self.builds_dir / CURRENT)
        except OSError as error:
            raise SearchError(
                f"no build in {self.builds_dir}: run 'flask --app webapp build' first"
            ) from error
        current = self._current
        if current is not None and current[0] == target:
            return current[1]
        with self._lock:  # one thread opens the new build; the others wait for it
            if self._current is None or self._current[0] != target:
                self._current = (target, open_build(self.builds_dir / target))
            return self._current[1]
