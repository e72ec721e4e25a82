"""Excerpts for search results: a passage of an article's text around what matched, with
every matching word marked, that starts where a reader can start reading.

A passage starts at the beginning of the sentence holding the first match when that is
near, and otherwise at a word boundary after an ellipsis; it ends at a word boundary,
with an ellipsis when the text goes on. Which words match is the caller's (the backend
knows each word's term): any form that led to a match is marked, so a search for *brand*
marks *bränder*, and one for *Vanern* marks *Vänern*.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from markupsafe import Markup, escape

from webapp.search.lexicon import fold

WORD = re.compile(r"\w+")
SENTENCE_END = re.compile(r"[.!?:](?=\s)|\n")
LEAD = 90  # at most this much text before the first match when starting at its sentence
LENGTH = 240  # characters of text in an excerpt, about two lines
ELLIPSIS = "…"


def excerpt(
    text: str, matches: Callable[[str], bool], scan: int = 20_000, candidates: re.Pattern | None = None
) -> Markup:
    """The passage of `text` around its first word for which `matches(word)` is true, as
    safe HTML with such words in <mark>; empty when none matches in the first `scan`
    characters (a long text is not read to its end for an excerpt). `candidates`, if
    given, finds whole words among which every matching one is (`candidate_words`): only
    they are asked about."""
    words = candidates or WORD
    known: dict[str, bool] = {}  # a text repeats its words: each is asked about once

    def matching(word: str) -> bool:
        answer = known.get(word)
        if answer is None:
            answer = known[word] = matches(word)
        return answer

    # Words are asked about up to the first match, and then only within the passage: at
    # 100,000 articles, asking about every word of ten long texts took half a search's time.
    first = next((m for m in words.finditer(text, 0, scan) if matching(m.group())), None)
    if first is None:
        return Markup("")
    start = _start(text, first.start())
    end = _end(text, max(start + LENGTH, first.end()))
    found = [(first.start(), first.end())]
    for word in words.finditer(text, first.end(), scan):
        if word.start() >= end:
            break
        if matching(word.group()):
            found.append((word.start(), word.end()))
    pieces = [ELLIPSIS + " " if start > 0 and not _sentence_starts(text, start) else ""]
    position = start
    for begin, finish in found:
        if begin >= end:
            break
        pieces += [
            escape(text[position:begin]),
            Markup("<mark>"),
            escape(text[begin:finish]),
            Markup("</mark>"),
        ]
        position = finish
    pieces.append(escape(text[position:end]))
    if end < len(text.rstrip()):
        pieces.append(" " + ELLIPSIS)
    return Markup("").join(pieces)


@lru_cache(maxsize=256)
def candidate_words(initials: frozenset[str], inside: frozenset[str] = frozenset()) -> re.Pattern:
    """A pattern of the whole words that start with a letter whose form without diacritics
    is one of `initials`, or that hold one of the strings `inside`, in any case: what
    `excerpt` asks about instead of every word."""
    letters = "".join(re.escape(char) for char in _LETTERS if fold(char.lower()) in initials)
    alternatives = []
    if letters:
        alternatives.append(rf"\b[{letters}]\w*")
    if inside:
        alternatives.append(r"\b\w*(?:" + "|".join(map(re.escape, sorted(inside))) + r")\w*")
    return re.compile("|".join(alternatives) or r"(?!)", re.IGNORECASE)


# Letters and digits a word may start with (Latin scripts): their folded forms are compared.
_LETTERS = [chr(code) for code in range(0x30, 0x250) if chr(code).isalnum()]


def _sentence_starts(text: str, position: int) -> bool:
    before = text[:position].rstrip()
    return not before or before[-1] in ".!?:" or text[len(before) : position].count("\n") > 0


def _start(text: str, first: int) -> int:
    """The start of the sentence holding `first` if it is near, else a word start near it."""
    sentence = 0
    for end in SENTENCE_END.finditer(text, 0, first):
        sentence = end.end()
    while sentence < first and text[sentence].isspace():
        sentence += 1
    if first - sentence <= LEAD:
        return sentence
    space = text.rfind(" ", 0, first - LEAD // 2)
    return first if space < sentence else space + 1


def _end(text: str, wanted: int) -> int:
    """A word boundary at or before `wanted` (the whole text if it is shorter)."""
    if wanted >= len(text):
        return len(text.rstrip())
    space = text.rfind(" ", 0, wanted)
    return space if space > 0 else wanted
