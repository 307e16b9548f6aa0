"""The default engine: a Whoosh index in the instance folder, analyzed by search.analysis.

One writer at a time (Whoosh's file lock, waited for with a timeout, works across gunicorn
workers); one long-lived searcher per process, refreshed before each query.
"""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable

from whoosh import fields, query as wq, sorting, writing
from whoosh.analysis import Token, Tokenizer
from whoosh.filedb.filestore import FileStorage, RamStorage

from search import analysis
from search.engine import FACETS, Hit, SearchDocument, SearchEngine, SearchRequest, SearchResults, parse_key
from search.query import Atom, ParsedQuery, Phrase, Prefix, TermSet

log = logging.getLogger(__name__)

_LANGUAGE_SEPARATOR = "\x1e"  # the field value is "<language>\x1e<text>"
INDEX_NAME = "kuulo"


class MemoryStorage(RamStorage):
    """RamStorage whose writers keep their temporary files in memory too: Whoosh's own puts
    them in a fixed folder under /tmp that every process on the machine shares."""

    def temp_storage(self, name=None):
        return RamStorage()


def _abandon(writer) -> None:
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


class KuuloTokenizer(Tokenizer):
    """search.analysis as a Whoosh tokenizer: several terms may share one position."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        language, text = "fi", value
        if _LANGUAGE_SEPARATOR in value:
            language, _, text = value.partition(_LANGUAGE_SEPARATOR)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for word in analysis.tokenize(text):
            for term in analysis.token_terms(word.text, language):
                token.text = term
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = word.text
                if positions:
                    token.pos = start_pos + word.position
                if chars:
                    token.startchar = start_char + word.start
                    token.endchar = start_char + word.end
                yield token


def make_schema() -> fields.Schema:
    return fields.Schema(
        key=fields.ID(unique=True, stored=True),
        kind=fields.ID(sortable=True),
        consultation=fields.ID(sortable=True),
        organization=fields.ID(sortable=True),
        year=fields.ID(sortable=True),
        date=fields.NUMERIC(int, bits=64, sortable=True),
        opens=fields.NUMERIC(int, bits=64),
        closes=fields.NUMERIC(int, bits=64),
        fingerprint=fields.STORED,
        content=fields.TEXT(analyzer=KuuloTokenizer(), phrase=True),
    )


def _timestamp(moment) -> int:
    return int(moment.timestamp())


def _fields(document: SearchDocument) -> dict:
    values = {
        "key": document.key,
        "kind": document.kind,
        "consultation": str(document.consultation_id),
        "year": str(document.year),
        "date": _timestamp(document.date),
        "opens": _timestamp(document.opens_at),
        "closes": _timestamp(document.closes_at),
        "fingerprint": document.fingerprint,
        "content": f"{document.language}{_LANGUAGE_SEPARATOR}{document.text}",
    }
    if document.organization_id is not None:
        values["organization"] = str(document.organization_id)
    return values


def _or(queries: list) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _atom_query(atom: Atom) -> wq.Query:
    if isinstance(atom, TermSet):
        return _or([wq.Term("content", term) for term in sorted(atom.terms)])
    if isinstance(atom, Prefix):
        return _or([wq.Prefix("content", prefix) for prefix in atom.prefixes])
    return wq.Sequence([_atom_query(word) for word in atom.words])


def build_query(parsed: ParsedQuery) -> wq.Query:
    positive = wq.And([_or([_atom_query(a) for a in group]) for group in parsed.must])
    if parsed.must_not:
        return wq.AndNot(positive, _or([_atom_query(a) for a in parsed.must_not]))
    return positive


def build_filter(request: SearchRequest) -> wq.Query:
    now = _timestamp(request.now)
    scope = wq.NumericRange("opens" if request.include_open else "closes", None, now)
    parts = [scope]
    if request.kind:
        parts.append(wq.Term("kind", request.kind))
    if request.consultation_id is not None:
        parts.append(wq.Term("consultation", str(request.consultation_id)))
    if request.organization_id is not None:
        parts.append(wq.Term("organization", str(request.organization_id)))
    if request.year is not None:
        parts.append(wq.Term("year", str(request.year)))
    return wq.And(parts)


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
        if self.storage.index_exists(INDEX_NAME):
            self.index = self.storage.open_index(INDEX_NAME)
            if set(self.index.schema.names()) != set(make_schema().names()):
                log.warning("search index schema changed: starting empty; run `flask search reindex`")
                self.index = self.storage.create_index(make_schema(), indexname=INDEX_NAME)
        else:
            self.index = self.storage.create_index(make_schema(), indexname=INDEX_NAME)

    # --- writing -----------------------------------------------------------------------

    def _writer(self):
        return self.index.writer(timeout=self.lock_timeout, delay=0.02, compound=False)

    def update(self, documents: Iterable[SearchDocument] = (), remove: Iterable[str] = (),
               remove_consultations: Iterable[int] = ()) -> None:
        documents, remove, remove_consultations = list(documents), list(remove), list(remove_consultations)
        if not (documents or remove or remove_consultations):
            return
        with self._lock:
            writer = self._writer()
            try:
                for consultation_id in remove_consultations:
                    writer.delete_by_term("consultation", str(consultation_id))
                for key in remove:
                    writer.delete_by_term("key", key)
                for document in documents:
                    writer.update_document(**_fields(document))
                writer.commit()
            except BaseException:
                _abandon(writer)
                raise

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        with self._lock:
            writer = self.index.writer(timeout=self.lock_timeout, limitmb=256, compound=False)
            count = 0
            try:
                for document in documents:
                    writer.add_document(**_fields(document))
                    count += 1
                writer.commit(mergetype=writing.CLEAR)
            except BaseException:
                _abandon(writer)
                raise
            return count

    # --- reading -----------------------------------------------------------------------

    def _current_searcher(self):
        # Not Searcher.refresh(): whoosh-reloaded 2.7.5 reuses segment readers by segment id,
        # so deletions in an existing segment stay invisible (a hidden comment would still
        # count), and it fails on an empty index. Reopen only when the index has changed.
        if self._searcher is not None and not self._searcher.up_to_date():
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            self._searcher = self.index.searcher()
        return self._searcher

    def search(self, request: SearchRequest) -> SearchResults:
        query = build_query(request.query)
        facets = {name: sorting.FieldFacet(name, maptype=sorting.Count) for name in FACETS}
        sortedby = sorting.FieldFacet("date", reverse=True) if request.sort == "date" else None
        with self._lock:
            searcher = self._current_searcher()
            results = searcher.search(
                query, filter=build_filter(request), limit=request.offset + request.limit,
                groupedby=facets, sortedby=sortedby, terms=False,
            )
            page = results[request.offset:request.offset + request.limit]
            hits = [Hit(*parse_key(hit["key"]), hit.score or 0.0) for hit in page]
            facet_counts = {
                name: {str(value): count for value, count in results.groups(name).items() if value not in (None, "")}
                for name in FACETS
            }
            total = results.scored_length()
        return SearchResults(total=total, hits=hits, facets=facet_counts)

    def fingerprints(self) -> dict[str, str]:
        with self._lock:
            searcher = self._current_searcher()
            return {fields_["key"]: fields_["fingerprint"] for fields_ in searcher.all_stored_fields()}

    def count(self) -> int:
        with self._lock:
            return self._current_searcher().doc_count()

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
