"""The search_document table of the PostgreSQL engine: one row per indexed paragraph or
comment, with a tsvector of search.analysis terms and a GIN index. Derived data: it can
be rebuilt from the other tables at any time (`flask search reindex`)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow


class SearchIndexRow(db.Model):
    """One indexed paragraph or comment as the PostgreSQL engine stores it (the record
    itself, engine-neutral, is search.engine.SearchDocument)."""

    __tablename__ = "search_document"

    key: Mapped[str] = mapped_column(String(24), primary_key=True)  # "p<id>" or "c<id>"
    kind: Mapped[str] = mapped_column(String(10))
    object_id: Mapped[int]
    # Plain integers, no foreign keys: the index follows the content, never holds it back.
    consultation_id: Mapped[int] = mapped_column(index=True)
    organization_id: Mapped[int | None]
    year: Mapped[int]
    date: Mapped[datetime] = mapped_column(UTCDateTime)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    language: Mapped[str] = mapped_column(String(2))
    fingerprint: Mapped[str] = mapped_column(String(40))
    # The analyzer's terms with their positions; plain text on other databases (unused there).
    terms: Mapped[str] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))

    __table_args__ = (
        Index("ix_search_document_terms", "terms", postgresql_using="gin").ddl_if(dialect="postgresql"),
    )


class PendingIndexChange(db.Model):
    """The search outbox: one row per object whose index entry must be brought in step,
    written in the same transaction as the change itself and deleted once applied
    (search.outbox). `kind` is "comment", "version" or "consultation"."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    object_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # AUTOINCREMENT on SQLite too: an id is never reused, so "every row up to id N" stays
    # the same set of changes while others are added and drained (see `flask search reindex`).
    __table_args__ = (
        CheckConstraint("kind IN ('comment', 'version', 'consultation')", name="kind"),
        {"sqlite_autoincrement": True},
    )
