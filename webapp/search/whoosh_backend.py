"""The Whoosh implementation of SearchBackend. Whoosh stays inside this module (and its
analyzers in whoosh_analysis); callers see only ArticleQuery, ResultPage and SearchError.

Whoosh analyses, indexes and stores; searching happens in numpy over its posting lists
(whoosh_arrays), scored the way Whoosh's BM25F scores, because Whoosh's matchers take one
Python call per posting. Per searcher, every filter value (language, topic, partner, year)
is a cached mask over document numbers, and the newest-first order is a cached array:
filters and facet counts are array operations.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import pickle
import shutil
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import numpy as np
import whoosh
from whoosh import index
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, Schema
from whoosh.query import And, NullQuery, Or, Prefix, Term

from webapp import languages
from webapp.content.cache import full_article, pickled_article
from webapp.content.model import Article, SearchSettings
from webapp.parallel import in_parallel
from webapp.search import ArticleQuery, Facets, ResultPage, SearchBackend, SearchError
from webapp.search.compounds import Vocabulary, candidates, compound_parts
from webapp.search.lexicon import Lexicon, fold, table_key, table_path
from webapp.search.snippets import candidate_words, excerpt
from webapp.search.spelling import FOLDED, Speller
from webapp.search.whoosh_analysis import (
    SNOWBALL,
    AnalysedText,
    ExactText,
    StemmedText,
    Terms,
    text_words,
    use_lexicon,
)
from webapp.search.whoosh_arrays import ArrayBlocksCodec, IndexArrays
from webapp.search.whoosh_writing import BulkWriter, SecondPass, write_in_parallel

LANGUAGES = languages.SITE
# Bump when the schema or the way documents are made changes: old indexes are then rebuilt.
INDEX_FORMAT = "14"
SETTINGS_FILE = "search-settings.json"
FINGERPRINTS_FILE = "fingerprints.pickle"
STEMS_FILE = "stems.pickle"
VOCABULARY_FILE = "vocabulary.json"
LEXICON_FILE = "lexicon.sqlite"  # webapp/search/lexicon.py: base forms of irregular words
# What wrote the index: a worker on other code must not read it as its own. Whoosh pickles
# the codec's import path into every index, and whoosh_arrays reads whoosh-reloaded 2.7.5's
# files directly, so a renamed codec or another Whoosh makes a build unreadable.
MADE_WITH_FILE = "made-with.json"
REMEDY = "Build the site again from its content: flask --app webapp build --full"
MAX_WORDS = 12
COMPOUNDS = languages.COMPOUNDING  # languages whose compounds are split into their parts
PARALLEL_BUILD_FROM = 2000  # a full build of this many documents is written on every core
# How much each field counts: a match in the title beats one in the text; a compound part
# or a prefix counts a little, so whole-word matches rank first. A word respelt with its
# diacritics (vanern: vänern) counts a little less than the word as typed.
WEIGHTS = {"title": 4.0, "lead": 2.0, "body": 1.0, "names": 2.0, "parts": 0.4, "prefix": 0.3, "folded": 0.8}
# Precision: a prefix matches longer words only from this many letters (a three- or four-
# letter start such as "vän" or "bor" begins too many unrelated words); whoosh_analysis
# never cuts an unknown word to a stem shorter than MIN_STEM.
MIN_PREFIX = 5
# Corrections: none when a search already found this many articles with every word; else
# offered when the query found nothing, only some of its words, or far fewer articles (the
# corrected query finding FAR_MORE times as many, and FAR_MORE more). When the query found
# nothing and the dearest replacement costs at most STRONG (spelling.Speller: one edit, or
# only diacritics; words of LONG_WORD letters or more one edit more), its results are shown.
FEW, FAR_MORE, STRONG, LONG_WORD = 5, 5, 1.05, 8


def _schema() -> Schema:
    fields = {
        # "<lang>:<slug>": one document per language version.
        "id": ID(unique=True, stored=True),
        # Shared by the language versions of one article (best bets point at it).
        "key": ID(stored=True),
        "lang": ID(stored=True),
        "slug": ID(stored=True),
        # Earlier slugs, as "<lang>:<slug>", for permanent redirects.
        "old_slugs": KEYWORD(commas=True),
        # The version's life: "draft", "withdrawn" or "live" (a scheduled version is live
        # with a publication time to come: `published` decides when it shows).
        "state": ID,
        # Filter values: exact ids, several per article.
        "topics": KEYWORD(commas=True),
        "partners": KEYWORD(commas=True),
        "year": ID,
        # Seconds since 1970 (UTC), for the newest-first order: a column only, as nothing
        # searches by it (indexed, its terms were almost half of all terms to write).
        "published": COLUMN(NumericColumn("q")),
        # Names of partners, topics and contact people, in both languages, as written.
        "names": ExactText(),
        # Everything the pages show, so workers never read content files: the Article's
        # pickle (a full build copies it from the article cache's packs, not pickling
        # 187,468 articles again). Builds before INDEX_FORMAT 12 hold the Article itself.
        "article": STORED,
    }
    for lang in LANGUAGES:
        # Each language is analysed with its own stop words and stemmer.
        for name in ("title", "lead", "body", "parts"):
            fields[f"{name}_{lang}"] = StemmedText(lang)
    return Schema(**fields)


# Segments are written as separate files, not one compound file: whoosh-reloaded copies
# every file it opens inside a compound file into memory (BytesIO over the mmap), which
# made each web worker hold the whole index (1.7 GB at 100,000 articles).
def made_with() -> dict[str, str]:
    """What this code writes and reads: the index format, Whoosh's version, the codec."""
    return {
        "index_format": INDEX_FORMAT,
        "whoosh": whoosh.versionstring(),
        "codec": f"{ArrayBlocksCodec.__module__}.{ArrayBlocksCodec.__qualname__}",
    }


def _check_made_with(directory: Path) -> None:
    """Refuse, with the remedy, an index another version of the code wrote. (Builds made
    before the record was kept have none and are opened as before.)"""
    try:
        found = json.loads((directory / MADE_WITH_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError) as error:
        raise SearchError(f"cannot read {directory / MADE_WITH_FILE}: {error}. {REMEDY}") from error
    ours = made_with()
    differs = [
        f"{name} {found.get(name)!r} (this code: {ours[name]!r})"
        for name in ours
        if found.get(name) != ours[name]
    ]
    if differs:
        raise SearchError(
            f"the search index in {directory} was written by other code: {'; '.join(differs)}. {REMEDY}"
        )


def _codec() -> ArrayBlocksCodec:
    """Whoosh's format with long, uncompressed posting blocks: whoosh_arrays reads a block
    per Python call, so a common word's 70,000 postings take 70 calls instead of 550."""
    return ArrayBlocksCodec(blocklimit=1024, compression=0)


def _fingerprint(article: Article) -> str:
    """Changes whenever anything the index stores for the article changes."""
    if article.fingerprint:  # the loader's, from the file and its context: much cheaper
        return article.fingerprint
    return hashlib.sha1(repr(article).encode("utf-8"), usedforsecurity=False).hexdigest()


def _unpickled(stored: bytes | Article) -> Article:
    """A stored article (its pickle; in builds before INDEX_FORMAT 12, the Article)."""
    return pickle.loads(stored) if isinstance(stored, bytes) else stored


def _article_words(article: Article) -> set[str]:
    """The words of the texts an article's StemmedText fields index, as they find them."""
    return set().union(*map(text_words, (article.title, article.lead, article.body_text)))


def _compound_candidates(document: dict) -> tuple[str, ...]:
    """The words of a document's analysed texts that may be compounds."""
    lang = document["lang"]
    return candidates(*(text_words(document[f"{name}_{lang}"]) for name in ("title", "lead", "body")))


def _words_by_language(articles: Iterable[Article]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for article in map(full_article, articles):
        found.setdefault(article.lang, set()).update(_article_words(article))
    return found


class _DocumentMaker:
    """Turns an Article into a Whoosh document, splitting compounds against the corpus."""

    def __init__(self, vocabularies: dict[str, Vocabulary], names: dict[str, list[str]]):
        self.vocabularies = vocabularies
        self.names = names  # topic/partner id -> its names in every language

    def __call__(self, article: Article, pickled: bytes) -> dict:
        document = self.fields(article, pickled)
        if article.lang not in COMPOUNDS:
            return document
        return document | self.parts(article.lang, _compound_candidates(document), self.vocabularies)

    @staticmethod
    def parts(lang: str, candidates: Iterable[str], vocabularies: dict[str, Vocabulary]) -> dict:
        """The fields that depend on the whole corpus's words (`vocabularies`): the parts of
        the compounds among a document's `candidates`."""
        return {f"parts_{lang}": " ".join(compound_parts(candidates, vocabularies[lang]))}

    def fields(self, article: Article, pickled: bytes) -> dict:
        """Every other field; `pickled`: the article's pickle, which is stored."""
        lang = article.lang
        names = [name for ref in article.topics + article.partners for name in self.names.get(ref, [])]
        names += [contact.name for contact in article.contacts]
        return {
            "id": f"{lang}:{article.slug}",
            "key": article.key,
            "lang": lang,
            "slug": article.slug,
            "state": "draft" if article.draft else "withdrawn" if article.withdrawn else "live",
            "old_slugs": ",".join(f"{lang}:{old}" for old in article.old_slugs),
            "topics": ",".join(article.topics),
            "partners": ",".join(article.partners),
            "year": str(article.published_at.year),
            "published": int(article.published_at.timestamp()),
            "names": " ".join(names),
            "article": pickled,
            # Analysed here, once: compound splitting needs their words too.
            f"title_{lang}": AnalysedText(article.title),
            f"lead_{lang}": AnalysedText(article.lead),
            f"body_{lang}": AnalysedText(article.body_text),
        }


class _IndexState:
    """What writing an index on top of an earlier one needs to know of it: each document's
    fingerprint, and the words of the corpus (for suggestions and compound splitting)."""

    # A process that writes build after build (`flask build --watch`) hands each index's
    # state on to the next write instead of reading it back: builds are never modified.
    _handed_on: tuple[tuple, _IndexState] | None = None

    def __init__(
        self,
        format_key: str,
        fingerprints: dict[str, str],
        words: dict[str, list[str]],
        stems: dict[str, set[str]] | None = None,
    ):
        """`words`: each language's words in sorted order; `stems`: their stems, if known."""
        self.format_key, self.fingerprints = format_key, fingerprints
        # Stemming 100,000 words takes 0.2 s, and saving their stems 0.07 s: they are kept
        # from build to build, and saved only when there are new ones.
        self._stems = stems or {}
        self.stems_changed = False
        self.words = {lang: set(words.get(lang, ())) for lang in LANGUAGES}
        self._sorted = {lang: list(words.get(lang, ())) for lang in LANGUAGES}
        self._unsorted: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}  # added since
        self._vocabularies: dict[str, Vocabulary] = {}
        self.untidy = False  # written with small segments left unmerged

    @classmethod
    def of(cls, directory: Path | None, format_key: str) -> _IndexState | None:
        """The state of the index in `directory`, if it was made the same way; else None."""
        if directory is None:
            return None
        handed_on, cls._handed_on = cls._handed_on, None
        if handed_on and handed_on[0] == cls._identity(directory):
            state = handed_on[1]
        else:
            try:
                saved = pickle.loads((directory / FINGERPRINTS_FILE).read_bytes())
                words = json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8"))
            except (OSError, ValueError, pickle.UnpicklingError, EOFError):  # then: a full build
                return None
            try:
                stems = pickle.loads((directory / STEMS_FILE).read_bytes())
            except (OSError, pickle.UnpicklingError, EOFError):  # then: stemmed again
                stems = None
            state = cls(saved.get("format"), saved["articles"], words, stems)
        return state if state.format_key == format_key else None

    @classmethod
    def hand_on(cls, directory: Path, state: _IndexState) -> None:
        cls._handed_on = (cls._identity(directory), state)

    @staticmethod
    def _identity(directory: Path) -> tuple | None:
        """Which index this is, even after its build folder is renamed into place."""
        try:
            found = os.stat(directory / FINGERPRINTS_FILE)
        except OSError:
            return None
        return (found.st_dev, found.st_ino, found.st_mtime_ns, found.st_size)

    def add_words(self, lang: str, words: Iterable[str]) -> None:
        new = set(words) - self.words[lang]
        if new:
            vocabulary = self.vocabulary(lang)  # made first: its kept stems are of the words before
            self.words[lang] |= new
            self._unsorted[lang] |= new
            vocabulary.add(new)
            self.stems_changed = True

    def sorted_words(self) -> dict[str, list[str]]:
        """Each language's words in order; a few new ones are put in place, not sorted again."""
        for lang, new in self._unsorted.items():
            if len(new) > 1000:
                self._sorted[lang] = sorted(self.words[lang])
            else:
                for word in new:
                    bisect.insort(self._sorted[lang], word)
            new.clear()
        return self._sorted

    def vocabulary(self, lang: str) -> Vocabulary:
        """The words of `lang`, for compound splitting."""
        if lang not in self._vocabularies:
            stems = self._stems.get(lang)
            vocabulary = Vocabulary(self.words[lang], SNOWBALL[lang], stems=stems)
            self.stems_changed |= stems is None
            self._vocabularies[lang] = vocabulary
            self._stems[lang] = vocabulary.stems
        return self._vocabularies[lang]

    def saved(self) -> bytes:
        """What the next build reads back (fingerprints.pickle)."""
        data = {"format": self.format_key, "articles": self.fingerprints}
        return pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)

    def saved_stems(self) -> bytes:
        """The stems of every word (stems.pickle)."""
        self.stems_changed = False
        return pickle.dumps(self._stems, protocol=pickle.HIGHEST_PROTOCOL)


class WhooshBackend(SearchBackend):
    """Answers queries from a Whoosh index directory written by `write`."""

    def __init__(self, directory: Path):
        _check_made_with(directory)
        try:
            self._index = index.open_dir(str(directory))
            self._settings = json.loads((directory / SETTINGS_FILE).read_text(encoding="utf-8"))
        except Exception as error:  # Whoosh raises many types; none may leave this module
            raise SearchError(f"cannot open the search index in {directory}: {error}. {REMEDY}") from error
        self._searcher = self._index.searcher()
        self._directory = directory
        self._arrays = IndexArrays(self._searcher)
        lexicon = directory / LEXICON_FILE
        self._terms = {
            lang: Terms(lang, Lexicon(lexicon) if lexicon.exists() else None) for lang in LANGUAGES
        }
        self._spellers: dict[str, Speller] = {}

    # Writing -------------------------------------------------------------------------------

    @classmethod
    def write(
        cls,
        directory: Path,
        articles: Iterable[Article],
        settings: SearchSettings,
        progress: Callable[[int], None],
        previous: Path | None = None,
        names: dict[str, list[str]] | None = None,
        tidy: bool = True,
    ) -> int:
        articles = list(articles)
        names = names or {}
        ids = [f"{article.lang}:{article.slug}" for article in articles]
        fingerprints = dict(zip(ids, map(_fingerprint, articles), strict=True))
        # Names are indexed with every article, so a renamed partner means a full build; so
        # does a new lexicon, which gives words other terms.
        lexicon = table_path()
        use_lexicon(Lexicon(lexicon))  # before any text is analysed (forked processes too)
        format_key = hashlib.sha1(
            json.dumps([made_with(), table_key(), names], sort_keys=True).encode(), usedforsecurity=False
        ).hexdigest()
        old = _IndexState.of(previous, format_key)
        if old is None:
            changed_ids = set(fingerprints)
        else:
            changed_ids = {ident for ident, _ in fingerprints.items() - old.fingerprints.items()}  # in C
            if len(changed_ids) > 0.2 * len(fingerprints):
                # Rewriting most of an index in place leaves it full of deleted documents
                # that every search walks past; a fresh index is faster to build and to search.
                old, changed_ids = None, set(fingerprints)
        if old is None:
            directory.mkdir(parents=True, exist_ok=True)
            created = index.create_in(str(directory), _schema())
            state = _IndexState(format_key, {}, {})
        else:
            # Segment files are never modified once written, so hard links are a safe copy.
            shutil.copytree(previous, directory, copy_function=os.link)
            created = index.open_dir(str(directory))
            state = old
        if not (directory / LEXICON_FILE).exists():  # searches look query words up in it
            try:
                os.link(lexicon, directory / LEXICON_FILE)
            except OSError:  # another file system
                shutil.copyfile(lexicon, directory / LEXICON_FILE)
        changed = [article for ident, article in zip(ids, articles, strict=True) if ident in changed_ids]
        # Documents gone from the old index: only looked for where the counts say there are some.
        kept = len(fingerprints) - sum(1 for ident in changed_ids if ident not in state.fingerprints)
        gone = state.fingerprints.keys() - fingerprints.keys() if len(state.fingerprints) > kept else set()
        if old is None and len(changed) >= PARALLEL_BUILD_FROM:
            # A full build of a large corpus: one process per core, each writing a segment
            # of its own (merging them is single-threaded; searches are fast enough without).
            # Compounds are split against the whole corpus, whose words each process learns
            # while analysing its share: their parts are indexed in a second pass, from
            # each document's candidate words, kept between the passes (its article is not:
            # a process would otherwise hold its whole share).
            make_document = _DocumentMaker({}, names)
            kept: dict[int, tuple[str, ...]] = {}  # in each process: its documents' candidates

            def fields(number: int) -> dict:
                document = make_document.fields(*pickled_article(changed[number]))
                if document["lang"] in COMPOUNDS:
                    kept[number] = _compound_candidates(document)
                return document

            def parts(number: int, vocabularies: dict[str, Vocabulary]) -> dict:
                if number not in kept:
                    return {}
                return make_document.parts(changed[number].lang, kept.pop(number), vocabularies)

            def learn(words: dict[str, set[str]]) -> dict[str, Vocabulary]:
                for lang, found in words.items():
                    state.add_words(lang, found)
                return {lang: state.vocabulary(lang) for lang in words}

            write_in_parallel(
                created,
                fields,
                len(changed),
                progress,
                procs=os.cpu_count() or 1,
                second=SecondPass(learn, parts),
                codec=_codec(),
                compound=False,
            )
        elif changed or gone or old is None or (tidy and state.untidy):
            # The words of every changed article, before any is indexed: compounds are split
            # against the whole corpus. 500 articles to a worker: a set of words comes back.
            shares = [range(start, min(start + 500, len(changed))) for start in range(0, len(changed), 500)]

            def words_of_share(share: range) -> dict[str, set[str]]:
                return _words_by_language(changed[number] for number in share)

            for words in in_parallel(words_of_share, shares, chunksize=1, parallel_from=4):
                for lang, found in words.items():
                    state.add_words(lang, found)
            make_document = _DocumentMaker(
                {lang: state.vocabulary(lang) for lang in {article.lang for article in changed}}, names
            )
            writer = BulkWriter(created, codec=_codec(), compound=False)
            for ident in gone:
                writer.delete_by_term("id", ident)
            add = writer.add_document if old is None else writer.update_document
            for article in changed:
                add(**make_document(*pickled_article(article)))
                progress(1)
            # Whoosh merges small segments as it commits (about one write in five), which
            # would make that change wait; untidy, they are merged by the next tidy write.
            writer.commit(merge=tidy)
            state.untidy = not tidy
        state.fingerprints = fingerprints
        cls._write(directory / FINGERPRINTS_FILE, state.saved())
        if state.stems_changed or not (directory / STEMS_FILE).exists():  # else: the last build's
            cls._write(directory / STEMS_FILE, state.saved_stems())
        cls._write_json(directory / VOCABULARY_FILE, state.sorted_words())
        cls._write_json(directory / SETTINGS_FILE, _settings_as_json(settings))
        cls._write_json(directory / MADE_WITH_FILE, made_with())
        _IndexState.hand_on(directory, state)
        return len(changed)

    @classmethod
    def _write_json(cls, path: Path, data) -> None:
        cls._write(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.unlink(missing_ok=True)  # never write through a hard link into the old build
        path.write_bytes(data)

    # Looking up ------------------------------------------------------------------------------

    def _found(self, field: str, value: str, visible: np.ndarray | None) -> list[Article]:
        """The stored articles with `value` in `field` that are `visible` (None: all)."""
        docs = self._arrays.postings(field, value)[0]
        docs = docs[self._arrays.alive[docs]]
        if visible is not None:
            docs = docs[visible[docs]]
        return self._stored_docs(np.sort(docs))

    # What is public when: a draft never is; the rest once their time has come.
    def _published_by(self, now: datetime | None) -> np.ndarray:
        moment = (now or datetime.now(UTC)).timestamp()
        return self._publication_times <= moment

    @cached_property
    def _publication_times(self) -> np.ndarray:
        return self._arrays.column("published").astype(np.float64)

    def _public(self, now: datetime | None) -> np.ndarray:
        """Documents whose address answers at `now`: published, not drafts."""
        return self._published_by(now) & ~self._arrays.mask("state", "draft")

    def _listed(self, now: datetime | None) -> np.ndarray:
        """Documents that lists, search and feeds show at `now`: public and not withdrawn."""
        return self._published_by(now) & self._arrays.mask("state", "live")

    def article(self, lang: str, slug: str, now: datetime | None = None) -> Article | None:
        found = self._found("id", f"{lang}:{slug}", self._public(now))
        return found[0] if found else None

    def versions(self, key: str, now: datetime | None = None) -> dict[str, Article]:
        return {article.lang: article for article in self._found("key", key, self._public(now))}

    def by_slug_in_any_language(self, slug: str, now: datetime | None = None) -> list[Article]:
        return self._found("slug", slug, self._public(now))

    def by_old_slug(self, lang: str, slug: str, now: datetime | None = None) -> Article | None:
        found = self._found("old_slugs", f"{lang}:{slug}", self._public(now))
        return found[0] if found else None

    def preview(self, key: str, lang: str) -> Article | None:
        return next((a for a in self._found("key", key, None) if a.lang == lang), None)

    def related(self, article: Article, limit: int = 3, now: datetime | None = None) -> list[Article]:
        """Articles sharing the most topics and partners (a partner counts double), newest first."""
        if not article.topics and not article.partners:
            return []
        shared = np.zeros(self._arrays.size, dtype=np.float64)
        for topic in article.topics:
            shared += self._arrays.mask("topics", topic)
        for partner in article.partners:
            shared += 2 * self._arrays.mask("partners", partner)
        shared[self._arrays.postings("key", article.key)[0]] = 0  # not the article itself
        shared[~(self._arrays.mask("lang", article.lang) & self._listed(now))] = 0
        return self._stored_docs(self._best(shared, 0, limit))

    def _stored_docs(self, docs: Iterable[int]) -> list[Article]:
        return [_unpickled(self._searcher.stored_fields(int(doc))["article"]) for doc in docs]

    # Filters and facets ------------------------------------------------------------------------

    def _union(self, field: str, values: Iterable) -> np.ndarray | None:
        """Which documents have any of `values` in `field`; None means no filter."""
        values = list(values)
        if not values:
            return None
        return np.logical_or.reduce([self._arrays.mask(field, str(value)) for value in values])

    @cached_property
    def _newest_first(self) -> np.ndarray:
        """Every document number, newest publication first."""
        return np.argsort(-self._arrays.column("published").astype(np.float64), kind="stable")

    @cached_property
    def _recency(self) -> np.ndarray:
        """Each document's place in the newest-first order, by document number."""
        places = np.empty(self._arrays.size, dtype=np.int64)
        places[self._newest_first] = np.arange(self._arrays.size)
        return places

    def _best(self, scores: np.ndarray, start: int, count: int) -> np.ndarray:
        """Documents start..start+count by score (positive only), equal scores newest first."""
        candidates = np.flatnonzero(scores > 0)
        wanted = start + count
        if wanted < len(candidates):
            # Only what can reach the page is sorted: everything scoring at least the
            # wanted-th best score (ties included, so "newest first" among them holds).
            threshold = np.partition(scores[candidates], len(candidates) - wanted)[len(candidates) - wanted]
            candidates = candidates[scores[candidates] >= threshold]
        order = np.lexsort((self._recency[candidates], -scores[candidates]))
        return candidates[order][start:wanted]

    @cached_property
    def _facet_values(self) -> dict[str, list[str]]:
        return {
            field: [value.decode("utf-8") for value in self._searcher.lexicon(field)]
            for field in ("topics", "partners", "year")
        }

    def _facets(self, base: np.ndarray, groups: dict[str, np.ndarray | None]) -> Facets:
        """Counts per value; each group is counted with the other groups' filters applied."""
        counts = {}
        for field in ("topics", "partners", "year"):
            scope = base
            for name, selected in groups.items():
                if name != field and selected is not None:
                    scope = scope & selected
            per_value = {
                value: int(np.count_nonzero(scope & self._arrays.mask(field, value)))
                for value in self._facet_values[field]
            }
            counts[field] = {value: number for value, number in per_value.items() if number}
        years = {int(year): number for year, number in counts["year"].items()}
        return Facets(topics=counts["topics"], partners=counts["partners"], years=years)

    # Searching -------------------------------------------------------------------------------

    def list_articles(self, query: ArticleQuery) -> ResultPage:
        """The page for `query`; when it finds little, a correction: its results at once if
        the query found nothing and the correction is strong, else offered ("Did you mean").

        Every page is of listed articles only (`_listed(query.now)`), and so is every
        correction: one that finds nothing listed is never offered, or an embargoed
        article's words would show through it. Words in quotes are searched as typed."""
        page = self._page(query)
        if not query.text.strip() or '"' in query.text:
            return page
        if page.matched_all_words and page.total >= FEW:
            return page  # good results: a suggestion would only distract
        found = self._suggestion(query.text, query.lang)
        if found is None:
            return page
        text, cost, dearest = found
        corrected = self._page(replace(query, text=text))
        if corrected.total == 0:
            return page
        if page.total == 0 and cost <= STRONG:
            return replace(corrected, corrected=text)
        # Found with every word: offered only if a word was not in the news as a word (found
        # through a longer word that starts like it: eelgras) or the correction finds far more.
        far_more = corrected.total >= max(FAR_MORE * page.total, page.total + FAR_MORE)
        if page.total == 0 or not page.matched_all_words or dearest > FOLDED or far_more:
            return replace(page, suggestion=text)
        return page

    def _page(self, query: ArticleQuery) -> ResultPage:
        languages = [query.lang] + (
            [lang for lang in LANGUAGES if lang != query.lang] if query.include_other_languages else []
        )
        in_language = self._union("lang", languages) & self._listed(query.now)
        groups = {
            "topics": self._union("topics", query.topics),
            "partners": self._union("partners", query.partners),
            "year": self._union("year", query.years),
        }
        scores, terms, matched_all = self._match(query, languages, in_language)
        base = in_language if scores is None else in_language & (scores > 0)
        selected = base
        for docs in groups.values():
            if docs is not None:
                selected = selected & docs
        start = (query.page - 1) * query.page_size
        snippets: dict[str, str] = {}
        if scores is not None and query.effective_sort == "relevance":
            articles = self._stored_docs(self._best(np.where(selected, scores, 0), start, query.page_size))
            snippets = {f"{a.lang}:{a.slug}": self._snippet(a, terms) for a in articles}
        else:
            order = self._newest_first[selected[self._newest_first]]
            if query.effective_sort == "oldest":
                order = order[::-1]
            articles = self._stored_docs(order[start : start + query.page_size])
        bets = set(self._best_bet_keys(" ".join(text_words(query.text)), query.lang)) if query.text else set()
        return ResultPage(
            articles=articles,
            total=int(np.count_nonzero(selected)),
            page=query.page,
            page_size=query.page_size,
            facets=self._facets(base, groups),
            snippets=snippets,
            matched_all_words=matched_all,
            recommended=frozenset(f"{a.lang}:{a.slug}" for a in articles if a.key in bets),
        )

    def _match(self, query: ArticleQuery, languages: list[str], in_language: np.ndarray):
        """(scores by document, terms searched by field, whether every word matched).

        Scores are None when there are no words (a plain list); a document matches when its
        score is positive. If no article has every word, any word will do.
        """
        every_word, any_word = self._text_query(query, languages)
        if every_word is None:
            return None, {}, True
        terms: dict[str, set[str]] = {}
        scores = self._scores(every_word, terms)
        if any_word is not None and not np.any((scores > 0) & in_language):
            terms = {}
            return self._scores(any_word, terms), terms, False
        return scores, terms, True

    def _scores(self, query, terms: dict[str, set[str]], into: np.ndarray | None = None) -> np.ndarray:
        """Every document's score for one of our own queries, as Whoosh's BM25F would score
        it: a term scores its field's BM25F times its boost; Or adds up what matches; And
        adds up only where every part matches; a prefix adds up its words' terms (as Whoosh's
        Prefix does: tests/unit/test_search_scoring.py). Adds to `into` if given (one array
        serves a whole Or). Records the terms searched in `terms`."""
        scores = np.zeros(self._arrays.size, dtype=np.float64) if into is None else into
        if isinstance(query, (Term, Prefix)):
            words = [query.text]
            if isinstance(query, Prefix):
                expanded = self._searcher.reader().expand_prefix(query.fieldname, query.text)
                words = [word.decode("utf-8") for word in expanded]
            for word in words:
                ids, term_scores = self._arrays.bm25(query.fieldname, word, query.boost)
                if len(ids):
                    scores[ids] += term_scores
                    terms.setdefault(query.fieldname, set()).add(word)
        elif isinstance(query, Or):
            for sub in query.subqueries:
                self._scores(sub, terms, scores)
        elif isinstance(query, And):
            parts = [self._scores(sub, terms) for sub in query.subqueries]
            everywhere = parts[0] > 0
            for part in parts[1:]:
                everywhere &= part > 0
                parts[0] += part
            scores += parts[0] * everywhere
        return scores

    def _snippet(self, article: Article, terms: dict[str, set[str]]) -> str:
        """A passage of the text with every word that matched marked (any of its forms: a
        word is marked when its term is one that matched), or "" when none is in the text."""
        lang = article.lang
        wanted = set().union(*(terms.get(f"{name}_{lang}", ()) for name in ("title", "lead", "body")))
        parts = {part for part in terms.get(f"parts_{lang}", ()) if len(part) >= MIN_PREFIX - 1}
        names = terms.get("names", set())
        if not (wanted or parts or names):
            return ""
        term_of = self._terms[lang]
        # A word's term usually starts with its first letter (bränder: brand), so only
        # words that start like a matched term are analysed (most words of a text are not).
        initials = {fold(term[0]) for term in wanted}

        def matches(word: str) -> bool:
            lowered = word.lower()
            if lowered in names or (fold(lowered[0]) in initials and term_of[lowered] in wanted):
                return True
            return any(part in lowered for part in parts)

        candidates = candidate_words(
            frozenset(initials | {fold(name[0]) for name in names if name}), frozenset(parts)
        )
        return str(excerpt(article.body_text, matches, candidates=candidates))

    def _text_query(self, query: ArticleQuery, languages: list[str]):
        """The reader's words as queries of our own making (never Whoosh syntax).

        Returns (every word, any word): every word must match (in some field), and the
        second, when there are several words, is what to search if no article has them all.
        (None, None) without words. Synonyms widen a word; best bets add pinned articles; a
        word that matches nothing as typed also searches the content's words that differ
        from it only in å, ä, ö and other diacritics (unless the query has quotes).
        """
        words = text_words(query.text)[:MAX_WORDS]
        if not query.text.strip():
            return None, None
        if not words:
            return NullQuery, None
        exact = '"' in query.text
        groups = self._settings["synonyms"].get(query.lang, [])
        expanded = [self._with_synonyms(word, groups, languages, query.lang, exact) for word in words]
        every_word = And(expanded) if len(expanded) > 1 else expanded[0]
        phrase = " ".join(words)
        for group in groups:
            if phrase in group and len(words) > 1:
                # The whole query has synonyms of its own: "fire ban" also means "wildfire".
                others = [
                    self._phrase(other.split(), languages, query.lang) for other in group if other != phrase
                ]
                every_word = Or([every_word, *others])
        keys = self._best_bet_keys(phrase, query.lang)
        if keys:
            every_word = Or([every_word, *(Term("key", key, boost=1000.0) for key in keys)])
        return every_word, (Or(expanded) if len(words) > 1 else None)

    def _phrase(self, words: list[str], languages: list[str], reading: str):
        clauses = [self._word(word, languages, reading) for word in words]
        return And(clauses) if len(clauses) > 1 else clauses[0]

    def _with_synonyms(
        self, word: str, groups: list[list[str]], languages: list[str], reading: str, exact: bool
    ):
        """One word (or, if it matches nothing as typed, its respellings), or any of its
        synonyms (a synonym may be several words)."""
        alternatives = [
            self._word(form, languages, reading, weight)
            for form, weight in self._spellings(word, languages, exact)
        ]
        for group in groups:
            if word in group:
                alternatives += [
                    self._phrase(other.split(), languages, reading) for other in group if other != word
                ]
        return Or(alternatives) if len(alternatives) > 1 else alternatives[0]

    def _spellings(self, word: str, languages: list[str], exact: bool) -> list[tuple[str, float]]:
        """(form, weight) to search for `word`: the word itself and, when it matches nothing
        as typed, the words of the content and names that differ from it only in
        diacritics (vanern: vänern), weighted below it. Exact matching comes first."""
        if exact or self._is_known(word, languages):
            return [(word, 1.0)]
        forms = set(self._speller("names").respellings(word))
        for lang in languages:
            forms.update(self._speller(lang).respellings(word))
        return [(word, 1.0)] + [(form, WEIGHTS["folded"]) for form in sorted(forms)]

    def _is_known(self, word: str, languages: list[str]) -> bool:
        """Whether `word` as typed is a name's word or has a term in these languages' texts
        (or is a stop word)."""
        reader = self._searcher.reader()
        if reader.doc_frequency("names", word):
            return True
        for lang in languages:
            term = self._terms[lang][word]
            if term is None or any(
                reader.doc_frequency(f"{name}_{lang}", term) for name in ("title", "lead", "body")
            ):
                return True
        return False

    def _word(self, word: str, languages: list[str], reading: str, weight: float = 1.0):
        """One word in every field of every searched language, the reader's language first."""
        clauses = [Term("names", word, boost=WEIGHTS["names"] * weight)]
        for lang in languages:
            scale = (1.0 if lang == reading else 0.25) * weight
            term = self._terms[lang][word]
            if term is not None:
                for name in ("title", "lead", "body", "parts"):
                    if name == "parts" and lang not in COMPOUNDS:
                        continue
                    clauses.append(Term(f"{name}_{lang}", term, boost=WEIGHTS[name] * scale))
            if len(word) >= MIN_PREFIX:
                # Catches what stemming misses: hållbar -> hållbarhet. Not for shorter words:
                # a three- or four-letter start is the start of too many unrelated words.
                for name in ("title", "lead", "body"):
                    clauses.append(Prefix(f"{name}_{lang}", word, boost=WEIGHTS["prefix"] * scale))
        return Or(clauses)

    def _best_bet_keys(self, phrase: str, lang: str) -> list[str]:
        """The keys of the articles staff chose for exactly this search."""
        return [
            key
            for bet in self._settings["best_bets"]
            if phrase in bet["queries"].get(lang, [])
            for key in bet["keys"]
        ]

    def _suggestion(self, text: str, lang: str) -> tuple[str, float, float] | None:
        """The query with words the content does not have (no term of theirs in any text or
        name: an inflected form of a word the news uses is not corrected) replaced by the
        closest words it has; how strong the correction is (the dearest replacement's cost,
        spelling.Speller: a different diacritic costs less than any edit, and a long word
        is allowed one edit more); and that dearest cost without the allowance (whether a
        word was respelled or edited). None if no word needed or found one."""
        speller = self._speller(lang)
        reader = self._searcher.reader()
        terms = self._terms[lang]

        def frequency(word: str) -> int:
            """How many articles use `word`: a name of a partner or person counts for each."""
            term, named = terms[word], reader.doc_frequency("names", word)
            if term is None:
                return named
            return named + sum(reader.doc_frequency(f"{name}_{lang}", term) for name in ("title", "body"))

        corrected, cost, dearest, changed = [], 0.0, 0.0, False
        for word in text.split():
            bare = word.lower().strip(".,;:!?\"'()")
            if not bare or bare in speller.words or self._is_known(bare, [lang]):
                corrected.append(word)
                continue
            found = speller.corrections(bare, frequency)
            if not found:
                names = self._speller("names").respellings(bare)
                found = [(FOLDED, names[0])] if names else []
            if found:
                edits, replacement = found[0]
                corrected.append(replacement.capitalize() if word[:1].isupper() else replacement)
                cost = max(cost, edits if len(bare) < LONG_WORD else edits - 1)
                dearest = max(dearest, edits)
                changed = True
            else:
                corrected.append(word)
        return (" ".join(corrected), cost, dearest) if changed else None

    def _speller(self, lang: str) -> Speller:
        """Corrections from every word of the content as written in `lang` (or "names"),
        made when a search first needs them."""
        if lang not in self._spellers:
            if lang == "names":
                words = [word.decode("utf-8") for word in self._searcher.lexicon("names")]
            else:
                words = json.loads((self._directory / VOCABULARY_FILE).read_text(encoding="utf-8")).get(
                    lang, []
                )
            self._spellers[lang] = Speller(words)
        return self._spellers[lang]

    def close(self) -> None:
        self._searcher.close()


def _settings_as_json(settings: SearchSettings) -> dict:
    """Synonyms and best bets with every phrase normalised the way queries are."""

    def normal(phrases) -> list[str]:
        return [" ".join(text_words(phrase)) for phrase in phrases]

    return {
        "synonyms": {lang: [normal(group) for group in groups] for lang, groups in settings.synonyms.items()},
        "best_bets": [
            {"queries": {lang: normal(q) for lang, q in bet.queries.items()}, "keys": list(bet.keys)}
            for bet in settings.best_bets
        ],
    }
