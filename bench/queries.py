"""The SQL statements a block of bench code sends, for the benches' query counts."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db


@contextmanager
def counted_queries(active: bool = True):
    """Yields the list the statements sent inside the block are added to (left empty when
    not `active`, so a timing loop counts only its first round)."""
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    if active:
        event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        if active:
            event.remove(db.engine, "before_cursor_execute", count)
