"""An index written by an older Kuulo (another schema, or classes that no longer exist)
never stops the app: the engine starts empty, says so, and `verify --repair` refills it."""
from __future__ import annotations

import logging
import sys

from whoosh import fields, formats
from whoosh.analysis import RegexTokenizer
from whoosh.filedb.filestore import FileStorage

from search.whoosh_engine import INDEX_NAME, WhooshEngine, make_schema


class RetiredTokenizer(RegexTokenizer):
    """Stands for a class an older index pickled and that a newer Kuulo renamed."""


def _old_index(directory, analyzer) -> None:
    FileStorage(str(directory)).create_index(fields.Schema(key=fields.ID(stored=True), content=fields.TEXT(analyzer=analyzer)), indexname=INDEX_NAME)


def test_index_with_another_schema_starts_empty(tmp_path, caplog):
    _old_index(tmp_path, RegexTokenizer())
    with caplog.at_level(logging.WARNING):
        engine = WhooshEngine(str(tmp_path))
    assert engine.count() == 0
    assert "flask search reindex" in caplog.text
    engine.close()


def test_index_whose_classes_are_gone_starts_empty(tmp_path, caplog, monkeypatch):
    _old_index(tmp_path, RetiredTokenizer())
    monkeypatch.delattr(sys.modules[__name__], "RetiredTokenizer")  # unpickling now fails
    with caplog.at_level(logging.WARNING):
        engine = WhooshEngine(str(tmp_path))
    assert engine.count() == 0
    assert "unreadable" in caplog.text
    engine.close()


def test_index_with_the_older_position_format_starts_empty(tmp_path, caplog):
    """Kuulo before December 2026 stored positions in Whoosh's pickled format."""
    schema = make_schema()
    schema["content"].format = formats.Positions()
    FileStorage(str(tmp_path)).create_index(schema, indexname=INDEX_NAME)
    with caplog.at_level(logging.WARNING):
        engine = WhooshEngine(str(tmp_path))
    assert engine.count() == 0
    assert "schema changed" in caplog.text
    assert type(engine.index.schema["content"].format).__name__ == "CompactPositions"
    engine.close()
