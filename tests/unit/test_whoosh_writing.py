"""BulkWriter and write_in_parallel write exactly the files Whoosh's own writer writes.

They gather postings in memory and write a term at a time (webapp/search/whoosh_writing.py),
so these tests compare their index files byte for byte with Whoosh's SegmentWriter's over
the same documents: posting lists filling exactly one block and spilling into the next,
keyword and date fields, field lengths, and a merge of segments.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from whoosh import index
from whoosh.codec.whoosh3 import W3FieldWriter
from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema
from whoosh.writing import SegmentWriter

from webapp.search.whoosh_arrays import ArrayBlocksCodec
from webapp.search.whoosh_writing import BulkWriter, write_in_parallel

WORDS = [f"w{number}" for number in range(40)]
SCHEMA = Schema(id=ID(stored=True), tags=KEYWORD(commas=True), body=TEXT, published=DATETIME(sortable=True))


class _WhooshsOwnFieldWriter(ArrayBlocksCodec):
    def field_writer(self, storage, segment):
        return W3FieldWriter(self, storage, segment)


def _documents(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    documents = []
    for number in range(count):
        words = rng.choices(WORDS, k=rng.randint(1, 60))
        words += ["sixteen"] if number < 16 else []  # a list filling exactly one block
        words += ["seventeen"] if number < 17 else []  # one posting into the next block
        documents.append(
            {
                "id": str(number),
                "tags": ",".join(rng.sample(["a", "b", "c"], rng.randint(0, 3))),
                "body": " ".join(words),
                "published": datetime(2001, 1, 1) + timedelta(hours=rng.randint(0, 200_000)),
            }
        )
    return documents


def _files(directory) -> list[bytes]:
    """Every segment file's bytes, by kind (segment names are random)."""
    segment_files = [path for path in directory.iterdir() if path.suffix not in {".toc", ".tmp"}]
    return sorted((path.suffix, path.stat().st_size, path.read_bytes()) for path in segment_files)


def _written(directory, writer_class, codec_class, batches: list[list[dict]], merge: bool) -> list[bytes]:
    """The files of an index of `batches`, a segment each, then merged into one if `merge`."""
    directory.mkdir()
    ix = index.create_in(str(directory), SCHEMA)
    codec = codec_class(blocklimit=16, compression=0)
    for batch in batches:
        writer = writer_class(ix, codec=codec, compound=False)
        for document in batch:
            writer.add_document(**document)
        writer.commit(merge=False)
    if merge:  # a merge: postings read back from the segments
        writer_class(ix, codec=codec, compound=False).commit(optimize=True)
    return _files(directory)


def _whooshs_own(directory, batches: list[list[dict]], merge: bool) -> list[bytes]:
    return _written(directory, SegmentWriter, _WhooshsOwnFieldWriter, batches, merge)


@pytest.mark.parametrize("merge", [False, True], ids=["a segment per batch", "merged"])
def test_bulk_writer_writes_whooshs_own_bytes(tmp_path, merge):
    batches = [_documents(300, seed=11), _documents(300, seed=12)]
    ours = _written(tmp_path / "ours", BulkWriter, ArrayBlocksCodec, batches, merge)
    assert [kind for kind, _, _ in ours].count(".pst") == (1 if merge else 2)
    assert ours == _whooshs_own(tmp_path / "whooshs", batches, merge)


def test_parallel_writer_writes_a_segment_per_process(tmp_path):
    documents = _documents(500, seed=13)
    directory = tmp_path / "ours"
    directory.mkdir()
    ix = index.create_in(str(directory), SCHEMA)
    reported = []
    write_in_parallel(
        ix,
        documents.__getitem__,
        len(documents),
        reported.append,
        procs=2,
        codec=ArrayBlocksCodec(blocklimit=16, compression=0),
        compound=False,
    )
    assert sum(reported) == 500
    halves = [documents[:250], documents[250:]]
    assert _files(directory) == _whooshs_own(tmp_path / "whooshs", halves, merge=False)
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 500
        found = [searcher.document(id=str(number)) for number in (0, 249, 250, 499)]
        assert [document["id"] for document in found] == ["0", "249", "250", "499"]


def test_a_failing_document_commits_nothing(tmp_path):
    documents = _documents(40, seed=14)
    ix = index.create_in(str(tmp_path), SCHEMA)

    def document(number: int) -> dict:
        if number == 30:
            raise ValueError("document 30 cannot be made")
        return documents[number]

    with pytest.raises(ValueError, match="document 30"):
        write_in_parallel(ix, document, len(documents), lambda done: None, procs=2, codec=ArrayBlocksCodec())
    assert index.open_dir(str(tmp_path)).doc_count() == 0
    writer = BulkWriter(ix)  # the lock was released
    writer.add_document(**documents[0])
    writer.commit()
    assert index.open_dir(str(tmp_path)).doc_count() == 1
