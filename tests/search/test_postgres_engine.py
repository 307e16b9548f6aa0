"""The PostgreSQL engine ranks every match up to RANK_EXACTLY_UP_TO (the best hit may be
the oldest); above it, the newest are ranked and the results say so, while the total and
the facets still count every match."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine

from search import postgres_engine
from search.engine import IndexChanges, SearchDocument, SearchRequest
from search.postgres_engine import PostgresEngine
from search.query import parse_query
from tests.search.conftest import POSTGRES_SESSION_URL

NOW = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)


@pytest.fixture
def pg(postgres_schema):
    engine = create_engine(POSTGRES_SESSION_URL)
    search = PostgresEngine(lambda: engine)
    yield search
    search.rebuild([])
    engine.dispose()


def _document(object_id, text, days_ago, organization_id=7):
    return SearchDocument(
        kind="comment", object_id=object_id, consultation_id=1, organization_id=organization_id,
        date=NOW - timedelta(days=20 + days_ago), opens_at=NOW - timedelta(days=60),
        closes_at=NOW - timedelta(days=10), language="fi", text=text,
    )


LIBRARY = [
    _document(1, "Kirjasto, kirjasto ja kirjasto: kirjasto on kaikille.", days_ago=4),
    _document(2, "Kirjasto on auki.", days_ago=3),
    _document(3, "Kirjasto ja kirjasto palvelevat.", days_ago=2),
    _document(4, "Kirjasto suljetaan.", days_ago=1, organization_id=None),
    _document(5, "Uimahalli remontoidaan.", days_ago=0),
]


def _search(engine, text, **options):
    return engine.search(SearchRequest(query=parse_query(text), now=NOW, **options))


def test_relevance_puts_more_occurrences_first(pg):
    pg.rebuild(LIBRARY)
    results = _search(pg, "kirjasto")
    assert [hit.object_id for hit in results.hits] == [1, 3, 4, 2]  # ties: newest first
    assert results.hits[0].score > results.hits[1].score > results.hits[2].score


def test_every_match_is_ranked_not_only_the_newest_thousand(pg):
    """Before issue 14 only the newest 1,000 matches were ranked: the best hit was lost."""
    newer = [_document(100 + n, "Kirjasto on auki.", days_ago=-n / 1000) for n in range(1200)]
    pg.rebuild([LIBRARY[0], *newer])
    results = _search(pg, "kirjasto")
    assert results.hits[0].object_id == 1 and results.ranked_only is None
    assert results.total == 1201


def test_above_the_limit_the_newest_are_ranked_and_the_results_say_so(pg, monkeypatch):
    monkeypatch.setattr(postgres_engine, "RANK_EXACTLY_UP_TO", 3)
    pg.rebuild(LIBRARY)
    results = _search(pg, "kirjasto", limit=3)
    assert [hit.object_id for hit in results.hits] == [3, 4, 2]  # the oldest, best match is not ranked
    assert results.ranked_only == 3
    assert results.total == 4
    assert results.facets["kind"] == {"comment": 4}
    assert results.facets["consultation"] == {"1": 4}
    assert results.facets["organization"] == {"7": 3}  # no organization is no facet value
    assert sum(results.facets["year"].values()) == 4
    assert _search(pg, "kirjasto", sort="date").ranked_only is None  # date order is exact


def test_a_page_beyond_the_candidates_is_still_served(pg, monkeypatch):
    monkeypatch.setattr(postgres_engine, "RANK_EXACTLY_UP_TO", 2)
    pg.rebuild(LIBRARY)
    assert [hit.object_id for hit in _search(pg, "kirjasto", offset=3, limit=2).hits] == [2]


def test_date_order_pages_through_every_match(pg):
    pg.rebuild(LIBRARY)
    pages = [_search(pg, "kirjasto", sort="date", offset=offset, limit=2).hits for offset in (0, 2)]
    assert [[hit.object_id for hit in page] for page in pages] == [[4, 3], [2, 1]]
    assert all(hit.score > 0 for page in pages for hit in page)


def test_writers_wait_for_each_other_only_within_one_schema(pg, postgres_schema):
    """The write lock is per schema: another site (or test run) in the same database,
    in another schema, never makes this one's writes wait."""
    from sqlalchemy import text

    from search.engine import IndexBusy
    from tests.search.conftest import POSTGRES_URL

    lock = text("SELECT pg_advisory_xact_lock(hashtextextended('kuulo-search-writer:' || current_schema(), 0))")
    other = create_engine(POSTGRES_URL)  # the public schema
    holder = pg.engine.connect()
    try:
        with holder.begin():
            holder.execute(lock)
            with pytest.raises(IndexBusy):
                pg.apply(lambda: IndexChanges([LIBRARY[0]]), wait=0.2)
            with other.connect() as connection, connection.begin():
                connection.execute(text("SET LOCAL lock_timeout = 200"))
                connection.execute(lock)  # another schema: not blocked
    finally:
        holder.close()
        other.dispose()
    pg.apply(lambda: IndexChanges([LIBRARY[0]]), wait=0.2)
    assert pg.count() == 1
