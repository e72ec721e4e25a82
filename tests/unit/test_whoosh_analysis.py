"""The fast indexing path of StemmedText indexes exactly what its analyzer produces.

Queries and excerpts are analysed by the analyzer; if indexing differed, words would
silently stop matching. Checked on every demo text in both languages.
"""

from __future__ import annotations

import pytest
from whoosh.fields import TEXT

from webapp.search.whoosh_analysis import StemmedText, stemming_analyzer

ODD = (
    "Åsa's e-post: ÖVERSVÄMNING, översvämningar; 2024-års X-ray İstanbul ﬁre café naïve _under_ 3,5 %"
    " Ⓐb ⅫX ǅemal"  # a symbol, a numeral and a title-case letter that lower case changes
)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_indexing_matches_the_analyzer(lang, demo_content):
    texts = [ODD] + [f"{a.title} {a.lead} {a.body_text}" for a in demo_content.articles if a.lang == lang]
    fast, reference = StemmedText(lang), TEXT(analyzer=stemming_analyzer(lang), phrase=False)
    for text in texts:
        assert sorted(fast.index(text)) == sorted(reference.index(text))
