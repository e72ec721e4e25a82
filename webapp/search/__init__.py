"""Finding articles: the SearchBackend interface and how to get the configured one.

Views talk only to this interface. Whoosh is the one implementation today; a distributed
engine (OpenSearch, say) can be added as another module without touching the views. No
engine type or exception crosses this boundary: backends take an ArticleQuery, return model
objects in a ResultPage and raise SearchError.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from webapp.content.model import Article, SearchSettings

SORTS = ("relevance", "newest", "oldest")


class SearchError(Exception):
    """The index cannot answer (missing, unreadable or corrupt)."""


@dataclass(frozen=True)
class ArticleQuery:
    """What a reader asked for: words, filters, an order and one page of results.

    Values within a filter group widen the result (topic A or B); groups narrow it
    (topic A and partner C).
    """

    lang: str
    # Words the reader typed; empty lists everything. Words in double quotes are searched
    # as typed: no respelling of å, ä, ö and no corrected results.
    text: str = ""
    topics: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    # "relevance", "newest" or "oldest"; empty means relevance with text, newest without.
    sort: str = ""
    # Also show versions in the other languages (after this language's).
    include_other_languages: bool = False
    # Easy-to-read (lättläst) versions: False leaves them out (lists, feeds), True lists
    # only them (the Lättläst page), None lets them in (search).
    easy_read: bool | None = False
    page: int = 1
    page_size: int = 10
    # The moment to list at (UTC): only what is public then is listed. None: the present.
    now: datetime | None = None

    @property
    def effective_sort(self) -> str:
        return self.sort or ("relevance" if self.text else "newest")


@dataclass(frozen=True)
class Facets:
    """How many results each filter value would give, with the other groups applied."""

    topics: dict[str, int] = field(default_factory=dict)
    partners: dict[str, int] = field(default_factory=dict)
    years: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ResultPage:
    """One page of articles with the total, facet counts and search feedback."""

    articles: list[Article]
    total: int
    page: int
    page_size: int
    facets: Facets = field(default_factory=Facets)
    # "<lang>:<slug>" -> a text excerpt as safe HTML, matches wrapped in <mark>.
    snippets: dict[str, str] = field(default_factory=dict)
    # A corrected query built from the index's own words, when the query found little.
    suggestion: str | None = None
    # False when no article had every word and the results have any of them.
    matched_all_words: bool = True
    # The corrected query whose results these are, when the reader's own found nothing
    # ("Showing results for naturreservat"); `suggestion` is then None.
    corrected: str | None = None
    # "<lang>:<slug>" of the articles on this page that staff chose for this search (best bets).
    recommended: frozenset[str] = frozenset()

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.page_size))


class SearchBackend(ABC):
    """Read access to one build's index (written by the IndexWriter of the same engine).

    The index holds every article version whatever its life state, and answers for a
    moment (`now`, UTC; None: the present): a draft is never public, a version whose
    publication time has not come is not public yet (embargo), and a withdrawn one is
    public at its address but never listed (lists, search, feeds, related). So a scheduled
    article appears at its minute without a new build. Only `preview` sees everything.
    """

    @abstractmethod
    def article(self, lang: str, slug: str, now: datetime | None = None) -> Article | None:
        """The public article version with this slug in this language, if any."""

    @abstractmethod
    def versions(self, key: str, now: datetime | None = None) -> dict[str, Article]:
        """Every public language version of the article with this key, by language (not
        its easy-to-read version: `easy_read`)."""

    @abstractmethod
    def easy_read(self, key: str, now: datetime | None = None) -> Article | None:
        """The public easy-to-read (lättläst) version of the article with this key, if any."""

    @abstractmethod
    def easy_read_article(self, slug: str, now: datetime | None = None) -> Article | None:
        """The public easy-to-read version with this slug, if any."""

    @abstractmethod
    def by_slug_in_any_language(self, slug: str, now: datetime | None = None) -> list[Article]:
        """Public versions in any language whose slug is `slug` (a switched or mistyped link)."""

    @abstractmethod
    def by_old_slug(self, lang: str, slug: str, now: datetime | None = None) -> Article | None:
        """The public version in `lang` that used to have `slug` (before a rename), if any."""

    @abstractmethod
    def list_articles(self, query: ArticleQuery) -> ResultPage:
        """Listed articles matching the query, with facet counts and, for text, snippets."""

    @abstractmethod
    def related(self, article: Article, limit: int = 3, now: datetime | None = None) -> list[Article]:
        """Other listed articles in the same language sharing topics or partners, best first."""

    @abstractmethod
    def preview(self, key: str, lang: str) -> Article | None:
        """The version with this key in `lang` whatever its state: for preview links only."""

    @abstractmethod
    def close(self) -> None:
        """Release the index files."""


class IndexWriter(ABC):
    """Writes the index of build after build. Keep one writer for a series of builds (the
    watcher does): it may hand what it knows of the index it wrote to the next write."""

    @abstractmethod
    def write(
        self,
        directory: Path,
        articles: Iterable[Article],
        settings: SearchSettings,
        progress: Callable[[int], None],
        previous: Path | None = None,
        names: dict[str, list[str]] | None = None,
        tidy: bool = True,
    ) -> int:
        """Write the index for `articles` into `directory`; return how many were (re)indexed.

        With `previous` (the live build's index directory), unchanged articles are reused
        and only changed ones are indexed again. `names` gives every name of each topic and
        partner id, so a search for a partner's name finds its articles. `tidy=False` puts
        off housekeeping that an engine may do while writing (merging small parts of the
        index) until a later write by the same writer, so a change goes live sooner.
        """


def backend_class(name: str = "whoosh") -> type[SearchBackend]:
    """The backend implementation registered under `name`."""
    if name == "whoosh":
        from webapp.search.whoosh_backend import WhooshBackend

        return WhooshBackend
    raise SearchError(f"unknown search backend '{name}'")


def index_writer(name: str = "whoosh") -> IndexWriter:
    """A writer of the engine registered under `name` (the build writer's only: web workers
    never import it)."""
    if name == "whoosh":
        from webapp.search.whoosh_index_writer import WhooshIndexWriter

        return WhooshIndexWriter()
    raise SearchError(f"unknown search backend '{name}'")
