"""Recording what the index must learn: changed paragraphs, comments, consultations and
moderation decisions are written to the search outbox (search_outbox) in the same
transaction as the change itself, and applied after the commit (search.outbox).

A rollback takes the outbox rows with it; a commit whose index update fails leaves them
for the next try, so a committed change always reaches the index."""
from __future__ import annotations

from flask import has_app_context
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, inspect, insert
from sqlalchemy.orm import Session

from app.timeutil import utcnow
from comments.models import Comment
from comments.moderation.models import ModerationEvent
from consultations.models import Consultation, DocumentVersion, Paragraph
from search import outbox
from search.models import PendingIndexChange

RECORDED = "kuulo_search_recorded"
# Consultation columns the index stores or that decide whether it is indexed at all.
_INDEXED_CONSULTATION_FIELDS = ("published", "opens_at", "closes_at", "organizer_id", "language")


def _consultation_changed(consultation: Consultation) -> bool:
    state = inspect(consultation)
    return any(state.attrs[name].history.has_changes() for name in _INDEXED_CONSULTATION_FIELDS)


def _changes_in(session: Session) -> set[tuple[str, int]]:
    changes = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Comment):
            changes.add(("comment", obj.id))
        elif isinstance(obj, ModerationEvent):
            # Every moderation decision is logged, the bulk auto-hide included: the event
            # is how moderation tells the index that a comment's visibility may have changed.
            changes.add(("comment", obj.comment_id))
        elif isinstance(obj, Paragraph):
            changes.add(("version", obj.version_id))
        elif isinstance(obj, DocumentVersion):
            changes.add(("version", obj.id))
        elif isinstance(obj, Consultation) and obj in session.dirty and _consultation_changed(obj):
            changes.add(("consultation", obj.id))
    return changes


def _after_flush(session: Session, _flush_context) -> None:
    recorded = session.info.setdefault(RECORDED, set())
    changes = {(kind, i) for kind, i in _changes_in(session) if i is not None} - recorded
    if not changes:
        return
    now = utcnow()
    session.connection().execute(
        insert(PendingIndexChange.__table__),
        [{"kind": kind, "object_id": object_id, "created_at": now} for kind, object_id in sorted(changes)],
    )
    recorded.update(changes)


def _after_soft_rollback(session: Session, _previous_transaction) -> None:
    # A rolled-back SAVEPOINT took its outbox rows along: record those objects again.
    session.info.pop(RECORDED, None)


def _after_commit(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a SAVEPOINT was released: nothing is committed until the outer transaction is
    if session.info.pop(RECORDED, None) and has_app_context():
        outbox.apply_after_commit()


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without a commit
        session.info.pop(RECORDED, None)


def install() -> None:
    """Listen on Flask-SQLAlchemy's sessions (idempotent)."""
    if event.contains(FlaskSession, "after_commit", _after_commit):
        return
    event.listen(FlaskSession, "after_flush", _after_flush)
    event.listen(FlaskSession, "after_soft_rollback", _after_soft_rollback)
    event.listen(FlaskSession, "after_commit", _after_commit)
    event.listen(FlaskSession, "after_transaction_end", _after_transaction_end)
