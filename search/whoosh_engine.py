"""The default engine: a Whoosh index in the instance folder, analyzed by search.analysis.

One writer at a time (Whoosh's file lock, waited for with a timeout, works across gunicorn
workers), writing segments through search.whoosh_writing; one long-lived searcher per
process, rebuilt from the segments it already has open when the index changes. Queries
are answered from per-segment bit sets and cached postings (search.whoosh_segments) and
ranked by search.bm25 with statistics of the whole index, not by Whoosh's collectors.
Whoosh's private names are read only through search.whoosh_internals.
"""
from __future__ import annotations

import heapq
import json
import logging
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable

from whoosh import columns, fields, writing
from whoosh.index import LockError
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher

from search.bm25 import Scorer
from search.engine import (
    FACETS, KINDS, Hit, IndexBusy, IndexChanges, SearchDocument, SearchEngine, SearchRequest, SearchResults, parse_key,
)
from search.query import Atom, ParsedQuery, Prefix, TermSet
from search.whoosh_internals import latest_toc
from search.whoosh_segments import SegmentData
from search.whoosh_writing import LANGUAGE_SEPARATOR, KuuloText, Writer, abandon, merge_tiers

log = logging.getLogger(__name__)

INDEX_NAME = "kuulo"
FORMAT_FILE = "format.json"  # not "kuulo*": Whoosh deletes such files it does not know


class MemoryStorage(RamStorage):
    """RamStorage whose writers keep their temporary files in memory too: Whoosh's own puts
    them in a fixed folder under /tmp that every process on the machine shares."""

    def temp_storage(self, name=None):
        return RamStorage()


def _column(typecode: str) -> fields.COLUMN:
    return fields.COLUMN(columns.NumericColumn(typecode))


def make_schema() -> fields.Schema:
    """Only `key` (unique updates) and `consultation` (dropping a consultation) are indexed
    besides the text: filters and facets read columns (see search.whoosh_segments), which
    keeps indexing to a few postings per document beyond its words."""
    return fields.Schema(
        key=fields.ID(unique=True, stored=True),
        consultation=fields.ID(sortable=True),
        kind=_column("B"),  # index in search.engine.KINDS
        organization=_column("I"),  # 0: none
        year=_column("H"),
        date=_column("q"),
        tiebreak=_column("Q"),  # equal scores and dates: by kind and id (see search.bm25)
        opens=_column("q"),
        closes=_column("q"),
        fingerprint=fields.STORED,
        content=KuuloText(),
    )


def schema_signature(schema: fields.Schema) -> dict[str, str]:
    """What each field stores and how (never where a class lives): an index written with
    another schema is started afresh. Kept in FORMAT_FILE beside the index."""
    def describe(field) -> str:
        column = field.column_type
        return ":".join(str(part) for part in (
            "indexed" if field.indexed else "-", "stored" if field.stored else "-", "unique" if field.unique else "-",
            getattr(column, "_typecode", None) if column is not None else "-",
            getattr(field.format, "format_id", None) or type(field.format).__name__,
        ))

    return {name: describe(field) for name, field in schema.items()}


def tiebreak(kind: str, object_id: int) -> int:
    """Larger for a larger id, and for a comment than a paragraph of the same id."""
    return object_id * len(KINDS) + KINDS.index(kind)


def _timestamp(moment) -> int:
    return int(moment.timestamp())


def _fields(document: SearchDocument) -> dict:
    return {
        "key": document.key,
        "kind": KINDS.index(document.kind),
        "consultation": str(document.consultation_id),
        "organization": document.organization_id or 0,
        "year": document.year,
        "date": _timestamp(document.date),
        "tiebreak": tiebreak(document.kind, document.object_id),
        "opens": _timestamp(document.opens_at),
        "closes": _timestamp(document.closes_at),
        "fingerprint": document.fingerprint,
        "content": f"{document.language}{LANGUAGE_SEPARATOR}{document.text}",
    }


def prefix_atoms(parsed: ParsedQuery) -> list[Prefix]:
    """Prefix atoms add a constant 1 to the score (Whoosh's constant-score prefix)."""
    return [atom for group in parsed.must for atom in group if isinstance(atom, Prefix)]


class _Leaf:
    """One segment during one query: its cached data and its place in the searcher."""

    def __init__(self, data: SegmentData, offset: int) -> None:
        self.data = data
        self.offset = offset

    def atom_mask(self, atom: Atom) -> int:
        data = self.data
        if isinstance(atom, TermSet):
            return data.any_of(atom.terms)
        if isinstance(atom, Prefix):
            return data.prefix_atom_mask(atom)
        return data.phrase_mask(tuple(word.terms for word in atom.words))

    def matches(self, parsed: ParsedQuery, request: SearchRequest) -> int:
        mask = self.filter_mask(request)
        for group in parsed.must:
            if not mask:
                return 0
            union = 0
            for atom in group:
                union |= self.atom_mask(atom)
            mask &= union
        for atom in parsed.must_not:
            if not mask:
                return 0
            mask &= ~self.atom_mask(atom)
        return mask

    def filter_mask(self, request: SearchRequest) -> int:
        data = self.data
        mask = data.scope("opens" if request.include_open else "closes", _timestamp(request.now))
        if request.kind:
            mask &= data.value_mask("kind", KINDS.index(request.kind))
        if request.consultation_id is not None:
            mask &= data.value_mask("consultation", str(request.consultation_id))
        if request.organization_id is not None:
            mask &= data.value_mask("organization", request.organization_id)
        if request.year is not None:
            mask &= data.value_mask("year", request.year)
        return mask

    def facet_counts(self, matched: int, counts: dict[str, Counter]) -> None:
        for name in FACETS:
            counter = counts[name]
            for value, mask in self.data.facet_masks[name].items():
                count = (matched & mask).bit_count()
                if count:
                    counter[value] += count

    def best(self, matched: int, scorer: Scorer, count: int) -> list[tuple[float, int, int, int]]:
        """(score, date, tiebreak, global docnum) of this segment's `count` best matches."""
        return [(score, date, tie, self.offset + d) for score, date, tie, d in scorer.best(self.data, matched, count)]

    def newest(self, matched: int, count: int) -> list[tuple[int, int, int]]:
        """(date, tiebreak, global docnum) of this segment's `count` newest matches."""
        return [(*self.data.order_key(d), self.offset + d) for d in self.data.newest(matched, count)]

    def key(self, global_docnum: int) -> str:
        return self.data.reader.stored_fields(global_docnum - self.offset)["key"]


class WhooshEngine(SearchEngine):
    name = "whoosh"

    def __init__(self, directory: str | None, lock_timeout: float = 10.0) -> None:
        """`directory` None keeps the index in memory (for tests that do not look at it)."""
        if directory is None:
            self.storage = MemoryStorage()
        else:
            os.makedirs(directory, exist_ok=True)
            self.storage = FileStorage(directory)
        self.lock_timeout = lock_timeout
        self._lock = threading.RLock()
        self._searcher = None
        self._generation = None
        self._segments: list[SegmentData] = []  # in the index's order
        self.index = self._open_existing() or self._create()

    def _open_existing(self):
        """The index on disk if FORMAT_FILE says it was written with today's schema, else
        None (logged). Whoosh is handed today's schema: the one it pickled into the index,
        with the paths of our classes in it, is never read."""
        written = self._read_format()
        if written is None:
            if any(name.endswith(".toc") for name in self.storage.list()):
                log.warning("search index of an older Kuulo: starting empty; run `flask search reindex`")
            return None
        if written != schema_signature(make_schema()):
            log.warning("search index schema changed: starting empty; run `flask search reindex`")
            return None
        try:
            return self.storage.open_index(INDEX_NAME, schema=make_schema())
        except Exception as error:  # a damaged table of contents
            log.warning("search index unreadable (%s): starting empty; run `flask search reindex`", type(error).__name__)
            return None

    def _create(self):
        index = self.storage.create_index(make_schema(), indexname=INDEX_NAME)
        temporary = f"{FORMAT_FILE}.new"
        with self.storage.create_file(temporary) as stream:
            stream.write(json.dumps(schema_signature(make_schema()), sort_keys=True).encode())
        self.storage.rename_file(temporary, FORMAT_FILE, safe=False)
        return index

    def _read_format(self) -> dict | None:
        try:
            if not self.storage.file_exists(FORMAT_FILE):
                return None
            with self.storage.open_file(FORMAT_FILE) as stream:
                return json.loads(stream.read().decode())
        except (OSError, ValueError):
            return None

    # --- writing -----------------------------------------------------------------------

    def _writer(self, wait: float | None = None) -> Writer:
        timeout = self.lock_timeout if wait is None else wait
        try:
            return Writer(self.index, timeout=timeout, delay=0.02, compound=False)
        except LockError:
            raise IndexBusy(f"the search index stayed locked for {timeout} s") from None

    def apply(self, collect: Callable[[], IndexChanges], wait: float | None = None) -> None:
        if not self._lock.acquire(timeout=-1 if wait is None else wait):
            raise IndexBusy("another thread is writing the search index")
        try:
            writer = self._writer(wait)
            try:
                changes = collect()
                if not changes:
                    abandon(writer)
                    return
                searcher = self._searcher_for(writer)
                for consultation_id in changes.remove_consultations:
                    writer.delete_by_term("consultation", str(consultation_id), searcher=searcher)
                for key in [*changes.remove, *(document.key for document in changes.documents)]:
                    writer.delete_by_term("key", key, searcher=searcher)
                for document in changes.documents:
                    writer.add_document(**_fields(document))
                writer.commit(mergetype=merge_tiers)
            except BaseException:
                abandon(writer)
                raise
        finally:
            self._lock.release()

    def _searcher_for(self, writer):
        """Our long-lived searcher, to find what the writer deletes: Whoosh would open a
        reader on every segment for each write. It is brought up to the generation the
        writer started from (the write lock is held), so document numbers agree."""
        searcher = self._current_searcher()
        if self._generation != writer.generation - 1:  # cannot happen while we hold the lock
            return None
        return searcher

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        with self._lock:
            writer = self._writer()
            count = 0
            try:
                for document in documents:
                    writer.add_document(**_fields(document))
                    count += 1
                writer.commit(mergetype=writing.CLEAR)
            except BaseException:
                abandon(writer)
                raise
            return count

    # --- reading -----------------------------------------------------------------------

    def _current_searcher(self):
        """One searcher per process, rebuilt when the index changes. Not Searcher.refresh():
        whoosh-reloaded 2.7.5 reuses segment readers by segment id alone, so new deletions
        in an old segment stay invisible. Here an unchanged segment keeps its reader and
        cached data; one with new deletions gets a new reader and keeps its cached data."""
        generation = self.index.latest_generation()
        if self._searcher is None or generation != self._generation:
            toc = latest_toc(self.index)
            previous = {data.segment_id: data for data in self._segments}
            self._segments = [self._segment_data(toc, segment, previous.pop(segment.segment_id(), None))
                              for segment in toc.segments]
            for data in previous.values():  # merged away
                data.reader.close()
            self._searcher = Searcher(self._reader(toc), fromindex=self.index)
            self._generation = toc.generation
        return self._searcher

    def _segment_data(self, toc, segment, known: SegmentData | None) -> SegmentData:
        if known is not None and known.deleted_count == segment.deleted_count():
            return known
        reader = SegmentReader(self.storage, toc.schema, segment, generation=toc.generation)
        if known is None:
            return SegmentData(reader)
        known.reader.close()
        return known.reopened(reader)

    def _reader(self, toc):
        readers = [data.reader for data in self._segments]
        if not readers:
            return EmptyReader(toc.schema)
        return readers[0] if len(readers) == 1 else MultiReader(readers, generation=toc.generation)

    def _leaves(self) -> list[_Leaf]:
        leaves, offset = [], 0
        for data in self._segments:
            leaves.append(_Leaf(data, offset))
            offset += data.size
        return leaves

    def search(self, request: SearchRequest) -> SearchResults:
        want = request.offset + request.limit
        with self._lock:
            self._current_searcher()  # brings self._segments up to the latest generation
            leaves = self._leaves()
            matches = [(leaf, leaf.matches(request.query, request)) for leaf in leaves]
            counts = {name: Counter() for name in FACETS}
            for leaf, matched in matches:
                if matched:
                    leaf.facet_counts(matched, counts)
            if request.sort == "date":
                ranked = heapq.nlargest(want, (item for leaf, m in matches if m for item in leaf.newest(m, want)))
                page = [(0.0, docnum) for _date, _tie, docnum in ranked[request.offset:]]
            else:
                scorer = Scorer(self._segments, request.query.matcher.terms, prefix_atoms(request.query))
                ranked = heapq.nlargest(want, (item for leaf, m in matches if m for item in leaf.best(m, scorer, want)))
                page = [(score, docnum) for score, _date, _tie, docnum in ranked[request.offset:]]
            hits = [Hit(*parse_key(self._key(leaves, docnum)), score) for score, docnum in page]
        return SearchResults(total=sum(m.bit_count() for _leaf, m in matches), hits=hits, facets=_facets(counts))

    @staticmethod
    def _key(leaves: list[_Leaf], global_docnum: int) -> str:
        leaf = next(leaf for leaf in reversed(leaves) if leaf.offset <= global_docnum)
        return leaf.key(global_docnum)

    def fingerprints(self) -> dict[str, str]:
        with self._lock:
            searcher = self._current_searcher()
            return {fields_["key"]: fields_["fingerprint"] for fields_ in searcher.all_stored_fields()}

    def count(self) -> int:
        with self._lock:
            return self._current_searcher().doc_count()

    def _close_segments(self) -> None:
        for data in self._segments:
            data.reader.close()
        self._segments = []

    def close(self) -> None:
        with self._lock:
            self._close_segments()
            self._searcher = None
            self._generation = None


def _facets(counts: dict[str, Counter]) -> dict[str, dict[str, int]]:
    """Column values as the interface names them: kinds by name, no "no organization"."""
    facets = {name: {str(value): count for value, count in counter.items()} for name, counter in counts.items()}
    facets["kind"] = {KINDS[int(value)]: count for value, count in facets["kind"].items()}
    facets["organization"].pop("0", None)
    return facets
