"""What the Whoosh engine keeps in memory about one index segment, so that a query costs
set operations instead of Python loops over every match.

Whoosh decodes postings one document at a time in pure Python (about 1 µs a posting) and
counts facets the same way, so a common word (in 99 % of the comments) costs hundreds of
milliseconds. Segments never change once written (only their deletions grow), so what is
derived from one is kept for as long as the segment lives:

- document sets are Python integers used as bit sets: AND, OR, NOT and counting run in C;
- filters and facet counts are `(matches & value_mask).bit_count()` per column value;
- a term's postings are decoded once (whole blocks at a time), its BM25 weights and best
  documents when it is first scored, and kept in a size-bounded LRU cache; so are a
  term's positions once a phrase needs them (numpy arrays: a phrase is an intersection
  of sorted arrays); prefixes and phrases keep only their resulting bit sets.
"""
from __future__ import annotations

import copy
import heapq
from array import array
from bisect import bisect_right
from collections import OrderedDict
from functools import cached_property
from itertools import accumulate

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.columns import NumericColumn
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util.numeric import byte_to_length

from search.engine import FACETS
from search.whoosh_writing import POSITION_BYTES

CONTENT = "content"
SCOPE_COLUMNS = ("opens", "closes")
TOP_PER_TERM = 64  # best documents kept per term: enough for the first pages of broad queries
CACHE_BYTES = 128 * 2**20  # decoded postings kept per segment (and process)
B, K1 = 0.75, 1.2  # whoosh's BM25F defaults

def mask_of(docnums) -> int:
    """A bit set (bit n = document n) from document numbers in any order, repeats
    allowed: a numpy array, an array("I") or any collection of ints."""
    if isinstance(docnums, array):
        docnums = np.frombuffer(docnums, dtype=np.uint32)
    elif not isinstance(docnums, np.ndarray):
        docnums = np.fromiter(docnums, dtype=np.int64, count=len(docnums))
    if not docnums.size:
        return 0
    flags = np.zeros(int(docnums.max()) + 1, dtype=np.uint8)
    flags[docnums] = 1
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


def _flags(mask: int, size: int):
    """A bit set as a numpy array of `size` booleans."""
    packed = np.frombuffer(mask.to_bytes((size + 7) >> 3, "little"), dtype=np.uint8)
    return np.unpackbits(packed, count=size, bitorder="little").view(np.bool_)


def docnums_of(mask: int) -> list[int]:
    """The document numbers in a bit set, ascending."""
    return np.flatnonzero(_flags(mask, mask.bit_length())).tolist()


def _blocks(matcher, values: bool = False):
    """(docnums, term frequencies, encoded positions or None) block by block. Whoosh's
    matcher API decodes one posting per call; a W3 block (whoosh-reloaded 2.7 internals:
    a tuple of delta-coded ids, weights and values) is decoded here whole, the ids by
    `accumulate` in C. Any other matcher is read one posting at a time. Deleted documents
    are included: callers mask them out."""
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


def _numeric_values(column, size: int) -> list:
    """A numeric column's values (Whoosh stores them big-endian, the default after the
    last document written), read in one call instead of one file read per document."""
    stored = column._count  # whoosh-reloaded 2.7 internals, as for the postings blocks
    raw = column._dbfile.get(column._basepos, stored * column._fixedlen)
    values = np.frombuffer(raw, dtype=">" + column._typecode).tolist()
    return values + [column._default] * (size - stored)


_BYTE_LENGTHS = [0, *(byte_to_length(byte) for byte in range(1, 256))]


def _field_lengths(reader, size: int) -> list[int]:
    """Every document's text length as Whoosh's doc_field_length() gives it (a byte per
    document, decoded through Whoosh's table), read in one call."""
    lengths = reader._perdoc._cached_reader(_lenfield(CONTENT), LENGTHS_COLUMN)
    if lengths is None:
        return [0] * size
    return [_BYTE_LENGTHS[byte] for byte in _numeric_values(lengths, size)]


def contains(bits: bytes, docnum: int) -> bool:
    """Membership in a bit set turned into bytes (cheaper than shifting a big integer)."""
    index = docnum >> 3
    return index < len(bits) and bool(bits[index] >> (docnum & 7) & 1)


class TermPostings:
    """One term in one segment: its documents, and once the term is scored, each
    document's BM25 term weight (without the idf, which is global and applied at query
    time) and its best documents."""

    def __init__(self, docnums: array, frequencies: array) -> None:
        self.mask = mask_of(docnums)
        self.docnums = docnums
        self.frequencies = frequencies
        self.weights: array | None = None  # parallel to docnums
        self.top: list[tuple[float, int]] = []  # the TOP_PER_TERM best (weight, docnum), best first
        self.threshold = 0.0  # no document outside `top` weighs more than this

    def score(self, norms: list[float]) -> None:
        k1_plus_1 = K1 + 1
        self.weights = array("d", [tf * k1_plus_1 / (tf + norms[d]) for d, tf in zip(self.docnums, self.frequencies)])
        self.top = heapq.nlargest(TOP_PER_TERM, zip(self.weights, self.docnums))
        if len(self.docnums) > TOP_PER_TERM:
            self.threshold = self.top[-1][0]


def _nbytes(value) -> int:
    """Roughly what a cached term, positions, prefix or phrase entry occupies."""
    if isinstance(value, np.ndarray):
        return value.nbytes + 96
    if isinstance(value, TermPostings):
        scored = 8 * len(value.weights) + 64 * len(value.top) if value.weights is not None else 0
        return _nbytes(value.mask) + 8 * len(value.docnums) + scored
    return (value.bit_length() >> 3) + 64


class SegmentData:
    """Columns, facet bit sets and decoded terms of one segment reader."""

    def __init__(self, reader) -> None:
        self.size = reader.doc_count_all()
        self._open(reader)
        self._date_order: list[int] | None = None
        self._cache: OrderedDict = OrderedDict()
        self._cache_bytes = 0

    # Read on first use: a process that only writes (its writer finds documents to replace
    # through this segment's reader) never pays for them.

    @cached_property
    def columns(self) -> dict[str, list]:
        return {name: self._column(name) for name in (*FACETS, *SCOPE_COLUMNS, "date")}

    @cached_property
    def facet_masks(self) -> dict[str, dict]:
        return {name: self._value_masks(self.columns[name]) for name in FACETS}

    @cached_property
    def _scope_values(self) -> dict[str, dict]:
        return {name: self._value_masks(self.columns[name]) for name in SCOPE_COLUMNS}

    @cached_property
    def _scope_order(self) -> dict[str, list]:
        return {name: sorted(values) for name, values in self._scope_values.items()}

    @cached_property
    def norms(self) -> list[float]:
        """BM25's length normalization per document: K1 * (1 - B + B * length / average)."""
        lengths = _field_lengths(self.reader, self.size)
        average = (sum(lengths) / self.size) if self.size and sum(lengths) else 1.0
        return [K1 * (1 - B + B * length / average) for length in lengths]

    def _column(self, name: str) -> list:
        if not self.reader.has_column(name):
            return [0] * self.size
        raw = self.reader.column_reader(name, translate=False)
        if isinstance(raw, NumericColumn.Reader):  # read whole: 2 s less at 100,000 documents
            return _numeric_values(raw, self.size)
        return list(self.reader.column_reader(name))

    def _value_masks(self, values: list) -> dict:
        """value -> bit set of the documents that have it: documents grouped by one sort."""
        if not values:
            return {}
        numbers = np.asarray(values)
        order = np.argsort(numbers, kind="stable")
        ordered = numbers[order]
        starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
        ends = [*starts[1:].tolist(), len(order)]
        return {value: mask_of(order[start:end])
                for value, start, end in zip(ordered[starts].tolist(), starts.tolist(), ends)}

    def _open(self, reader) -> None:
        """What depends on the segment's deletions; everything else never changes."""
        self.reader = reader
        self.segment_id = reader.segment().segment_id()
        self.deleted_count = len(reader.deleted_docs_set)
        self.live = ((1 << self.size) - 1) & ~mask_of(reader.deleted_docs_set)
        self._scopes = {}

    def reopened(self, reader) -> SegmentData:
        """This segment after more of its documents were deleted: columns, facets and
        decoded postings carry over (deleted documents are masked out by `live`)."""
        data = copy.copy(self)
        data._open(reader)
        return data

    # --- filters ---------------------------------------------------------------------------

    def scope(self, column: str, now: int) -> int:
        """Live documents whose `column` (opens or closes) is at or before `now`; the union
        is cached by how many distinct values qualify, so it is rebuilt only when a
        consultation opens or closes."""
        order = self._scope_order[column]
        count = bisect_right(order, now)
        key = (column, count)
        if key not in self._scopes:
            masks = self._scope_values[column]
            union = 0
            for value in order[:count]:
                union |= masks[value]
            self._scopes[key] = union & self.live
        return self._scopes[key]

    def value_mask(self, column: str, value) -> int:
        return self.facet_masks[column].get(value, 0)

    # --- terms -----------------------------------------------------------------------------

    def _cached(self, key, compute):
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        return self._store(key, compute())

    def _store(self, key, value):
        self._cache[key] = value
        self._cache_bytes += _nbytes(value)
        while self._cache_bytes > CACHE_BYTES and len(self._cache) > 1:
            _old_key, old = self._cache.popitem(last=False)
            self._cache_bytes -= _nbytes(old)
        return value

    def term(self, text: str) -> TermPostings | None:
        if (CONTENT, text) not in self.reader:
            return None
        return self._cached(("term", text), lambda: self._decode(text))

    def scored_term(self, text: str) -> TermPostings | None:
        """The term with its BM25 weights, computed on first use (prefixes never need them)."""
        postings = self.term(text)
        if postings is not None and postings.weights is None:
            unscored = _nbytes(postings)
            postings.score(self.norms)
            self._cache_bytes += _nbytes(postings) - unscored
        return postings

    def _decode(self, text: str, values: list | None = None) -> TermPostings:
        """The term's postings; their values (positions) too when `values` is given."""
        docnums, frequencies = array("I"), array("f")
        for block_docnums, block_frequencies, block_values in _blocks(self.reader.postings(CONTENT, text),
                                                                      values=values is not None):
            docnums.extend(block_docnums)
            frequencies.extend(block_frequencies)
            if values is not None:
                values.extend(block_values)
        return TermPostings(docnums, frequencies)

    def prefix_mask(self, prefix: str) -> int:
        """Documents with a term starting with `prefix`. A prefix may expand to hundreds
        of terms: their documents are collected into one bit set and only that is cached,
        so they do not push the words of other queries out of the cache."""

        def compute() -> int:
            docnums = array("I")
            mask = 0
            for text in self.reader.expand_prefix(CONTENT, prefix):
                text = text.decode() if isinstance(text, bytes) else text
                if ("term", text) in self._cache:
                    mask |= self._cache[("term", text)].mask
                    continue
                for block_docnums, _frequencies, _values in _blocks(self.reader.postings(CONTENT, text)):
                    docnums.extend(block_docnums)
            return mask | mask_of(docnums)

        return self._cached(("prefix", prefix), compute)

    def phrase_mask(self, words: tuple[frozenset[str], ...]) -> int:
        """Documents where a term of each word follows a term of the previous one: the
        positions of each word (shifted back by its place in the phrase) intersected, in
        numpy, over the documents that have every word."""

        def compute() -> int:
            word_keys = [self._word_keys(terms) for terms in words]  # decodes the terms too
            candidates = self.any_of(words[0])
            for terms in words[1:]:
                candidates &= self.any_of(terms)
            if not candidates:
                return 0
            wanted = _flags(candidates, self.size)
            starts = None  # where the phrase may start so far: docnum << 32 | position, ascending
            for offset, keys in enumerate(word_keys):
                keys = keys[wanted[keys >> 32]] - offset  # a word at position p starts the phrase at p - offset
                if not keys.size:
                    return 0
                if starts is None:
                    starts = keys
                else:
                    found = np.minimum(np.searchsorted(keys, starts), keys.size - 1)
                    starts = starts[keys[found] == starts]
                    if not starts.size:
                        return 0
            return mask_of(starts >> 32)

        return self._cached(("phrase", words), compute)

    def any_of(self, terms) -> int:
        mask = 0
        for text in terms:
            postings = self.term(text)
            if postings is not None:
                mask |= postings.mask
        return mask

    def _word_keys(self, terms) -> np.ndarray:
        """The occurrences of any of a word's terms, ascending (duplicates are harmless)."""
        arrays = [keys for text in sorted(terms) if (keys := self._position_keys(text)) is not None]
        if len(arrays) == 1:
            return arrays[0]
        # Sorted runs one after another: the stable sort (timsort) merges them in linear time.
        return np.sort(np.concatenate(arrays), kind="stable") if arrays else np.empty(0, dtype=np.int64)

    def _position_keys(self, text: str):
        """Every occurrence of a term as docnum << 32 | position, ascending (numpy int64);
        None when the segment lacks the term. Kept in the cache like decoded postings."""
        if (CONTENT, text) not in self.reader:
            return None

        def compute():
            values: list[bytes] = []
            postings = self._decode(text, values)  # one pass: the term's postings are kept too
            if ("term", text) not in self._cache:
                self._store(("term", text), postings)
            counts = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) // POSITION_BYTES
            positions = np.frombuffer(b"".join(values), dtype="<u4").astype(np.int64)
            docnums = np.frombuffer(postings.docnums, dtype=np.uint32).astype(np.int64)
            return (np.repeat(docnums, counts) << 32) | positions

        return self._cached(("positions", text), compute)

    # --- ordering --------------------------------------------------------------------------

    def newest(self, mask: int, count: int) -> list[int]:
        """The `count` newest documents of `mask`, newest first (ties: higher docnum first)."""
        dates = self.columns["date"]
        if mask.bit_count() * 16 < self.size:
            return heapq.nlargest(count, docnums_of(mask), key=lambda d: (dates[d], d))
        if self._date_order is None:
            self._date_order = sorted(range(self.size), key=lambda d: (dates[d], d), reverse=True)
        bits = mask.to_bytes((mask.bit_length() + 7) >> 3, "little")
        found = []
        for docnum in self._date_order:
            if contains(bits, docnum):
                found.append(docnum)
                if len(found) == count:
                    break
        return found
