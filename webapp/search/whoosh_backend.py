"""The Whoosh implementation of SearchBackend. Whoosh stays inside this module (and its
analyzers in whoosh_analysis); callers see only ArticleQuery, ResultPage and SearchError.

Whoosh analyses, indexes and stores; searching happens in numpy over its posting lists
(whoosh_arrays), scored the way Whoosh's BM25F scores, because Whoosh's matchers take one
Python call per posting. Per searcher, every filter value (language, topic, partner, year)
is a cached mask over document numbers, and the newest-first order is a cached array:
filters and facet counts are array operations.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import numpy as np
from whoosh import index
from whoosh.query import And, NullQuery, Or, Prefix, Term

from webapp import languages
from webapp.content.model import EASY_READ_EDITION, Article, version_id
from webapp.search import ArticleQuery, Facets, ResultPage, SearchBackend, SearchError
from webapp.search.lexicon import Lexicon, fold
from webapp.search.snippets import candidate_words, excerpt
from webapp.search.spelling import FOLDED, Speller
from webapp.search.whoosh_analysis import Terms, text_words
from webapp.search.whoosh_arrays import IndexArrays
from webapp.search.whoosh_format import LEXICON_FILE, REMEDY, SETTINGS_FILE, VOCABULARY_FILE, check_made_with

LANGUAGES = languages.SITE
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


def _unpickled(stored: bytes | Article) -> Article:
    """A stored article (its pickle; in builds before INDEX_FORMAT 12, the Article)."""
    return pickle.loads(stored) if isinstance(stored, bytes) else stored


class WhooshBackend(SearchBackend):
    """Answers queries from a Whoosh index directory written by `write`."""

    def __init__(self, directory: Path):
        check_made_with(directory)
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
        visible = self._public(now) & ~self._arrays.mask("easy", "1")
        return {article.lang: article for article in self._found("key", key, visible)}

    def easy_read(self, key: str, now: datetime | None = None) -> Article | None:
        found = self._found("key", key, self._public(now) & self._arrays.mask("easy", "1"))
        return found[0] if found else None

    def easy_read_article(self, slug: str, now: datetime | None = None) -> Article | None:
        found = self._found("id", f"{EASY_READ_EDITION}:{slug}", self._public(now))
        return found[0] if found else None

    def by_slug_in_any_language(self, slug: str, now: datetime | None = None) -> list[Article]:
        return self._found("slug", slug, self._public(now) & ~self._arrays.mask("easy", "1"))

    def by_old_slug(self, lang: str, slug: str, now: datetime | None = None) -> Article | None:
        found = self._found("old_slugs", f"{lang}:{slug}", self._public(now))
        return found[0] if found else None

    def preview(self, key: str, lang: str) -> Article | None:
        return next((a for a in self._found("key", key, None) if a.lang == lang and not a.easy_read), None)

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
        shared[self._arrays.mask("easy", "1")] = 0  # its own page lists the easy-to-read ones
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
        if query.easy_read is not None:
            easy = self._arrays.mask("easy", "1")
            in_language &= easy if query.easy_read else ~easy
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
            snippets = {version_id(a): self._snippet(a, terms) for a in articles}
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
            recommended=frozenset(version_id(a) for a in articles if a.key in bets),
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
