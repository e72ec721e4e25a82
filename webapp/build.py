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
import stat
import time
from array import array
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath

from webapp.content import Article, Content
from webapp.content.model import edition
from webapp.live import CURRENT, GONE_FILE, META_FILE
from webapp.search import IndexWriter, index_writer
from webapp.sitemaps import write_sitemaps

PUBLISHED_FILE = "published.pickle"
# News turning historic is a moment too, but only within this horizon (a later build
# lists the later ones): every article's would make a long list for nothing.
HISTORIC_HORIZON_DAYS = 400


class BuildWriter:
    """Writes build after build into one folder of builds. What a build learns of the one
    it follows (the search index's state, the sitemaps' manifest) is kept here, in memory,
    for the next: the watcher keeps one writer for its life; a one-off build makes its own
    (`write_build`) and reads what it needs from the live build."""

    def __init__(self, builds_dir: Path, *, keep: int = 3, index: IndexWriter | None = None):
        self.builds_dir, self.keep = builds_dir, keep
        self.index = index or index_writer()
        self.sitemaps: dict = {}  # the manifest of the last build written, by its id

    def write(
        self,
        content: Content,
        *,
        progress: Callable[[int], None] = lambda step: None,
        full: bool = False,
        tidy: bool = True,
    ) -> Path:
        """Write `content` as a new build, make it live, prune old builds; return its path.

        Articles unchanged since the live build are reused from its index unless `full`.
        `tidy=False` puts off merging parts of the index, and bringing the registry of
        removed addresses up to date, to a later build (see IndexWriter).
        """
        self.builds_dir.mkdir(parents=True, exist_ok=True)
        build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        partial = self.builds_dir / f".partial-{build_id}-{os.getpid()}"
        live = self.builds_dir / CURRENT
        names = {
            ref.id: sorted(set(ref.name.values()))
            for ref in [*content.topics.values(), *content.partners.values()]
        }
        self.index.write(
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
            "media_from": _media_from(content, public),
        }
        (partial / META_FILE).write_bytes(pickle.dumps(meta))
        if tidy or not live.exists():
            _write_registry(partial, public, live if live.exists() else None, built_at)
        else:  # the watcher's quick build: the registry is brought up to date by the tidy one
            _carry_registry(partial, live)
        write_sitemaps(
            partial,
            content,
            built_at,
            live if live.exists() and not full else None,
            carry=not tidy,
            last=self.sitemaps,
        )
        _copy_media({**content.images, **content.media}, partial / "media")
        final = self.builds_dir / build_id
        partial.rename(final)
        _switch(self.builds_dir, build_id)
        _prune(self.builds_dir, self.keep)
        return final


def write_build(
    content: Content, builds_dir: Path, *, keep: int = 3, index: IndexWriter | None = None, **options
) -> Path:
    """Write one build (BuildWriter.write; `options`: progress, full, tidy)."""
    return BuildWriter(builds_dir, keep=keep, index=index).write(content, **options)


def _copy_media(images: dict[str, str], media: Path) -> None:
    """Copy the content's images and videos (name -> content/images/<name> or
    content/media/<name>) into the build's media/:
    regular files only, never through a symbolic link (which could point at any file on
    the machine), never outside media/."""
    media.mkdir()
    for name, source in images.items():
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts or not source.endswith(os.sep + name):
            continue
        folder = source[: -len(name) - 1]
        # Resolving links must not change the path below content/images: no part is a link.
        if os.path.realpath(source) != os.path.join(os.path.realpath(folder), name):
            continue
        try:
            if not stat.S_ISREG(os.lstat(source).st_mode):
                continue
        except OSError:
            continue
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, media / name, follow_symlinks=False)


def _media_from(content: Content, public: list[Article]) -> dict[str, float]:
    """When each published media file may first be sent (seconds since 1970, UTC): with the
    first article that shows it, so a scheduled article's image or video is not seen before
    the article (the site's logo: always)."""
    times: dict[str, float] = {}
    for article in public:
        names = [video_file for video in article.videos for video_file in video.files]
        names += [article.image.src] if article.image is not None else []
        for name in names:
            moment = article.published_at.timestamp()
            times[name] = min(times.get(name, moment), moment)
    if content.site.logo:
        times[content.site.logo] = float("-inf")
    return times


def _moments(content: Content, public: list[Article], built_at: datetime) -> list[float]:
    """Every moment after `built_at` when what the build shows changes by itself, sorted."""
    moments = {article.published_at.timestamp() for article in public if article.published_at > built_at}
    for alert in content.alerts:
        moments |= {
            moment.timestamp() for moment in (alert.starts_at, alert.ends_at) if moment and moment > built_at
        }
    years = content.site.historic_after_years
    if years:
        # Articles that turn historic between now and the horizon: published in that window
        # `years` earlier (compared as dates first: a date per article is cheap, a sum is not).
        earliest = _years_later(built_at, -years) - timedelta(days=1)
        latest = earliest + timedelta(days=HISTORIC_HORIZON_DAYS + 2)
        for article in public:
            if earliest <= article.published_at <= latest:
                turns = _years_later(article.published_at, years)
                if turns > built_at:
                    moments.add(turns.timestamp())
    return sorted(moments)


def _years_later(moment: datetime, years: int) -> datetime:
    """The same date and time `years` later (28 February for 29 February)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def _write_registry(partial: Path, public: list[Article], live: Path | None, built_at: datetime) -> None:
    """Remember every address made public, and list those gone since (for 410 Gone).

    published.pickle: every address this site has published ("<lang>:<slug>", earlier slugs
    too, and "key:<key>") with its article's key and publication time, as three columns
    (two texts joined by newlines and an array: pickled in a few milliseconds at 100,000
    articles, where a dict of tuples took half a second). An address is gone when an
    earlier build published it, its time had come, and this build no longer has it.
    """
    names: list[str] = []
    keys: list[str] = []
    times = array("d")
    for article in public:
        when = article.published_at.timestamp()
        for slug in (article.slug, *article.old_slugs):
            names.append(f"{edition(article)}:{slug}")
            keys.append(article.key)
            times.append(when)
        if not article.easy_read:  # the short link leads to the article, not its retelling
            names.append(f"key:{article.key}")
            keys.append(article.key)
            times.append(when)
    now = built_at.timestamp()
    before_names, before_keys, before_times = (
        _read_registry(live / PUBLISHED_FILE) if live else ([], [], array("d"))
    )
    gone: dict[str, tuple[str, float]] = _read_pickle(live / GONE_FILE) if live else {}
    current = set(names)
    kept_names, kept_keys, kept_times = [], [], array("d")
    for name, key, when in zip(before_names, before_keys, before_times, strict=True):
        if name not in current and when <= now:  # published before, and public by now
            gone[name] = (key, when)
            kept_names.append(name)
            kept_keys.append(key)
            kept_times.append(when)
    for name in current & gone.keys():  # published again
        del gone[name]
    registry = ("\n".join(names + kept_names), "\n".join(keys + kept_keys), (times + kept_times).tobytes())
    (partial / PUBLISHED_FILE).write_bytes(pickle.dumps(registry, protocol=pickle.HIGHEST_PROTOCOL))
    (partial / GONE_FILE).write_bytes(pickle.dumps(gone, protocol=pickle.HIGHEST_PROTOCOL))


def _carry_registry(partial: Path, live: Path) -> None:
    """The live build's registry, linked (it takes half a second to make at 100,000
    articles; an article removed in a quick build answers 404 until the tidy build half a
    second later says 410)."""
    for name in (PUBLISHED_FILE, GONE_FILE):
        try:
            os.link(live / name, partial / name)
        except OSError:
            pass


def _read_registry(path: Path) -> tuple[list[str], list[str], array]:
    try:
        names, keys, times = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        return [], [], array("d")
    when = array("d")
    when.frombytes(times)
    return (names.split("\n") if names else []), (keys.split("\n") if keys else []), when


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
