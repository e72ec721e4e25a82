"""Writing a build's Whoosh index: the schema, each article as a document, and what an
index written on top of an earlier one needs to know of it. Only the build writer (the CLI
and the watcher) imports this module; web workers read indexes with whoosh_backend.

A full build of many articles is written on every core (whoosh_writing.write_in_parallel);
a rebuild reindexes only the articles whose fingerprint changed, on top of hard links to
the live build's segments.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import pickle
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh import index
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, Schema

from webapp import languages
from webapp.content.cache import full_article, pickled_article
from webapp.content.model import Article, SearchSettings, edition, version_id
from webapp.parallel import in_parallel
from webapp.search import IndexWriter
from webapp.search.compounds import Vocabulary, candidates, compound_parts
from webapp.search.lexicon import Lexicon, table_key, table_path
from webapp.search.whoosh_analysis import (
    SNOWBALL,
    AnalysedText,
    ExactText,
    StemmedText,
    text_words,
    use_lexicon,
)
from webapp.search.whoosh_arrays import ArrayBlocksCodec
from webapp.search.whoosh_format import (
    FINGERPRINTS_FILE,
    LEXICON_FILE,
    MADE_WITH_FILE,
    SETTINGS_FILE,
    STEMS_FILE,
    VOCABULARY_FILE,
    made_with,
)
from webapp.search.whoosh_writing import BulkWriter, SecondPass, write_in_parallel

LANGUAGES = languages.SITE
COMPOUNDS = languages.COMPOUNDING  # languages whose compounds are split into their parts
PARALLEL_BUILD_FROM = 2000  # a full build of this many documents is written on every core


def _schema() -> Schema:
    fields = {
        # "<lang>:<slug>" ("sv-lattlast:<slug>" for an easy-to-read version): one document
        # per language version.
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
        # "1" for an easy-to-read (lättläst) version: listed on its own page, not in lists.
        "easy": ID,
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


def _codec() -> ArrayBlocksCodec:
    """Whoosh's format with long, uncompressed posting blocks: whoosh_arrays reads a block
    per Python call, so a common word's 70,000 postings take 70 calls instead of 550."""
    return ArrayBlocksCodec(blocklimit=1024, compression=0)


def _fingerprint(article: Article) -> str:
    """Changes whenever anything the index stores for the article changes."""
    if article.fingerprint:  # the loader's, from the file and its context: much cheaper
        return article.fingerprint
    return hashlib.sha1(repr(article).encode("utf-8"), usedforsecurity=False).hexdigest()


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
            "id": version_id(article),
            "key": article.key,
            "lang": lang,
            "slug": article.slug,
            "state": "draft" if article.draft else "withdrawn" if article.withdrawn else "live",
            "old_slugs": ",".join(f"{edition(article)}:{old}" for old in article.old_slugs),
            **({"easy": "1"} if article.easy_read else {}),
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
    def read(cls, directory: Path) -> _IndexState | None:
        """The state saved beside the index in `directory`; None if it cannot be read."""
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
        state.untidy = saved.get("untidy", False)
        return state

    @staticmethod
    def identity(directory: Path) -> tuple | None:
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
        data = {"format": self.format_key, "articles": self.fingerprints, "untidy": self.untidy}
        return pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)

    def saved_stems(self) -> bytes:
        """The stems of every word (stems.pickle)."""
        self.stems_changed = False
        return pickle.dumps(self._stems, protocol=pickle.HIGHEST_PROTOCOL)


class WhooshIndexWriter(IndexWriter):
    """Writes build after build's index. A process that writes several in a row (`flask
    build --watch`) keeps one writer: it holds the state of the index it wrote last and
    hands it to the next write instead of reading it back (builds are never modified)."""

    def __init__(self):
        self._last: tuple[tuple, _IndexState] | None = None  # (the index's identity, its state)

    def _state_of(self, directory: Path | None, format_key: str) -> _IndexState | None:
        """The state of the index in `directory`, if it was made the same way; else None."""
        if directory is None:
            return None
        last, self._last = self._last, None
        if last and last[0] == _IndexState.identity(directory):
            state = last[1]
        else:
            state = _IndexState.read(directory)
        return state if state is not None and state.format_key == format_key else None

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
        articles = list(articles)
        names = names or {}
        ids = [version_id(article) for article in articles]
        fingerprints = dict(zip(ids, map(_fingerprint, articles), strict=True))
        # Names are indexed with every article, so a renamed partner means a full build; so
        # does a new lexicon, which gives words other terms.
        lexicon = table_path()
        use_lexicon(Lexicon(lexicon))  # before any text is analysed (forked processes too)
        format_key = hashlib.sha1(
            json.dumps([made_with(), table_key(), names], sort_keys=True).encode(), usedforsecurity=False
        ).hexdigest()
        old = self._state_of(previous, format_key)
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
            seen: dict[str, set[str]] = {}  # in each process: its documents' words, by language

            def fields(number: int) -> dict:
                document = make_document.fields(*pickled_article(changed[number]))
                lang = document["lang"]
                words = seen.setdefault(lang, set())
                for name in ("title", "lead", "body"):
                    words.update(document[f"{name}_{lang}"].words)
                if lang in COMPOUNDS:
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
                second=SecondPass(lambda: seen, learn, parts),
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
        self._write(directory / FINGERPRINTS_FILE, state.saved())
        if state.stems_changed or not (directory / STEMS_FILE).exists():  # else: the last build's
            self._write(directory / STEMS_FILE, state.saved_stems())
        self._write_json(directory / VOCABULARY_FILE, state.sorted_words())
        self._write_json(directory / SETTINGS_FILE, _settings_as_json(settings))
        self._write_json(directory / MADE_WITH_FILE, made_with())
        self._last = (_IndexState.identity(directory), state)
        return len(changed)

    def _write_json(self, path: Path, data) -> None:
        self._write(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.unlink(missing_ok=True)  # never write through a hard link into the old build
        path.write_bytes(data)


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
