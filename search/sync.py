"""Keeping the index in step with the database: changed paragraphs, comments and
consultations are collected on flush, written to the index after the commit succeeds,
and forgotten on rollback. The index is written from what the database holds after the
commit, so a hidden comment is removed and a restored one comes back."""
from __future__ import annotations

import logging

from flask import current_app, has_app_context
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, BindParameter, ColumnElement

from comments.models import Comment
from consultations.models import Consultation, DocumentVersion, Paragraph
from search import documents as docs
from search.engine import SearchEngine, document_key

log = logging.getLogger(__name__)

PENDING = "kuulo_search_pending"
# Consultation columns the index stores or that decide whether it is indexed at all.
_INDEXED_CONSULTATION_FIELDS = ("published", "opens_at", "closes_at", "organizer_id", "language")


def _pending(session: Session) -> set[tuple[str, int]]:
    return session.info.setdefault(PENDING, set())


def _consultation_changed(consultation: Consultation) -> bool:
    state = inspect(consultation)
    return any(state.attrs[name].history.has_changes() for name in _INDEXED_CONSULTATION_FIELDS)


def _after_flush(session: Session, _flush_context) -> None:
    pending = _pending(session)
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Comment):
            pending.add(("comment", obj.id))
        elif isinstance(obj, Paragraph):
            pending.add(("version", obj.version_id))
        elif isinstance(obj, DocumentVersion):
            pending.add(("version", obj.id))
        elif isinstance(obj, Consultation) and obj in session.dirty and _consultation_changed(obj):
            pending.add(("consultation", obj.id))


def _ids_in_where(whereclause, column) -> set[int] | None:
    """Ids named by `column == x` or `column IN (...)` in an UPDATE's WHERE, if any."""
    ids: set[int] = set()
    for element in visitors.iterate(whereclause):
        # ORM expressions (`Comment.id == x`) carry an annotated copy of the table column.
        if not isinstance(element, BinaryExpression) or not isinstance(element.left, ColumnElement):
            continue
        if not element.left.shares_lineage(column):
            continue
        if not isinstance(element.right, BindParameter):
            continue
        value = element.right.effective_value
        if element.operator is operators.eq:
            ids.add(value)
        elif element.operator is operators.in_op:
            ids.update(value)
    return ids or None


def _orm_execute(state) -> None:
    """Bulk UPDATEs of comments (the auto-hide on reports) bypass the flush."""
    if not (state.is_update or state.is_delete) or state.bind_mapper is None:
        return
    if state.bind_mapper.class_ is not Comment:
        return
    ids = _ids_in_where(state.statement.whereclause, Comment.__table__.c.id)
    if ids is None:
        log.warning("bulk change of comments without ids: run `flask search verify --repair`")
        return
    _pending(state.session).update(("comment", i) for i in ids)


def _after_commit(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a SAVEPOINT was released: nothing is committed until the outer transaction is
    pending = session.info.pop(PENDING, None)
    if not pending or not has_app_context():
        return
    engine = current_app.extensions.get("kuulo_search")
    if engine is None:
        return
    try:
        apply_changes(engine, pending)
    except Exception:  # the commit stands; `search verify --repair` mends the index
        log.exception("search index update failed after commit; run `flask search verify --repair`")


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without a commit
        session.info.pop(PENDING, None)


def apply_changes(engine: SearchEngine, pending: set[tuple[str, int]]) -> None:
    from app.extensions import db

    with Session(db.engine) as session:
        consultation_ids = {i for kind, i in pending if kind == "consultation"}
        consultation_ids |= docs.consultations_of_versions(session, {i for kind, i in pending if kind == "version"})
        to_index = []
        for consultation_id in sorted(consultation_ids):
            consultation = session.get(Consultation, consultation_id)
            if consultation is not None:
                to_index.extend(docs.consultation_documents(session, consultation))
        comment_ids = {i for kind, i in pending if kind == "comment" and i is not None}
        comments, gone = docs.comment_documents(session, comment_ids)
        to_index.extend(c for c in comments if c.consultation_id not in consultation_ids)
    engine.update(
        to_index,
        remove=[document_key("comment", i) for i in gone],
        remove_consultations=sorted(consultation_ids),
    )


def install() -> None:
    """Listen on Flask-SQLAlchemy's sessions (idempotent)."""
    if event.contains(FlaskSession, "after_commit", _after_commit):
        return
    event.listen(FlaskSession, "after_flush", _after_flush)
    event.listen(FlaskSession, "do_orm_execute", _orm_execute)
    event.listen(FlaskSession, "after_commit", _after_commit)
    event.listen(FlaskSession, "after_transaction_end", _after_transaction_end)
