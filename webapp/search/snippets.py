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

from markupsafe import Markup, escape

WORD = re.compile(r"\w+")
SENTENCE_END = re.compile(r"[.!?:](?=\s)|\n")
LEAD = 90  # at most this much text before the first match when starting at its sentence
LENGTH = 240  # characters of text in an excerpt, about two lines
ELLIPSIS = "…"


def excerpt(text: str, matches: Callable[[str], bool], scan: int = 20_000) -> Markup:
    """The passage of `text` around its first word for which `matches(word)` is true, as
    safe HTML with such words in <mark>; empty when none matches in the first `scan`
    characters (a long text is not read to its end for an excerpt)."""
    found = [(m.start(), m.end()) for m in WORD.finditer(text, 0, scan) if matches(m.group())]
    if not found:
        return Markup("")
    first = found[0][0]
    start = _start(text, first)
    end = _end(text, max(start + LENGTH, found[0][1]))
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
