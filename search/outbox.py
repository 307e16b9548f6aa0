"""Applying the search outbox: the rows search.sync wrote beside each committed change
are turned into index updates and deleted once the index has them.

Applied right after each commit, waiting at most SEARCH_INDEX_WAIT_SECONDS for the index
(a request never hangs on a lock another worker holds); when that fails (lock, read-only or
full disk) the rows stay and are tried again by the next request of this process after
SEARCH_RETRY_SECONDS, by every later commit anywhere, at start-up (the first request of a new
process), and by `flask search sync` (for cron). Applying is idempotent: every update is
built from what the database holds at that moment, under the index's write lock, so an
older reading can never overwrite a newer one.
"""
from __future__ import annotations

import logging
import threading
import time

from flask import current_app
from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session

from app.extensions import db
from consultations.models import Consultation
from search import documents as docs
from search.engine import IndexChanges, SearchEngine, document_key
from search.models import PendingIndexChange

log = logging.getLogger(__name__)

BATCH = 1000


class _Backlog:
    """Whether this process may have left rows behind, and when to try them again."""

    def __init__(self, retry_seconds: float) -> None:
        self._lock = threading.Lock()
        self._retry_seconds = retry_seconds
        self._next_try = 0.0  # a new process tries at its first request

    def due(self) -> bool:
        with self._lock:
            if self._next_try is None or time.monotonic() < self._next_try:
                return False
            self._next_try = time.monotonic() + self._retry_seconds  # one thread tries at a time
            return True

    def left(self) -> None:
        with self._lock:
            self._next_try = time.monotonic() + self._retry_seconds

    def cleared(self) -> None:
        with self._lock:
            self._next_try = None


def _backlog() -> _Backlog:
    backlog = current_app.extensions.get("kuulo_search_backlog")
    if backlog is None:
        backlog = current_app.extensions.setdefault(
            "kuulo_search_backlog", _Backlog(current_app.config["SEARCH_RETRY_SECONDS"]))
    return backlog


def changes_for(session: Session, pending: set[tuple[str, int]]) -> IndexChanges:
    """What the index must do so that these objects are as the database has them now."""
    consultation_ids = {i for kind, i in pending if kind == "consultation"}
    consultation_ids |= docs.consultations_of_versions(session, {i for kind, i in pending if kind == "version"})
    documents = []
    for consultation_id in sorted(consultation_ids):
        consultation = session.get(Consultation, consultation_id)
        if consultation is not None:
            documents.extend(docs.consultation_documents(session, consultation))
    comment_ids = {i for kind, i in pending if kind == "comment"}
    comments, gone = docs.comment_documents(session, comment_ids)
    documents.extend(c for c in comments if c.consultation_id not in consultation_ids)
    return IndexChanges(documents, [document_key("comment", i) for i in gone], sorted(consultation_ids))


def pending_count() -> int:
    with Session(db.engine) as session:
        return session.scalar(select(func.count(PendingIndexChange.id))) or 0


def has_pending() -> bool:
    with Session(db.engine) as session:
        return bool(session.scalar(select(exists().where(PendingIndexChange.id.is_not(None)))))


def drain(engine: SearchEngine, wait: float | None = None, limit: int = BATCH) -> int:
    """Apply up to `limit` outbox rows; returns how many were applied (and deleted)."""
    taken: list[int] = []

    def collect() -> IndexChanges:
        with Session(db.engine) as session:
            rows = session.execute(
                select(PendingIndexChange.id, PendingIndexChange.kind, PendingIndexChange.object_id)
                .order_by(PendingIndexChange.id).limit(limit)
            ).all()
            taken.extend(row.id for row in rows)
            return changes_for(session, {(row.kind, row.object_id) for row in rows})

    engine.apply(collect, wait)
    if taken:
        forget(taken)
    return len(taken)


def forget(ids) -> None:
    with Session(db.engine) as session, session.begin():
        session.execute(delete(PendingIndexChange).where(PendingIndexChange.id.in_(list(ids))))


def forget_up_to(last_id: int | None) -> None:
    """Drop the rows a full rebuild has made moot (it read the database after them)."""
    if last_id is not None:
        with Session(db.engine) as session, session.begin():
            session.execute(delete(PendingIndexChange).where(PendingIndexChange.id <= last_id))


def last_id() -> int | None:
    with Session(db.engine) as session:
        return session.scalar(select(PendingIndexChange.id).order_by(PendingIndexChange.id.desc()).limit(1))


HANDOVER_ROUNDS = 5


def apply_after_commit() -> None:
    """Apply what waits, waiting at most SEARCH_INDEX_WAIT_SECONDS; on failure leave it.

    A request that gave up because this writer held the lock has committed its row and
    gone: the writer looks again once it is done and applies what arrived meanwhile (a few
    rounds at most, none after a full batch), so the backlog is marked cleared only when
    the outbox is empty."""
    engine = current_app.extensions.get("kuulo_search")
    if engine is None:
        return
    wait = current_app.config["SEARCH_INDEX_WAIT_SECONDS"]
    try:
        for _round in range(HANDOVER_ROUNDS):
            applied = drain(engine, wait=wait)
            if not has_pending():
                _backlog().cleared()
                return
            if applied >= BATCH:  # a bulk change: the next request goes on with it
                break
    except Exception as error:  # the commit stands; the rows wait for the next try
        log.warning("search index not updated yet (%s: %s); will retry", type(error).__name__, error)
    _backlog().left()


def retry_if_due() -> None:
    """A before_request hook: cheap unless this process has left rows behind."""
    backlog = _backlog()
    if backlog.due():
        try:
            pending = has_pending()
        except Exception:  # no outbox table yet (a database before `flask db upgrade`)
            backlog.left()
            return
        if pending:
            apply_after_commit()
        else:
            backlog.cleared()
