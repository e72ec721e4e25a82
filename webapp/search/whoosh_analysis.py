"""Whoosh analyzers per language. Part of the Whoosh adapter; nothing outside
webapp.search imports it.

A word's term is decided in one place, `term_of`: its base form from the lexicon where the
lexicon knows one that stems differently (bränder -> brand), stemmed with Snowball; a word
the lexicon does not know is never cut to a stem shorter than MIN_STEM letters (Vänern
would otherwise be indexed as "vän", friend, and match every text about friends).

Whoosh pickles the schema, analyzers included, into the index, so the stem functions are
plain module-level functions that unpickle by name; while a build indexes, they use the
lexicon it set (`use_lexicon`). Queries find their terms with `Terms` and their build's own
lexicon.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import partial

import Stemmer
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import TEXT
from whoosh.lang import has_stopwords, stopwords_for_language
from whoosh.system import pack_uint

from webapp import languages
from webapp.search.lexicon import Lexicon

# Words of letters and digits; å, ä and ö are letters of their own, never folded to a/o.
WORDS = r"\w+"

# One Snowball stemmer per site language that has one (webapp/languages.py). A language
# without (Northern Sami) has each word indexed as its base form where the lexicon
# (simplemma) knows one, else as written: the inflected forms it knows match each other;
# others match as written, by prefix and by respelling.
_STEMMER_OBJECTS = {lang: Stemmer.Stemmer(name) for lang, name in languages.SNOWBALL_ALGORITHMS.items()}


def stop_words(lang: str) -> frozenset[str]:
    """Whoosh's stop words for `lang`; none for a language it has no list for (Arabic)."""
    return frozenset(stopwords_for_language(lang)) if has_stopwords(lang) else frozenset()


MIN_STEM = 4  # an unknown word is not cut shorter than this (see term_of)
_LEXICON: Lexicon | None = None  # the lexicon of the build being written


def term_of(word: str, lang: str, lexicon: Lexicon | None) -> str:
    """The index term of a lower-case `word` in `lang` (stop words aside): current Snowball
    (universitetet -> universitet) of the word's base form where the lexicon knows one
    that stems differently (bränder -> brand, women -> woman, skogsbränder -> skogsbrand).
    Only a word the lexicon knows as it is (or whose base it knows) may have a stem shorter
    than MIN_STEM letters (bilar -> bil); any other keeps its whole form (a name: Vänern,
    not "vän", friend)."""
    known, base = lexicon.look_up(lang, word) if lexicon is not None else (True, None)
    stemmer = _STEMMER_OBJECTS.get(lang)
    if stemmer is None:  # no Snowball for it (Northern Sami): the base form the lexicon knows
        return base or word
    stem = stemmer.stemWord(base or word)
    if len(stem) < MIN_STEM < len(word) and not (known and lexicon.knows(lang, base or word)):
        return word  # not a word the lexicon knows with so short a stem (Vänern is no "vän")
    return stem


def stem(lang: str, word: str) -> str:
    """term_of with the lexicon of the build being written (Whoosh's analyzer's stemfn)."""
    return term_of(word, lang, _LEXICON)


# Whoosh pickles each field's analyzer, with its stemming function, into the index: these
# two names are kept as builds written before the language list name them.
def stem_swedish(word: str) -> str:
    return term_of(word, "sv", _LEXICON)


def stem_english(word: str) -> str:
    return term_of(word, "en", _LEXICON)


def use_lexicon(lexicon: Lexicon | None) -> None:
    """Index with `lexicon` from now on (terms found with another one are forgotten)."""
    global _LEXICON
    if lexicon is None or _LEXICON is None or lexicon.path != _LEXICON.path:
        _LEXICON = lexicon
        _forget_terms()


_NAMED = {"sv": stem_swedish, "en": stem_english}
STEMMERS = {lang: _NAMED.get(lang) or partial(stem, lang) for lang in languages.SITE}


def snowball(lang: str, word: str) -> str:
    stemmer = _STEMMER_OBJECTS.get(lang)
    return stemmer.stemWord(word) if stemmer is not None else word


# Snowball alone, for comparing compound parts (webapp/search/compounds.py). A function of
# this module, not the stemmers' methods: a parallel build sends them to its processes.
SNOWBALL = {lang: partial(snowball, lang) for lang in languages.SITE}


def stemming_analyzer(lang: str):
    """Words, lower case, without stop words, stemmed: for ranking by meaning."""
    return (
        RegexTokenizer(WORDS)
        | LowercaseFilter()
        | StopFilter(stoplist=stop_words(lang), minsize=1)
        | StemFilter(stemfn=STEMMERS[lang], cachesize=50000)
    )


def exact_analyzer():
    """Words in lower case as written: for names."""
    return RegexTokenizer(WORDS) | LowercaseFilter()


_TOKENS = re.compile(WORDS)


def text_words(text: str) -> list[str]:
    """The words of `text` in lower case, as the analyzer finds them."""
    words = getattr(text, "words", None)
    if words is not None:  # an AnalysedText
        return words
    lowered = text.lower()
    if len(lowered) == len(text):  # no letter grew: the same tokens as lowering each
        return _TOKENS.findall(lowered)
    return [token.lower() for token in _TOKENS.findall(text)]


class AnalysedText(str):
    """A text whose words (text_words) were found once, for StemmedText and for whoever
    else needs them, so they are not found again when it is indexed."""

    def __new__(cls, text: str):
        made = super().__new__(cls, text)
        made.words = text_words(text)
        return made


class _CountedText(TEXT):
    """A TEXT field (no positions) whose indexing counts a whole text's terms in a few C
    calls, indexing exactly what its analyzer (still used for queries and excerpts) would.
    Whoosh's own path handles one token per Python generator step, which made most of a
    full build. Subclasses say where a word's term is remembered (`_terms`)."""

    def __init__(self, analyzer):
        super().__init__(analyzer=analyzer, phrase=False)

    def _terms(self) -> dict[str, bytes | None]:
        """Each word -> its term bytes (None: not indexed), found on the first lookup."""
        raise NotImplementedError

    def index(self, value, **kwargs):
        btexts, frequencies, weights = self.index_columns(value)
        values = map(_PACKED.__getitem__, frequencies)
        return zip(btexts, frequencies, map(float, weights), values, strict=True)

    def index_columns(self, value: str) -> tuple[list, list, list]:
        """What `index` yields, as columns: term bytes, frequencies, weights (BulkWriter
        takes these without making a tuple per term; a posting's value is its frequency)."""
        words = text_words(value)
        counts = Counter(map(self._terms().__getitem__, words))  # each word looked up in C
        counts.pop(None, None)  # stop words
        frequencies = list(counts.values())
        boost = self.format.field_boost
        weights = frequencies if boost == 1 else [frequency * boost for frequency in frequencies]
        return list(counts), frequencies, weights


class StemmedText(_CountedText):
    """Words, lower case, without stop words, stemmed (`stemming_analyzer`)."""

    def __init__(self, lang: str):
        super().__init__(stemming_analyzer(lang))
        self.lang = lang

    def _terms(self) -> dict[str, bytes | None]:
        return _TERMS[self.lang]


class ExactText(_CountedText):
    """Words in lower case as written (`exact_analyzer`): for names."""

    def __init__(self):
        super().__init__(exact_analyzer())

    def _terms(self) -> dict[str, bytes | None]:
        return _EXACT_TERMS


class _Terms(dict):
    """Each word of a language seen so far -> its term bytes (None for a stop word): a text
    is mostly words seen before, which are then neither looked up in the stop list nor
    stemmed again (that was most of the time of analysing a text)."""

    def __init__(self, lang: str):
        super().__init__()
        self.lang, self.stop = lang, stop_words(lang)

    def __missing__(self, word: str) -> bytes | None:
        term = self[word] = None if word in self.stop else term_of(word, self.lang, _LEXICON).encode()
        return term


class Terms(dict):
    """Each word (lower case) -> its term in one language with one lexicon (None for a stop
    word), remembered: for queries and excerpts, which each build's searcher makes."""

    def __init__(self, lang: str, lexicon: Lexicon | None):
        super().__init__()
        self.lang, self.lexicon, self.stop = lang, lexicon, stop_words(lang)

    def __missing__(self, word: str) -> str | None:
        if len(self) > 200_000:  # a bound, not a cache policy: the vocabulary is smaller
            self.clear()
        term = self[word] = None if word in self.stop else term_of(word, self.lang, self.lexicon)
        return term


class _Packed(dict):
    """Frequencies as Whoosh stores them, each packed once."""

    def __missing__(self, frequency: int) -> bytes:
        packed = self[frequency] = pack_uint(frequency)
        return packed


class _Encoded(dict):
    """Each word seen so far -> its bytes."""

    def __missing__(self, word: str) -> bytes:
        term = self[word] = word.encode()
        return term


_PACKED = _Packed()
_TERMS = {lang: _Terms(lang) for lang in languages.SITE}
_EXACT_TERMS = _Encoded()  # names: a few thousand words


def _forget_terms() -> None:
    """Forget the terms StemmedText fields found (they were found with another lexicon)."""
    for terms in _TERMS.values():
        terms.clear()
