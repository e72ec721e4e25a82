"""A cache of parsed articles, so a rebuild reads and renders only the files that changed.

An entry is valid while the file's modification time and size are unchanged and the
context is the same: the site file, the topic, partner and image names, the link labels
and the loader's own code. Any change there empties the cache by changing every key.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from webapp.content.model import Article

CODE = [Path(__file__).with_name(name) for name in ("loader.py", "markdown.py", "model.py", "cache.py")]


def context_key(*parts: object) -> str:
    """A hash of everything besides the file itself that an Article depends on."""
    digest = hashlib.sha1(usedforsecurity=False)
    for path in CODE:
        digest.update(path.read_bytes())
    for part in parts:
        digest.update(repr(part).encode("utf-8"))
    return digest.hexdigest()


class ArticleCache:
    """Parsed articles by source file, in `directory` (None: no caching)."""

    def __init__(self, directory: Path | None, context: str):
        self.directory = Path(directory) if directory else None
        self.context = context
        if self.directory:
            self.directory.mkdir(parents=True, exist_ok=True)

    def _entry(self, path: Path) -> tuple[Path, tuple]:
        stat = path.stat()
        name = hashlib.sha1(os.fspath(path).encode(), usedforsecurity=False).hexdigest()
        return self.directory / f"{name}.pickle", (self.context, stat.st_mtime_ns, stat.st_size)

    def fingerprint(self, path: Path) -> str:
        """Changes whenever the article parsed from `path` may change."""
        stamp = (os.fspath(path), self.context, path.stat().st_mtime_ns, path.stat().st_size)
        return hashlib.sha1(repr(stamp).encode(), usedforsecurity=False).hexdigest()

    def get(self, path: Path) -> Article | None:
        """The article parsed from `path` before, if the file and its context are unchanged."""
        if not self.directory:
            return None
        entry, stamp = self._entry(path)
        try:
            cached_stamp, article = pickle.loads(entry.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError):
            return None
        return article if cached_stamp == stamp else None

    def put(self, path: Path, article: Article) -> None:
        if not self.directory:
            return
        entry, stamp = self._entry(path)
        partial = entry.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps((stamp, article), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, entry)
