"""The one small interface every search engine implements, and the records it deals in.

The rest of Kuulo talks to `current_engine()`, never to Whoosh or PostgreSQL directly.
"""
from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app

from search.query import ParsedQuery

KINDS = ("paragraph", "comment")
FACETS = ("kind", "consultation", "organization", "year")
SORTS = ("relevance", "date")


@dataclass(frozen=True)
class SearchDocument:
    """What the index knows about one paragraph or comment."""

    kind: str
    object_id: int
    consultation_id: int
    organization_id: int | None
    date: datetime
    opens_at: datetime
    closes_at: datetime
    language: str
    text: str

    @property
    def key(self) -> str:
        return document_key(self.kind, self.object_id)

    @property
    def year(self) -> int:
        from app.i18n import local_time

        return local_time(self.date).year

    @property
    def fingerprint(self) -> str:
        """Changes whenever anything the index stores would change, the analysis of the
        text included: `verify` compares it, and `verify --repair` re-indexes what differs."""
        from search.analysis import ANALYSIS_VERSION

        parts = (
            self.kind, self.object_id, self.consultation_id, self.organization_id,
            self.date.isoformat(), self.opens_at.isoformat(), self.closes_at.isoformat(),
            self.language, self.text, ANALYSIS_VERSION,
        )
        return hashlib.sha1("\x1f".join(map(str, parts)).encode()).hexdigest()


def document_key(kind: str, object_id: int) -> str:
    return f"{kind[0]}{object_id}"


def parse_key(key: str) -> tuple[str, int]:
    return ("paragraph" if key[0] == "p" else "comment"), int(key[1:])


@dataclass(frozen=True)
class SearchRequest:
    query: ParsedQuery
    now: datetime
    include_open: bool = False  # closed and summarized only, unless asked
    kind: str | None = None
    consultation_id: int | None = None
    organization_id: int | None = None
    year: int | None = None
    sort: str = "relevance"
    offset: int = 0
    limit: int = 10


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    score: float


@dataclass(frozen=True)
class IndexChanges:
    documents: list[SearchDocument] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    remove_consultations: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.documents or self.remove or self.remove_consultations)


class IndexBusy(RuntimeError):
    """Another writer held the index longer than the caller would wait."""


@dataclass
class SearchResults:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # facet -> value -> count
    # Relevance ranked only a part of the matches (PostgreSQL, very broad queries): the
    # page says so. How many matches were ranked.
    ranked_only: int | None = None


class SearchEngine(ABC):
    name = ""

    def update(self, documents: Iterable[SearchDocument] = (), remove: Iterable[str] = (),
               remove_consultations: Iterable[int] = ()) -> None:
        """Add or replace documents and remove keys, in one write. `remove_consultations`
        drops everything of those consultations first (before the documents are added)."""
        changes = IndexChanges(list(documents), list(remove), list(remove_consultations))
        if changes:  # nothing to write: no need to wait for the write lock
            self.apply(lambda: changes)

    @abstractmethod
    def apply(self, collect: Callable[[], IndexChanges], wait: float | None = None) -> None:
        """Take the index's write lock (waiting at most `wait` seconds, else raise
        IndexBusy), call `collect` while holding it and write what it returns. Changes read
        from the database under the lock cannot be overtaken by an older reading."""

    @abstractmethod
    def search(self, request: SearchRequest) -> SearchResults:
        """Matches of the query within the scope and filters: top hits, total, facet counts."""

    @abstractmethod
    def fingerprints(self) -> dict[str, str]:
        """key -> fingerprint of everything in the index (for `search verify`)."""

    @abstractmethod
    def count(self) -> int:
        ...

    @abstractmethod
    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Replace the whole index with these documents; returns how many."""

    def close(self) -> None:
        pass


def current_engine() -> SearchEngine:
    return current_app.extensions["kuulo_search"]
