"""Swedish compound words: find the known words a long word is made of.

Swedish writes compounds as one word (samverkansarenan, klimatomställningen). A reader who
searches for one part (samverkan, omställning) expects to find the compound. No stemmer
splits compounds, so the build splits them against the corpus's own vocabulary: a part
counts only if it occurs as a word of its own somewhere in the content. Parts are indexed
in a separate, lightly weighted field, so whole-word matches still rank first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import chain

MIN_WORD = 8  # shorter words are rarely compounds worth splitting
MIN_PART = 4  # shorter parts ("sam", "the") are noise
MIN_REST = 6  # an unknown rest after a known head (klimat|anpassning) must be this long
LINKING = ("s", "e", "a", "u", "o")  # fogemorfem: samverkan-s-arenan, kvinno-frid


class Vocabulary:
    """The words of a corpus, and their stems, to tell whether a part is a real word."""

    def __init__(self, words: Iterable[str], stem: Callable[[str], str], stems: set[str] | None = None):
        """`stems`, if given, are those of `words` (kept from an earlier build)."""
        self.stem = stem
        self.words: set[str] = set() if stems is None else _parts(words)
        self.stems: set[str] = set() if stems is None else stems
        self.splits = _Splits(self)  # word -> its parts, as the corpus repeats words
        if stems is None:
            self.add(words)

    def add(self, words: Iterable[str]) -> None:
        """Learn more words (a new article's); they may split words differently."""
        new = _parts(words) - self.words
        self.words |= new
        self.stems.update(map(self.stem, new))
        if new:
            self.splits.clear()

    def __contains__(self, part: str) -> bool:
        """A tail may be inflected (-förvaltningen), so it is compared by stem too."""
        return part in self.words or self.stem(part) in self.stems

    def has_word(self, part: str) -> bool:
        """A head is written in its base form (klimat-, samverkan-s-), so only exact words."""
        return part in self.words


class _Splits(dict):
    """Each word split so far -> its parts; a word not split yet is split when looked up."""

    def __init__(self, vocabulary: Vocabulary):
        super().__init__()
        self.vocabulary = vocabulary

    def __missing__(self, word: str) -> list[str]:
        parts = self[word] = split_compound(word, self.vocabulary)
        return parts


def _parts(words: Iterable[str]) -> set[str]:
    """The words that may be parts of compounds."""
    return {word.lower() for word in words if len(word) >= MIN_PART}


def split_compound(word: str, vocabulary: Vocabulary | set[str]) -> list[str]:
    """The vocabulary words `word` is made of (head and tail), longest first; [] if none."""
    word = word.lower()
    if len(word) < MIN_WORD:
        return []
    parts: set[str] = set()
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        head, tail = word[:cut], word[cut:]
        if tail in vocabulary:
            parts.add(tail)
        is_word = vocabulary.has_word if isinstance(vocabulary, Vocabulary) else vocabulary.__contains__
        # A known head counts only before a rest that is a word too (precision: "vind" is
        # not a part of "vindruvor", vin|druvor, whose rest "ruvor" is no word). The rest of
        # a compound with a known head is a word even if the corpus never uses it alone,
        # when it is long: klimat|anpassningen. A leading s is the linking s.
        rest = tail[1:] if tail[0] == "s" and len(tail) > 1 else tail
        rest_is_word = len(rest) >= MIN_REST or rest in vocabulary or tail in vocabulary
        if is_word(head) and rest_is_word:
            parts.add(head)
            if len(rest) >= MIN_REST:
                parts.add(rest)
        elif head[-1] in LINKING and len(head) > MIN_PART and is_word(head[:-1]) and tail in vocabulary:
            parts.add(head[:-1])
    parts.discard(word)
    return sorted(parts, key=len, reverse=True)


class _Candidates(dict):
    """Each word -> itself if it is long enough to be a compound, else None."""

    def __missing__(self, word: str) -> str | None:
        kept = self[word] = word if len(word) >= MIN_WORD else None
        return kept


_CANDIDATES = _Candidates()


def candidates(*word_lists: Iterable[str]) -> tuple[str, ...]:
    """The distinct words of `word_lists` long enough to be compounds, found in C; the same
    word is the same string object, so keeping many texts' candidates costs little."""
    found = set(map(_CANDIDATES.__getitem__, chain.from_iterable(word_lists)))
    found.discard(None)
    return tuple(found)


def compound_parts(words: Iterable[str], vocabulary: Vocabulary) -> list[str]:
    """All parts of all compounds among `words`, for the index's compound field (each
    word looked up in C: a text's words were mostly split before)."""
    return list(chain.from_iterable(map(vocabulary.splits.__getitem__, words)))
