"""The scale-out engine: a tsvector of search.analysis terms in PostgreSQL, GIN-indexed.

The terms are already normalized by our analyzer, so they go into the tsvector as they
are (the `simple` configuration's identity semantics, with our own positions so that
several terms can share one), and queries are tsquery values built from the same
analysis. Every value travels as a bound parameter; no SQL is built from user text.

Relevance is `ts_rank` (more occurrences rank higher; it needs no statistics of the whole
table, so no history of writes can change it), equal ranks ordered by date, id and kind as
on Whoosh. Every match is ranked when there are at most RANK_EXACTLY_UP_TO of them: `ts_rank`
has to detoast every tsvector it sees, so ranking all 99,000 matches of a common word at
100,000 documents would break the p95 target of issue 6. Above that, the newest
RANK_EXACTLY_UP_TO matches are ranked and SearchResults.ranked_only says so (the results
page shows an "approximate order" notice). The total and the facets always count every
match, read through the GIN index.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from sqlalchemy import Connection, Engine, bindparam, cast, delete, desc, func, insert, literal, select, text, tuple_
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.exc import OperationalError

from search import analysis
from search.engine import (
    FACETS, Hit, IndexBusy, IndexChanges, SearchDocument, SearchEngine, SearchRequest, SearchResults, parse_key,
)
from search.models import SearchIndexRow
from search.query import Atom, ParsedQuery, Prefix, TermSet

TABLE = SearchIndexRow.__table__
_MAX_POSITION = 16383  # PostgreSQL's limit; later words share the last position
_MAX_TERM_BYTES = 1000
_BATCH = 500
# pg_advisory_xact_lock key of index writers: one per schema, so that two sites (or test
# runs) sharing a database in different schemas never wait for each other.
_WRITE_LOCK = func.hashtextextended(literal("kuulo-search-writer:") + func.current_schema(), 0)
# Relevance ranks every match up to this many; above it the newest this many (or up to the
# requested page, if deeper), and says so. Ranking costs 6-20 µs a row (detoasting the
# tsvector): ranking all 100,000 matches of "ja" took 2 s, 1,000 rows kept the p95 of
# issue 6 (`BENCH_ENGINE=postgres make bench-search`), 2,000 stay within it.
RANK_EXACTLY_UP_TO = 2_000
_NORMALIZATION = 0  # ts_rank's default: no length normalization


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


def _prefer_gin(connection: Connection) -> None:
    """For the current transaction: read matches through the GIN index. The planner costs
    `@@` as cheap, so for a common word it picks a sequential scan that detoasts every
    row's tsvector (about ten times slower); JIT would only add compile time."""
    connection.execute(text("SET LOCAL enable_seqscan = off"))
    connection.execute(text("SET LOCAL jit = off"))


def _facet_query(conditions):
    """Counts in one pass over the matches with two groupings instead of four: kind,
    consultation and year together (few combinations), and organization."""
    column = TABLE.c
    return (
        select(column.kind, column.consultation_id, column.year, column.organization_id, func.count())
        .where(*conditions)
        .group_by(func.grouping_sets(tuple_(column.kind, column.consultation_id, column.year),
                                     column.organization_id))
    )


def _facets(rows) -> tuple[dict[str, dict[str, int]], int]:
    """The facet counts and the total from `_facet_query` rows; kind is NULL only in the
    organization grouping (documents without an organization are not a facet value)."""
    facets: dict[str, dict[str, int]] = {name: defaultdict(int) for name in FACETS}
    total = 0
    for kind, consultation_id, year, organization_id, count in rows:
        if kind is None:
            if organization_id is not None:
                facets["organization"][str(organization_id)] = count
            continue
        total += count
        facets["kind"][kind] += count
        facets["consultation"][str(consultation_id)] += count
        facets["year"][str(year)] += count
    return {name: dict(counts) for name, counts in facets.items()}, total


def _page_query(request: SearchRequest, conditions, tsquery, total: int):
    """The requested page with scores (None: no page to show). `ts_rank` runs on every
    match when there are at most RANK_EXACTLY_UP_TO, else on the newest of them."""
    column = TABLE.c
    tie = (desc(column.object_id), column.kind)  # as Whoosh: larger id first, comment before paragraph
    if request.sort == "date":
        rows = select(column.key, column.date, column.object_id, column.kind, column.terms).where(*conditions)
        rows = rows.order_by(desc(column.date), *tie).offset(request.offset).limit(request.limit).subquery()
        return select(rows.c.key, func.ts_rank(rows.c.terms, tsquery, _NORMALIZATION)).order_by(
            desc(rows.c.date), desc(rows.c.object_id), rows.c.kind)
    rows = select(column.key, column.date, column.object_id, column.kind, column.terms).where(*conditions)
    if total > ranked_limit(request):
        rows = rows.order_by(desc(column.date), *tie).limit(ranked_limit(request))
    rows = rows.subquery()
    score = func.ts_rank(rows.c.terms, tsquery, _NORMALIZATION)
    return (select(rows.c.key, score).order_by(desc(score), desc(rows.c.date), desc(rows.c.object_id), rows.c.kind)
            .offset(request.offset).limit(request.limit))


def ranked_limit(request: SearchRequest) -> int:
    return max(RANK_EXACTLY_UP_TO, request.offset + request.limit)


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

    def apply(self, collect: Callable[[], IndexChanges], wait: float | None = None) -> None:
        with self.engine.begin() as connection:
            if wait is not None:
                connection.execute(text(f"SET LOCAL lock_timeout = {int(wait * 1000)}"))
            try:  # one writer at a time, as in the Whoosh engine: see SearchEngine.apply
                connection.execute(select(func.pg_advisory_xact_lock(_WRITE_LOCK)))
            except OperationalError as error:
                raise IndexBusy("another transaction is writing the search index") from error
            changes = collect()
            rows = [_row(d) for d in changes.documents]
            if changes.remove_consultations:
                connection.execute(delete(TABLE).where(TABLE.c.consultation_id.in_(changes.remove_consultations)))
            stale = changes.remove + [row["key"] for row in rows]
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
            # Fresh statistics for the planner, which would otherwise guess until autovacuum.
            connection.execute(text(f"ANALYZE {TABLE.name}"))
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
        tsquery = cast(bindparam("q", tsquery_literal(request.query)), TSQUERY)
        conditions = self._conditions(request, tsquery)
        with self.engine.connect() as connection, connection.begin():
            _prefer_gin(connection)
            facets, total = _facets(connection.execute(_facet_query(conditions)))
            hits = []
            if total > request.offset:
                page = connection.execute(_page_query(request, conditions, tsquery, total))
                hits = [Hit(*parse_key(key), float(rank)) for key, rank in page]
        approximate = request.sort == "relevance" and total > ranked_limit(request)
        return SearchResults(total=total, hits=hits, facets=facets,
                             ranked_only=ranked_limit(request) if approximate else None)

    def fingerprints(self) -> dict[str, str]:
        with self.engine.connect() as connection:
            return dict(connection.execute(select(TABLE.c.key, TABLE.c.fingerprint)).all())

    def count(self) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(TABLE))
