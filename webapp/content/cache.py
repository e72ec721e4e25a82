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
from pathlib import Path

from webapp.content.model import Article, ArticleSummary

CODE = sorted(Path(__file__).parent.glob("*.py"))  # the content package: what reads articles
MODEL = [Path(__file__).with_name(name) for name in ("model.py", "cache.py")]  # what pickles hold
MANIFEST, CHANGES, LAST_GOOD = "manifest.pickle", "manifest-changes.pickle", "last-good.pickle"
PACK_SUFFIX = ".pack"

Stamp = tuple[int, int]  # modification time in ns, size in bytes


def context_key(*parts: object) -> str:
    """A hash of everything besides the file itself that an Article depends on."""
    return _code_hash(CODE, *parts)


def _code_hash(files: list[Path], *parts: object) -> str:
    digest = hashlib.sha1(usedforsecurity=False)
    for path in files:
        digest.update(path.read_bytes())
    for part in parts:
        digest.update(repr(part).encode("utf-8"))
    return digest.hexdigest()


class CachedArticle:
    """An unchanged article as the manifest knows it: the SUMMARY fields only. The whole
    Article is read when asked for (`article()`, or `full_article` for either kind), from
    its pack or, if that is gone, its source; no other attribute loads it behind your back."""

    SUMMARY = tuple(ArticleSummary.__annotations__)  # the fields, declared once in the model
    __slots__ = (*SUMMARY, "_cache", "_path", "_where", "_reparse", "_article")

    def __init__(self, entry: tuple, cache: ArticleCache, path: str, reparse: Callable[[str], Article]):
        # One unpacking into slots: a build reads these fields of every article many times.
        (  # in SUMMARY's order (the model's ArticleSummary)
            self.key,
            self.lang,
            self.slug,
            self.published_at,
            self.old_slugs,
            self.source,
            self.fingerprint,
            self.draft,
            self.image,
            self.videos,
            self.easy_read,
        ) = entry[:-1]
        self._cache, self._path, self._reparse, self._article = cache, path, reparse, None
        self._where = entry[-1]  # (pack, offset, length)

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

    def __init__(
        self, directory: Path | None, context: str, last_good: LastGood | None = None, fresh: bool = False
    ):
        """`fresh`: parse every article again (`flask build --full`), still keeping the
        last good versions of broken files, which live in `directory` too."""
        self.directory = Path(directory) if directory else None
        self.context = context
        self.fresh = fresh
        self.last_good = last_good if last_good is not None else LastGood(self.directory)
        self._manifest: dict[str, tuple] = {}
        self._changes: dict[str, tuple | None] = {}  # since the main file; None: removed
        # The manifest of other content (the site file changed, say): no article of it is
        # used as it is, but it holds the last good version of a file that is broken now.
        self._earlier: dict[str, tuple] = {}
        self._dirty = False
        self._pack: tuple | None = None  # this process's: (pid, name, descriptor or None, size)
        self._readers: dict[str, int] = {}  # pack name -> a descriptor to read it
        weakref.finalize(self, _close_all, self._readers)
        if self.directory:
            self.directory.mkdir(parents=True, exist_ok=True)
            try:
                (context, manifest), (_, self._changes) = self._read(MANIFEST), self._read(CHANGES)
            except (OSError, pickle.UnpicklingError, EOFError, ValueError, KeyError, TypeError):
                context, manifest, self._changes = None, {}, {}  # nothing usable: all is parsed again
            for path, entry in self._changes.items():
                if entry is None:
                    manifest.pop(path, None)
                else:
                    manifest[path] = entry
            if context == self.context:
                self._manifest = manifest
            else:
                self._earlier, self._changes = manifest, {}

    def _read(self, name: str) -> tuple[str, dict]:
        saved = pickle.loads((self.directory / name).read_bytes())
        return saved["context"], saved["articles"]

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
        entry = self._manifest.get(path) if self.directory and not self.fresh else None
        if entry is None or entry[0] != stamp[0] or entry[1] != stamp[1]:
            return None
        return CachedArticle(entry[2:], self, path, reparse)

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

    def unpacked(
        self, path: str, summary: tuple, where: tuple[str, int, int], reparse: Callable[[str], Article]
    ) -> CachedArticle:
        """An article `packed` appended (by a worker), as the cache would know it; `keep`
        it to have it in the manifest. Its whole Article is read back only if needed."""
        return CachedArticle((*summary, where), self, path, reparse)

    def keep(self, path: str, stamp: Stamp, article: Article | CachedArticle) -> None:
        """Keep the article just parsed from `path` (`unpacked`, or not yet packed): the
        manifest has it when `save` writes it, and it is the file's last good version now."""
        self.last_good.discard(path)
        if not self.directory:
            return
        self._manifest[path] = self._changes[path] = (*stamp, *self._entry_of(article))
        self._dirty = True

    def previous(
        self, path: str, published: Article | CachedArticle | None, reparse: Callable[[str], Article]
    ) -> Article | CachedArticle | None:
        """The last good version of `path`, whose file now has problems: what a build
        publishes until it is fixed. It moves from the manifest (which no longer matches the
        file) to the last-good store; `published` is what this process last published from
        the file, which counts where the cache knows nothing better (no cache folder)."""
        entry = self._manifest.get(path) or self._earlier.get(path)
        if entry is not None:
            self._forget(path)
            self.last_good.set(path, entry[2:])
        elif self.last_good.get(path) is None and published is not None:
            self.last_good.set(path, self._entry_of(published) if self.directory else full_article(published))
        kept = self.last_good.get(path)
        if kept is None or isinstance(kept, Article):
            return kept
        return CachedArticle(kept, self, path, reparse)

    def _entry_of(self, article: Article | CachedArticle) -> tuple:
        """(*summary, where) of an article, appending it to this process's pack if it is
        not in one yet."""
        if isinstance(article, CachedArticle):
            return (*(getattr(article, field) for field in CachedArticle.SUMMARY), article._where)
        summary, where = self.packed(article)
        return (*summary, where)

    def _forget(self, path: str) -> None:
        self._earlier.pop(path, None)
        if self._manifest.pop(path, None) is not None:
            self._changes[path] = None
            self._dirty = True

    def save(self, present: Set[str]) -> None:
        """Write what changed, forgetting files that no longer exist (and their last good
        versions), and delete the packs nothing is read from any more."""
        self.last_good.retain(present)
        self.last_good.save()
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
        if self._earlier:  # the manifest of other content: replaced by this one
            self._earlier, self._dirty = {}, True
        if not self._dirty:
            return
        if len(self._changes) * 20 < len(self._manifest):
            self._write(CHANGES, self._changes)
        else:
            self._write(MANIFEST, self._manifest)
            self._changes = {}
            self._write(CHANGES, {})
        self._dirty = False
        used = {entry[-1][0] for entry in self._manifest.values()} | self.last_good.packs()
        used |= {MANIFEST, CHANGES, LAST_GOOD}
        for file in self.directory.iterdir():  # a few packs (and, once, an older cache's files)
            if file.name not in used and file.suffix in {PACK_SUFFIX, ".pickle"}:
                file.unlink(missing_ok=True)  # a load running meanwhile reads its sources instead


class LastGood:
    """The last good version of each content file that has problems now (and of every page,
    alert and search settings file), by path: what a build publishes instead of a broken
    file, so that one broken file never holds back the others. An article's is where the
    manifest had it, (*summary, (pack, offset, length)), or the Article itself without a
    cache folder; a page's, an alert's or the search settings' is the value itself.

    Kept in `directory` (in memory only without one), apart from the manifest and whatever
    the context: a change to site.yaml must not unpublish the last good version of another
    file that is broken. Only a change to the model (what the pickles hold) forgets it.
    """

    def __init__(self, directory: Path | None):
        self.directory = Path(directory) if directory else None
        self._code = _code_hash(MODEL)
        self._values: dict[str, object] = {}
        if self.directory:
            try:
                saved = pickle.loads((self.directory / LAST_GOOD).read_bytes())
                if saved["code"] == self._code:
                    self._values = saved["values"]
            except (
                OSError,
                pickle.UnpicklingError,
                EOFError,
                ValueError,
                KeyError,
                TypeError,
                AttributeError,
            ):
                pass  # nothing kept: a broken file is left out until it is fixed
        self._saved = dict(self._values)

    def get(self, path: str) -> object | None:
        return self._values.get(path)

    def set(self, path: str, value: object) -> None:
        self._values[path] = value

    def discard(self, path: str) -> None:
        self._values.pop(path, None)

    def retain(self, present: Set[str], folder: str | None = None) -> None:
        """Forget the article files not in `present` (they were removed), or with `folder`,
        every file in that folder (pages, alerts) that is not in `present`."""
        if folder is None:
            gone = [
                path for path, value in self._values.items() if _is_article(value) and path not in present
            ]
        else:
            within = os.path.join(folder, "")
            gone = [path for path in self._values if path.startswith(within) and path not in present]
        for path in gone:
            del self._values[path]

    def packs(self) -> set[str]:
        """The packs that kept articles are read from."""
        return {value[-1][0] for value in self._values.values() if isinstance(value, tuple)}

    def save(self) -> None:
        if not self.directory or self._values == self._saved:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        file = self.directory / LAST_GOOD
        partial = file.with_suffix(f".{os.getpid()}.tmp")
        data = {"code": self._code, "values": self._values}
        partial.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, file)
        self._saved = dict(self._values)


def _is_article(value: object) -> bool:
    return isinstance(value, (tuple, Article))


def _close_all(descriptors: dict[str, int]) -> None:
    for descriptor in descriptors.values():
        os.close(descriptor)
    descriptors.clear()
