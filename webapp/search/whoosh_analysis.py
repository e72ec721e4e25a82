"""Whoosh analyzers per language. Part of the Whoosh adapter; nothing outside
webapp.search imports it.

Whoosh pickles the schema, analyzers included, into the index, so the stem functions are
plain module-level functions that unpickle by name.
"""

from __future__ import annotations

import Stemmer
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang import stopwords_for_language

# Words of letters and digits; å, ä and ö are letters of their own, never folded to a/o.
WORDS = r"\w+"

_SWEDISH = Stemmer.Stemmer("swedish")
_ENGLISH = Stemmer.Stemmer("english")


def stem_swedish(word: str) -> str:
    """Current Snowball Swedish (PyStemmer): universitetet -> universitet."""
    return _SWEDISH.stemWord(word)


def stem_english(word: str) -> str:
    return _ENGLISH.stemWord(word)


STEMMERS = {"sv": stem_swedish, "en": stem_english}


def stemming_analyzer(lang: str):
    """Words, lower case, without stop words, stemmed: for ranking by meaning."""
    return (
        RegexTokenizer(WORDS)
        | LowercaseFilter()
        | StopFilter(stoplist=stopwords_for_language(lang), minsize=1)
        | StemFilter(stemfn=STEMMERS[lang], cachesize=50000)
    )


def exact_analyzer():
    """Words in lower case as written: for prefixes, names and spelling suggestions."""
    return RegexTokenizer(WORDS) | LowercaseFilter()
