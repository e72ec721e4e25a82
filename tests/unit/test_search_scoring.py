"""Scoring honesty: the numpy scorer (WhooshBackend._scores over whoosh_arrays) gives the
scores Whoosh's own BM25F gives, for the combined queries searches are made of.

Where it differs, on purpose, the test says so and why. A prefix (hållbar*) is scored as
the Or of the words it expands to, each by BM25F, times the prefix's boost: what Whoosh's
Prefix(constantscore=False) gives when it expands to two or more words. Whoosh's default
Prefix gives every match the same score instead, so a text using the word ten times
would count no more than one using it once; and when a prefix expands to a single word,
Whoosh matches that word alone and drops the prefix's boost, so a prefix match would
count as much as a whole word, where ours keeps the boost (WEIGHTS["prefix"]) and whole
words rank first.
"""

from __future__ import annotations

import pytest
from whoosh.query import And, Or, Prefix, Term

from tests.conftest import LABEL
from webapp.build import write_build
from webapp.content import load_content
from webapp.live import open_build


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    from tests.conftest import ContentTree

    tree = ContentTree(tmp_path_factory.mktemp("scoring") / "content")
    texts = [
        ("a", "Vindkraft i länet", "Vindkraften byggs ut. Vind och vatten i kommunerna."),
        ("b", "Vatten", "Vattnet stiger i Vänern, vindarna ökar och vindkraft diskuteras."),
        ("c", "Hållbar utveckling", "Hållbarhet och hållbara städer, vind och vindkraftverk."),
        ("d", "Skogsbränder", "Bränderna i skogen släcktes. En brand till i går."),
        ("e", "Nyheter", "Inget om saken alls, bara annat i kommunerna och länet."),
    ]
    for key, title, body in texts:
        tree.article(key, title=title, body=body)
    path = write_build(load_content(tree.root, LABEL), tmp_path_factory.mktemp("builds"))
    return open_build(path).search


def _whoosh_scores(backend, query) -> dict[int, float]:
    return {hit.docnum: hit.score for hit in backend._searcher.search(query, limit=None)}


def _ours(backend, query) -> dict[int, float]:
    scores = backend._scores(query, {})
    return {int(doc): float(scores[doc]) for doc in scores.nonzero()[0]}


def _assert_same(backend, query):
    theirs, ours = _whoosh_scores(backend, query), _ours(backend, query)
    assert theirs, f"{query} should match something"
    assert ours.keys() == theirs.keys(), query
    for doc, score in theirs.items():
        assert ours[doc] == pytest.approx(score, rel=1e-5), (query, doc)


@pytest.mark.parametrize(
    "query",
    [
        Term("body_sv", "vind"),
        Term("title_sv", "vindkraft", boost=4.0),
        Or([Term("body_sv", "vind"), Term("title_sv", "vatt", boost=4.0), Term("body_sv", "kommun")]),
        And([Term("body_sv", "vind"), Term("body_sv", "kommun")]),
        And([Or([Term("title_sv", "vatt", boost=4.0), Term("body_sv", "vatt")]), Term("body_sv", "vind")]),
        Or(
            [
                And([Term("body_sv", "vind"), Term("body_sv", "vindkraft", boost=0.4)]),
                Term("body_sv", "brand"),
            ]
        ),
        Prefix("body_sv", "vindkraft", boost=0.3, constantscore=False),  # vindkraft, vindkraftverk
        Or([Term("body_sv", "hållb"), Prefix("body_sv", "vindkraft", boost=0.3, constantscore=False)]),
        And([Prefix("body_sv", "vind", constantscore=False), Term("body_sv", "kommun", boost=2.0)]),
    ],
    ids=str,
)
def test_combined_queries_score_as_whoosh_bm25f_scores_them(backend, query):
    _assert_same(backend, query)


def test_where_whoosh_scores_a_prefix_differently_and_why(backend):
    # Whoosh's default Prefix scores every match alike; ours as the Or of its words.
    words = [word.decode() for word in backend._searcher.reader().expand_prefix("body_sv", "vind")]
    assert len(words) > 1
    as_or = Or([Term("body_sv", word, boost=0.5) for word in words])
    ours, default = _ours(backend, Prefix("body_sv", "vind", boost=0.5)), _whoosh_scores(backend, as_or)
    assert ours == pytest.approx(default, rel=1e-5)
    assert ours != pytest.approx(_whoosh_scores(backend, Prefix("body_sv", "vind", boost=0.5)), rel=1e-5)
    # A prefix that expands to one word (hållbar: hållbarhet's term): Whoosh forgets the
    # prefix's boost, we keep it, so the prefix match counts less than the word would.
    single = Prefix("body_sv", "hållbar", boost=0.3)
    ours, theirs = _ours(backend, single), _whoosh_scores(backend, single)
    assert ours.keys() == theirs.keys()
    assert all(ours[doc] == pytest.approx(0.3 * theirs[doc], rel=1e-5) for doc in ours)


def test_an_irregular_plural_is_indexed_under_its_base_word(backend):
    # Skogsbränder and bränderna are indexed as skogsbrand and brand (webapp/search/lexicon.py).
    reader = backend._searcher.reader()
    assert reader.doc_frequency("title_sv", "skogsbrand") == 1
    assert reader.doc_frequency("body_sv", "brand") == 1
