"""Spelling: the words of the content closest to a word a reader typed. Part of the Whoosh
adapter (it uses Whoosh's Levenshtein automata to search a sorted word list).

In Swedish å, ä and ö are letters of their own (far, får, för), but a reader on an English
keyboard or a phone often types a and o instead. So a word that differs only in its
diacritics is the closest possible correction (it costs FOLDED, less than any edit), and
other corrections are searched among the words with their diacritics removed, so
*hallristingar* (a missing ä and a missing n) is one edit from *hällristningar*.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from whoosh.spelling import ListCorrector

from webapp.search.lexicon import fold

FOLDED = 0.5  # what a missing or different diacritic costs; an edit costs 1
MAX_EDITS = 2
MIN_LENGTH = 4  # shorter words are not corrected by edits (too many near neighbours)


class Speller:
    """Corrections from one vocabulary (the words of the content, lower case)."""

    def __init__(self, words: Iterable[str]):
        self.words = frozenset(words)
        self.folded: dict[str, list[str]] = {}  # folded word -> the words that fold to it
        for word in self.words:
            self.folded.setdefault(fold(word), []).append(word)
        self._corrector = ListCorrector(sorted(self.folded))

    def respellings(self, word: str) -> list[str]:
        """The vocabulary's words that differ from `word` only in diacritics."""
        return [other for other in self.folded.get(fold(word), ()) if other != word]

    def corrections(
        self, word: str, frequency: Callable[[str], int], limit: int = 1
    ) -> list[tuple[float, str]]:
        """Up to `limit` (cost, word) pairs, cheapest first and, at the same cost, the word
        most articles use: respellings cost FOLDED, edits 1 each (up to MAX_EDITS)."""
        found = [(FOLDED, other) for other in self.respellings(word)]
        folded = fold(word)
        if not found and len(folded) >= MIN_LENGTH:
            for near in self._corrector.suggest(folded, limit=10, maxdist=MAX_EDITS, prefix=1):
                edits = distance(folded, near)
                for other in self.folded[near]:
                    # At the same edits, a word without diacritics first (as typed).
                    found.append((edits + (0.05 if fold(other) != other else 0), other))
        ranked = sorted(found, key=lambda pair: (pair[0], -frequency(pair[1]), pair[1]))
        return ranked[:limit]


def distance(first: str, second: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from `first` to `second`."""
    previous2: list[int] = []
    previous = list(range(len(second) + 1))
    for i, a in enumerate(first, 1):
        current = [i] + [0] * len(second)
        for j, b in enumerate(second, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b))
            if i > 1 and j > 1 and a == second[j - 2] and first[i - 2] == b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]
