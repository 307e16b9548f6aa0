"""Every private name of whoosh-reloaded that Kuulo reads, calls or overrides, behind
functions and base classes with names of our own. No other module touches a `_name` of
Whoosh (or its codec classes).

The names are listed in PRIVATE_NAMES; tests/search/test_whoosh_internals.py checks each
one against the installed Whoosh, so an upgrade that renames or drops one fails with the
name and what Kuulo does with it, before any search misbehaves. Written against
whoosh-reloaded 2.7.5 (requirements.txt pins it).
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate, chain
from operator import sub

import numpy as np
from whoosh import writing
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3FieldWriter, W3LeafMatcher, W3PerDocReader, W3PostingsWriter, _lenfield
from whoosh.columns import NumericColumn
from whoosh.index import FileIndex
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import SegmentReader
from whoosh.util.numeric import byte_to_length


@dataclass(frozen=True)
class PrivateName:
    owner: type | object  # a class, or a module for module-level names
    name: str
    instance: bool  # set on instances (in __init__ or later), not on the class
    used_for: str


_MATCHER = "postings_blocks: decoding a term's postings a block at a time"
_COLUMN = "numeric_column_values: reading a numeric column in one call"
_BLOCKS = "BlockPostingsWriter: writing a term's postings a block at a time"
_WRITER = "PooledSegmentWriter: adding documents and writing the pool's terms"

PRIVATE_NAMES = (
    PrivateName(FileIndex, "_read_toc", False, "latest_toc: the segments of the newest generation"),
    PrivateName(W3LeafMatcher, "_data", True, _MATCHER),
    PrivateName(W3LeafMatcher, "_read_data", False, _MATCHER),
    PrivateName(W3LeafMatcher, "_read_weights", False, _MATCHER),
    PrivateName(W3LeafMatcher, "_read_values", False, _MATCHER),
    PrivateName(W3LeafMatcher, "_weights", True, _MATCHER),
    PrivateName(W3LeafMatcher, "_values", True, _MATCHER),
    PrivateName(W3LeafMatcher, "_next_block", False, _MATCHER),
    PrivateName(NumericColumn.Reader, "_count", True, _COLUMN),
    PrivateName(NumericColumn.Reader, "_dbfile", True, _COLUMN),
    PrivateName(NumericColumn.Reader, "_basepos", True, _COLUMN),
    PrivateName(NumericColumn.Reader, "_fixedlen", True, _COLUMN),
    PrivateName(NumericColumn.Reader, "_typecode", True, _COLUMN),
    PrivateName(NumericColumn.Reader, "_default", True, _COLUMN),
    PrivateName(SegmentReader, "_perdoc", True, "field_lengths: every document's length in one call"),
    PrivateName(W3PerDocReader, "_cached_reader", False, "field_lengths: every document's length in one call"),
    PrivateName(W3Codec, "_blocklimit", True, _BLOCKS),
    PrivateName(W3Codec, "_compression", True, _BLOCKS),
    PrivateName(W3Codec, "_inlinelimit", True, _BLOCKS),
    PrivateName(W3PostingsWriter, "_blocklimit", True, _BLOCKS),
    PrivateName(W3PostingsWriter, "_format", True, _BLOCKS),
    PrivateName(W3PostingsWriter, "_ids", True, _BLOCKS),
    PrivateName(W3PostingsWriter, "_weights", True, _BLOCKS),
    PrivateName(W3PostingsWriter, "_values", True, _BLOCKS),
    PrivateName(W3PostingsWriter, "_maxweight", True, _BLOCKS),
    PrivateName(W3PostingsWriter, "_minlength", True, _BLOCKS),
    PrivateName(W3PostingsWriter, "_maxlength", True, _BLOCKS),
    PrivateName(W3PostingsWriter, "_write_block", False, _BLOCKS),
    PrivateName(W3PostingsWriter, "_mini_ids", False, _BLOCKS),
    PrivateName(W3PostingsWriter, "_mini_weights", False, _BLOCKS),
    PrivateName(W3FieldWriter, "_postwriter", True, _WRITER),
    PrivateName(writing.SegmentWriter, "_check_state", False, _WRITER),
    PrivateName(writing.SegmentWriter, "_added", True, _WRITER),
    PrivateName(writing.SegmentWriter, "_flush_segment", False, _WRITER),
)
# Whoosh-internal names without an underscore, still not part of its documented API.
INTERNAL_MODULE_NAMES = (
    ("whoosh.codec.whoosh3", "_lenfield"),
    ("whoosh.codec.whoosh3", "LENGTHS_COLUMN"),
    ("whoosh.codec.whoosh3", "W3LeafMatcher"),
    ("whoosh.codec.whoosh3", "W3PostingsWriter"),
    ("whoosh.codec.whoosh3", "W3FieldWriter"),
    ("whoosh.codec.whoosh3", "W3PerDocReader"),
)


# --- reading ---------------------------------------------------------------------------------

def latest_toc(index):
    """The table of contents (schema, segments, generation) of the index's newest generation."""
    return index._read_toc()


def postings_blocks(matcher, values: bool = False):
    """(docnums, term frequencies, encoded positions or None) block by block. Whoosh's
    matcher API decodes one posting per call; a W3 block (a tuple of delta-coded ids,
    weights and values) is decoded here whole, the ids by `accumulate` in C. Any other
    matcher is read one posting at a time. Deleted documents are included: callers mask
    them out."""
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            yield (matcher.id(),), (matcher.weight(),), ((matcher.value(),) if values else None)
            matcher.next()
        return
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        matcher._read_weights()
        if values:
            matcher._read_values()
        yield list(accumulate(matcher._data[0])), matcher._weights, (matcher._values if values else None)
        matcher._next_block()


def is_numeric_column(column_reader) -> bool:
    return isinstance(column_reader, NumericColumn.Reader)


def numeric_column_values(column, size: int) -> list:
    """A numeric column's values (Whoosh stores them big-endian, the default after the
    last document written), read in one call instead of one file read per document."""
    stored = column._count
    raw = column._dbfile.get(column._basepos, stored * column._fixedlen)
    values = np.frombuffer(raw, dtype=">" + column._typecode).tolist()
    return values + [column._default] * (size - stored)


_BYTE_LENGTHS = [0, *(byte_to_length(byte) for byte in range(1, 256))]


def field_lengths(reader, fieldname: str, size: int) -> list[int]:
    """Every document's length in a text field as Whoosh's doc_field_length() gives it (a
    byte per document, decoded through Whoosh's table), read in one call."""
    lengths = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if lengths is None:
        return [0] * size
    return [_BYTE_LENGTHS[byte] for byte in numeric_column_values(lengths, size)]


# --- writing ---------------------------------------------------------------------------------

class BlockPostingsWriter(W3PostingsWriter):
    """W3's postings writer, fed whole blocks; the block encoding runs in C."""

    def add_postings(self, postings, lengths) -> None:
        """Every posting of a term (docnums, weights, values one after another and where
        each ends, as search.whoosh_writing gathers them); the last block is left for
        finish_postings()."""
        limit = self._blocklimit
        count = len(postings.docnums)
        values = bytes(postings.values)
        ends = postings.ends
        keep_values = bool(values) and self._format.fixed_value_size() != 0
        for start in range(0, count, limit):
            if start:
                self._write_block()
            end = min(start + limit, count)
            self._ids = ids = postings.docnums[start:end]
            self._weights = weights = postings.weights[start:end]
            self._maxweight = max(weights)
            if keep_values:
                first = ends[start - 1] if start else 0
                self._values = [values[a:b] for a, b in zip(chain((first,), ends[start:end - 1]), ends[start:end])]
            if lengths is not None:
                block_lengths = [lengths[d] for d in ids]
                self._minlength, self._maxlength = min(block_lengths), max(block_lengths)

    def _mini_ids(self):
        ids = self._ids
        return tuple(map(sub, ids, chain((0,), ids)))

    def _mini_weights(self):
        weights = self._weights
        if weights.count(1.0) == len(weights):
            return None
        if weights.count(weights[0]) == len(weights):
            return weights[0]
        return tuple(weights)


class KuuloCodec(W3Codec):
    """W3, with postings written a block at a time. zlib level 1 instead of Whoosh's 3: on
    posting blocks 16 % less compression time for 5 % more bytes.

    Each segment pickles its codec into the index's table of contents. This one pickles
    as Whoosh's own W3Codec (which reads the same files), so the index never depends on
    where this class lives: moving or renaming it cannot make an index unreadable."""

    def __init__(self) -> None:
        super().__init__(compression=1)

    def __reduce__(self):
        return W3Codec, (self._blocklimit, self._compression, self._inlinelimit)

    def postings_writer(self, dbfile, byteids=False):
        return BlockPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                   compression=self._compression, inlinelimit=self._inlinelimit)


class PooledSegmentWriter(writing.SegmentWriter):
    """Whoosh's segment writer with the hooks a writer of whole terms needs: a subclass
    implements `write_terms(fieldwriter, lengths_reader)`, called once when the segment is
    written (`postings_writer(fieldwriter)` takes a term's postings after start_term), and
    calls `check_open()` / `document_added()` around each document it adds."""

    def __init__(self, index, **options) -> None:
        super().__init__(index, codec=KuuloCodec(), **options)

    def check_open(self) -> None:
        self._check_state()

    def document_added(self) -> None:
        self._added = True

    def write_terms(self, fieldwriter, lengths_reader) -> None:
        raise NotImplementedError

    @staticmethod
    def postings_writer(fieldwriter) -> BlockPostingsWriter:
        return fieldwriter._postwriter

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths_reader = self.per_document_reader()
        fieldwriter = self.fieldwriter
        try:
            self.write_terms(fieldwriter, lengths_reader)
        finally:
            lengths_reader.close()
        fieldwriter.close()
