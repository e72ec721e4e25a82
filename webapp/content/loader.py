"""Read content/ into validated model objects, naming every problem with its file and field.

One broken file never blocks the others. An article, page or alert file with a problem is
left out of the build, or its last good version (the last one that loaded without
problems, kept by the article cache) is published instead; its problems go into
Content.problems, and the build goes on. Search settings with a problem fall back to
their last good version too. Only problems in site.yaml, topics/ and partners/ stop the
build (ContentError): every article depends on them; the last good build keeps serving.

The loader is the only code that parses content files (articles.py, yaml_files.py and the
modules they use do the reading). It collects all problems rather than stopping at the
first, so a communicator can fix a batch in one go.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from webapp.content.articles import Context, Renderer, read_article, read_page
from webapp.content.cache import ArticleCache, CachedArticle, LastGood, Stamp, context_key, full_article
from webapp.content.easy_read import advice
from webapp.content.fields import LANGUAGES
from webapp.content.files import find_images, find_media, is_content_name, walk
from webapp.content.model import (
    SEVERITIES,
    Alert,
    Article,
    Content,
    ContentError,
    Page,
    Partner,
    Problem,
    SearchSettings,
    Site,
    Topic,
    edition,
)
from webapp.content.yaml_files import (
    contrast_ratio,
    read_alert,
    read_partner,
    read_search_settings,
    read_site,
    read_topic,
    with_known_articles,
)
from webapp.parallel import PARALLEL_FROM, in_parallel

__all__ = ["KEPT", "LANGUAGES", "LEFT_OUT", "ContentLoader", "contrast_ratio", "load_content"]

# What happens to a file with problems, added to each of its problems for the report.
KEPT = "The last good version stays published until this is fixed."
LEFT_OUT = "The file is not published until this is fixed."
SETTINGS_KEPT = "The last good search settings stay in use until this is fixed."
SETTINGS_LEFT_OUT = "Search works without these settings until this is fixed."

Claim = tuple[str, str, str]  # (kind, language, value): what one article version has to itself
Outcome = tuple[Stamp | None, "Article | CachedArticle | None", list[Problem]]  # stamp, article, problems


def load_content(
    root: Path,
    external_label: Callable[[str], str] = lambda lang: "",
    cache_dir: Path | None = None,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> Content:
    """Load and validate everything under `root`. Files with problems are left out (or
    their last good versions kept) and listed in Content.problems; problems in site.yaml,
    topics or partners raise ContentError.

    `external_label(lang)` gives the hidden text added to links to other websites. With
    `cache_dir`, articles whose files are unchanged since the last load are not parsed
    again (nor read: see CachedArticle). `progress(n, total)` is told of every n files read.
    """
    return ContentLoader(root, external_label, cache_dir).load(progress)


class _ArticleFiles:
    """Reads article files against one context into one cache: what a `load` sets up and
    every `apply` after it reuses, until the next `load`."""

    def __init__(self, root: Path, context: Context, cache: ArticleCache):
        self.context, self.cache = context, cache
        self._within = os.path.join(root.parent, "")  # problems name content/articles/...

    def name(self, path: str) -> str:
        return path[len(self._within) :] if path.startswith(self._within) else path

    def read(self, path: str, stamp: Stamp | None = None) -> tuple[Article | None, list[Problem]]:
        fingerprint = self.cache.fingerprint(path, stamp) if stamp else ""
        return read_article(path, self.name(path), self.context, fingerprint)

    def read_packed(self, file: tuple[str, Stamp]) -> tuple[Article | tuple | None, list[Problem]]:
        """`read`, in a worker: a good article is appended to the worker's pack, and only
        its summary and place come back. A full build reads it in its own workers."""
        article, found = self.read(*file)
        if article and not found and self.cache.directory:
            return self.cache.packed(article), found
        return article, found

    def reparse(self, path: str) -> Article:
        """An unchanged article whose pack vanished after the manifest was read."""
        article, found = self.read(path)
        if found or article is None:
            raise ContentError(found)
        return article

    def still_valid(self, article: Article) -> bool:
        """Whether a last good version, made against an earlier context, names only
        topics, partners and images that still exist."""
        context = self.context
        return (
            all(topic in context.topics for topic in article.topics)
            and all(partner in context.partners for partner in article.partners)
            and (article.image is None or article.image.src in context.images)
            and all(
                video.src in context.media
                and video.captions in context.media
                and video.poster in context.images
                for video in article.videos
            )
            and all(box.partner is None or box.partner in context.partners for box in article.fact_boxes)
        )


def _pack_gone(path: str) -> Article:
    raise LookupError(path)  # a last good version is never read from its (broken) file


@dataclass
class _State:
    """What the last `load` or `apply` published, which the next `apply` starts from."""

    content: Content
    files: _ArticleFiles
    by_file: dict[str, Article | CachedArticle]  # article file -> the version published
    owners: dict[Claim, str]  # every key and slug -> the file that has it
    failing: set[str]  # article files with problems: every apply reads them again
    others: list[Problem]  # problems of files that only a load reads (pages, alerts, images)


class ContentLoader:
    """Loads content/ (`load`), and then follows changes to it (`apply`): when only article
    files changed, only those are read again, so a build can follow edits as they are saved
    without looking at the other 100,000 files."""

    def __init__(
        self,
        root: Path,
        external_label: Callable[[str], str] = lambda lang: "",
        cache_dir: Path | None = None,
        fresh: bool = False,
    ):
        self.root = Path(root).resolve()
        self.external_label = external_label
        self.cache_dir = cache_dir
        self.fresh = fresh  # parse every article again; last good versions are still kept
        self._articles_dir = os.path.join(self.root, "articles")
        self._last_good = LastGood(cache_dir)  # of every file with problems, across loads
        self._state: _State | None = None

    def _name(self, path: str) -> str:
        within = os.path.join(self.root.parent, "")
        return path[len(within) :] if path.startswith(within) else path

    def load(self, progress: Callable[[int, int], None] = lambda done, total: None) -> Content:
        """Read all of content/ (unchanged articles from the cache). Raises ContentError
        for problems in site.yaml, topics or partners; other problems are in the content."""
        if not self.root.is_dir():
            raise ContentError([Problem(str(self.root), "", "the content folder does not exist")])
        previous, self._state = self._state, None
        images, media, image_problems = self._images_and_media()
        site, topics, partners = self._foundation(images)
        files = self._article_files(site, topics, partners, images, media)
        outcomes, unchanged = self._read_articles(files, progress)
        by_file: dict[str, Article | CachedArticle] = {}
        owners: dict[Claim, str] = {}
        # A claim stays with the file that had it: in the last content this loader made,
        # or else (a new process) in the cache, whose articles were published together.
        held = _held_in(previous.owners) if previous else None
        published = previous.by_file if previous else {}
        problems, failing = self._settle(files, outcomes, unchanged, by_file, owners, held, published)
        files.cache.save(outcomes.keys())
        self.fresh = False  # parsed once: what follows (`apply`, a watcher) uses the cache again
        pages, alerts, others = self._pages_and_alerts(files.context)
        content = Content(
            site=site,
            topics=topics,
            partners=partners,
            articles=list(by_file.values()),
            pages=pages,
            images=_published_images(site, by_file.values(), images),
            media=_published_media(by_file.values(), media),
            alerts=alerts,
        )
        return self._finish(content, files, by_file, owners, failing, image_problems + others, problems)

    def apply(self, changed: Iterable[str]) -> Content:
        """The content after the files at the paths `changed` changed, appeared or vanished.

        If they are all article files, only they are read (with the files that had problems
        last time: a clash may be over); anything else (site, topics, partners, pages,
        images, alerts, search settings, a folder of articles) means a `load`. Raises
        ContentError only as `load` does.
        """
        paths = {os.path.abspath(path) for path in changed}
        paths = {path for path in paths if is_content_name(os.path.basename(path))}
        state = self._state
        if state is None or any(self._needs_load(path) for path in paths):
            return self.load()
        reread = {path for path in paths if path.endswith(".md")} | state.failing
        by_file, owners = dict(state.by_file), dict(state.owners)
        for path in reread:
            if path in by_file:
                _release(owners, path, by_file.pop(path))
        outcomes: dict[str, Outcome] = {}
        for path in sorted(reread):
            try:
                info = os.lstat(path)
            except FileNotFoundError:
                continue  # removed: its last good version goes with it
            stamp = (info.st_mtime_ns, info.st_size)
            outcomes[path] = (stamp, *state.files.read(path, stamp))
        problems, failing = self._settle(
            state.files, outcomes, set(), by_file, owners, _held_in(state.owners), state.by_file
        )
        if by_file.keys() - state.by_file.keys():  # in file order, as `load` gives them
            by_file = dict(sorted(by_file.items()))
        present = (state.by_file.keys() - reread) | outcomes.keys()
        state.files.cache.save(present)
        content = replace(
            state.content,
            articles=list(by_file.values()),
            images=_published_images(state.content.site, by_file.values(), state.files.context.images),
            media=_published_media(by_file.values(), state.files.context.media),
        )
        return self._finish(content, state.files, by_file, owners, failing, state.others, problems)

    def _finish(self, content, files, by_file, owners, failing, others, problems) -> Content:
        """The content with its search settings and problems; remembered for `apply`."""
        search, search_problems = self._search_settings({article.key for article in by_file.values()})
        every = sorted([*others, *problems, *search_problems], key=lambda problem: problem.path)
        content = replace(
            content, search=search, problems=tuple(every), advice=tuple(advice(by_file.values()))
        )
        self._last_good.save()
        self._state = _State(content, files, by_file, owners, failing, others)
        return content

    def _needs_load(self, path: str) -> bool:
        """Whether a change at `path` may change more than the article file at `path`."""
        if not path.startswith(self._articles_dir + os.sep):
            return True
        if path.endswith(".md"):
            return False
        # A folder of articles came or went; other files there (an editor's) do not count.
        folder = path + os.sep
        return os.path.isdir(path) or any(known.startswith(folder) for known in self._state.by_file)

    # The parts of a load.

    def _images_and_media(self) -> tuple[dict[str, str], dict[str, str], list[Problem]]:
        """The images (content/images/) and the videos and captions (content/media/), each
        name -> path, and the problems of files that are neither."""
        images, refused = find_images(os.path.join(self.root, "images"))
        media, refused_media = find_media(os.path.join(self.root, "media"))
        for name in sorted(media.keys() & images.keys()):  # both are published in one folder
            refused_media.append(
                (media.pop(name), f"has the name of an image in content/images/ ({name}); rename it")
            )
        problems = [Problem(self._name(path), "", message) for path, message in refused + refused_media]
        return images, media, problems

    def _foundation(self, images: dict[str, str]) -> tuple[Site, dict[str, Topic], dict[str, Partner]]:
        """The site, topics and partners, which every article depends on. Raises ContentError."""
        problems: list[Problem] = []
        path = os.path.join(self.root, "site.yaml")
        if os.path.lexists(path):
            site, found = read_site(path, self._name(path), images)
            problems += found
        else:
            site = None
            problems.append(
                Problem(
                    self._name(path), "", "is missing: the site needs a site.yaml describing the authority"
                )
            )
        topics = self._yaml_folder("topics", read_topic, problems)
        partners = self._yaml_folder("partners", read_partner, problems)
        if problems or site is None:
            raise ContentError(problems)
        return site, topics, partners

    def _yaml_folder(self, folder: str, read: Callable, problems: list[Problem]) -> dict:
        found, refused = walk(os.path.join(self.root, folder), ".yaml", recursive=False)
        problems += [Problem(self._name(path), "", message) for path, message in refused]
        values = {}
        for path, _ in found:
            value, file_problems = read(path, self._name(path))
            problems += file_problems
            if value is not None:
                values[value.id] = value
        return values

    def _article_files(self, site, topics, partners, images, media) -> _ArticleFiles:
        render = Renderer(site, self.external_label)
        labels = [self.external_label(lang) for lang in LANGUAGES]
        key = context_key(site, sorted(topics), sorted(partners), sorted(images), sorted(media), labels)
        cache = ArticleCache(self.cache_dir, key, self._last_good, fresh=self.fresh)
        context = Context(site, ZoneInfo(site.timezone), topics, partners, images, render, media)
        return _ArticleFiles(self.root, context, cache)

    def _read_articles(self, files: _ArticleFiles, progress) -> tuple[dict[str, Outcome], set[str]]:
        """Every article file's outcome, in path order: unchanged ones from the cache (their
        paths also returned), the others read, on every core if there are many."""
        found, refused = walk(self._articles_dir, ".md")
        # Two sorted runs, merged in linear time: the outcomes are in path order.
        outcomes: dict[str, Outcome] = dict.fromkeys(sorted([path for path, _ in found + refused]))
        for path, message in refused:
            outcomes[path] = (None, None, [Problem(files.name(path), "", message)])
        unchanged, todo = set(), []
        for path, stamp in found:
            cached = files.cache.get(path, stamp, files.reparse)
            if cached is None:
                todo.append((path, stamp))
            else:
                outcomes[path] = (stamp, cached, [])
                unchanged.add(path)
        progress(len(found) - len(todo), len(found))
        parsed = in_parallel(
            files.read_packed if len(todo) >= PARALLEL_FROM else lambda file: files.read(*file),
            todo,
            lambda done: progress(done, len(found)),
        )
        for (path, stamp), (article, problems) in zip(todo, parsed, strict=True):
            if isinstance(article, tuple):
                article = files.cache.unpacked(path, *article, files.reparse)
            outcomes[path] = (stamp, article, problems)
        return outcomes, unchanged

    def _settle(self, files, outcomes, unchanged, by_file, owners, held, published) -> tuple[list, set[str]]:
        """Publish each outcome into `by_file` and `owners`: a good article as it is, a file
        with problems as its last good version (from `published` where the cache has none)
        if it has one; each unless another file has its key or a slug. A claim goes to the
        file that `held` it before (None: to unchanged and last good versions). Returns the
        problems, each saying what happened to its file, and the files with problems."""
        kept = {}  # last good versions of files with problems, which claim as they did
        for path, (_, _, found) in outcomes.items():
            if found and (version := self._kept_version(files, path, published.get(path))) is not None:
                kept[path] = version
        if held is None:
            held = lambda claim, path: path in unchanged or path in kept  # noqa: E731

        def article_at(path: str) -> Article | CachedArticle | None:
            if path in kept:
                return kept[path]
            _, article, found = outcomes.get(path, (None, None, None))
            return article if article is not None and not found else by_file.get(path)

        candidates = [
            (path, kept.get(path, article))
            for path, (_, article, found) in outcomes.items()
            if path in kept or (article is not None and not found)
        ]
        clashes = _claim_all(candidates, owners, held, article_at)
        problems, failing = [], set()
        for path, (stamp, article, found) in outcomes.items():
            notes = clashes.notes.pop(path, [])
            if found or path in clashes.lost:
                failing.add(path)
                if found:  # its last good version, which claimed as it did before
                    version = None if path in clashes.lost else kept.get(path)
                else:  # a good version that clashes: the last good one, if its claims are free
                    version = self._kept_version(files, path, published.get(path))
                    version = version if _claim_free(owners, path, version) else None
                if version is not None:
                    by_file[path] = version
                note = KEPT if version is not None else LEFT_OUT
                problems += [_noted(problem, note) for problem in [*found, *notes]]
            elif article is not None:
                if path not in unchanged:
                    files.cache.keep(path, stamp, article)
                by_file[path] = article
                problems += notes
        problems += [note for notes in clashes.notes.values() for note in notes]  # unchanged files'
        return problems, failing

    def _kept_version(self, files: _ArticleFiles, path: str, published) -> Article | CachedArticle | None:
        """The last good version of a file with problems, if it can still be published (its
        pack is there, the topics and the like it names exist)."""
        kept = files.cache.previous(path, published, _pack_gone)
        if kept is None:
            return None
        try:
            whole = full_article(kept)  # read now: its pack must still be there
        except (LookupError, ContentError, OSError):
            return None
        return kept if files.still_valid(whole) else None

    def _pages_and_alerts(self, context: Context) -> tuple[list[Page], tuple[Alert, ...], list[Problem]]:
        """Pages and alerts (sorted by severity, then id), and their problems."""
        problems: list[Problem] = []
        pages = self._with_last_good(
            "pages", ".md", lambda path: read_page(path, self._name(path), context), problems
        )
        alerts = self._with_last_good(
            "alerts", ".yaml", lambda path: read_alert(path, self._name(path), context.zone), problems
        )
        alerts.sort(key=lambda alert: (SEVERITIES.index(alert.severity), alert.id))
        return pages, tuple(alerts), problems

    def _with_last_good(self, folder: str, suffix: str, read: Callable, problems: list) -> list:
        """Every file in `folder` read; a file with problems gives its last good version."""
        folder = os.path.join(self.root, folder)
        found, refused = walk(folder, suffix, recursive=False)
        outcomes = [(path, *read(path)) for path, _ in found]
        outcomes += [(path, None, [Problem(self._name(path), "", message)]) for path, message in refused]
        values = []
        for path, value, found_problems in sorted(outcomes, key=lambda outcome: outcome[0]):
            if value is not None:
                self._last_good.set(path, value)
            else:
                value = self._last_good.get(path)
                note = KEPT if value is not None else LEFT_OUT
                problems += [_noted(problem, note) for problem in found_problems]
            if value is not None:
                values.append(value)
        self._last_good.retain({path for path, *_ in outcomes}, folder)
        return values

    def _search_settings(self, keys: set[str]) -> tuple[SearchSettings, list[Problem]]:
        """content/search.yaml, or its last good version if it has problems, with best bets
        for articles that exist."""
        path = os.path.join(self.root, "search.yaml")
        if not os.path.lexists(path):
            self._last_good.discard(path)
            return SearchSettings(), []
        settings, problems = read_search_settings(path, self._name(path))
        if settings is not None:
            self._last_good.set(path, settings)
        else:
            settings = self._last_good.get(path)
            note = SETTINGS_KEPT if settings is not None else SETTINGS_LEFT_OUT
            problems = [_noted(problem, note) for problem in problems]
        if settings is None:
            return SearchSettings(), problems
        settings, missing = with_known_articles(settings, self._name(path), keys)
        return settings, problems + missing


def _noted(problem: Problem, note: str) -> Problem:
    """The problem with what it means for its file."""
    stop = "" if problem.message.endswith((".", "?", "!")) else "."
    return replace(problem, message=f"{problem.message}{stop} {note}")


def _claim_free(owners: dict[Claim, str], path: str, article) -> bool:
    """Claim everything `article` needs for `path`, if no other file has any of it."""
    if article is None or any(owners.get(claim, path) != path for claim, _ in _claims(article)):
        return False
    for claim, _ in _claims(article):
        owners[claim] = path
    return True


def _published_images(site: Site, articles: Iterable, images: dict[str, str]) -> dict[str, str]:
    """The images some content shows (the site's logo, articles' images and video posters):
    only these are published, not everything in content/images/, and not a draft's. (A
    scheduled article's are, but answered only from its minute: Build.media_public.)"""
    articles = [article for article in articles if not article.draft]  # a draft's stay unseen
    shown = {article.image.src for article in articles if article.image is not None}
    shown |= {video.poster for article in articles for video in article.videos}
    if site.logo:
        shown.add(site.logo)
    return {name: images[name] for name in sorted(shown) if name in images}


def _published_media(articles: Iterable, media: dict[str, str]) -> dict[str, str]:
    """The videos and caption files articles that are not drafts show: only these are published."""
    used = {
        name
        for article in articles
        if not article.draft
        for video in article.videos
        for name in (video.src, video.captions)
    }
    return {name: media[name] for name in sorted(used) if name in media}


def _claims(article: Article | CachedArticle) -> Iterator[tuple[Claim, str]]:
    """What an article version must have to itself: (kind, language, value), with the field
    that claims it. Earlier slugs share the slugs' namespace, as both lead to the article."""
    namespace = edition(article)  # the easy-to-read version has keys and slugs of its own
    for old in article.old_slugs:
        yield ("slug", namespace, old), "old_slugs"
    yield ("key", namespace, article.key), "key"
    yield ("slug", namespace, article.slug), "slug"


def _held_in(owners: dict[Claim, str]) -> Callable[[Claim, str], bool]:
    return lambda claim, path: owners.get(claim) == path


@dataclass
class _Clashes:
    lost: set[str]  # files whose new version is not published: another file has its key or slug
    notes: dict[str, list[Problem]]  # the problems of both files of each clash, by file


def _claim_all(candidates, owners: dict[Claim, str], held, article_at: Callable) -> _Clashes:
    """Give each claim of the `candidates` ((path, article) in path order) to one file in
    `owners`: the file that `held` it before, or else the first. A file that loses any
    claim loses all (it is not published as it is)."""
    clashes = _Clashes(set(), {})
    for path, article in candidates:
        for claim, field in _claims(article):
            owner = owners.setdefault(claim, path)
            if owner == path:
                continue
            winner, loser = (path, owner) if held(claim, path) and not held(claim, owner) else (owner, path)
            owners[claim] = winner
            clashes.lost.add(loser)
            _note_clash(clashes, claim, (winner, article_at(winner)), (loser, article_at(loser)), field)
    for path in clashes.lost:
        _release(owners, path, article_at(path))
    return clashes


def _note_clash(clashes: _Clashes, claim: Claim, winner: tuple, loser: tuple, field: str) -> None:
    (winner_path, winner_article), (loser_path, loser_article) = winner, loser
    fields = {path: dict(_claims(article)).get(claim, field) for path, article in (winner, loser)}
    value = claim[2]
    clashes.notes.setdefault(loser_path, []).append(
        Problem(
            loser_article.source, fields[loser_path], f"'{value}' is also used by {winner_article.source}"
        )
    )
    clashes.notes.setdefault(winner_path, []).append(
        Problem(
            winner_article.source,
            fields[winner_path],
            f"'{value}' is also used by {loser_article.source}, which is not published as it is until one "
            "of the two is changed",
        )
    )


def _release(owners: dict[Claim, str], path: str, article) -> None:
    for claim, _ in _claims(article):
        if owners.get(claim) == path:
            del owners[claim]
