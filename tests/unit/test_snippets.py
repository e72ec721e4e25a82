"""Excerpts that look only at candidate words are the excerpts that look at every word."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.search.lexicon import fold
from webapp.search.snippets import candidate_words, excerpt

WORDS = ["Vänern", "vanern", "bränder", "Brand", "skogsbränder", "älv", "Älvar", "2024", "och", "i",
         "klimatanpassning", "Eelgrass", "över", "Öland", "é", "café", "x"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(st.sampled_from(WORDS + [". ", ", ", "\n", " – "]), max_size=120).map(" ".join),
    wanted=st.sets(st.sampled_from([w.lower() for w in WORDS]), max_size=4),
    parts=st.sets(st.sampled_from(["brand", "anpass", "gras"]), max_size=2),
)
def test_candidates_give_the_same_excerpt_as_every_word(text, wanted, parts):
    initials = {fold(word[0]) for word in wanted}

    def matches(word: str) -> bool:  # as the backend's: the word's first letter, then its form
        lowered = word.lower()
        return (fold(lowered[0]) in initials and lowered in wanted) or any(p in lowered for p in parts)

    candidates = candidate_words(frozenset(initials), frozenset(parts))
    assert excerpt(text, matches, candidates=candidates) == excerpt(text, matches)


def test_a_word_with_a_diacritic_is_a_candidate_for_its_folded_initial():
    pattern = candidate_words(frozenset({"a", "o"}))
    assert pattern.findall("Älven och öarna, men inte bränder") == ["Älven", "och", "öarna"]
