"""Every private Whoosh name Kuulo relies on (search.whoosh_internals.PRIVATE_NAMES) still
exists in the installed whoosh-reloaded, checked on real objects of a small index: an
upgrade that changes one fails here, with the name and what Kuulo does with it."""
from __future__ import annotations

import importlib
import re
from pathlib import Path
from datetime import datetime, timedelta, timezone

import pytest
import whoosh
from whoosh import writing
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3LeafMatcher, W3PerDocReader, W3PostingsWriter
from whoosh.columns import NumericColumn
from whoosh.index import FileIndex
from whoosh.reading import SegmentReader

import search
from search.engine import SearchDocument
from search.whoosh_engine import INDEX_NAME, MemoryStorage, _fields, make_schema
from search.whoosh_internals import INTERNAL_MODULE_NAMES, PRIVATE_NAMES, KuuloCodec
from search.whoosh_writing import Writer

NOW = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)


def _document(object_id: int) -> SearchDocument:
    return SearchDocument(kind="comment", object_id=object_id, consultation_id=1, organization_id=3,
                          date=NOW - timedelta(days=object_id), opens_at=NOW - timedelta(days=90),
                          closes_at=NOW - timedelta(days=30), language="fi",
                          text="Kirjasto on auki ja kirjasto palvelee. " * (1 + object_id % 3))


@pytest.fixture(scope="module")
def instances():
    """One live object of each class whose private names are checked."""
    index = MemoryStorage().create_index(make_schema(), indexname=INDEX_NAME)
    writer = Writer(index)
    for n in range(300):  # several posting blocks
        writer.add_document(**_fields(_document(n + 1)))
    found = {writing.SegmentWriter: writer}
    fieldwriter = writer.fieldwriter
    fieldwriter.start_field("content", writer.schema["content"])
    fieldwriter.start_term(b"kirjasto")
    found[W3FieldWriter] = fieldwriter
    found[W3PostingsWriter] = writer.postings_writer(fieldwriter)
    writer.cancel()

    writer = Writer(index)
    for n in range(300):
        writer.add_document(**_fields(_document(n + 1)))
    writer.commit(mergetype=writing.CLEAR)
    reader = index.reader()
    assert isinstance(reader, SegmentReader)
    matcher = reader.postings("content", b"kirjasto")
    matcher._read_weights()  # as postings_blocks does before reading _weights
    matcher._read_values()
    found |= {
        FileIndex: index, W3LeafMatcher: matcher, SegmentReader: reader,
        NumericColumn.Reader: reader.column_reader("date", translate=False),
        W3PerDocReader: reader._perdoc,
        W3Codec: KuuloCodec(),
    }
    return found


@pytest.mark.parametrize("private", PRIVATE_NAMES, ids=lambda p: f"{p.owner.__name__}.{p.name}")
def test_private_whoosh_name_is_still_there(private, instances):
    where = private.owner if not private.instance else instances[private.owner]
    assert isinstance(where, private.owner) or where is private.owner
    assert hasattr(where, private.name), (
        f"whoosh-reloaded {whoosh.versionstring()} has no {private.owner.__name__}.{private.name} any more; "
        f"search.whoosh_internals uses it in {private.used_for}. Adapt that code before moving the pin "
        f"(written against 2.7.5)."
    )


@pytest.mark.parametrize("module, name", INTERNAL_MODULE_NAMES, ids=lambda value: value)
def test_internal_whoosh_module_name_is_still_there(module, name):
    assert hasattr(importlib.import_module(module), name), (
        f"whoosh-reloaded {whoosh.versionstring()} has no {module}.{name} any more; search.whoosh_internals "
        f"imports it. Adapt that module before moving the pin (written against 2.7.5)."
    )


def test_kuulo_codec_pickles_as_whooshs_own():
    codec_class, arguments = KuuloCodec().__reduce__()
    assert codec_class.__module__.startswith("whoosh.") and arguments == (128, 1, 1)


def test_no_other_module_reads_a_private_whoosh_name():
    names = {private.name for private in PRIVATE_NAMES} | {name for _module, name in INTERNAL_MODULE_NAMES}
    alternatives = "|".join(sorted(names))
    pattern = re.compile(rf"\.({alternatives})\b|^\s*from whoosh\S* import .*(?<!\w)({alternatives})\b")
    root = search.__path__[0]
    offenders = []
    for path in sorted(Path(root).glob("*.py")):
        if path.name != "whoosh_internals.py":
            offenders += [f"{path.name}: {line.strip()}" for line in path.read_text().splitlines() if pattern.search(line)]
    assert offenders == []
