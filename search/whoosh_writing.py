"""Writing the Whoosh index: the schema's text field and position format, the segment
writer that gathers postings in memory and writes them a block at a time, and the merge
policy.

Whoosh's own writer hands every posting to an external sort (pickled to temporary files
and read back) and then to the postings writer one call at a time: at 100,000 comments
that is 15 million postings and most of a rebuild. Here postings go straight into
per-term arrays (a segment's terms are sorted once when it is written) and each block of
128 postings is written with one call (search.whoosh_internals.BlockPostingsWriter). The
files are Whoosh's own W3 format: any Whoosh reader reads them.
"""
from __future__ import annotations

import logging
import sys
from array import array
from collections import Counter, defaultdict
from functools import lru_cache

from whoosh import fields, formats
from whoosh.reading import SegmentReader

from search import analysis
from search.whoosh_internals import PooledSegmentWriter

log = logging.getLogger(__name__)

LANGUAGE_SEPARATOR = "\x1e"  # the text field's value is "<language>\x1e<text>"
POSITION_BYTES = 4
_SWAP = sys.byteorder != "little"  # positions are stored little-endian on every machine


def _position_array(positions) -> array:
    packed = array("I", positions)
    if _SWAP:
        packed.byteswap()
    return packed


class CompactPositions(formats.Positions):
    """A posting's positions as little-endian 4-byte integers, nothing else: the
    frequency is the length, and a whole term's positions decode in one call (see
    search.whoosh_segments). Whoosh's Positions pickles a list of deltas per posting."""

    format_id = "positions-uint32le"  # in the index's format signature (search.whoosh_engine)

    def encode(self, poslist) -> bytes:
        return _position_array(poslist).tobytes()

    def decode_positions(self, valuestring) -> list[int]:
        packed = array("I")
        packed.frombytes(valuestring)
        if _SWAP:
            packed.byteswap()
        return packed.tolist()

    def decode_frequency(self, valuestring) -> int:
        return len(valuestring) // POSITION_BYTES


def split_language(value: str) -> tuple[str, str]:
    if LANGUAGE_SEPARATOR in value:
        language, _, text = value.partition(LANGUAGE_SEPARATOR)
        return language, text
    return "fi", value


@lru_cache(maxsize=200_000)
def _token_bterms(word: str, language: str) -> tuple[bytes, ...]:
    return tuple(term.encode("utf-8") for term in analysis.token_terms(word, language))


def term_positions(value: str) -> dict[bytes, list[int]]:
    """The text's index terms (UTF-8) and their positions; several terms may share one."""
    language, text = split_language(value)
    positions: dict[bytes, list[int]] = defaultdict(list)
    for position, word in enumerate(analysis.WORD_RE.findall(text)):
        for term in _token_bterms(word, language):
            positions[term].append(position)
    return positions


class KuuloText(fields.TEXT):
    """The text field, analyzed by search.analysis straight into positions (no Whoosh
    token pipeline: a Token object and a generator step per term cost several times the
    analysis itself)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(phrase=True, **kwargs)
        self.format = CompactPositions(field_boost=self.format.field_boost)

    def index(self, value, **kwargs):
        encode = self.format.encode
        for term, places in term_positions(value).items():
            yield term, len(places), float(len(places)), encode(places)


class _PostingsBeingWritten:
    """One term's postings in the segment being written, in document order."""

    __slots__ = ("docnums", "weights", "values", "ends")

    def __init__(self) -> None:
        self.docnums = array("I")
        self.weights = array("f")
        self.values = bytearray()  # the postings' values, one after another
        self.ends = array("I")  # where each posting's value ends in `values` (< 4 GiB a term)


class TermPool:
    """Whoosh's posting pool interface (`add`, `cleanup`) over per-term arrays in memory.
    Postings of a term arrive in document order: new documents first, then the documents
    of merged segments, each segment in order."""

    def __init__(self) -> None:
        self.fields: dict[str, dict[bytes, _PostingsBeingWritten]] = defaultdict(dict)

    def add(self, item) -> None:
        fieldname, btext, docnum, weight, value = item
        terms = self.fields[fieldname]
        postings = terms.get(btext)
        if postings is None:
            postings = terms[btext] = _PostingsBeingWritten()
        postings.docnums.append(docnum)
        postings.weights.append(weight)
        if value:
            postings.values += value
        postings.ends.append(len(postings.values))

    def add_positions(self, fieldname: str, docnum: int, positions: dict[bytes, list[int]]) -> int:
        """A document's text field; returns its length (Whoosh's: the sum of frequencies)."""
        terms = self.fields[fieldname]
        length = 0
        for btext, places in positions.items():
            postings = terms.get(btext)
            if postings is None:
                postings = terms[btext] = _PostingsBeingWritten()
            count = len(places)
            length += count
            postings.docnums.append(docnum)
            postings.weights.append(count)
            postings.values += _position_array(places)
            postings.ends.append(len(postings.values))
        return length

    def cleanup(self) -> None:
        self.fields.clear()


class Writer(PooledSegmentWriter):
    """A segment writer whose postings go to a TermPool and are written term by term."""

    def __init__(self, index, **options) -> None:
        super().__init__(index, **options)
        self.pool.cleanup()  # Whoosh's external-sort pool, never used
        self.pool = TermPool()

    def add_document(self, **values) -> None:
        """Whoosh's add_document for this schema (no boosts, vectors or spelling)."""
        self.check_open()
        writer, schema, docnum = self.perdocwriter, self.schema, self.docnum
        writer.start_doc(docnum)
        try:
            for name in sorted(values):
                value = values[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if isinstance(field, KuuloText):
                    length = self.pool.add_positions(name, docnum, term_positions(value))
                elif field.indexed:
                    for btext, _freq, weight, vbytes in field.index(value):
                        self.pool.add((name, btext, docnum, weight, vbytes))
                writer.add_field(name, field, value if field.stored else None, length)
                if field.column_type:
                    writer.add_column_value(name, field.column_type, field.to_column_value(value))
        except Exception:
            writer.cancel_doc()
            raise
        writer.finish_doc()
        self.document_added()
        self.docnum += 1

    def write_terms(self, fieldwriter, lengths_reader) -> None:
        for name in sorted(self.pool.fields):
            field = self.schema[name]
            lengths = None
            if field.scorable:
                lengths = [lengths_reader.doc_field_length(d, name) for d in range(self.docnum)]
            terms = self.pool.fields[name]
            fieldwriter.start_field(name, field)
            for btext in sorted(terms):
                fieldwriter.start_term(btext)
                self.postings_writer(fieldwriter).add_postings(terms[btext], lengths)
                fieldwriter.finish_term()
            fieldwriter.finish_field()


def abandon(writer) -> None:
    """Give up a failed writer without ever leaving the index locked."""
    try:
        writer.cancel()
    except Exception:
        log.exception("cancelling a search index writer failed")
    lock = getattr(writer, "writelock", None)
    if lock is not None:
        try:
            lock.release()
        except Exception:  # already released by cancel()
            pass


MERGE_FACTOR = 25


def merge_tiers(writer, segments: list) -> list:
    """Merge policy: segments are grouped by the number of digits of their size; when
    MERGE_FACTOR segments share a group, they and all smaller ones are merged into the new
    segment. A write merges rarely and little (most merges move fewer than a hundred
    documents), the segment count stays low and the big rebuilt segment is never
    rewritten by a single write. Unchanged segments keep their order."""
    sizes = {id(segment): len(str(segment.doc_count_all())) for segment in segments}
    per_tier = Counter(sizes.values())
    full = [tier for tier, count in sorted(per_tier.items()) if count >= MERGE_FACTOR]
    if not full:
        return segments
    limit = max(full)
    merged = [segment for segment in segments if sizes[id(segment)] <= limit]
    for segment in merged:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [segment for segment in segments if sizes[id(segment)] > limit]
