"""A cache of parsed articles, so a rebuild reads and renders only the files that changed.

One manifest file holds, per article file, its modification time and size and the few
fields a build needs about an unchanged article (key, language, slug, dates of
publication, earlier slugs, fingerprint) and where the whole parsed article is: packs,
files the articles parsed by one load are appended to (one per process parsing them),
read only if a build needs more (a full build). A rebuild after one change thus reads one
file, not every article.
Packs, not a file per article: creating a file cost up to 0.8 ms on our machine, most of
a full build's reading time at 100,000 articles; appending costs microseconds. A pack no
entry points to any more is deleted. Entries are valid while the file's modification time
and size are unchanged and the context is the same: the site file, the topic, partner
and image names, the link labels and the loader's own code. Any change there empties the
cache by changing every key.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import uuid
import weakref
from collections.abc import Callable, Set
from datetime import datetime
from pathlib import Path

from webapp.content.model import Article

CODE = [Path(__file__).with_name(name) for name in ("loader.py", "markdown.py", "model.py", "cache.py")]
MANIFEST, CHANGES = "manifest.pickle", "manifest-changes.pickle"
PACK_SUFFIX = ".pack"

Stamp = tuple[int, int]  # modification time in ns, size in bytes


def context_key(*parts: object) -> str:
    """A hash of everything besides the file itself that an Article depends on."""
    digest = hashlib.sha1(usedforsecurity=False)
    for path in CODE:
        digest.update(path.read_bytes())
    for part in parts:
        digest.update(repr(part).encode("utf-8"))
    return digest.hexdigest()


class CachedArticle:
    """An unchanged article as the manifest knows it (the SUMMARY fields). Any other field
    reads the whole Article from its pack (or, if that is gone, its source) once."""

    SUMMARY = ("key", "lang", "slug", "published_at", "old_slugs", "source", "fingerprint", "draft")
    __slots__ = (*SUMMARY, "_cache", "_path", "_where", "_reparse", "_article")

    key: str
    lang: str
    slug: str
    published_at: datetime
    old_slugs: tuple[str, ...]
    source: str
    fingerprint: str
    draft: bool  # a build lists what is public without reading every article

    def __init__(self, entry: tuple, cache: ArticleCache, path: str, reparse: Callable[[str], Article]):
        # One unpacking into slots: a build reads these fields of every article many times.
        (
            self.key,
            self.lang,
            self.slug,
            self.published_at,
            self.old_slugs,
            self.source,
            self.fingerprint,
            self.draft,
        ) = entry[:-1]
        self._cache, self._path, self._reparse, self._article = cache, path, reparse, None
        self._where = entry[-1]  # (pack, offset, length)

    def __getattr__(self, name: str):
        if name.startswith("_"):  # copy, pickle and our own slots must not load the article
            raise AttributeError(name)
        return getattr(self.article(), name)

    def article(self, keep: bool = True) -> Article:
        """The whole Article, kept for the next call unless `keep` is false."""
        if self._article is not None:
            return self._article
        return self.with_pickle(keep)[0]

    def with_pickle(self, keep: bool = False) -> tuple[Article, bytes]:
        """The whole Article and its pickle, as its pack holds it (made again only if the
        pack is gone), kept for the next call if `keep`."""
        if self._article is not None:
            return self._article, pickle.dumps(self._article, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            data = self._cache.read(self._where)
            article = pickle.loads(data)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError, TypeError):
            article = self._reparse(self._path)
            data = pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL)
        if keep:
            self._article = article
        return article, data


def full_article(article: Article | CachedArticle, keep: bool = True) -> Article:
    """The whole Article, reading it from the cache if only its summary is at hand (and
    keeping it in memory, unless `keep` is false)."""
    return article.article(keep) if isinstance(article, CachedArticle) else article


def pickled_article(article: Article | CachedArticle) -> tuple[Article, bytes]:
    """The whole Article and its pickle (protocol HIGHEST_PROTOCOL), which a cached article
    reads from its pack instead of pickling it again. Not kept in memory."""
    if isinstance(article, CachedArticle):
        return article.with_pickle()
    return article, pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL)


class ArticleCache:
    """Parsed articles by source file, in `directory` (None: no caching).

    The manifest maps each file to (modification time, size, *summary). A rebuild that
    changed a few files writes only those entries, to a second, small file; the main one
    is rewritten when the changes add up to a twentieth of it.
    """

    def __init__(self, directory: Path | None, context: str):
        self.directory = Path(directory) if directory else None
        self.context = context
        self._manifest: dict[str, tuple] = {}
        self._changes: dict[str, tuple | None] = {}  # since the main file; None: removed
        self._dirty = False
        self._pack: tuple | None = None  # this process's: (pid, name, descriptor or None, size)
        self._readers: dict[str, int] = {}  # pack name -> a descriptor to read it
        weakref.finalize(self, _close_all, self._readers)
        if self.directory:
            self.directory.mkdir(parents=True, exist_ok=True)
            try:
                self._manifest = self._read(MANIFEST)
                self._changes = self._read(CHANGES)
            except (OSError, pickle.UnpicklingError, EOFError, ValueError, KeyError, TypeError):
                self._manifest, self._changes = {}, {}  # nothing usable: every file is parsed again
            for path, entry in self._changes.items():
                if entry is None:
                    self._manifest.pop(path, None)
                else:
                    self._manifest[path] = entry

    def _read(self, name: str) -> dict:
        saved = pickle.loads((self.directory / name).read_bytes())
        if saved["context"] != self.context:
            raise ValueError("made for other content")
        return saved["articles"]

    def _write(self, name: str, entries: dict) -> None:
        file = self.directory / name
        partial = file.with_suffix(f".{os.getpid()}.tmp")
        data = {"context": self.context, "articles": entries}
        partial.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, file)

    def read(self, where: tuple[str, int, int]) -> bytes:
        """The pickled article at (pack, offset, length). Each pack is opened once per
        process (a full build reads 187,468 articles from a few packs) until `save`."""
        name, offset, length = where
        if name not in self._readers:  # a forked worker reads through its parent's too
            self._readers[name] = os.open(self.directory / name, os.O_RDONLY)
        data = os.pread(self._readers[name], length, offset)
        if len(data) != length:
            raise EOFError(f"{name} is shorter than its manifest says")
        return data

    def fingerprint(self, path: str, stamp: Stamp) -> str:
        """Changes whenever the article parsed from `path` may change."""
        return hashlib.sha1(repr((path, self.context, stamp)).encode(), usedforsecurity=False).hexdigest()

    def get(self, path: str, stamp: Stamp, reparse: Callable[[str], Article]) -> CachedArticle | None:
        """The article parsed from `path` before, if the file and its context are unchanged."""
        entry = self._manifest.get(path) if self.directory else None
        if entry is None or entry[0] != stamp[0] or entry[1] != stamp[1]:
            return None
        return CachedArticle(entry[2:], self, path, reparse)

    def remember(self, path: str, stamp: Stamp, article: Article) -> None:
        """Keep a freshly parsed article: appended to this process's pack, and in the
        manifest when `save` writes it."""
        if self.directory:
            self._enter(path, stamp, *self.packed(article))

    def packed(self, article: Article) -> tuple[tuple, tuple[str, int, int]]:
        """Append a freshly parsed article to this process's pack; return its summary and
        where it is, which `keep` takes. Worker processes call this: each writes its own
        pack, so no article is sent whole to the process that keeps the manifest."""
        data = pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL)
        pid = os.getpid()
        if self._pack is None or self._pack[0] != pid:  # this process's first article
            self._pack = (pid, f"{pid}-{uuid.uuid4().hex}{PACK_SUFFIX}", None, 0)
        _, name, descriptor, size = self._pack
        if descriptor is None:  # opened again after a save, to go on appending
            descriptor = os.open(self.directory / name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            size = os.fstat(descriptor).st_size
        written = os.write(descriptor, data)  # unbuffered: a worker may end without closing it
        if written != len(data):
            raise OSError(f"{name}: only {written} of {len(data)} bytes written")
        self._pack = (pid, name, descriptor, size + written)
        return tuple(getattr(article, field) for field in CachedArticle.SUMMARY), (name, size, written)

    def keep(
        self,
        path: str,
        stamp: Stamp,
        summary: tuple,
        where: tuple[str, int, int],
        reparse: Callable[[str], Article],
    ) -> CachedArticle:
        """Keep an article `packed` appended, and return it as the cache knows it: its whole
        Article is read back only if a build needs it."""
        return CachedArticle(self._enter(path, stamp, summary, where)[2:], self, path, reparse)

    def _enter(self, path: str, stamp: Stamp, summary: tuple, where: tuple[str, int, int]) -> tuple:
        entry = self._manifest[path] = self._changes[path] = (*stamp, *summary, where)
        self._dirty = True
        return entry

    def save(self, present: Set[str]) -> None:
        """Write what changed, forgetting files that no longer exist."""
        if not self.directory:
            return
        if self._pack is not None and self._pack[0] == os.getpid() and self._pack[2] is not None:
            os.close(self._pack[2])  # opened again by the next article this process keeps
            self._pack = (*self._pack[:2], None, self._pack[3])
        _close_all(self._readers)  # so that a pack deleted below frees its space at once
        for gone in self._manifest.keys() - present:
            del self._manifest[gone]
            self._changes[gone] = None
            self._dirty = True
        if not self._dirty:
            return
        if len(self._changes) * 20 < len(self._manifest):
            self._write(CHANGES, self._changes)
        else:
            self._write(MANIFEST, self._manifest)
            self._changes = {}
            self._write(CHANGES, {})
        self._dirty = False
        used = {entry[-1][0] for entry in self._manifest.values()} | {MANIFEST, CHANGES}
        for file in self.directory.iterdir():  # a few packs (and, once, an older cache's files)
            if file.name not in used and file.suffix in {PACK_SUFFIX, ".pickle"}:
                file.unlink(missing_ok=True)  # a load running meanwhile reads its sources instead


def _close_all(descriptors: dict[str, int]) -> None:
    for descriptor in descriptors.values():
        os.close(descriptor)
    descriptors.clear()
