"""A Whoosh index read as numpy arrays: postings a block at a time, columns all at once.

Whoosh's own matchers handle one posting per Python call, which at 100,000 articles costs
hundreds of milliseconds for a common word. Reading whole posting blocks into arrays and
scoring with numpy gives the same answers in a few milliseconds. This reaches into the
internals of whoosh-reloaded 2.7.5's on-disk format (pinned in pyproject.toml);
tests/unit/test_whoosh_arrays.py checks every reader here against Whoosh's public API.
"""

from __future__ import annotations

import math
import pickle
import struct
import threading
import zlib
from array import array
from collections.abc import Iterable

import numpy as np
import zstandard
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    W3Codec,
    W3FieldWriter,
    W3LeafMatcher,
    W3PerDocReader,
    W3PerDocWriter,
    W3PostingsWriter,
    _lenfield,
)
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC as _HEADER
from whoosh.columns import VarBytesColumn
from whoosh.compat import dumps, loads
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length

# Whoosh's BM25F defaults, so scores match its own.
B, K1 = 0.75, 1.2
_INT_LENGTHS = np.array([byte_to_length(byte) for byte in range(256)], dtype=np.int64)
_LENGTHS = _INT_LENGTHS.astype(np.float32)
_INT, _UINT, _LONG = struct.Struct("!i"), struct.Struct("I"), struct.Struct("!q")
_NO_POSTINGS = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32))


class ArrayBlocksCodec(W3Codec):
    """Whoosh's format, but posting blocks hold ids and weights as typed arrays, not
    tuples: a block is then read without converting it number by number. Whoosh's own
    readers take either. Posting lists are also written a whole list at a time, and
    stored fields are compressed with Zstandard instead of zlib."""

    def field_writer(self, storage, segment):
        return _ListFieldWriter(self, storage, segment)

    def per_document_writer(self, storage, segment):
        return _PerDocWriter(self, storage, segment)

    def per_document_reader(self, storage, segment):
        return _PerDocReader(storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return _ArrayPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )


_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"  # how a Zstandard frame begins (a zlib stream, with 0x78)


class _StoredColumn(VarBytesColumn):
    """Each document's stored fields, pickled and compressed with Zstandard: zlib took a
    tenth of a full build's indexing time (83 against 22 µs for an article, the same size),
    and reads take half as long. Whoosh pickles them with protocol 2, which takes twice as
    long as the current one (30 against 15 µs). Reads what indexes written before have
    (protocol 2, zlib) too."""

    class Writer(VarBytesColumn.Writer):
        def __init__(self, dbfile, *options):
            super().__init__(dbfile, *options)
            self._compressor = zstandard.ZstdCompressor(level=1)

        def add(self, docnum, v):
            data = pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL) if v is not None else None
            super().add(docnum, self._compressor.compress(data) if data is not None else b"")

    class Reader(VarBytesColumn.Reader):
        _local = threading.local()  # a decompressor may not be shared by threads

        def __getitem__(self, docnum):
            v = super().__getitem__(docnum)
            if not v:
                return None
            if v[:4] != _ZSTD_MAGIC:
                return loads(zlib.decompress(v))
            decompressor = getattr(self._local, "decompressor", None)
            if decompressor is None:
                decompressor = self._local.decompressor = zstandard.ZstdDecompressor()
            return loads(decompressor.decompress(v))


_STORED = _StoredColumn()


class _PerDocWriter(W3PerDocWriter):
    def _create_column(self, fieldname, column):
        super()._create_column(fieldname, _STORED if fieldname == "_stored" else column)


class _PerDocReader(W3PerDocReader):
    def stored_fields(self, docnum):
        return self._cached_reader("_stored", _STORED)[docnum] or {}


class _ListFieldWriter(W3FieldWriter):
    """Writes exactly what Whoosh's field writer writes (tested byte for byte), but takes
    each field's postings as arrays, and writes a term's posting blocks and its entry in
    the term table without Whoosh's several Python calls and objects per posting, block and
    term, which were most of the time of a full build (most terms, such as ids, slugs and
    rare words, have one posting)."""

    def add_term_lists(self, schema, lengths, fields: Iterable[tuple[str, TermColumns]]) -> None:
        """`fields`: (field name, its postings as TermColumns), in name order; `lengths`:
        the segment's per-document reader."""
        for fieldname, columns in fields:
            table = _length_table(lengths, fieldname)  # each document's length in this field
            self.start_field(fieldname, schema[fieldname])
            prefix = pack_ushort(self._fieldid)
            self._postwriter.write_terms(columns, table, self._format, self._tindex, prefix)
            self.finish_field()


class TermColumns:
    """One field's postings grouped by term: `terms` is (term bytes, start, end) in byte
    order, and each term's postings are docs[start:end] (increasing) with their weights
    and frequencies; a term's postings follow the last term's."""

    __slots__ = ("terms", "docs", "weights", "frequencies")

    def __init__(self, terms: list[tuple[bytes, int, int]], docs, weights, frequencies: np.ndarray):
        self.terms, self.docs, self.weights, self.frequencies = terms, docs, weights, frequencies


def _length_table(lengths, fieldname: str) -> np.ndarray:
    """Every document's length in `fieldname` as Whoosh approximates it (0: none)."""
    count = lengths.doc_count_all()
    raw = _perdoc_column(lengths, count, _lenfield(fieldname), LENGTHS_COLUMN)
    return _INT_LENGTHS[raw] if raw is not None else np.zeros(count, dtype=np.int64)


def _length_bytes(lengths: np.ndarray) -> list[int]:
    """Whoosh's length_to_byte of each of `lengths` (a length's byte grows with it)."""
    return np.minimum(np.searchsorted(_INT_LENGTHS, lengths, side="left"), 255).tolist()


_TERM_INFO = struct.Struct("!BfIBBfII")  # W3TermInfo's, for a term whose postings are not inlined


class _ArrayPostingsWriter(W3PostingsWriter):
    def write_terms(self, columns: TermColumns, table: np.ndarray, format_, tindex, prefix: bytes) -> None:
        """Each term's posting blocks, and its row in the term table `tindex` (keys start
        with `prefix`), as W3PostingsWriter and W3FieldWriter write them a posting at a time;
        `format_`: the field's, Existence (no values) or Frequency (a value is a frequency,
        four bytes). Terms are written in runs of about _RUN postings, each run's figures
        found at once with numpy (a field's millions at once took gigabytes)."""
        with_values = format_.fixed_value_size() != 0
        for run in _runs(columns.terms):
            low, high = run[0][1], run[-1][2]
            self._write_run(
                [(btext, start - low, end - low) for btext, start, end in run],
                columns.docs[low:high],
                columns.weights[low:high],
                columns.frequencies[low:high] if with_values else None,
                table,
                tindex,
                prefix,
            )

    def _write_run(self, terms, docs, weights, frequencies, table, tindex, prefix: bytes) -> None:
        limit, compression, postfile = self._blocklimit, self._compression, self._postfile
        firsts = []  # where each block starts: a term's postings, `limit` to a block
        for _, start, end in terms:
            if end - start <= limit:
                firsts.append(start)
            else:
                firsts.extend(range(start, end, limit))
        starts = np.array(firsts, dtype=np.intp)
        lasts = np.append(starts[1:], len(docs)) - 1
        docs = docs.astype(np.int64)
        deltas = docs.copy()
        deltas[1:] -= docs[:-1]
        deltas[starts] = docs[starts]  # each block's ids are delta-encoded from 0
        delta_bytes = deltas.astype(np.uint32).tobytes()
        rounded = weights.astype(np.float32)  # as Whoosh's array("f") holds them
        weight_bytes = rounded.tobytes()
        value_bytes = frequencies.astype(">u4").tobytes() if frequencies is not None else None
        # Each block's figures, as Whoosh finds them posting by posting.
        first_ids, last_ids = docs[starts].tolist(), docs[lasts].tolist()
        highest = np.maximum.reduceat(weights, starts).tolist()
        alike = (np.minimum.reduceat(rounded, starts) == np.maximum.reduceat(rounded, starts)).tolist()
        firsts_rounded = rounded[starts].tolist()
        # A block's float32 weights add up exactly in float64 in any order, as Whoosh adds
        # them one by one: up to 1,024 numbers of 24 bits need at most 53 bits unless the
        # largest is 2**19 times the smallest or more (ours are whole numbers).
        sums = np.add.reduceat(rounded.astype(np.float64), starts).tolist()
        lengths = table[docs]  # all 0 in a field without lengths, which Whoosh writes as 0 too
        shortest = _length_bytes(np.minimum.reduceat(lengths, starts))
        longest = _length_bytes(np.maximum.reduceat(lengths, starts))
        rows = _TermRows(tindex)
        offset = postfile.tell()
        block = 0
        for btext, start, end in terms:
            written, first_id = [_HEADER], first_ids[block]
            total = minlength = None
            maxlength = maxweight = 0
            while True:
                first = firsts[block]
                last = min(first + limit, end)
                if alike[block]:
                    mini_weights = None if firsts_rounded[block] == 1.0 else firsts_rounded[block]
                else:
                    mini_weights = _CompactArray("f", weight_bytes[4 * first : 4 * last])
                data = dumps(
                    (
                        _CompactArray("I", delta_bytes[4 * first : 4 * last]),
                        mini_weights,
                        value_bytes[4 * first : 4 * last] if value_bytes is not None else None,
                    ),
                    2,
                )
                if compression:
                    data = zlib.compress(data, compression)
                block_weight = max(0, highest[block])
                info = dumps(
                    (
                        last - first,
                        last_ids[block],
                        block_weight,
                        compression,
                        shortest[block],
                        longest[block],
                    ),
                    2,
                )
                size = len(info) + len(data)
                written += [_INT.pack(-size if last == end else size), info, data]
                if total is None:
                    total, minlength = sums[block], shortest[block]
                else:
                    total, minlength = total + sums[block], min(minlength, shortest[block])
                maxlength, maxweight = max(maxlength, longest[block]), max(maxweight, block_weight)
                block += 1
                if last == end:
                    break
            written = b"".join(written)
            postfile.write(written)
            row = _TERM_INFO.pack(
                False,
                total,
                end - start,
                minlength,
                maxlength,
                maxweight,
                first_id,
                last_ids[block - 1],
            )
            rows.add(prefix + btext, row + _LONG.pack(offset) + _INT.pack(len(written)))
            offset += len(written)
        rows.close()

    def _mini_ids(self):
        if self._byteids:
            return super()._mini_ids()
        ids = np.frombuffer(self._ids, dtype=np.uint32)
        return _CompactArray("I", np.diff(ids, prepend=np.uint32(0)).tobytes())  # delta-encoded

    def _mini_weights(self):
        weights = super()._mini_weights()  # None (all 1), one number (all the same) or a tuple
        return _CompactArray("f", weights) if isinstance(weights, tuple) else weights


class _TermRows:
    """Rows added to Whoosh's term table (an OrderedHashWriter) as its `add` adds them, but
    written with one call each and their positions counted, not asked of the file."""

    _LENGTHS = struct.Struct("!ii")  # filetables' key and value lengths before each row

    def __init__(self, tindex):
        self.tindex = tindex
        self.position = tindex.dbfile.tell()
        self.lastkey = tindex.lastkey

    def add(self, key: bytes, value: bytes) -> None:
        if key <= self.lastkey:
            raise ValueError(f"Keys must increase: {self.lastkey!r}..{key!r}")
        tindex, position = self.tindex, self.position
        tindex.index.append(position)
        tindex.dbfile.write(b"".join((self._LENGTHS.pack(len(key), len(value)), key, value)))
        hashed = tindex.hashfn(key)
        tindex.buckets[hashed & 255].append((hashed, position))
        self.position = position + 8 + len(key) + len(value)
        self.lastkey = key

    def close(self) -> None:
        self.tindex.lastkey = self.lastkey


_RUN = 1 << 16  # postings whose blocks' figures are found at once


def _runs(terms: list[tuple[bytes, int, int]]):
    """The terms (term bytes, start, end) in runs of about _RUN postings (a longer term alone)."""
    run: list[tuple[bytes, int, int]] = []
    for term in terms:
        if run and term[2] - run[0][1] > _RUN:
            yield run
            run = []
        run.append(term)
    if run:
        yield run


class _CompactArray(array):
    """An array that pickles as its bytes even at the old pickle protocol Whoosh writes
    blocks with, which would pickle it as a list of numbers (one object each to unpickle,
    a third of a search's time). It unpickles as a plain array."""

    __slots__ = ()

    def __new__(cls, typecode: str, data: bytes | tuple):
        made = super().__new__(cls, typecode)
        if isinstance(data, bytes):
            made.frombytes(data)
        else:
            made.extend(data)
        return made

    def __reduce_ex__(self, protocol):
        rebuild, (_, typecode, machine_format, data), *rest = super().__reduce_ex__(3)
        return (rebuild, (array, typecode, machine_format, data), *rest)


class IndexArrays:
    """Postings, field lengths and columns of one searcher's index, as arrays by doc number."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.size = searcher.doc_count_all()
        self._leaves = list(self.reader.leaf_readers())
        self._lengths: dict[str, np.ndarray] = {}
        self._masks: dict[tuple[str, str], np.ndarray] = {}
        self.alive = np.ones(self.size, dtype=bool)
        for leaf, base in self._leaves:
            deleted = list(leaf.deleted_docs_set or ()) if leaf.has_deletions() else []
            self.alive[np.asarray(deleted, dtype=np.int64) + base] = False

    def postings(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, term frequencies) of one term, deleted documents included."""
        ids, weights = [], []
        for leaf, base in self._leaves:
            if (field, text) not in leaf:
                continue
            # The segment's own posting list, deleted documents included (`alive` has them):
            # Whoosh's wrapper that skips them decodes a block number by number to start.
            matcher = leaf._terms.matcher(field, leaf._text_to_bytes(field, text), leaf.schema[field].format)
            if isinstance(matcher, W3LeafMatcher):
                block_ids, block_weights = _read_blocks(matcher)
            else:  # a term stored inline with its posting: one or two documents
                items = list(matcher.items_as("weight"))
                block_ids = np.array([doc for doc, _ in items], dtype=np.int64)
                block_weights = np.array([weight for _, weight in items], dtype=np.float32)
            ids.append(block_ids + base)
            weights.append(block_weights)
        if not ids:
            return _NO_POSTINGS
        return np.concatenate(ids), np.concatenate(weights)

    def bm25(self, field: str, text: str, boost: float) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, scores) of one term, scored as Whoosh's BM25F scores it."""
        ids, tf = self.postings(field, text)
        if not len(ids):
            return ids, tf
        idf = math.log(self.size / (self.searcher.doc_frequency(field, text) + 1)) + 1
        average = self.searcher.avg_field_length(field) or 1
        lengths = self.lengths(field)[ids]
        scores = idf * (tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * lengths / average))
        return ids, scores * boost

    def lengths(self, field: str) -> np.ndarray:
        """Every document's length in `field` (in words), as Whoosh approximates it."""
        if field not in self._lengths:
            parts = []
            for leaf, _ in self._leaves:
                raw = _column_values(leaf, _lenfield(field), LENGTHS_COLUMN)
                parts.append(_LENGTHS[raw] if raw is not None else np.zeros(leaf.doc_count_all(), np.float32))
            self._lengths[field] = np.concatenate(parts) if parts else np.zeros(0, np.float32)
        return self._lengths[field]

    def column(self, field: str) -> np.ndarray:
        """A sortable field's values for every document (Whoosh's own encoding, comparable)."""
        parts = []
        for leaf, _ in self._leaves:
            column = leaf.schema[field].column_type
            parts.append(_column_values(leaf, field, column))
        return np.concatenate(parts) if parts else np.zeros(0)

    def mask(self, field: str, value: str) -> np.ndarray:
        """Which live documents have `value` in `field`, cached for the searcher's lifetime."""
        key = (field, value)
        if key not in self._masks:
            ids, _ = self.postings(field, value)
            mask = np.zeros(self.size, dtype=bool)
            mask[ids] = True
            self._masks[key] = mask & self.alive
        return self._masks[key]


def _read_blocks(matcher: W3LeafMatcher) -> tuple[np.ndarray, np.ndarray]:
    """Every block of a posting list; ids are delta-encoded from 0 within each block."""
    deltas, weights, sizes = [], [], []
    position = matcher._baseoffset
    while True:
        matcher._goto(position)
        matcher._read_data()
        block_ids, block_weights = matcher._data[0], matcher._data[1]
        count = matcher._blocklength
        sizes.append(count)
        deltas.append(_as_array(block_ids, np.int64))
        if block_weights is None or isinstance(block_weights, float):
            weights.append(np.full(count, block_weights or 1.0, dtype=np.float32))
        else:
            weights.append(_as_array(block_weights, np.float32))
        if matcher._lastblock:
            break
        position = matcher._nextoffset
    ids = np.concatenate(deltas).astype(np.int64)
    if not matcher._byteids:
        ids = np.cumsum(ids)
        # Each block starts again from 0: take off what the blocks before it added up to.
        ends = np.cumsum(sizes)[:-1]
        carried = np.zeros(len(ids), dtype=np.int64)
        carried[ends] = ids[ends - 1]
        ids -= np.maximum.accumulate(carried)
    return ids, np.concatenate(weights).astype(np.float32, copy=False)


def _as_array(values, dtype) -> np.ndarray:
    if isinstance(values, array):  # no copy, no conversion per item
        return np.frombuffer(values, dtype=values.typecode)
    return np.array(values, dtype=dtype)  # a pickled tuple: one conversion, type known


def _column_values(leaf, name: str, column) -> np.ndarray | None:
    """A fixed-width numeric column of one segment as an array, or None if it has none."""
    return _perdoc_column(leaf._perdoc, leaf.doc_count_all(), name, column)


def _perdoc_column(perdoc, count: int, name: str, column) -> np.ndarray | None:
    if not perdoc.has_column(name):
        return None
    reader = perdoc.column_reader(name, column)
    dtype = np.dtype(">" + reader._typecode)
    raw = reader._dbfile.get(reader._basepos, reader._count * reader._fixedlen)
    values = np.frombuffer(raw, dtype=dtype)
    missing = count - len(values)
    if missing > 0:  # Whoosh leaves trailing defaults unwritten
        values = np.concatenate([values, np.full(missing, reader._default, dtype=dtype)])
    return values
