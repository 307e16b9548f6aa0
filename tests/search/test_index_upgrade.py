"""An index written by an older Kuulo (another schema, or classes that no longer exist)
never stops the app: the engine starts empty, says so, and `verify --repair` refills it.
An index of today's format never depends on where Kuulo's classes live."""
from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timedelta, timezone

from whoosh import fields, formats
from whoosh.analysis import RegexTokenizer
from whoosh.filedb.filestore import FileStorage

from search import whoosh_internals, whoosh_writing
from search.engine import SearchDocument, SearchRequest
from search.query import parse_query
from search.whoosh_engine import FORMAT_FILE, INDEX_NAME, WhooshEngine, make_schema

NOW = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)


class RetiredTokenizer(RegexTokenizer):
    """Stands for a class an older index pickled and that a newer Kuulo renamed."""


def _old_index(directory, analyzer) -> None:
    FileStorage(str(directory)).create_index(fields.Schema(key=fields.ID(stored=True), content=fields.TEXT(analyzer=analyzer)), indexname=INDEX_NAME)


def test_index_of_an_older_kuulo_starts_empty(tmp_path, caplog):
    _old_index(tmp_path, RegexTokenizer())
    with caplog.at_level(logging.WARNING):
        engine = WhooshEngine(str(tmp_path))
    assert engine.count() == 0
    assert "flask search reindex" in caplog.text
    engine.close()


def test_index_whose_classes_are_gone_starts_empty(tmp_path, caplog, monkeypatch):
    _old_index(tmp_path, RetiredTokenizer())
    monkeypatch.delattr(sys.modules[__name__], "RetiredTokenizer")  # unpickling would fail
    with caplog.at_level(logging.WARNING):
        engine = WhooshEngine(str(tmp_path))
    assert engine.count() == 0
    assert "older Kuulo" in caplog.text
    engine.close()


def test_index_with_the_older_position_format_starts_empty(tmp_path, caplog):
    """Kuulo before December 2026 stored positions in Whoosh's pickled format."""
    schema = make_schema()
    schema["content"].format = formats.Positions()
    FileStorage(str(tmp_path)).create_index(schema, indexname=INDEX_NAME)
    with caplog.at_level(logging.WARNING):
        engine = WhooshEngine(str(tmp_path))
    assert engine.count() == 0
    assert "older Kuulo" in caplog.text
    assert type(engine.index.schema["content"].format).__name__ == "CompactPositions"
    engine.close()


def _document(object_id: int, text: str) -> SearchDocument:
    return SearchDocument(kind="comment", object_id=object_id, consultation_id=1, organization_id=None,
                          date=NOW - timedelta(days=object_id), opens_at=NOW - timedelta(days=90),
                          closes_at=NOW - timedelta(days=30), language="fi", text=text)


def _written_index(directory) -> None:
    engine = WhooshEngine(str(directory))
    engine.rebuild([_document(1, "Kirjasto on auki."), _document(2, "Uimahalli remontoidaan.")])
    engine.update([_document(3, "Kirjasto ja uimahalli.")])
    engine.close()


def test_index_with_another_schema_signature_starts_empty(tmp_path, caplog):
    _written_index(tmp_path)
    signature = json.loads((tmp_path / FORMAT_FILE).read_text())
    signature["content"] = "indexed:-:-:-:positions-pickled"
    (tmp_path / FORMAT_FILE).write_text(json.dumps(signature))
    with caplog.at_level(logging.WARNING):
        engine = WhooshEngine(str(tmp_path))
    assert engine.count() == 0
    assert "schema changed" in caplog.text
    engine.close()


def test_moving_kuulos_classes_keeps_the_index(tmp_path, monkeypatch, caplog):
    """The codec and the text field are pickled into the index's table of contents; with
    them gone from their modules (as after a move) the index still opens and answers."""
    _written_index(tmp_path)
    monkeypatch.delattr(whoosh_internals, "KuuloCodec")
    monkeypatch.delattr(whoosh_writing, "KuuloText")
    with caplog.at_level(logging.WARNING):
        engine = WhooshEngine(str(tmp_path))
    assert engine.count() == 3
    hits = engine.search(SearchRequest(query=parse_query("kirjasto"), now=NOW)).hits
    assert sorted(hit.object_id for hit in hits) == [1, 3]
    assert caplog.text == ""
    engine.close()
