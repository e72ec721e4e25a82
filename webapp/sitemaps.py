"""Sitemaps, written once per build so that no request lists every article.

A build's `sitemaps/` folder holds, in the sitemaps protocol (sitemaps.org/protocol.html):

- `sitemap.xml`, the index: every file below, and `/sitemap-recent.xml`;
- `sitemap-pages.xml`: the topic and partner pages and their indexes, in every language;
- `sitemap-articles-<year>.xml` (then `-<year>-2.xml`, ... past 50,000 URLs or 50 MB): the
  article versions listed when the build was written, by year of publication (UTC), each
  with its last change and, when the article has other listed language versions, all of
  them as hreflang alternates.

What a build shows changes by itself when a scheduled article's minute comes; the
`/sitemap-recent.xml` the app makes per request (`recent_sitemap`) lists the front pages
and the articles published since the build, so they need no rebuild to be found. Files
listing a site's pages must lie at its root, so the app serves all of them at /sitemap*.xml.

A rebuild writes only the years whose entries changed and hard-links the others from the
live build, and the watcher's quick build links them all (the tidy build that follows
within a second writes them anew; until then the recent sitemap starts from when they were
written, `sitemap-listed-at.txt`). Whether a version is withdrawn and when it last changed
are not in the article cache's summary, so the build keeps them by article fingerprint,
with each year's entries (`sitemap-manifest.pickle`), and reads from the cache only
articles it has not seen. The addresses mirror the app's routes (webapp/views/news.py,
webapp/views/feeds.py); tests/web/test_sitemaps_media_feeds.py compares them with url_for.
"""

from __future__ import annotations

import html
import os
import pickle
import re
import shutil
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache, partial
from pathlib import Path
from urllib.parse import quote

from webapp.content.cache import CachedArticle, full_article
from webapp.content.model import Article, Content
from webapp.i18n import LANGUAGES
from webapp.live import Build
from webapp.parallel import in_parallel
from webapp.search import ArticleQuery

INDEX_NAME = "sitemap.xml"
PAGES_NAME = "sitemap-pages.xml"
RECENT_NAME = "sitemap-recent.xml"
MANIFEST_FILE = "sitemap-manifest.pickle"
# When the files were written, which is what they list; the recent sitemap starts there.
LISTED_AT_FILE = "sitemap-listed-at.txt"
# Everything a build's sitemaps/ may hold, and so everything the app serves from it.
FILE_NAME = re.compile(r"^sitemap(-pages|-articles-[0-9]{4}(-[1-9][0-9]{0,4})?)?\.xml$")
# The protocol's limits for one file.
MAX_URLS = 50_000
MAX_BYTES = 50 * 1024 * 1024
# Changed with the files' shape, so a rebuild does not link a year written the old way.
FORMAT = 1
BUILD_ID_FORMAT = "%Y%m%dT%H%M%S%fZ"

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
URLSET_START = (
    XML_DECLARATION + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    ' xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)
URLSET_END = "</urlset>\n"
INDEX_START = XML_DECLARATION + '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
INDEX_END = "</sitemapindex>\n"

# What the build remembers of an article, by fingerprint: (last change, withdrawn).
Fact = tuple[float, bool]


# The app's addresses -----------------------------------------------------------------------


def front_page_path(lang: str) -> str:
    return f"/{lang}/"


def article_path(lang: str, slug: str) -> str:
    return f"/{lang}/news/{quote(slug, safe='')}"


def topics_path(lang: str) -> str:
    return f"/{lang}/topics/"


def topic_path(lang: str, topic_id: str) -> str:
    return f"/{lang}/topics/{quote(topic_id, safe='')}"


def partners_path(lang: str) -> str:
    return f"/{lang}/partners/"


def partner_path(lang: str, partner_id: str) -> str:
    return f"/{lang}/partners/{quote(partner_id, safe='')}"


def file_path(name: str) -> str:
    """The address of a sitemap file (`INDEX_NAME`, `RECENT_NAME` or a build's file)."""
    return f"/{name}"


def listed_at(build: Build) -> datetime:
    """The moment (UTC) whose listed articles the build's sitemap files list: when they
    were written, which is when the build was, unless the watcher's quick build carried
    them over from the one before."""
    return _listed_at(str(build.path), build.build_id)


@lru_cache(maxsize=8)
def _listed_at(path: str, build_id: str) -> datetime:
    try:
        written = (Path(path) / LISTED_AT_FILE).read_text().strip()
    except OSError:
        written = build_id
    return datetime.strptime(written, BUILD_ID_FORMAT).replace(tzinfo=UTC)


# XML ---------------------------------------------------------------------------------------


def _w3c(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def url_entry(
    base_url: str, path: str, lastmod: float | None = None, alternates: Sequence[tuple[str, str]] = ()
) -> str:
    """One <url>: the address, its last change (seconds since 1970) and its language
    versions, itself included, as (lang, path) hreflang alternates."""
    parts = [f"  <url>\n    <loc>{html.escape(base_url + path)}</loc>\n"]
    if lastmod is not None:
        parts.append(f"    <lastmod>{_w3c(lastmod)}</lastmod>\n")
    for lang, other in alternates:
        href = html.escape(base_url + other)
        parts.append(f'    <xhtml:link rel="alternate" hreflang="{lang}" href="{href}"/>\n')
    parts.append("  </url>\n")
    return "".join(parts)


class _UrlsetFiles:
    """<url> entries written as they come into files of at most `max_urls` entries and
    `max_bytes` bytes: <stem>.xml, <stem>-2.xml, ..., so memory does not grow with them."""

    def __init__(self, directory: Path, stem: str, max_urls: int, max_bytes: int):
        self.directory, self.stem, self.max_urls, self.max_bytes = directory, stem, max_urls, max_bytes
        self.files: list[tuple[str, float | None]] = []  # (name, newest lastmod)
        self._out = None
        self._count = self._size = 0

    def add(self, entry: str, lastmod: float | None = None) -> None:
        data = entry.encode("utf-8")
        full = self._size + len(data) + len(URLSET_END) > self.max_bytes
        if self._out is None or self._count == self.max_urls or full:
            self._start()
            if self._size + len(data) + len(URLSET_END) > self.max_bytes:
                raise ValueError(f"one sitemap entry is larger than {self.max_bytes} bytes")
        self._out.write(data)
        self._count += 1
        self._size += len(data)
        name, newest = self.files[-1]
        if lastmod is not None and (newest is None or lastmod > newest):
            self.files[-1] = (name, lastmod)

    def _start(self) -> None:
        self._end()
        number = len(self.files) + 1
        name = f"{self.stem}.xml" if number == 1 else f"{self.stem}-{number}.xml"
        self._out = open(self.directory / name, "wb")  # noqa: SIM115 (closed by _end)
        self._out.write(URLSET_START.encode())
        self._count, self._size = 0, len(URLSET_START)
        self.files.append((name, None))

    def _end(self) -> None:
        if self._out is not None:
            self._out.write(URLSET_END.encode())
            self._out.close()
            self._out = None

    def close(self) -> list[tuple[str, float | None]]:
        """Finish the last file; return (name, newest lastmod) of every file written."""
        self._end()
        return self.files


# Writing a build's sitemaps ----------------------------------------------------------------


def write_sitemaps(
    build_dir: Path,
    content: Content,
    written_at: datetime,
    previous: Path | None = None,
    *,
    carry: bool = False,
    max_urls: int = MAX_URLS,
    max_bytes: int = MAX_BYTES,
    last: dict | None = None,
) -> list[str]:
    """Write the sitemaps of the build in `build_dir` (written at `written_at`, UTC) into
    its sitemaps/ folder; return the files' names, the index last.

    `previous` is the live build: years whose entries are the same are linked from it, and
    what it knew about unchanged articles is not read again. With `carry` (the watcher's
    quick build, which a tidy build follows within a second) all of its files are linked
    as they are: they list what was listed when they were written, and the recent sitemap
    starts from then.

    A writer of build after build (`flask build --watch`) passes `last`, a dict it keeps:
    the manifest written is kept in it for the next build, which then does not read it back.
    """
    directory = build_dir / "sitemaps"
    directory.mkdir()
    before = _manifest(previous, last)
    if carry and before and _link(previous, directory, before["files"]):
        manifest = before
        try:
            os.link(Path(previous) / MANIFEST_FILE, build_dir / MANIFEST_FILE)
        except OSError:
            (build_dir / MANIFEST_FILE).write_bytes(pickle.dumps(manifest, protocol=pickle.HIGHEST_PROTOCOL))
    else:
        manifest = _write_files(directory, content, written_at, before, previous, max_urls, max_bytes)
        manifest["listed_at"] = written_at.strftime(BUILD_ID_FORMAT)
        (build_dir / MANIFEST_FILE).write_bytes(pickle.dumps(manifest, protocol=pickle.HIGHEST_PROTOCOL))
    (build_dir / LISTED_AT_FILE).write_text(manifest["listed_at"])
    if last is not None:
        last.clear()
        last[written_at.strftime(BUILD_ID_FORMAT)] = manifest
    return manifest["files"]


def _write_files(
    directory: Path,
    content: Content,
    at: datetime,
    before: dict,
    previous: Path | None,
    max_urls: int,
    max_bytes: int,
) -> dict:
    """Write every file (linking unchanged years from `previous`); return the manifest."""
    base = content.site.base_url
    versions, facts = _listed_versions(content.articles, at, before.get("facts", {}))
    if before.get("shape") != (base, max_urls, max_bytes):
        before = {"facts": before.get("facts", {})}  # no file of it can be linked
    with open(directory / PAGES_NAME, "w", encoding="utf-8") as out:
        out.write(URLSET_START)
        for entry in _list_page_entries(content):
            out.write(entry)
        out.write(URLSET_END)
    years = _write_years(directory, versions, base, before.get("years", {}), previous, max_urls, max_bytes)
    written = [file for year in sorted(years, reverse=True) for file in years[year][1]]
    with open(directory / INDEX_NAME, "w", encoding="utf-8") as out:
        out.write(INDEX_START)
        for name, lastmod in [(PAGES_NAME, None), *written, (RECENT_NAME, None)]:
            out.write(f"  <sitemap>\n    <loc>{html.escape(base + file_path(name))}</loc>\n")
            if lastmod is not None:
                out.write(f"    <lastmod>{_w3c(lastmod)}</lastmod>\n")
            out.write("  </sitemap>\n")
        out.write(INDEX_END)
    files = [PAGES_NAME, *(name for name, _ in written), INDEX_NAME]
    return {
        "format": FORMAT,
        "shape": (base, max_urls, max_bytes),
        "facts": facts,
        "years": years,
        "files": files,
    }


def _manifest(previous: Path | None, last: dict | None) -> dict:
    """What the build in `previous` wrote (from `last` if this writer wrote it)."""
    if previous is None:
        return {}
    name = Path(previous).resolve().name
    if last and name in last:
        return last[name]
    try:
        manifest = pickle.loads((Path(previous) / MANIFEST_FILE).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return {}
    return manifest if manifest.get("format") == FORMAT else {}


# Whether the article cache's summary of an unchanged article says when it last changed
# and whether it is withdrawn; if not, such an article is read from its pack once (27 µs).
FACTS_IN_SUMMARY = {"updated_at", "withdrawn"} <= set(CachedArticle.SUMMARY)


def _needs_reading(article: Article | CachedArticle) -> bool:
    return isinstance(article, CachedArticle) and not FACTS_IN_SUMMARY


def _fact(article: Article | CachedArticle) -> Fact:
    """When the version last changed and whether it is withdrawn (reading a cached article
    from its pack if need be, without keeping it in memory)."""
    whole = full_article(article, keep=False) if _needs_reading(article) else article
    return (whole.updated_at or whole.published_at).timestamp(), whole.withdrawn is not None


def _listed_versions(articles: list, at: datetime, known: dict[str, Fact]) -> tuple[list, dict[str, Fact]]:
    """The versions listed at `at` as (year of publication, key, lang, slug, last change),
    and the facts about them by fingerprint.

    Listed means what SearchBackend lists: not a draft, not withdrawn, and published by
    `at` (tests/unit/test_sitemaps.py compares the two).
    """
    # Easy-to-read versions have an address of their own, not yet in the sitemaps.
    candidates = [
        article
        for article in articles
        if not article.draft and not article.easy_read and article.published_at <= at
    ]
    found = [known.get(article.fingerprint) if article.fingerprint else None for article in candidates]
    unknown = []
    for number, (article, fact) in enumerate(zip(candidates, found, strict=True)):
        if fact is None and _needs_reading(article):
            unknown.append(number)
        elif fact is None:
            found[number] = _fact(article)
    # Articles read from the cache are read on every core if there are many (a first build).
    for number, fact in zip(
        unknown, in_parallel(lambda number: _fact(candidates[number]), unknown), strict=True
    ):
        found[number] = fact
    facts = {article.fingerprint: fact for article, fact in zip(candidates, found, strict=True)}
    facts.pop("", None)
    versions = [
        (article.published_at.year, article.key, article.lang, article.slug, fact[0])
        for article, fact in zip(candidates, found, strict=True)
        if not fact[1]
    ]
    return versions, facts


def _write_years(
    directory: Path,
    versions: list,
    base: str,
    before: dict,
    previous: Path | None,
    max_urls: int,
    max_bytes: int,
) -> dict[int, tuple[list, list[tuple[str, float | None]]]]:
    """Write (or link from `previous`, if the same) one group of files per year of
    publication; return year -> (its entries, [(file name, newest last change)])."""
    by_key: dict[str, list] = {}
    for version in versions:
        by_key.setdefault(version[1], []).append(version)
    by_year: dict[int, list] = {}
    for key, group in by_key.items():
        # Each version's alternates: every listed version of its article, if it has several.
        alternates = tuple(sorted((lang, slug) for _, _, lang, slug, _ in group)) if len(group) > 1 else ()
        for year, _, lang, slug, lastmod in group:
            by_year.setdefault(year, []).append((key, lang, slug, lastmod, alternates))
    written = {}
    for year, entries in by_year.items():
        entries.sort()  # by article, so that an article's versions stand together
        old = before.get(year)
        if old is not None and old[0] == entries and _link(previous, directory, [n for n, _ in old[1]]):
            written[year] = old
            continue
        files = _UrlsetFiles(directory, f"sitemap-articles-{year}", max_urls, max_bytes)
        for _, lang, slug, lastmod, others in entries:
            paths = [(other, article_path(other, other_slug)) for other, other_slug in others]
            files.add(url_entry(base, article_path(lang, slug), lastmod, paths), lastmod)
        written[year] = (entries, files.close())
    return written


def _link(previous: Path | None, directory: Path, names: list[str]) -> bool:
    """Hard-link (or else copy) the files `names` from the previous build; False if one is
    missing. Builds are never changed once written, so sharing a file between two is safe."""
    if previous is None:
        return False
    for name in names:
        source, target = Path(previous) / "sitemaps" / name, directory / name
        try:
            os.link(source, target)
        except OSError:
            try:
                shutil.copy2(source, target)
            except OSError:
                return False
    return True


def _list_page_entries(content: Content):
    """The topic and partner pages and their indexes, each with its language versions."""
    paths = [topics_path, partners_path]
    paths += [partial(topic_path, topic_id=topic) for topic in sorted(content.topics)]
    paths += [partial(partner_path, partner_id=partner) for partner in sorted(content.partners)]
    for path in paths:
        versions = [(lang, path(lang)) for lang in LANGUAGES]
        for _, own in versions:
            yield url_entry(content.site.base_url, own, None, versions)


# The recent sitemap, per request -----------------------------------------------------------


def recent_sitemap(build: Build, at: datetime, limit: int = MAX_URLS - len(LANGUAGES)) -> str:
    """The front pages (last changed when their newest article was published) and, newest
    first, up to `limit` articles listed at `at` but published after the build was written:
    what the build's files cannot list."""
    written = listed_at(build)
    base = build.site.base_url
    fronts = [(lang, front_page_path(lang)) for lang in LANGUAGES]
    recent: list[Article] = []
    parts = [URLSET_START]
    for lang, path in fronts:
        newest = _published_since(build, lang, written, at, limit, recent)
        parts.append(url_entry(base, path, newest, fronts))
    recent.sort(key=lambda article: article.published_at, reverse=True)
    for article in recent[:limit]:
        versions = build.search.versions(article.key, at)
        listed = sorted((lang, v.slug) for lang, v in versions.items() if v.withdrawn is None)
        others = [(lang, article_path(lang, slug)) for lang, slug in listed] if len(listed) > 1 else []
        path = article_path(article.lang, article.slug)
        parts.append(url_entry(base, path, article.last_changed_at.timestamp(), others))
    parts.append(URLSET_END)
    return "".join(parts)


def _published_since(
    build: Build, lang: str, written: datetime, at: datetime, limit: int, into: list[Article]
) -> float | None:
    """Add to `into` the articles in `lang` listed at `at` and published after `written`
    (newest first, at most `limit`); return when the newest listed one was published."""
    newest = None
    page = 1
    while True:
        query = ArticleQuery(lang=lang, sort="newest", page=page, page_size=100, now=at)
        results = build.search.list_articles(query)
        if page == 1 and results.articles:
            newest = results.articles[0].published_at.timestamp()
        fresh = [article for article in results.articles if article.published_at > written]
        into.extend(fresh)
        if len(fresh) < len(results.articles) or page >= results.page_count or len(into) >= limit:
            return newest
        page += 1
