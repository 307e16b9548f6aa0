"""What belongs in the index, read from the database: the latest published paragraphs and the
visible comments of published consultations. Sync, reindex and verify all ask here."""
from __future__ import annotations

from collections.abc import Iterator

from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from comments.models import Comment
from consultations.models import Consultation, Document, DocumentVersion, Paragraph
from search.analysis import detect_language
from search.engine import SearchDocument


def comment_text(body_html: str) -> str:
    """The words of a comment as readers see them, without Markdown or tags."""
    return Markup(body_html or "").striptags()


def _paragraph_documents(session: Session, consultation: Consultation) -> Iterator[SearchDocument]:
    rows = session.execute(
        select(Paragraph.id, Paragraph.text, DocumentVersion.published_at)
        .join(DocumentVersion, DocumentVersion.id == Paragraph.version_id)
        .where(Paragraph.version_id.in_(DocumentVersion.latest_published_ids([consultation.id])))
        .order_by(Paragraph.id)
    )
    for paragraph_id, text, published_at in rows:
        yield SearchDocument(
            kind="paragraph", object_id=paragraph_id, consultation_id=consultation.id,
            organization_id=consultation.organizer_id, date=published_at,
            opens_at=consultation.opens_at, closes_at=consultation.closes_at,
            language=consultation.language, text=text,
        )


def _comment_document(consultation: Consultation, comment_id: int, organization_id, created_at, body_html):
    text = comment_text(body_html)
    return SearchDocument(
        kind="comment", object_id=comment_id, consultation_id=consultation.id,
        organization_id=organization_id, date=created_at,
        opens_at=consultation.opens_at, closes_at=consultation.closes_at,
        language=detect_language(text, consultation.language), text=text,
    )


_COMMENT_COLUMNS = (Comment.id, Comment.organization_id, Comment.created_at, Comment.body_html)


def _comment_documents(session: Session, consultation: Consultation) -> Iterator[SearchDocument]:
    rows = session.execute(
        select(*_COMMENT_COLUMNS)
        .where(Comment.consultation_id == consultation.id, Comment.visible())
        .order_by(Comment.id)
        .execution_options(yield_per=1000)
    )
    for row in rows:
        yield _comment_document(consultation, *row)


def consultation_documents(session: Session, consultation: Consultation) -> Iterator[SearchDocument]:
    """Everything of one consultation that may be found; nothing while it is unpublished."""
    if not consultation.published:
        return
    yield from _paragraph_documents(session, consultation)
    yield from _comment_documents(session, consultation)


def comment_documents(session: Session, comment_ids) -> tuple[list[SearchDocument], list[int]]:
    """(documents to index, ids to remove) for these comments as the database has them now."""
    found = session.execute(
        select(Consultation, *_COMMENT_COLUMNS, Comment.visibility)
        .join(Consultation, Consultation.id == Comment.consultation_id)
        .where(Comment.id.in_(list(comment_ids)))
    ).all()
    documents, indexed = [], set()
    for consultation, comment_id, organization_id, created_at, body_html, visibility in found:
        if consultation.published and visibility == "visible":
            documents.append(_comment_document(consultation, comment_id, organization_id, created_at, body_html))
            indexed.add(comment_id)
    return documents, [i for i in comment_ids if i not in indexed]


def consultations_of_versions(session: Session, version_ids) -> set[int]:
    return set(
        session.scalars(
            select(Document.consultation_id)
            .join(DocumentVersion, DocumentVersion.document_id == Document.id)
            .where(DocumentVersion.id.in_(list(version_ids)))
        )
    )


def all_consultations(session: Session) -> list[Consultation]:
    return session.scalars(select(Consultation).order_by(Consultation.id)).all()


def all_documents(session: Session) -> Iterator[SearchDocument]:
    for consultation in all_consultations(session):
        yield from consultation_documents(session, consultation)


def count_documents(session: Session) -> int:
    published = select(Consultation.id).where(Consultation.published.is_(True))
    paragraphs = session.scalar(
        select(func.count(Paragraph.id))
        .join(DocumentVersion, DocumentVersion.id == Paragraph.version_id)
        .join(Document, Document.id == DocumentVersion.document_id)
        .where(Paragraph.version_id.in_(DocumentVersion.latest_published_ids()), Document.consultation_id.in_(published))
    )
    comments = session.scalar(
        select(func.count(Comment.id)).where(Comment.visible(), Comment.consultation_id.in_(published))
    )
    return (paragraphs or 0) + (comments or 0)
