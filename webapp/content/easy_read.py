"""Advice on easy-to-read (lättläst) versions, where a machine can give it.

Lättläst guidance (Myndigheten för tillgängliga medier, Klarspråk) asks for short
sentences, one thought each, everyday words, and no passages in other languages. Only the
first and the last can be checked by a machine; both are advice for the communicator,
printed with the build and the publishing report. The version is published anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from webapp.content.cache import full_article
from webapp.content.model import Article, Problem

LONGEST_SENTENCE = 15  # words: lättläst sentences are short, about ten words
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+|\n\s*\n")
_WORD = re.compile(r"\w+")
_OTHER_LANGUAGE = re.compile(r'\blang="(?!sv")([a-z-]+)"')


def advice(articles: Iterable) -> list[Problem]:
    """Advice for each easy-to-read version among `articles`."""
    found: list[Problem] = []
    for article in articles:
        if article.easy_read:
            found += _advice_on(full_article(article))
    return found


def _advice_on(article: Article) -> list[Problem]:
    found = []
    sentences = [s.strip() for text in (article.lead, article.body_text) for s in _SENTENCE_END.split(text)]
    long = [sentence for sentence in sentences if len(_WORD.findall(sentence)) > LONGEST_SENTENCE]
    if long:
        first = " ".join(long[0].split()[:8])
        found.append(
            Problem(
                article.source,
                "body",
                f"{len(long)} sentence(s) have more than {LONGEST_SENTENCE} words (the first: "
                f"'{first} ...'); lättläst keeps to short sentences, one thought each",
            )
        )
    other = sorted(set(_OTHER_LANGUAGE.findall(article.body_html)))
    if other:
        found.append(
            Problem(
                article.source,
                "body",
                f"has text in another language ({', '.join(other)}); a lättläst text is Swedish "
                "only: leave the passage out or retell it in Swedish",
            )
        )
    return found
