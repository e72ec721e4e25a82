"""The fast indexing path of StemmedText and ExactText indexes exactly what their analyzers produce.

Queries and excerpts are analysed by the analyzer; if indexing differed, words would
silently stop matching. Checked on every demo text in both languages.
"""

from __future__ import annotations

import pytest
from whoosh.fields import TEXT

from webapp.search.whoosh_analysis import ExactText, StemmedText, exact_analyzer, stemming_analyzer

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


def test_names_are_indexed_as_the_exact_analyzer_finds_them(demo_content):
    names = [contact.name for article in demo_content.articles for contact in article.contacts]
    names += [name for partner in demo_content.partners.values() for name in partner.name.values()]
    fast, reference = ExactText(), TEXT(analyzer=exact_analyzer(), phrase=False)
    for text in [ODD, " ".join(names), *names]:
        assert sorted(fast.index(text)) == sorted(reference.index(text))
