"""The array reader of a Whoosh index gives what Whoosh's own API gives.

whoosh_arrays reads Whoosh's on-disk blocks and columns directly for speed; these tests
pin its answers to Whoosh's public API on an index with several segments, many blocks
per posting list (compressed and not), inline postings and deleted documents.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import numpy as np
import pytest
from whoosh import index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import DATETIME, ID, TEXT, Schema
from whoosh.query import Term

from webapp.search.whoosh_arrays import ArrayBlocksCodec, IndexArrays

WORDS = [f"w{number}" for number in range(40)] + ["once"]


@pytest.fixture(
    scope="module",
    params=[(W3Codec, 0), (W3Codec, 3), (ArrayBlocksCodec, 0)],
    ids=["plain-blocks", "zlib-blocks", "array-blocks"],
)
def searcher(request, tmp_path_factory):
    rng = random.Random(5)
    schema = Schema(id=ID(stored=True), body=TEXT, published=DATETIME(sortable=True))
    directory = tmp_path_factory.mktemp("index")
    ix = index.create_in(str(directory), schema)
    codec_class, compression = request.param
    codec = codec_class(blocklimit=16, compression=compression)
    number = 0
    for _segment in range(3):
        writer = ix.writer(codec=codec)
        for _ in range(400):
            words = rng.choices(WORDS[:-1], k=rng.randint(1, 60))
            if number == 123:
                words.append("once")  # a term with one posting is stored inline
            published = datetime(2001, 1, 1) + timedelta(hours=rng.randint(0, 200_000))
            writer.add_document(id=str(number), body=" ".join(words), published=published)
            number += 1
        writer.commit(merge=False)
    writer = ix.writer(codec=codec)
    for gone in rng.sample(range(number), 60):
        writer.delete_by_term("id", str(gone))
    writer.commit(merge=False)
    with ix.searcher() as opened:
        assert len(opened.reader().leaf_readers()) == 3
        yield opened


@pytest.mark.parametrize("word", ["w0", "w7", "w39", "once", "absent"])
def test_postings_and_scores_are_whooshs_own(searcher, word):
    arrays = IndexArrays(searcher)
    ids, frequencies = arrays.postings("body", word)
    live = arrays.alive[ids]
    expected = (
        list(searcher.reader().postings("body", word).items_as("weight"))
        if ("body", word) in searcher.reader()
        else []
    )
    assert ids[live].tolist() == [doc for doc, _ in expected]
    assert frequencies[live].tolist() == pytest.approx([weight for _, weight in expected])

    ids, scores = arrays.bm25("body", word, boost=2.0)
    whoosh_scores = {
        hit.docnum: hit.score for hit in searcher.search(Term("body", word, boost=2.0), limit=None)
    }
    assert dict(zip(ids[arrays.alive[ids]].tolist(), scores[arrays.alive[ids]].tolist(), strict=True)) == (
        pytest.approx(whoosh_scores)
    )


def test_deleted_documents_are_not_alive(searcher):
    arrays = IndexArrays(searcher)
    reader = searcher.reader()
    assert arrays.alive.tolist() == [not reader.is_deleted(doc) for doc in range(searcher.doc_count_all())]
    assert np.flatnonzero(arrays.mask("body", "w3")).tolist() == list(
        searcher.docs_for_query(Term("body", "w3"))
    )


def test_lengths_and_columns_are_whooshs_own(searcher):
    arrays = IndexArrays(searcher)
    reader = searcher.reader()
    every = range(searcher.doc_count_all())
    assert arrays.lengths("body").tolist() == [reader.doc_field_length(doc, "body", 0) for doc in every]
    published = reader.column_reader("published", translate=False)
    assert arrays.column("published").tolist() == [published[doc] for doc in every]
