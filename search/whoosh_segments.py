"""What the Whoosh engine keeps in memory about one index segment, so that a query costs
set operations instead of Python loops over every match.

Whoosh decodes postings one document at a time in pure Python (about 1 µs a posting) and
counts facets the same way, so a common word (in 99 % of the comments) costs hundreds of
milliseconds. Segments never change once written (only their deletions grow), so what is
derived from one is kept for as long as the segment lives:

- document sets are Python integers used as bit sets: AND, OR, NOT and counting run in C;
- filters and facet counts are `(matches & value_mask).bit_count()` per column value;
- a term's postings are decoded once (whole blocks at a time), its BM25 weights and best
  documents when it is first scored, and kept in a size-bounded LRU cache; prefixes and
  phrases keep only their resulting bit sets.
"""
from __future__ import annotations

import copy
import heapq
from array import array
from bisect import bisect_right
from collections import OrderedDict
from functools import cached_property
from itertools import accumulate
from pickle import loads

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.system import _INT_SIZE
from whoosh.matching.wrappers import FilterMatcher

from search.engine import FACETS

CONTENT = "content"
SCOPE_COLUMNS = ("opens", "closes")
TOP_PER_TERM = 64  # best documents kept per term: enough for the first pages of broad queries
CACHE_BYTES = 128 * 2**20  # decoded postings kept per segment (and process)
B, K1 = 0.75, 1.2  # whoosh's BM25F defaults

_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
_BIT_POSITIONS = tuple(tuple(j for j in range(8) if byte >> j & 1) for byte in range(256))


def mask_of(docnums) -> int:
    """A bit set (bit n = document n) from document numbers: one byte per document is
    set in Python, the rest (to "0"/"1" digits, reversed, parsed in base 2) runs in C."""
    if not docnums:
        return 0
    flags = bytearray(max(docnums) + 1)
    for docnum in docnums:
        flags[docnum] = 1
    return int(flags.translate(_DIGITS)[::-1], 2)


def docnums_of(mask: int) -> list[int]:
    """The document numbers in a bit set, ascending; byte by byte, skipping empty bytes."""
    docnums: list[int] = []
    for index, byte in enumerate(mask.to_bytes((mask.bit_length() + 7) >> 3, "little")):
        if byte:
            base = index << 3
            docnums.extend(base + bit for bit in _BIT_POSITIONS[byte])
    return docnums


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


def _decode_positions(value: bytes):
    """Whoosh's Positions.decode_positions with the delta decoding in C: the value is a
    4-byte count and a pickled list of deltas whose final STOP opcode may be cut off."""
    return accumulate(loads(value[_INT_SIZE:] if value.endswith(b".") else value[_INT_SIZE:] + b"."))


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
    """Roughly what a cached term, prefix or phrase entry occupies."""
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
        lengths = [self.reader.doc_field_length(docnum, CONTENT, 0) or 0 for docnum in range(self.size)]
        average = (sum(lengths) / self.size) if self.size and sum(lengths) else 1.0
        return [K1 * (1 - B + B * length / average) for length in lengths]

    def _column(self, name: str) -> list:
        if not self.reader.has_column(name):
            return [0] * self.size
        return list(self.reader.column_reader(name))

    def _value_masks(self, values: list) -> dict:
        docnums: dict = {}
        for docnum, value in enumerate(values):
            docnums.setdefault(value, []).append(docnum)
        return {value: mask_of(numbers) for value, numbers in docnums.items()}

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
        value = compute()
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

    def _decode(self, text: str) -> TermPostings:
        docnums, frequencies = array("I"), array("f")
        for block_docnums, block_frequencies, _values in _blocks(self.reader.postings(CONTENT, text)):
            docnums.extend(block_docnums)
            frequencies.extend(block_frequencies)
        return TermPostings(docnums, frequencies)

    def prefix_mask(self, prefix: str) -> int:
        """Documents with a term starting with `prefix`. A prefix may expand to hundreds
        of terms: their documents are collected into one bit set and only that is cached,
        so they do not push the words of other queries out of the cache."""

        def compute() -> int:
            flags = bytearray(self.size)
            mask = 0
            for text in self.reader.expand_prefix(CONTENT, prefix):
                text = text.decode() if isinstance(text, bytes) else text
                if ("term", text) in self._cache:
                    mask |= self._cache[("term", text)].mask
                    continue
                for block_docnums, _frequencies, _values in _blocks(self.reader.postings(CONTENT, text)):
                    for docnum in block_docnums:
                        flags[docnum] = 1
            return mask | int(flags.translate(_DIGITS)[::-1] or b"0", 2)

        return self._cached(("prefix", prefix), compute)

    def phrase_mask(self, words: tuple[frozenset[str], ...]) -> int:
        """Documents where a term of each word follows a term of the previous one. Only
        the documents that have every word get their positions decoded."""

        def compute() -> int:
            candidates = self.any_of(words[0])
            for terms in words[1:]:
                candidates &= self.any_of(terms)
            if not candidates:
                return 0
            bits = candidates.to_bytes((candidates.bit_length() + 7) >> 3, "little")
            positions = [self._positions(terms, bits) for terms in words]
            found = []
            for docnum, starts in positions[0].items():
                for offset, following in enumerate(positions[1:], start=1):
                    after = following.get(docnum, ())
                    starts = [p for p in starts if p + offset in after]
                    if not starts:
                        break
                else:
                    found.append(docnum)
            return mask_of(found)

        return self._cached(("phrase", words), compute)

    def any_of(self, terms) -> int:
        mask = 0
        for text in terms:
            postings = self.term(text)
            if postings is not None:
                mask |= postings.mask
        return mask

    def _positions(self, terms, bits: bytes) -> dict[int, set[int]]:
        """docnum -> positions of any of `terms`, for the documents in `bits`."""
        positions: dict[int, set[int]] = {}
        size = len(bits)
        for text in terms:
            if (CONTENT, text) not in self.reader:
                continue
            for block_docnums, _tfs, values in _blocks(self.reader.postings(CONTENT, text), values=True):
                for docnum, value in zip(block_docnums, values):
                    index = docnum >> 3
                    if index < size and bits[index] >> (docnum & 7) & 1:
                        positions.setdefault(docnum, set()).update(_decode_positions(value))
        return positions

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
