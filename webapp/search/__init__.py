"""Finding articles: the SearchBackend interface and how to get the configured one.

Views talk only to this interface. Whoosh is the one implementation today; a distributed
engine (OpenSearch, say) can be added as another module without touching the views. No
engine type or exception crosses this boundary: backends return model objects and raise
SearchError.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from webapp.content.model import Article


class SearchError(Exception):
    """The index cannot answer (missing, unreadable or corrupt)."""


@dataclass(frozen=True)
class ArticleQuery:
    """What a reader asked for: one language, optional filters, one page of results."""

    lang: str
    # Words the reader typed; empty lists everything newest first.
    text: str = ""
    topics: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    page: int = 1
    page_size: int = 10


@dataclass(frozen=True)
class ResultPage:
    """One page of articles, newest first, with the total the filters match."""

    articles: list[Article]
    total: int
    page: int
    page_size: int

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))


class SearchBackend(ABC):
    """Read access to one build's index."""

    @classmethod
    @abstractmethod
    def write(cls, directory: Path, articles: Iterable[Article], progress: Callable[[int], None]) -> None:
        """Write a new index for `articles` into the empty `directory`."""

    @abstractmethod
    def article(self, lang: str, slug: str) -> Article | None:
        """The article version with this slug in this language, if any."""

    @abstractmethod
    def versions(self, key: str) -> dict[str, Article]:
        """Every language version of the article with this key, by language."""

    @abstractmethod
    def by_slug_in_any_language(self, slug: str) -> list[Article]:
        """Versions in any language whose slug is `slug` (for a switched or mistyped link)."""

    @abstractmethod
    def list_articles(self, query: ArticleQuery) -> ResultPage:
        """Articles matching the query's filters: by relevance when it has text, else newest first."""

    @abstractmethod
    def related(self, article: Article, limit: int = 3) -> list[Article]:
        """Other articles in the same language sharing topics or partners, best first."""

    @abstractmethod
    def counts(self, lang: str) -> dict[str, dict[str, int]]:
        """Number of articles per topic and per partner in `lang`: {"topics": {...}, ...}."""

    @abstractmethod
    def close(self) -> None:
        """Release the index files."""


def backend_class(name: str = "whoosh") -> type[SearchBackend]:
    """The backend implementation registered under `name`."""
    if name == "whoosh":
        from webapp.search.whoosh_backend import WhooshBackend

        return WhooshBackend
    raise SearchError(f"unknown search backend '{name}'")
