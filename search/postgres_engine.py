"""The scale-out engine: a tsvector of search.analysis terms in PostgreSQL, GIN-indexed.

The terms are already normalized by our analyzer, so they go into the tsvector as they
are (the `simple` configuration's identity semantics, with our own positions so that
several terms can share one), and queries are tsquery values built from the same
analysis. Every value travels as a bound parameter; no SQL is built from user text.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from sqlalchemy import Engine, bindparam, cast, delete, desc, func, insert, select
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR

from search import analysis
from search.engine import Hit, SearchDocument, SearchEngine, SearchRequest, SearchResults, parse_key
from search.models import SearchEntry
from search.query import Atom, ParsedQuery, Prefix, TermSet

TABLE = SearchEntry.__table__
_MAX_POSITION = 16383  # PostgreSQL's limit; later words share the last position
_MAX_TERM_BYTES = 1000
_BATCH = 500


def _quote(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(text: str, language: str) -> str:
    positions: dict[str, list[int]] = defaultdict(list)
    for position, terms in analysis.index_terms(text, language):
        for term in terms:
            if len(term.encode()) <= _MAX_TERM_BYTES:
                positions[term].append(min(position + 1, _MAX_POSITION))
    return " ".join(
        f"{_quote(term)}:{','.join(map(str, sorted(set(p))[:256]))}" for term, p in positions.items()
    )


def _atom_tsquery(atom: Atom) -> str:
    if isinstance(atom, TermSet):
        return "(" + " | ".join(_quote(t) for t in sorted(atom.terms)) + ")"
    if isinstance(atom, Prefix):
        return "(" + " | ".join(f"{_quote(p)}:*" for p in atom.prefixes) + ")"
    return "(" + " <-> ".join(_atom_tsquery(word) for word in atom.words) + ")"


def tsquery_literal(parsed: ParsedQuery) -> str:
    groups = ["(" + " | ".join(_atom_tsquery(a) for a in group) + ")" for group in parsed.must]
    text = " & ".join(groups)
    if parsed.must_not:
        text += " & !(" + " | ".join(_atom_tsquery(a) for a in parsed.must_not) + ")"
    return text


def _row(document: SearchDocument) -> dict:
    return {
        "key": document.key,
        "kind": document.kind,
        "object_id": document.object_id,
        "consultation_id": document.consultation_id,
        "organization_id": document.organization_id,
        "year": document.year,
        "date": document.date,
        "opens_at": document.opens_at,
        "closes_at": document.closes_at,
        "language": document.language,
        "fingerprint": document.fingerprint,
        "terms_text": tsvector_literal(document.text, document.language),
    }


_INSERT = insert(TABLE).values(
    {column: bindparam(column) for column in (
        "key", "kind", "object_id", "consultation_id", "organization_id", "year", "date",
        "opens_at", "closes_at", "language", "fingerprint")}
    | {"terms": cast(bindparam("terms_text"), TSVECTOR)}
)


class PostgresEngine(SearchEngine):
    name = "postgres"

    def __init__(self, get_engine: Callable[[], Engine]) -> None:
        self._get_engine = get_engine
        self._table_checked = False

    @property
    def engine(self) -> Engine:
        engine = self._get_engine()
        if engine.dialect.name != "postgresql":
            raise RuntimeError("SEARCH_BACKEND=postgres needs a PostgreSQL DATABASE_URL")
        if not self._table_checked:
            TABLE.create(engine, checkfirst=True)
            self._table_checked = True
        return engine

    def update(self, documents: Iterable[SearchDocument] = (), remove: Iterable[str] = (),
               remove_consultations: Iterable[int] = ()) -> None:
        rows = [_row(d) for d in documents]
        remove, remove_consultations = list(remove), list(remove_consultations)
        if not (rows or remove or remove_consultations):
            return
        with self.engine.begin() as connection:
            if remove_consultations:
                connection.execute(delete(TABLE).where(TABLE.c.consultation_id.in_(remove_consultations)))
            stale = remove + [row["key"] for row in rows]
            for start in range(0, len(stale), _BATCH):
                connection.execute(delete(TABLE).where(TABLE.c.key.in_(stale[start:start + _BATCH])))
            for start in range(0, len(rows), _BATCH):
                connection.execute(_INSERT, rows[start:start + _BATCH])

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        count = 0
        with self.engine.begin() as connection:  # readers see the old index until commit
            connection.execute(delete(TABLE))
            batch = []
            for document in documents:
                batch.append(_row(document))
                if len(batch) >= _BATCH:
                    connection.execute(_INSERT, batch)
                    count += len(batch)
                    batch = []
            if batch:
                connection.execute(_INSERT, batch)
                count += len(batch)
        return count

    def _conditions(self, request: SearchRequest, tsquery):
        column = TABLE.c
        conditions = [column.terms.op("@@")(tsquery)]
        conditions.append((column.opens_at if request.include_open else column.closes_at) <= request.now)
        if request.kind:
            conditions.append(column.kind == request.kind)
        if request.consultation_id is not None:
            conditions.append(column.consultation_id == request.consultation_id)
        if request.organization_id is not None:
            conditions.append(column.organization_id == request.organization_id)
        if request.year is not None:
            conditions.append(column.year == request.year)
        return conditions

    def search(self, request: SearchRequest) -> SearchResults:
        column = TABLE.c
        tsquery = cast(bindparam("q", tsquery_literal(request.query)), TSQUERY)
        conditions = self._conditions(request, tsquery)
        facet_columns = {
            "kind": column.kind, "consultation": column.consultation_id,
            "organization": column.organization_id, "year": column.year,
        }
        facet_query = (
            select(*facet_columns.values(), func.count())
            .where(*conditions)
            .group_by(func.grouping_sets(*facet_columns.values()))
        )
        if request.sort == "date":
            order = (desc(column.date), desc(column.key))
            score = func.ts_rank(column.terms, tsquery)
        else:
            score = func.ts_rank(column.terms, tsquery)
            order = (desc(score), desc(column.date), desc(column.key))
        page_query = (
            select(column.key, score).where(*conditions).order_by(*order)
            .offset(request.offset).limit(request.limit)
        )
        facets: dict[str, dict[str, int]] = {name: {} for name in facet_columns}
        total = 0
        with self.engine.connect() as connection:
            for *values, count in connection.execute(facet_query):
                for name, value in zip(facet_columns, values):
                    if value is not None:
                        facets[name][str(value)] = count
                        if name == "kind":
                            total += count
                        break
            hits = [Hit(*parse_key(key), float(rank)) for key, rank in connection.execute(page_query)]
        return SearchResults(total=total, hits=hits, facets=facets)

    def fingerprints(self) -> dict[str, str]:
        with self.engine.connect() as connection:
            return dict(connection.execute(select(TABLE.c.key, TABLE.c.fingerprint)).all())

    def count(self) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(TABLE))
