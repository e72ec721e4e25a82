"""The content model: plain, immutable values the build stores and the pages show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one content file, in words a communicator can act on."""

    path: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: {self.field}" if self.field else self.path
        return f"{where}: {self.message}"


class ContentError(Exception):
    """The content cannot be built; `problems` names each file, field and problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        listing = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{len(problems)} problem(s) in the content:\n{listing}")


@dataclass(frozen=True)
class Topic:
    id: str
    name: dict[str, str]
    description: dict[str, str]


@dataclass(frozen=True)
class Partner:
    id: str
    name: dict[str, str]
    description: dict[str, str]
    website: str | None


@dataclass(frozen=True)
class Image:
    # Path relative to the build's media folder.
    src: str
    alt: str
    caption: str | None = None
    # Intrinsic size, so the browser reserves the space before the image arrives.
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class FactBox:
    """A box beside the text: the article's own, or a partner's description (`partner` set)."""

    title: str | None = None
    body_html: str = ""
    partner: str | None = None


@dataclass(frozen=True)
class Contact:
    name: str
    role: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class ChangeNote:
    changed_at: datetime
    note: str


@dataclass(frozen=True)
class Withdrawal:
    """An article taken back: its page stays online with this notice, off lists and search."""

    withdrawn_at: datetime
    reason: str


@dataclass(frozen=True)
class Article:
    """One language version of an article. Versions of the same article share `key`."""

    key: str
    lang: str
    slug: str
    title: str
    lead: str
    published_at: datetime
    updated_at: datetime | None
    topics: tuple[str, ...]
    partners: tuple[str, ...]
    body_html: str
    body_text: str
    image: Image | None = None
    fact_boxes: tuple[FactBox, ...] = ()
    contacts: tuple[Contact, ...] = ()
    changes: tuple[ChangeNote, ...] = ()
    # Earlier slugs of this version; links to them redirect here permanently.
    old_slugs: tuple[str, ...] = ()
    source: str = ""
    # Set by the loader from the file and its context; lets the index skip unchanged articles.
    fingerprint: str = field(default="", compare=False)
    # The life of the version (see docs/content.md): a draft is never public (only its
    # preview link shows it); a version whose published_at is still to come is scheduled
    # (embargoed) until that minute; a withdrawn one keeps its page with a notice.
    draft: bool = False
    withdrawn: Withdrawal | None = None
    # Marked by its communicator as old news (the site may also mark news older than N years).
    historic: bool = False
    # A video, then a sign-language video, each with captions and a transcript.
    videos: tuple[Video, ...] = ()
    # The easy-to-read (lättläst) version of the Swedish article with this key: its own
    # file (<key>.sv-lattlast.md), address (/sv/lattlast/<slug>) and slugs.
    easy_read: bool = False

    @property
    def last_changed_at(self) -> datetime:
        """When this version last changed: the update time, or else the publication time."""
        return self.updated_at or self.published_at


@dataclass(frozen=True)
class Video:
    """A video an article carries: self-hosted, with captions in the article's language and
    a transcript (WCAG 1.2.2, 1.2.3), a poster image, and whether it is in sign language."""

    src: str  # file in the build's media folder (content/media/)
    captions: str  # WebVTT file in the media folder
    poster: str  # image in the media folder (content/images/)
    transcript_html: str
    title: str | None = None
    sign_language: bool = False  # Swedish Sign Language (lang="swl")
    width: int | None = None  # the poster's size: the player's space is kept before it loads
    height: int | None = None

    @property
    def files(self) -> tuple[str, ...]:
        """Every file of the media folder it needs published."""
        return (self.src, self.captions, self.poster)


EASY_READ = "lattlast"  # lättläst: easy-to-read Swedish
EASY_READ_LANGUAGE = "sv"  # the language that has easy-to-read versions: <key>.sv-lattlast.md


EASY_READ_EDITION = f"{EASY_READ_LANGUAGE}-{EASY_READ}"  # "sv-lattlast"


def edition(article) -> str:
    """The namespace of an article version's key and slugs: its language ("sv"), or for
    the easy-to-read version "sv-lattlast" (an Article or a cache's summary of one)."""
    return EASY_READ_EDITION if article.easy_read else article.lang


def version_id(article) -> str:
    """"<edition>:<slug>": one article version, in the index, the registry and the pages."""
    return f"{edition(article)}:{article.slug}"


@dataclass(frozen=True)
class Page:
    """A fixed page such as the accessibility statement, in one language."""

    id: str
    lang: str
    title: str
    lead: str
    updated_at: datetime | None
    body_html: str


@dataclass(frozen=True)
class Site:
    """The authority that publishes the site (content/site.yaml)."""

    name: dict[str, str]
    short_name: dict[str, str]
    logo: str | None
    brand_colour: str
    timezone: str
    base_url: str
    visiting_address: dict[str, str]
    postal_address: str
    phone: str | None
    email: str | None
    organisation_number: str
    social: tuple[dict[str, str], ...]
    accessibility: dict[str, str]
    # News older than this many years is shown with "this is older news" (None: never).
    historic_after_years: int | None = None


@dataclass(frozen=True)
class BestBet:
    """Articles (by key) pinned to the top when a reader searches for one of `queries`."""

    queries: dict[str, tuple[str, ...]]  # per language, normalised to lower case
    keys: tuple[str, ...]


@dataclass(frozen=True)
class SearchSettings:
    """What staff tune in content/search.yaml: synonyms per language and best bets."""

    synonyms: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    best_bets: tuple[BestBet, ...] = ()


SEVERITIES = ("danger", "warning", "info")  # an alert's severity, most severe first


@dataclass(frozen=True)
class Alert:
    """A site-wide message (content/alerts/<id>.yaml), shown on every page between its
    times: a fire ban, a crisis, a disruption of service."""

    id: str
    severity: str  # one of SEVERITIES
    title: dict[str, str]  # per language
    text: dict[str, str]  # per language, plain text
    link: str | None = None  # https://... or a path on this site such as /sv/news/<slug>
    link_text: dict[str, str] = field(default_factory=dict)  # per language, when link is set
    starts_at: datetime | None = None  # UTC; None: from the build on
    ends_at: datetime | None = None  # UTC; None: until the file is removed


class ArticleSummary(Protocol):
    """What every version in Content.articles answers without being read whole: an Article
    does, and so does the article cache's summary of an unchanged one (CachedArticle, whose
    fields these are)."""

    key: str
    lang: str
    slug: str
    published_at: datetime
    old_slugs: tuple[str, ...]
    source: str
    fingerprint: str
    draft: bool  # a build lists what is public without reading every article
    image: Image | None  # a build publishes only the images that articles show
    videos: tuple[Video, ...]  # and only the videos, captions and posters
    easy_read: bool  # keys and slugs are claimed per edition


@dataclass(frozen=True)
class Content:
    """Everything the loader read, validated."""

    site: Site
    topics: dict[str, Topic]
    partners: dict[str, Partner]
    # Each a whole Article, or an unchanged one's summary (the article cache's CachedArticle):
    # its other fields are read with full_article (webapp/content/cache.py).
    articles: list[ArticleSummary]
    pages: list[Page]
    images: dict[str, str] = field(default_factory=dict)  # name -> absolute source path
    media: dict[str, str] = field(default_factory=dict)  # videos and captions published, the same way
    search: SearchSettings = field(default_factory=SearchSettings)
    alerts: tuple[Alert, ...] = ()
    # Problems in files that did not stop the build: each such file was left out, or its
    # last good version was kept. The publishing report lists them.
    problems: tuple[Problem, ...] = ()
    # Advice on files that are published as they are (lättläst: long sentences).
    advice: tuple[Problem, ...] = ()
