"""Read content/ into validated model objects, or raise ContentError naming every problem.

The loader is the only code that parses content files. It collects all problems it finds
rather than stopping at the first, so a communicator can fix a batch in one go.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import frontmatter
import imagesize
import yaml
from frontmatter.default_handlers import YAMLHandler

from webapp.content.cache import ArticleCache, CachedArticle, Stamp, context_key
from webapp.content.markdown import MarkdownProblem, render_markdown
from webapp.content.model import (
    Article,
    BestBet,
    ChangeNote,
    Contact,
    Content,
    ContentError,
    FactBox,
    Image,
    Page,
    Partner,
    Problem,
    SearchSettings,
    Site,
    Topic,
)
from webapp.parallel import PARALLEL_FROM, in_parallel

LANGUAGES = ("sv", "en")
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ARTICLE_FILE = re.compile(r"^(?P<key>.+)\.(?P<lang>[a-z]{2})\.md$")
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class _FileReader:
    """Reads fields of one file, recording problems instead of raising at the first."""

    def __init__(self, path: Path, root: Path, problems: list[Problem]):
        self.path = path
        within, full = os.path.join(root.parent, ""), os.fspath(path)  # strings: pathlib was slow
        self.name = full[len(within) :] if full.startswith(within) else full
        self.problems = problems

    def problem(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.name, field, message))

    def text(self, data: dict, field: str, *, required: bool = True) -> str | None:
        value = data.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(field, "is missing; it is required")
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.problem(field, f"must be text, not {type(value).__name__}")
            return None
        return str(value).strip()

    def localized(self, data: dict, field: str, *, required: bool = True) -> dict[str, str]:
        value = data.get(field)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            self.problem(field, "needs one text per language: 'sv:' and 'en:' on lines below it")
            return {lang: "" for lang in LANGUAGES}
        result = {}
        for lang in LANGUAGES:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.problem(f"{field}.{lang}", "is missing; write the text in this language")
                text = ""
            result[lang] = text.strip()
        return result

    def id_list(self, data: dict, field: str, known: dict, kind: str, *, required: bool) -> tuple:
        value = data.get(field)
        if value is None or value == []:
            if required:
                self.problem(field, f"is missing; give at least one {kind} id")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.problem(field, f"must be a list of {kind} ids, such as [klimat-energi]")
            return ()
        ids = []
        for item in value:
            if str(item) not in known:
                choices = ", ".join(sorted(known)) or "none exist yet"
                self.problem(field, f"unknown {kind} '{item}' (known: {choices})")
            elif str(item) not in ids:
                ids.append(str(item))
        return tuple(ids)

    def moment(self, data: dict, field: str, zone: ZoneInfo, *, required: bool) -> datetime | None:
        """A date-time written in the site's time zone, returned in UTC."""
        value = data.get(field)
        if value is None:
            if required:
                self.problem(field, "is missing; write it as YYYY-MM-DD HH:MM")
            return None
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, date):
            moment = datetime(value.year, value.month, value.day)
        else:
            try:
                moment = datetime.fromisoformat(str(value).strip())
            except ValueError:
                self.problem(field, f"'{value}' is not a date; write it as YYYY-MM-DD HH:MM")
                return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(UTC)

    def url(self, data: dict, field: str) -> str | None:
        value = self.text(data, field, required=False)
        if value and urlsplit(value).scheme not in ("http", "https"):
            self.problem(field, f"'{value}' must be a web address starting with https://")
            return None
        return value


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours (1 to 21)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


class _TextDatesLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML that leaves dates as text, so a bad date is reported with its field name.

    libyaml's parser (CSafeLoader) when PyYAML has it: reading front matter in pure Python
    was 40 % of loading a large archive."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _FrontMatterHandler(YAMLHandler):
    def load(self, fm: str, **kwargs) -> dict:
        return yaml.load(fm, Loader=_TextDatesLoader)  # noqa: S506 - a SafeLoader subclass


def _read_yaml(reader: _FileReader) -> dict:
    try:
        data = yaml.load(reader.path.read_text(encoding="utf-8"), Loader=_TextDatesLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        reader.problem("", f"cannot be read as YAML: {error}")
        return {}
    if not isinstance(data, dict):
        reader.problem("", "must contain fields such as 'name:'; it is empty or not a YAML map")
        return {}
    return data


def _read_front_matter(reader: _FileReader) -> tuple[dict, str]:
    try:
        post = frontmatter.loads(reader.path.read_text(encoding="utf-8"), handler=_FrontMatterHandler())
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as error:
        reader.problem("front matter", f"cannot be read as YAML: {error}")
        return {}, ""
    if not post.metadata:
        reader.problem("front matter", "is missing: start the file with a '---' line, the fields, and '---'")
    return dict(post.metadata), post.content


def _load_site(root: Path, problems: list[Problem]) -> Site:
    reader = _FileReader(root / "site.yaml", root, problems)
    data = _read_yaml(reader) if reader.path.exists() else {}
    if not reader.path.exists():
        reader.problem("", "is missing: the site needs a site.yaml describing the authority")
    zone_name = reader.text(data, "timezone", required=False) or "Europe/Stockholm"
    try:
        ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        reader.problem("timezone", f"unknown time zone '{zone_name}' (use e.g. Europe/Stockholm)")
        zone_name = "Europe/Stockholm"
    colour = reader.text(data, "brand_colour", required=False) or "#1b3a5c"
    if not HEX_COLOUR.match(colour):
        reader.problem("brand_colour", f"'{colour}' must be a colour like \"#1b3a5c\"")
        colour = "#1b3a5c"
    elif contrast_ratio(colour, "#ffffff") < 7:
        reader.problem(
            "brand_colour",
            f"'{colour}' gives white text a contrast of only {contrast_ratio(colour, '#ffffff'):.1f}:1; "
            "choose a darker colour (at least 7:1)",
        )
    social = data.get("social") or []
    if not isinstance(social, list) or not all(
        isinstance(s, dict) and "name" in s and "url" in s for s in social
    ):
        reader.problem("social", "must be a list of entries with 'name:' and 'url:'")
        social = []
    base_url = reader.url(data, "base_url") or "http://localhost"
    return Site(
        name=reader.localized(data, "name"),
        short_name=reader.localized(data, "short_name", required=False) or reader.localized(data, "name"),
        logo=reader.text(data, "logo", required=False),
        brand_colour=colour,
        timezone=zone_name,
        base_url=base_url.rstrip("/"),
        visiting_address=reader.localized(data, "visiting_address", required=False),
        postal_address=reader.text(data, "postal_address", required=False) or "",
        phone=reader.text(data, "phone", required=False),
        email=reader.text(data, "email", required=False),
        organisation_number=reader.text(data, "organisation_number", required=False) or "",
        social=tuple({"name": str(s["name"]), "url": str(s["url"])} for s in social),
        accessibility=dict(data.get("accessibility") or {}),
    )


def _load_topics(root: Path, problems: list[Problem]) -> dict[str, Topic]:
    topics = {}
    for path in sorted((root / "topics").glob("*.yaml")):
        reader = _FileReader(path, root, problems)
        if not ID_PATTERN.match(path.stem):
            reader.problem("", "the file name may contain only a-z, 0-9 and hyphens")
            continue
        data = _read_yaml(reader)
        topics[path.stem] = Topic(
            id=path.stem,
            name=reader.localized(data, "name"),
            description=reader.localized(data, "description", required=False),
        )
    return topics


def _load_partners(root: Path, problems: list[Problem]) -> dict[str, Partner]:
    partners = {}
    for path in sorted((root / "partners").glob("*.yaml")):
        reader = _FileReader(path, root, problems)
        if not ID_PATTERN.match(path.stem):
            reader.problem("", "the file name may contain only a-z, 0-9 and hyphens")
            continue
        data = _read_yaml(reader)
        partners[path.stem] = Partner(
            id=path.stem,
            name=reader.localized(data, "name"),
            description=reader.localized(data, "description", required=False),
            website=reader.url(data, "website"),
        )
    return partners


class _Renderer:
    """Renders Markdown for one language, turning its problems into content problems."""

    def __init__(self, site: Site, labels: Callable[[str], str]):
        self.site_host = urlsplit(site.base_url).hostname or ""
        self.labels = {lang: labels(lang) for lang in LANGUAGES}  # each loads a catalogue

    def __call__(self, reader: _FileReader, field: str, source: str, lang: str) -> tuple[str, str]:
        try:
            return render_markdown(source, site_host=self.site_host, external_label=self.labels[lang])
        except MarkdownProblem as problem:
            reader.problem(field, str(problem))
            return "", ""


def _load_image(reader: _FileReader, data: dict, images: dict[str, str]) -> Image | None:
    value = data.get("image")
    if value is None:
        return None
    if not isinstance(value, dict):
        reader.problem("image", "needs 'src:' and 'alt:' on lines below it")
        return None
    src = reader.text(value, "src")
    if "alt" not in value or value["alt"] is None:
        reader.problem("image.alt", 'is missing: describe the image, or write alt: "" if it is decoration')
    if src and src not in images:
        reader.problem("image.src", f"no image '{src}' in content/images/")
        return None
    caption = value.get("caption")
    width, height = imagesize.get(images[src]) if src else (-1, -1)
    return Image(
        src=src or "",
        alt=str(value.get("alt") or "").strip(),
        caption=str(caption).strip() if caption else None,
        width=round(width) if width > 0 else None,
        height=round(height) if height > 0 else None,
    )


def _load_fact_boxes(reader, data, lang, partners, render) -> tuple[FactBox, ...]:
    boxes = []
    for number, item in enumerate(data.get("fact_boxes") or [], start=1):
        field = f"fact_boxes[{number}]"
        if not isinstance(item, dict):
            reader.problem(field, "must be '- partner: <id>' or have 'title:' and 'body:'")
        elif "partner" in item:
            if item["partner"] not in partners:
                reader.problem(f"{field}.partner", f"unknown partner '{item['partner']}'")
            else:
                boxes.append(FactBox(partner=str(item["partner"])))
        else:
            title = reader.text(item, "title")
            body = reader.text(item, "body") or ""
            body_html, _ = render(reader, f"{field}.body", body, lang)
            boxes.append(FactBox(title=title, body_html=body_html))
    return tuple(boxes)


def _load_contacts(reader: _FileReader, data: dict) -> tuple[Contact, ...]:
    contacts = []
    for item in data.get("contacts") or []:
        if not isinstance(item, dict) or not item.get("name"):
            reader.problem("contacts", "each contact needs at least 'name:'")
            continue
        contacts.append(
            Contact(
                name=str(item["name"]).strip(),
                role=str(item["role"]).strip() if item.get("role") else None,
                phone=str(item["phone"]).strip() if item.get("phone") else None,
                email=str(item["email"]).strip() if item.get("email") else None,
            )
        )
    return tuple(contacts)


def _load_changes(reader: _FileReader, data: dict, zone: ZoneInfo) -> tuple[ChangeNote, ...]:
    notes = []
    for item in data.get("changes") or []:
        if not isinstance(item, dict):
            reader.problem("changes", "each change needs 'date:' and 'note:'")
            continue
        changed_at = reader.moment(item, "date", zone, required=True)
        note = reader.text(item, "note")
        if changed_at and note:
            notes.append(ChangeNote(changed_at=changed_at, note=note))
    return tuple(sorted(notes, key=lambda n: n.changed_at, reverse=True))


def _load_article(path, root, problems, content_parts, render, fingerprint: str = "") -> Article | None:
    site, topics, partners, images = content_parts
    reader = _FileReader(path, root, problems)
    match = ARTICLE_FILE.match(path.name)
    if not match or match["lang"] not in LANGUAGES or not ID_PATTERN.match(match["key"]):
        reader.problem("", "the file name must be <key>.sv.md or <key>.en.md, key in a-z, 0-9 and hyphens")
        return None
    key, lang = match["key"], match["lang"]
    data, body = _read_front_matter(reader)
    if not data:
        return None
    zone = ZoneInfo(site.timezone)
    slug = reader.text(data, "slug", required=False) or key
    if not ID_PATTERN.match(slug):
        reader.problem("slug", f"'{slug}' may contain only a-z, 0-9 and hyphens")
    published_at = reader.moment(data, "published", zone, required=True)
    updated_at = reader.moment(data, "updated", zone, required=False)
    if published_at and updated_at and updated_at < published_at:
        reader.problem("updated", "is earlier than 'published'")
    changes = _load_changes(reader, data, zone)
    if changes and published_at and changes[0].changed_at < published_at:
        reader.problem("changes", "a change is dated before 'published'")
    if changes and (updated_at is None or changes[0].changed_at > updated_at):
        updated_at = changes[0].changed_at  # "last updated" always matches the latest note
    old_slugs = tuple(str(old) for old in (data.get("old_slugs") or []))
    for old in old_slugs:
        if not ID_PATTERN.match(old):
            reader.problem("old_slugs", f"'{old}' may contain only a-z, 0-9 and hyphens")
    body_html, body_text = render(reader, "body", body, lang)
    if not body.strip():
        reader.problem("body", "the article has no text below the front matter")
    article = Article(
        key=key,
        lang=lang,
        slug=slug,
        title=reader.text(data, "title") or "",
        lead=reader.text(data, "lead") or "",
        published_at=published_at or datetime.now(UTC),
        updated_at=updated_at if updated_at != published_at else None,
        topics=reader.id_list(data, "topics", topics, "topic", required=True),
        partners=reader.id_list(data, "partners", partners, "partner", required=False),
        body_html=body_html,
        body_text=body_text,
        image=_load_image(reader, data, images),
        fact_boxes=_load_fact_boxes(reader, data, lang, partners, render),
        contacts=_load_contacts(reader, data),
        changes=changes,
        old_slugs=old_slugs,
        source=reader.name,
        fingerprint=fingerprint,
    )
    return article


def _load_pages(root, problems, site, render) -> list[Page]:
    pages = []
    zone = ZoneInfo(site.timezone)
    for path in sorted((root / "pages").glob("*.md")):
        reader = _FileReader(path, root, problems)
        match = ARTICLE_FILE.match(path.name)
        if not match or match["lang"] not in LANGUAGES:
            reader.problem("", "the file name must be <page-id>.sv.md or <page-id>.en.md")
            continue
        data, body = _read_front_matter(reader)
        body_html, _ = render(reader, "body", body, match["lang"])
        pages.append(
            Page(
                id=match["key"],
                lang=match["lang"],
                title=reader.text(data, "title") or "",
                lead=reader.text(data, "lead", required=False) or "",
                updated_at=reader.moment(data, "updated", zone, required=False),
                body_html=body_html,
            )
        )
    return pages


def _words(value) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return None
    return tuple(" ".join(v.lower().split()) for v in value)


def _load_search_settings(root: Path, problems: list[Problem], keys: set[str]) -> SearchSettings:
    path = root / "search.yaml"
    if not path.exists():
        return SearchSettings()
    reader = _FileReader(path, root, problems)
    data = _read_yaml(reader)
    synonyms: dict[str, tuple[tuple[str, ...], ...]] = {}
    for lang, groups in (data.get("synonyms") or {}).items():
        if lang not in LANGUAGES or not isinstance(groups, list):
            reader.problem(f"synonyms.{lang}", "must be 'sv:' or 'en:' followed by a list of word lists")
            continue
        parsed = [_words(group) for group in groups]
        for number, group in enumerate(parsed, start=1):
            if not group or len(group) < 2:
                reader.problem(f"synonyms.{lang}[{number}]", "needs at least two words, like [eld, brand]")
        synonyms[lang] = tuple(group for group in parsed if group and len(group) > 1)
    bets = []
    for number, item in enumerate(data.get("best_bets") or [], start=1):
        where = f"best_bets[{number}]"
        if not isinstance(item, dict):
            reader.problem(where, "needs 'queries:' and 'articles:'")
            continue
        queries = {}
        for lang, words in (item.get("queries") or {}).items():
            if lang not in LANGUAGES or _words(words) is None:
                reader.problem(f"{where}.queries.{lang}", "must be 'sv:' or 'en:' with a list of searches")
            else:
                queries[lang] = _words(words)
        articles = _words(item.get("articles")) or ()
        for key in articles:
            if key not in keys:
                reader.problem(f"{where}.articles", f"no article with the key '{key}'")
        if not queries or not articles:
            reader.problem(where, "needs 'queries:' (per language) and 'articles:' (article keys)")
        bets.append(BestBet(queries=queries, keys=articles))
    return SearchSettings(synonyms=synonyms, best_bets=tuple(bets))


def _claims(article: Article | CachedArticle) -> Iterator[tuple[tuple[str, str, str], str]]:
    """What an article version must have to itself: (kind, language, value), with the field
    that claims it. Earlier slugs share the slugs' namespace, as both lead to the article."""
    for old in article.old_slugs:
        yield ("slug", article.lang, old), "old_slugs"
    yield ("key", article.lang, article.key), "key"
    yield ("slug", article.lang, article.slug), "slug"


def _claim(owners: dict[tuple[str, str, str], str], article, problems: list[Problem]) -> None:
    """Record what `article` claims in `owners` (claim -> source), naming any clash."""
    for claim, field in _claims(article):
        owner = owners.setdefault(claim, article.source)
        if owner != article.source:
            problems.append(Problem(article.source, field, f"'{claim[2]}' is also used by {owner}"))


def _release(owners: dict[tuple[str, str, str], str], article) -> None:
    for claim, _ in _claims(article):
        if owners.get(claim) == article.source:
            del owners[claim]


def _article_files(folder: Path) -> list[tuple[str, tuple[int, int]]]:
    """Every *.md file under `folder` with its modification time and size, sorted by path."""
    found = []
    pending = [os.fspath(folder)] if folder.is_dir() else []
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir():
                    pending.append(entry.path)
                elif entry.name.endswith(".md") and entry.is_file():
                    stat = entry.stat()
                    found.append((entry.path, (stat.st_mtime_ns, stat.st_size)))
    return sorted(found)


def load_content(
    root: Path,
    external_label: Callable[[str], str] = lambda lang: "",
    cache_dir: Path | None = None,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> Content:
    """Load and validate everything under `root`. Raises ContentError listing every problem.

    `external_label(lang)` gives the hidden text added to links to other websites. With
    `cache_dir`, articles whose files are unchanged since the last load are not parsed
    again (nor read: see CachedArticle). `progress(n, total)` is told of every n files read.
    """
    return ContentLoader(root, external_label, cache_dir).load(progress)


class ContentLoader:
    """Loads content/ (`load`), and then follows changes to it (`apply`): when only article
    files changed, only those are read again, so a build can follow edits as they are saved
    without looking at the other 100,000 files."""

    def __init__(
        self,
        root: Path,
        external_label: Callable[[str], str] = lambda lang: "",
        cache_dir: Path | None = None,
    ):
        self.root = Path(root).resolve()
        self.external_label = external_label
        self.cache_dir = cache_dir
        self._articles_dir = os.path.join(self.root, "articles")
        self._last: Content | None = None  # the last good content, and what made it:
        self._by_file: dict[str, Article | CachedArticle] = {}  # its articles by file path
        self._owners: dict[tuple[str, str, str], str] = {}  # every key and slug -> its source
        self._pending: set[str] = set()  # article files of updates that failed

    def load(self, progress: Callable[[int, int], None] = lambda done, total: None) -> Content:
        """Read all of content/ (unchanged articles from the cache). Raises ContentError."""
        root = self.root
        problems: list[Problem] = []
        if not root.is_dir():
            raise ContentError([Problem(str(root), "", "the content folder does not exist")])
        self._last = None
        site = _load_site(root, problems)
        topics = _load_topics(root, problems)
        partners = _load_partners(root, problems)
        images = {
            str(path.relative_to(root / "images")): str(path)
            for path in sorted((root / "images").rglob("*"))
            if path.is_file()
        }
        render = _Renderer(site, self.external_label)
        labels = [self.external_label(lang) for lang in LANGUAGES]
        cache = ArticleCache(
            self.cache_dir, context_key(site, sorted(topics), sorted(partners), sorted(images), labels)
        )
        context = (site, topics, partners, images)

        def parse(path: str, stamp: Stamp | None = None) -> tuple[Article | None, list[Problem]]:
            found: list[Problem] = []
            fingerprint = cache.fingerprint(path, stamp) if stamp else ""
            return _load_article(Path(path), root, found, context, render, fingerprint), found

        def reparse(path: str) -> Article:  # its pack vanished after the manifest was read
            article, found = parse(path)
            if found or article is None:
                raise ContentError(found)
            return article

        self._parse, self._cache = parse, cache
        files = _article_files(root / "articles")
        articles: list[Article | CachedArticle | None] = [
            cache.get(path, stamp, reparse) for path, stamp in files
        ]
        todo = [number for number, article in enumerate(articles) if article is None]
        progress(len(files) - len(todo), len(files))

        def parse_packed(file: tuple[str, Stamp]) -> tuple[Article | tuple | None, list[Problem]]:
            """parse, in a worker: a good article is appended to the worker's pack, and only
            its summary and place come back. A full build reads it in its own workers."""
            article, found = parse(*file)
            if article and not found and cache.directory:
                return cache.packed(article), found
            return article, found

        parsed = in_parallel(
            parse_packed if len(todo) >= PARALLEL_FROM else lambda file: parse(*file),
            [files[number] for number in todo],
            lambda done: progress(done, len(files)),
        )
        for number, (article, found) in zip(todo, parsed, strict=True):
            problems.extend(found)
            if isinstance(article, tuple):
                article = cache.keep(*files[number], *article, reparse)
            elif article and not found:
                cache.remember(*files[number], article)
            articles[number] = article
        by_file = {path: article for (path, _), article in zip(files, articles, strict=True) if article}
        cache.save(by_file.keys())
        owners: dict[tuple[str, str, str], str] = {}
        for article in by_file.values():
            _claim(owners, article, problems)
        pages = _load_pages(root, problems, site, render)
        search = _load_search_settings(root, problems, {article.key for article in by_file.values()})
        if problems:
            raise ContentError(problems)
        content = Content(
            site=site,
            topics=topics,
            partners=partners,
            articles=list(by_file.values()),
            pages=pages,
            images=images,
            search=search,
        )
        self._last, self._by_file, self._owners, self._pending = content, by_file, owners, set()
        return content

    def apply(self, changed: Iterable[str]) -> Content:
        """The content after the files at the paths `changed` changed, appeared or vanished.

        If they are all article files, only they are read; anything else (site, topics,
        partners, pages, images, search settings, a whole folder of articles) means a `load`.
        Raises ContentError; the loader then keeps the last good content, and reads the
        files of the failed update again with the next one.
        """
        paths = {os.path.abspath(path) for path in changed}
        if self._last is None or any(self._needs_load(path) for path in paths):
            return self.load()
        paths = {path for path in paths if path.endswith(".md")} | self._pending
        self._pending = paths
        by_file, owners, problems = dict(self._by_file), dict(self._owners), []
        for path in paths:
            if path in by_file:
                _release(owners, by_file[path])
        appeared = False
        for path in sorted(paths):
            try:
                stat = os.stat(path)
            except FileNotFoundError:
                by_file.pop(path, None)
                continue
            stamp = (stat.st_mtime_ns, stat.st_size)
            article, found = self._parse(path, stamp)
            problems.extend(found)
            if article and not found:
                self._cache.remember(path, stamp, article)
                _claim(owners, article, problems)
                appeared = appeared or path not in by_file
                by_file[path] = article
            else:
                by_file.pop(path, None)
        if appeared:  # in file order, as `load` gives them
            by_file = dict(sorted(by_file.items()))
        self._cache.save(by_file.keys())
        search = _load_search_settings(self.root, problems, {article.key for article in by_file.values()})
        if problems:
            raise ContentError(problems)
        content = replace(self._last, articles=list(by_file.values()), search=search)
        self._last, self._by_file, self._owners, self._pending = content, by_file, owners, set()
        return content

    def _needs_load(self, path: str) -> bool:
        """Whether a change at `path` may change more than the article file at `path`."""
        if not path.startswith(self._articles_dir + os.sep):
            return True
        if path.endswith(".md"):
            return False
        # A folder of articles came or went; other files there (an editor's) do not count.
        folder = path + os.sep
        return os.path.isdir(path) or any(known.startswith(folder) for known in self._by_file)
