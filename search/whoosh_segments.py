"""What the Whoosh engine keeps in memory about one index segment, so that a query costs
set operations instead of Python loops over every match.

Whoosh decodes postings one document at a time in pure Python (about 1 µs a posting) and
counts facets the same way, so a common word (in 99 % of the comments) costs hundreds of
milliseconds. Segments never change once written (only their deletions grow), so what is
derived from one is kept for as long as the segment lives:

- document sets are Python integers used as bit sets: AND, OR, NOT and counting run in C;
- filters and facet counts are `(matches & value_mask).bit_count()` per column value;
- a term's postings are decoded once (whole blocks at a time), its BM25 weights and best
  documents (search.bm25) when it is scored, and kept in a size-bounded LRU cache; so are a
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

import numpy as np

from search import bm25
from search.engine import FACETS
from search.query import Prefix
from search.whoosh_internals import field_lengths, is_numeric_column, numeric_column_values, postings_blocks
from search.whoosh_writing import POSITION_BYTES

CONTENT = "content"
SCOPE_COLUMNS = ("opens", "closes")
ORDER_COLUMNS = ("date", "tiebreak")  # equal scores: the newer first, then by kind and id
CACHE_BYTES = 128 * 2**20  # decoded postings kept per segment (and process)

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


def contains(bits: bytes, docnum: int) -> bool:
    """Membership in a bit set turned into bytes (cheaper than shifting a big integer)."""
    index = docnum >> 3
    return index < len(bits) and bool(bits[index] >> (docnum & 7) & 1)


class DecodedPostings:
    """One term's postings in one segment, decoded: its documents as a bit set and as
    ascending docnums, their term frequencies, and once the term is scored its BM25
    weights for the index's current average length (search.bm25)."""

    def __init__(self, docnums: array, frequencies: array) -> None:
        self.mask = mask_of(docnums)
        self.docnums = np.frombuffer(docnums, dtype=np.uint32).astype(np.int64)
        self.frequencies = np.frombuffer(frequencies, dtype=np.float32).astype(np.float64)
        self.weights: bm25.TermWeights | None = None


def _nbytes(value) -> int:
    """Roughly what a cached term, positions, prefix or phrase entry occupies."""
    if isinstance(value, np.ndarray):
        return value.nbytes + 96
    if isinstance(value, DecodedPostings):
        scored = value.weights.nbytes if value.weights is not None else 0
        return _nbytes(value.mask) + value.docnums.nbytes + value.frequencies.nbytes + scored
    return (value.bit_length() >> 3) + 64


class SegmentData:
    """Columns, facet bit sets and decoded terms of one segment reader."""

    def __init__(self, reader) -> None:
        self.size = reader.doc_count_all()
        self._open(reader)
        self._date_order: list[int] | None = None
        self._norms: tuple[float, np.ndarray | None] = (0.0, None)
        self._cache: OrderedDict = OrderedDict()
        self._cache_bytes = 0

    # Read on first use: a process that only writes (its writer finds documents to replace
    # through this segment's reader) never pays for them.

    @cached_property
    def columns(self) -> dict[str, list]:
        return {name: self._column(name) for name in (*FACETS, *SCOPE_COLUMNS, *ORDER_COLUMNS)}

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
    def lengths(self) -> np.ndarray:
        """Every document's text length (float64), as Whoosh stores it."""
        return np.asarray(field_lengths(self.reader, CONTENT, self.size), dtype=np.float64)

    def norms(self, average: float) -> np.ndarray:
        """BM25's length normalization per document for the index's average length."""
        if self._norms[0] != average:
            self._norms = (average, bm25.norms(self.lengths, average))
        return self._norms[1]

    @property
    def live_count(self) -> int:
        return self.size - self.deleted_count

    @property
    def live_length(self) -> float:
        """The summed length of the live documents (for the index's average length)."""
        if self._live_length is None:
            self._live_length = float(self.lengths[self.flags(self.live)].sum())
        return self._live_length

    def live_frequency(self, text: str) -> int:
        """How many live documents have the term (for its idf)."""
        postings = self.term(text)
        return (postings.mask & self.live).bit_count() if postings is not None else 0

    def flags(self, mask: int) -> np.ndarray:
        return _flags(mask, self.size)

    def docnums_of(self, mask: int) -> np.ndarray:
        return np.flatnonzero(self.flags(mask))

    def order_key(self, docnum: int) -> tuple[int, int]:
        """How equal scores are ordered: (date, tiebreak), larger first."""
        return self.columns["date"][docnum], self.columns["tiebreak"][docnum]

    def _column(self, name: str) -> list:
        if not self.reader.has_column(name):
            return [0] * self.size
        raw = self.reader.column_reader(name, translate=False)
        if is_numeric_column(raw):  # read whole: 2 s less at 100,000 documents
            return numeric_column_values(raw, self.size)
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
        self._live_length: float | None = None
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

    def term(self, text: str) -> DecodedPostings | None:
        if (CONTENT, text) not in self.reader:
            return None
        return self._cached(("term", text), lambda: self._decode(text))

    def scored_term(self, text: str, average: float) -> tuple[np.ndarray, bm25.TermWeights] | None:
        """The term's docnums and BM25 weights for this average length, computed when first
        asked for it (prefixes never need them)."""
        postings = self.term(text)
        if postings is None or not postings.docnums.size:
            return None
        if postings.weights is None or postings.weights.average != average:
            before = _nbytes(postings)
            postings.weights = bm25.TermWeights.of(postings.docnums, postings.frequencies, self.norms(average), average)
            self._cache_bytes += _nbytes(postings) - before
        return postings.docnums, postings.weights

    def _decode(self, text: str, values: list | None = None) -> DecodedPostings:
        """The term's postings; their values (positions) too when `values` is given."""
        docnums, frequencies = array("I"), array("f")
        for block_docnums, block_frequencies, block_values in postings_blocks(self.reader.postings(CONTENT, text),
                                                                              values=values is not None):
            docnums.extend(block_docnums)
            frequencies.extend(block_frequencies)
            if values is not None:
                values.extend(block_values)
        return DecodedPostings(docnums, frequencies)

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
                for block_docnums, _frequencies, _values in postings_blocks(self.reader.postings(CONTENT, text)):
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

    def prefix_atom_mask(self, atom: Prefix) -> int:
        mask = 0
        for prefix in atom.prefixes:
            mask |= self.prefix_mask(prefix)
        return mask

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
            return (np.repeat(postings.docnums, counts) << 32) | positions

        return self._cached(("positions", text), compute)

    # --- ordering --------------------------------------------------------------------------

    def newest(self, mask: int, count: int) -> list[int]:
        """The `count` newest documents of `mask`, newest first (ties: see order_key)."""
        if mask.bit_count() * 16 < self.size:
            return heapq.nlargest(count, docnums_of(mask), key=self.order_key)
        if self._date_order is None:
            self._date_order = sorted(range(self.size), key=self.order_key, reverse=True)
        bits = mask.to_bytes((mask.bit_length() + 7) >> 3, "little")
        found = []
        for docnum in self._date_order:
            if contains(bits, docnum):
                found.append(docnum)
                if len(found) == count:
                    break
        return found
