"""BulkWriter and write_in_parallel write exactly the files Whoosh's own writer writes.

They gather postings in memory and write a term at a time (webapp/search/whoosh_writing.py),
so these tests compare their index files byte for byte with Whoosh's SegmentWriter's over
the same documents: posting lists filling exactly one block and spilling into the next,
keyword and date fields, field lengths, and a merge of segments.
"""

from __future__ import annotations

import os
import random
import signal
import time
from datetime import datetime, timedelta

import pytest
from whoosh import index
from whoosh.codec.whoosh3 import W3FieldWriter, W3PerDocWriter
from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema
from whoosh.query import Term
from whoosh.writing import SegmentWriter

from webapp.parallel import WorkerDied, in_parallel
from webapp.search import whoosh_arrays, whoosh_writing
from webapp.search.whoosh_analysis import StemmedText
from webapp.search.whoosh_arrays import ArrayBlocksCodec
from webapp.search.whoosh_writing import BulkWriter, SecondPass, write_in_parallel

WORDS = [f"w{number}" for number in range(40)]
SCHEMA = Schema(
    id=ID(stored=True),
    tags=KEYWORD(commas=True),
    body=TEXT(phrase=False),
    title=TEXT(phrase=False, field_boost=0.3),  # weights that are not whole numbers
    published=DATETIME(sortable=True),
)


class _WhooshsOwnFieldWriter(ArrayBlocksCodec):
    """Whoosh's own field and per-document writers; only stored fields are ours."""

    def field_writer(self, storage, segment):
        return W3FieldWriter(self, storage, segment)

    def per_document_writer(self, storage, segment):
        return _WhooshsOwnPerDocWriter(self, storage, segment)


class _WhooshsOwnPerDocWriter(W3PerDocWriter):
    def _create_column(self, fieldname, column):
        super()._create_column(fieldname, whoosh_arrays._STORED if fieldname == "_stored" else column)


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
                "title": " ".join(rng.choices(WORDS[:5], k=rng.randint(1, 4))),
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


def test_fields_with_positions_are_refused_not_written_without_them(tmp_path):
    ix = index.create_in(str(tmp_path), Schema(id=ID(stored=True), body=TEXT))  # TEXT: positions
    with pytest.raises(ValueError, match="body"):
        BulkWriter(ix)
    ix.writer().cancel()  # the lock was released


def test_terms_written_in_short_runs_are_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(whoosh_arrays, "_RUN", 5)  # many runs, and terms longer than a run
    batches = [_documents(300, seed=18)]
    ours = _written(tmp_path / "ours", BulkWriter, ArrayBlocksCodec, batches, merge=False)
    assert ours == _whooshs_own(tmp_path / "whooshs", batches, merge=False)


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


LATE_SCHEMA = Schema(id=ID(stored=True), body=StemmedText("sv"), rare=StemmedText("sv"))
SWEDISH = ["älv", "sjö", "skog", "fjäll", "myr", "hav", "å", "och", "våtmark", "kust", "ö", "berg"]


def _late_documents(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    return [{"id": str(n), "body": " ".join(rng.choices(SWEDISH, k=rng.randint(1, 5)))} for n in range(count)]


def _rare(words: list[str], corpus: set[str]) -> str:
    """A late field depending on the corpus: a document's words that not every word of
    the corpus is longer than (standing in for the compound parts)."""
    return " ".join(word for word in words if len(word) < max(map(len, corpus)))


def _write_with_second_pass(directory, documents, late, learned_by_parent):
    directory.mkdir()
    ix = index.create_in(str(directory), LATE_SCHEMA)

    seen: dict[str, set[str]] = {}  # in each process: the words of the documents it made

    def document(number: int) -> dict:
        seen.setdefault("sv", set()).update(documents[number]["body"].split())
        return documents[number]

    def learn(words: dict[str, set[str]]) -> set[str]:
        learned_by_parent.append(words)
        return words["sv"]

    write_in_parallel(
        ix,
        document,
        len(documents),
        lambda done: None,
        procs=2,
        second=SecondPass(lambda: seen, learn, late),
        codec=ArrayBlocksCodec(blocklimit=16, compression=0),
        compound=False,
    )
    return ix


def test_a_second_pass_indexes_fields_that_depend_on_every_processs_words(tmp_path):
    documents = _late_documents(400, seed=15)
    documents[399]["body"] += " fjällvärldsarvet"  # the longest word, in the second share only
    learned = []

    def late(number: int, corpus: set[str]) -> dict:
        return {"rare": _rare(documents[number]["body"].split(), corpus)}

    ix = _write_with_second_pass(tmp_path / "ours", documents, late, learned)
    every_word = {word for document in documents for word in document["body"].split()}
    assert learned == [{"sv": every_word}]  # the words of both processes' shares
    # The same files as each half written in one pass, with the late field made beforehand.
    reference = tmp_path / "reference"
    reference.mkdir()
    reference_ix = index.create_in(str(reference), LATE_SCHEMA)
    for half in (documents[:200], documents[200:]):
        codec = ArrayBlocksCodec(blocklimit=16, compression=0)
        writer = BulkWriter(reference_ix, codec=codec, compound=False)
        for document in half:
            writer.add_document(**document, rare=_rare(document["body"].split(), every_word))
        writer.commit(merge=False)
    assert _files(tmp_path / "ours") == _files(reference)
    with ix.searcher() as searcher:  # shorter than a word only the second share has
        found = {hit["id"] for hit in searcher.search(Term("rare", "våtmark"), limit=None)}
        assert any(int(ident) < 200 for ident in found)


def test_progress_is_full_only_once_the_segments_are_written(tmp_path, monkeypatch):
    """A second pass and writing the segments follow the documents' first pass (a tenth
    of a full build at 100,000 articles): a progress bar must not be full before them."""
    monkeypatch.setattr(whoosh_writing, "_REPORT_EVERY", 10)
    documents = _late_documents(400, seed=19)
    directory = tmp_path / "ours"
    directory.mkdir()
    reported, at_second_pass = [], []

    def learn(words: dict[str, set[str]]) -> set[str]:
        at_second_pass.append(sum(reported))  # every process has reported its first pass
        return words.get("sv", set())

    write_in_parallel(
        index.create_in(str(directory), LATE_SCHEMA),
        documents.__getitem__,
        len(documents),
        reported.append,
        procs=2,
        second=SecondPass(dict, learn, lambda number, corpus: {"rare": documents[number]["body"]}),
        codec=ArrayBlocksCodec(blocklimit=16, compression=0),
        compound=False,
    )
    assert at_second_pass == [320]  # four fifths of the 400 documents
    assert sum(reported) == 400


@pytest.mark.parametrize("failing", ["first pass", "second pass"])
def test_a_process_failing_in_either_pass_stops_the_others_and_commits_nothing(tmp_path, failing):
    documents = _late_documents(40, seed=16)

    def late(number: int, corpus: set[str]) -> dict:
        if failing == "second pass" and number == 5:
            raise ValueError("document 5 cannot be finished")
        return {"rare": "sjö"}

    if failing == "first pass":
        documents[30] = {"id": "30", "body": "x", "unknown_field": "y"}
    with pytest.raises(Exception, match="unknown_field|document 5"):
        _write_with_second_pass(tmp_path / "ours", documents, late, [])
    ix = index.open_dir(str(tmp_path / "ours"))
    assert ix.doc_count() == 0
    writer = BulkWriter(ix)  # the lock was released
    writer.add_document(id="0", body="sjö")
    writer.commit()


def test_the_parent_failing_between_the_passes_stops_the_processes_instead_of_hanging(tmp_path):
    """The answer of `learn` goes to the processes by pickle: an answer that cannot be sent
    (or a `learn` that fails) must end the build with its error, not leave them waiting."""
    documents = _late_documents(40, seed=18)
    directory = tmp_path / "ours"
    directory.mkdir()

    def learn(words: dict[str, set[str]]):
        return lambda: words  # a closure: cannot be pickled

    with pytest.raises(Exception, match="pickle"):
        write_in_parallel(
            index.create_in(str(directory), LATE_SCHEMA),
            documents.__getitem__,
            len(documents),
            lambda done: None,
            procs=2,
            second=SecondPass(dict, learn, lambda number, corpus: {"rare": "sjö"}),
            codec=ArrayBlocksCodec(),
        )
    assert index.open_dir(str(directory)).doc_count() == 0


class _ZlibStoredFields(ArrayBlocksCodec):
    """Stored fields as indexes written before 2026-11-27 have them: compressed with zlib."""

    def per_document_writer(self, storage, segment):
        return W3PerDocWriter(self, storage, segment)


def _zstandard_frames(directory) -> int:
    return sum(path.read_bytes().count(b"\x28\xb5\x2f\xfd") for path in directory.iterdir())


def test_stored_fields_are_zstandard_and_those_written_with_zlib_before_are_still_read(tmp_path):
    documents = _documents(30, seed=17)
    ix = index.create_in(str(tmp_path), SCHEMA)
    for codec in (_ZlibStoredFields(), ArrayBlocksCodec()):
        writer = BulkWriter(ix, codec=codec, compound=False)
        for document in documents:
            writer.add_document(**document)
        writer.commit(merge=False)
        if isinstance(codec, _ZlibStoredFields):
            assert _zstandard_frames(tmp_path) == 0
    assert _zstandard_frames(tmp_path) >= 30
    expected = [document["id"] for document in documents] * 2
    with ix.searcher() as searcher:
        assert [searcher.stored_fields(number)["id"] for number in range(60)] == expected
    BulkWriter(ix, codec=ArrayBlocksCodec(), compound=False).commit(optimize=True)  # read, written again
    with ix.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == 1
        assert [searcher.stored_fields(number)["id"] for number in range(60)] == expected


def test_a_process_that_dies_stops_the_build_with_a_message_instead_of_hanging(tmp_path):
    """A process killed (by the kernel, for memory) must not leave the others waiting."""
    documents = _documents(40, seed=15)
    ix = index.create_in(str(tmp_path), SCHEMA)

    def document(number: int) -> dict:
        if number == 30:
            os.kill(os.getpid(), signal.SIGKILL)
        return documents[number]

    started = time.monotonic()
    with pytest.raises(WorkerDied, match="ended unexpectedly"):
        write_in_parallel(ix, document, len(documents), lambda done: None, procs=2, codec=ArrayBlocksCodec())
    assert time.monotonic() - started < 30
    assert index.open_dir(str(tmp_path)).doc_count() == 0


def test_a_parallel_load_whose_worker_dies_fails_with_a_message(tmp_path):
    def parse(number: int) -> int:
        if number == 250:
            os.kill(os.getpid(), signal.SIGKILL)
        return number

    with pytest.raises(WorkerDied):
        list(in_parallel(parse, range(400)))
