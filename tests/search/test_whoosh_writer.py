"""The Whoosh engine's own segment writer and phrase matching: the segments it writes are
the ones Whoosh's stock writer would write, Whoosh's own queries read them, and phrases
match word order, inflections and nothing across documents."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from whoosh import writing
from whoosh.query import Phrase, Term
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from search import analysis
from search.engine import SearchDocument, SearchRequest
from search.query import parse_query
from search.whoosh_engine import INDEX_NAME, MemoryStorage, WhooshEngine, _fields, make_schema
from search.bm25 import B, K1
from search.whoosh_internals import latest_toc
from search.whoosh_segments import SegmentData
from search.whoosh_writing import Writer, term_positions

NOW = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)

TEXTS = [
    "Järjestöjen avustukset kunnissa ovat tärkeitä, ja järjestöt kiittävät kuntaa.",
    "Hyvinvointialueella toiminta-avustuksen hakuaika päättyy keväällä.",
    "Föreningarnas bidrag till välfärdsområdet diskuteras i kommunen.",
    "Avustus päättyy. Kunta päättää avustuksista ensi vuonna.",
    "Kirjasto",
    "Kunta",
    "Kirjasto kunta kirjasto kunta kirjasto " * 30,
]


def _document(object_id: int, text: str, language: str = "fi") -> SearchDocument:
    return SearchDocument(
        kind="comment", object_id=object_id, consultation_id=1 + object_id % 2, organization_id=object_id % 3 or None,
        date=NOW - timedelta(days=object_id), opens_at=NOW - timedelta(days=90),
        closes_at=NOW - timedelta(days=30), language=language, text=text,
    )


DOCUMENTS = [_document(n + 1, text, "sv" if "bidrag" in text else "fi") for n, text in enumerate(TEXTS)]


@pytest.fixture(scope="module", autouse=True)
def _dictionaries():
    analysis.preload()


def _write(writer_class, documents=DOCUMENTS) -> IndexReader:
    index = MemoryStorage().create_index(make_schema(), indexname=INDEX_NAME)
    writer = writer_class(index)
    for document in documents:
        writer.add_document(**_fields(document))
    writer.commit(mergetype=writing.CLEAR)
    return index.reader()


def _contents(reader) -> dict:
    postings = {}
    for fieldname, btext in reader.all_terms():
        matcher = reader.postings(fieldname, btext)
        info = reader.term_info(fieldname, btext)
        stats = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(), info.max_weight(),
                 info.min_id(), info.max_id())
        postings[fieldname, btext] = stats, list(zip(matcher.all_ids(), _weights_and_values(reader, fieldname, btext)))
    documents = [
        (reader.stored_fields(d), reader.doc_field_length(d, "content"),
         {name: reader.column_reader(name)[d] for name in ("kind", "organization", "year", "date", "opens", "closes")})
        for d in range(reader.doc_count_all())
    ]
    return {"postings": postings, "documents": documents, "length": reader.field_length("content"),
            "terms": reader.doc_frequency("content", "avustus")}


def _weights_and_values(reader, fieldname, btext):
    matcher = reader.postings(fieldname, btext)
    found = []
    while matcher.is_active():
        found.append((matcher.weight(), matcher.value()))
        matcher.next()
    return found


def test_the_segment_is_the_one_whooshs_own_writer_writes():
    ours = _write(Writer)
    stock = _write(writing.SegmentWriter)  # the schema's format, Whoosh's pool and postings writer
    assert _contents(ours) == _contents(stock)
    assert len(_contents(ours)["postings"]) > 50


def test_positions_are_stored_and_read_back_as_written():
    reader = _write(Writer)
    content = reader.schema["content"]
    expected = term_positions(f"fi\x1e{TEXTS[6]}")
    matcher = reader.postings("content", b"kunta")
    matcher.skip_to(6)
    assert matcher.id() == 6
    assert content.format.decode_positions(matcher.value()) == expected[b"kunta"]
    assert expected[b"kunta"] == [n for n, word in enumerate(TEXTS[6].split()) if word == "kunta"]


def test_whooshs_own_phrase_query_reads_the_positions():
    searcher = Searcher(_write(Writer))
    found = {hit["key"] for hit in searcher.search(Phrase("content", ["kunta", "päättää"]), limit=None)}
    assert found == {"c4"}
    assert {hit["key"] for hit in searcher.search(Term("content", "_kunta"), limit=None)} == {"c4", "c6", "c7"}


def _lengths(reader) -> list[int]:
    """Every document's length from Whoosh's own per-document calls."""
    return [reader.doc_field_length(d, "content", 0) or 0 for d in range(reader.doc_count_all())]


def test_columns_read_whole_equal_whooshs_values():
    """The last document has no organization: Whoosh leaves trailing defaults unwritten."""
    reader = _write(Writer, [*DOCUMENTS, _document(9, "Ei järjestöä.")])
    data = SegmentData(reader)
    for name in ("kind", "organization", "year", "date", "opens", "closes", "consultation"):
        assert data.columns[name] == list(reader.column_reader(name)), name
    assert data.lengths.tolist() == _lengths(reader)
    assert data.norms(7.5).tolist() == pytest.approx([K1 * (1 - B + B * length / 7.5) for length in _lengths(reader)])
    assert data.columns["organization"][-1] == 0 and len(data.columns["organization"]) == len(DOCUMENTS) + 1


@pytest.fixture
def engine():
    whoosh = WhooshEngine(None)
    whoosh.rebuild(DOCUMENTS)
    yield whoosh
    whoosh.close()


def _keys(engine, text: str) -> set[int]:
    results = engine.search(SearchRequest(query=parse_query(text), now=NOW, limit=100))
    return {hit.object_id for hit in results.hits}


@pytest.mark.parametrize("query, expected", [
    ('"avustus päättyä"', {4}),  # any inflection, in order
    ('"päättyä avustus"', set()),  # the other order is another phrase
    ('"kunta päättää avustus"', {4}),  # three words
    ('"järjestö avustus kunta"', {1}),  # the first words of a document
    ('"kirjasto kunta"', {7}),  # "Kirjasto" ends one document, "Kunta" starts the next
    ('"kunta kirjasto"', {7}),
    ('"kunta kunta"', set()),
    ('"förening bidrag"', {3}),
])
def test_phrases(engine, query, expected):
    assert _keys(engine, query) == expected


def test_a_phrase_sees_updates_and_removals(engine):
    engine.update([_document(8, "Kunta päättää nopeasti.")], remove=["c4"])
    assert _keys(engine, '"kunta päättää"') == {8}


def test_merged_segments_answer_as_a_rebuilt_index(engine):
    """Single writes merge small segments (merge_tiers), some of them with deleted
    documents; the merged segments must hold what a fresh rebuild of the same documents
    holds."""
    added = [_document(100 + n, f"Kunta päättää avustuksista {n}. Järjestöt kiittävät.") for n in range(60)]
    removed = {f"c{100 + n}" for n in range(0, 60, 7)}
    for n, document in enumerate(added):
        engine.update([document], remove=[f"c{100 + n - 3}"] if f"c{100 + n - 3}" in removed else [])
    assert len(latest_toc(engine.index).segments) < 25
    kept = [*DOCUMENTS, *(document for document in added if document.key not in removed)]
    fresh = WhooshEngine(None)
    fresh.rebuild(kept)
    for query in ('"kunta päättää"', "avustus", "järjest*", "kirjasto -kunta", '"järjestö kiittää"', '"avustus 14"'):
        assert _keys(engine, query) == _keys(fresh, query), query
    assert _keys(engine, '"kunta päättää"') == {4, *(document.object_id for document in kept[len(DOCUMENTS):])}
    assert engine.count() == fresh.count() == len(kept)
    fresh.close()
