"""Writing a Whoosh index fast. Part of the Whoosh adapter; nothing outside webapp.search
imports it.

Whoosh's SegmentWriter sends every posting through a sorting pool: a tuple per posting,
spilled to temporary files in runs and merged back one posting at a time. Its
multiprocessing writer also pickles every document to its worker processes, and each
worker spills and merges its own runs. At 100,000 articles (56 million postings) that
was most of a full build. Here, a writer gathers each term's postings in typed arrays in
memory, and a full build forks one process per core, each indexing its share of the
documents it already has (nothing pickled) into a segment of its own. The files are in
Whoosh's format: tests/unit/test_whoosh_writing.py compares them byte for byte with those
Whoosh's own SegmentWriter writes.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from whoosh.analysis import IDTokenizer
from whoosh.formats import Existence, Frequency
from whoosh.writing import SegmentWriter

from webapp.parallel import forked_pool
from webapp.search.whoosh_arrays import ArrayBlocksCodec, TermColumns

_REPORT_EVERY = 500  # documents between progress reports from a worker
_KNOWN_TERMS = 10_000  # keyword and name values whose terms a writer remembers


class _FieldPostings:
    """One field's postings as they come, in flat typed arrays (a few bulk appends per
    document, 16 bytes a posting), grouped by term only when the segment is written. Each
    document's number is kept once, with how many postings it added. A posting's value is
    its frequency (Existence and Frequency fields: the codec makes their value bytes)."""

    __slots__ = ("numbers", "terms", "docs", "counts", "weights", "frequencies")

    def __init__(self):
        self.numbers: defaultdict[bytes, int] = defaultdict()  # term bytes -> its number here
        self.numbers.default_factory = self.numbers.__len__  # a new term: the next number
        self.terms, self.weights, self.frequencies = array("I"), array("d"), array("I")
        self.docs, self.counts = array("I"), array("I")

    def add(self, docnum: int, btexts, frequencies, weights) -> None:
        """One document's postings: its terms (each once) with their frequencies and weights."""
        self.docs.append(docnum)
        self.counts.append(len(btexts))
        if len(btexts) == 1:  # an id, a language, a year: appended, not extended
            self.terms.append(self.numbers[btexts[0]])
            self.weights.append(weights[0])
            self.frequencies.append(frequencies[0])
            return
        self.terms.extend(map(self.numbers.__getitem__, btexts))
        self.weights.extend(weights)
        self.frequencies.extend(frequencies)

    def by_term(self) -> TermColumns:
        """The postings grouped by term, terms in byte order, each term's documents in order."""
        ordered = sorted(self.numbers.items())  # (term bytes, its number), in byte order
        rank = np.empty(len(ordered), dtype=np.uint32)  # term number -> its place in that order
        rank[[number for _, number in ordered]] = np.arange(len(ordered), dtype=np.uint32)
        places = rank[np.frombuffer(self.terms, dtype=np.uint32)]
        order = np.argsort(places, kind="stable")  # stable: each term's documents stay in order
        counts = np.frombuffer(self.counts, dtype=np.uint32)
        docs = np.repeat(np.frombuffer(self.docs, dtype=np.uint32), counts)[order]
        weights = np.frombuffer(self.weights, dtype=np.float64)[order]
        frequencies = np.frombuffer(self.frequencies, dtype=np.uint32)[order]
        ends = np.cumsum(np.bincount(places, minlength=len(ordered))).tolist()
        spans = [(btext, ends[at - 1] if at else 0, ends[at]) for at, (btext, _) in enumerate(ordered)]
        return TermColumns(spans, docs, weights, frequencies)


class _TermLists:
    """A BulkWriter's pool: each field's postings, kept in memory."""

    def __init__(self, schema):
        self.schema = schema  # its fields' formats read merged postings' values
        self.fields: dict[str, _FieldPostings] = {}

    @property
    def fieldnames(self) -> set[str]:  # Whoosh's pool interface
        return set(self.fields)

    def add_document_field(self, fieldname: str, docnum: int, btexts, frequencies, weights) -> None:
        postings = self.fields.get(fieldname)
        if postings is None:
            postings = self.fields[fieldname] = _FieldPostings()
        postings.add(docnum, btexts, frequencies, weights)

    def add(self, item) -> None:
        """Whoosh's pool interface: one posting, as it adds them when merging segments."""
        fieldname, btext, docnum, weight, vbytes = item
        frequency = self.schema[fieldname].format.decode_frequency(vbytes)
        self.add_document_field(fieldname, docnum, (btext,), (frequency,), (weight,))

    def by_field(self) -> Iterator[tuple[str, TermColumns]]:
        """Each field's postings by term, fields in name order, for ArrayBlocksCodec's field
        writer: a field's are grouped when it is written, and dropped once they are."""
        for fieldname in sorted(self.fields):
            yield fieldname, self.fields.pop(fieldname).by_term()

    def cleanup(self) -> None:
        """Whoosh's pool interface: nothing was written to temporary files."""


class BulkWriter(SegmentWriter):
    """Whoosh's SegmentWriter with postings gathered per term in memory, and written a term
    at a time by ArrayBlocksCodec's field writer. Fields with positions, term vectors or
    separate spelling words are not supported (ours have none: a posting is a document,
    a frequency and a weight); the codec must be an ArrayBlocksCodec, which writes a term
    at a time."""

    def __init__(self, ix, codec: ArrayBlocksCodec | None = None, **kwargs):
        super().__init__(ix, codec=codec or ArrayBlocksCodec(), **kwargs)
        schema = self.schema
        unsupported = [
            name
            for name, field in schema.items()
            if field.vector
            or field.separate_spelling()
            or (field.indexed and type(field.format) not in (Existence, Frequency))
        ]
        if unsupported:
            self.cancel()
            raise ValueError(f"BulkWriter writes no positions, term vectors or spelling words: {unsupported}")
        self.pool = _TermLists(schema)
        self._known_terms: dict[tuple[str, str], tuple] = {}  # (field, value) -> its terms

    def add_document(self, **fields):
        """As Whoosh's add_document, without boosts or `_stored_` values (not used here)."""
        self._check_state()
        perdoc, schema, docnum = self.perdocwriter, self.schema, self.docnum
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        for name in names:
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                btexts, frequencies, weights = self._terms(name, field, value)
                if btexts:
                    self.pool.add_document_field(name, docnum, btexts, frequencies, weights)
                    if field.scorable:
                        length = sum(frequencies)
            perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def add_late_fields(self, docnum: int, **fields) -> None:
        """Index more fields of document `docnum`, one added before without them (and not
        stored): for documents in increasing order, as each field's lengths are a column."""
        perdoc = self.perdocwriter
        for name in sorted(fields):
            field = self.schema[name]
            if field.stored or field.column_type:
                raise ValueError(f"a late field is only indexed: {name}")
            btexts, frequencies, weights = self._terms(name, field, fields[name])
            if btexts:
                self.pool.add_document_field(name, docnum, btexts, frequencies, weights)
                if field.scorable:
                    perdoc._docnum = docnum  # where Whoosh's per-document writer adds the length
                    perdoc.add_field(name, field, None, sum(frequencies))

    def _terms(self, name: str, field, value) -> tuple:
        """What `field.index(value)` yields, as columns: term bytes, frequencies, weights
        (the values are the frequencies, packed)."""
        if hasattr(field, "index_columns"):  # StemmedText, ExactText: no tuple per term
            return field.index_columns(value)
        if type(field.analyzer) is IDTokenizer and type(field.format) is Existence and isinstance(value, str):
            return (value.encode(),), (1,), (field.format.field_boost,)  # an id: the value
        # Keywords and names: a few values (languages, years, topics) make most documents'.
        key = (name, value) if isinstance(value, str) else None
        terms = self._known_terms.get(key)
        if terms is None:
            items = [item[:3] for item in field.index(value)]
            terms = tuple(zip(*items, strict=True)) if items else ((),) * 3
            if key and len(self._known_terms) < _KNOWN_TERMS:
                self._known_terms[key] = terms
        return terms

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        self.fieldwriter.add_term_lists(self.schema, lengths, self.pool.by_field())
        self.fieldwriter.close()
        lengths.close()


@dataclass
class SecondPass:
    """Fields that depend on the words of every document, which no one process has all of.
    Once each process has added its share, `words()` gives (in that process) the words of
    the documents it made, language -> words; `learn` runs in the parent on all of them and
    returns what every process then needs to make the late fields of its documents:
    `late(n, learned)` gives those of the n-th."""

    words: Callable[[], dict[str, set[str]]]
    learn: Callable[[dict[str, set[str]]], object]
    late: Callable[[int, object], dict]


_SHARE_JOB: tuple | None = None  # what forked workers run; set before they fork


def write_in_parallel(
    ix,
    document: Callable[[int], dict],
    count: int,
    progress: Callable[[int], None],
    procs: int,
    second: SecondPass | None = None,
    **options,
) -> None:
    """Index documents 0..count-1 (`document(n)` makes the n-th) into a fresh index as
    `procs` segments, each written by a forked process, and commit them together; with
    `second`, each process then adds the late fields of its documents."""
    global _SHARE_JOB
    procs = max(1, min(procs, count))
    parent = BulkWriter(ix, **options)  # holds the lock and commits the table of segments
    context = multiprocessing.get_context("fork")
    done, learned = context.SimpleQueue(), context.SimpleQueue()  # from the workers, to them
    _SHARE_JOB = (ix, document, second, options, done, learned)
    shares = [(count * part // procs, count * (part + 1) // procs) for part in range(procs)]
    seen: list[dict[str, set[str]]] = []
    try:
        with forked_pool(procs) as pool:
            written = [pool.submit(_write_share, share) for share in shares]  # a share each: they meet
            try:
                while not all(future.done() for future in written):
                    concurrent.futures.wait(
                        written, timeout=0.2, return_when=concurrent.futures.FIRST_EXCEPTION
                    )
                    while not done.empty():
                        report = done.get()
                        if isinstance(report, int):
                            progress(report)
                            continue
                        if report is None:  # a process failed: the others must not wait for it
                            for _ in range(procs):
                                learned.put(None)
                            continue
                        seen.append(report)
                        if len(seen) == procs:  # every process's words: learn from them all
                            every: dict[str, set[str]] = {}
                            for words in seen:
                                for lang, found in words.items():
                                    every.setdefault(lang, set()).update(found)
                            answer = second.learn(every)
                            for _ in range(procs):
                                learned.put(answer)
                    if any(future.done() and future.exception() for future in written):
                        for _ in range(procs):  # a failed process: none of the others may wait for it
                            learned.put(None)
                        break
            except BaseException:  # in this process: none of the workers may wait for an answer
                for _ in range(procs):
                    learned.put(None)
                raise
            concurrent.futures.wait(written)
            failures = [future.exception() for future in written if future.exception()]
            if failures:  # the process that failed first, not one it stopped
                raise next((e for e in failures if not isinstance(e, _OtherFailed)), failures[0])
            segments = [future.result() for future in written]
        while not done.empty():
            progress(done.get())
    except BaseException:
        parent.cancel()
        raise
    finally:
        _SHARE_JOB = None
    parent._close_segment()
    parent._commit_toc(parent._merge_segments(None, None, False) + segments)
    parent._finish()


class _OtherFailed(RuntimeError):
    """In a worker: stopped because another process failed."""


def _write_share(share: tuple[int, int]):
    """In a forked worker: one segment of the documents numbered `share` (start, stop)."""
    ix, document, second, options, done, learned = _SHARE_JOB
    writer = BulkWriter(ix, _lk=False, **options)
    start, stop = share
    reported = 0  # adding the documents counts for 4/5 of them; writing them, the rest
    try:
        for number in range(start, stop):
            writer.add_document(**document(number))
            if (number - start + 1) % _REPORT_EVERY == 0:
                done.put(_REPORT_EVERY * 4 // 5)
                reported += _REPORT_EVERY * 4 // 5
    except BaseException:
        if second is not None:
            done.put(None)  # the parent then tells the others not to wait for these words
        raise
    if second is not None:
        done.put(second.words())
        answer = learned.get()
        if answer is None:
            raise _OtherFailed("another process failed before its second pass")
        for number in range(start, stop):
            writer.add_late_fields(number - start, **second.late(number, answer))
    # Not writer._finish(): the temporary folder it removes is shared with the parent.
    segment = writer._finalize_segment()
    done.put(stop - start - reported)  # the rest: a progress bar is full once the segments are
    return segment
