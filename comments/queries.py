"""Loading what a discussion page shows, in a fixed number of queries."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from comments.models import Comment
from consultations.models import Consultation, Document, DocumentVersion, Paragraph


@dataclass
class Discussion:
    consultation: Consultation
    documents: list[tuple[Document, DocumentVersion | None]]
    paragraphs: dict[str, Paragraph]
    roots: list[Comment]
    replies: dict[int, list[Comment]] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
    visible_total: int = 0

    def roots_for(self, anchor: str | None) -> list[Comment]:
        return [c for c in self.roots if c.paragraph_anchor == anchor]

    def paragraph_choices(self) -> list[tuple[str, str]]:
        return [(a, f"{p.number} {p.excerpt(60)}") for a, p in self.paragraphs.items()]


def load_consultation(slug: str) -> Consultation | None:
    return db.session.scalar(
        select(Consultation)
        .where(Consultation.slug == slug)
        .options(
            selectinload(Consultation.organizer),
            selectinload(Consultation.attachments),
            selectinload(Consultation.documents)
            .selectinload(Document.versions)
            .selectinload(DocumentVersion.paragraphs),
        )
    )


def load_discussion(consultation: Consultation, *, anchor: str | None = None, org_slug: str | None = None) -> Discussion:
    documents = [(d, d.latest_version) for d in consultation.documents]
    paragraphs = {p.anchor: p for _, v in documents if v for p in v.paragraphs}
    query = (
        select(Comment)
        .where(Comment.consultation_id == consultation.id)
        .options(selectinload(Comment.author), selectinload(Comment.organization))
        .order_by(Comment.created_at, Comment.id)
    )
    comments = db.session.scalars(query).all()
    visible = [c for c in comments if c.is_visible]
    discussion = Discussion(
        consultation=consultation,
        documents=documents,
        paragraphs=paragraphs,
        roots=[],
        counts=Counter(c.paragraph_anchor for c in visible),
        visible_total=len(visible),
    )
    replies = defaultdict(list)
    for comment in comments:
        if comment.parent_id is None:
            discussion.roots.append(comment)
        else:
            replies[comment.parent_id].append(comment)
    discussion.replies = dict(replies)
    if anchor is not None:
        discussion.roots = [c for c in discussion.roots if c.paragraph_anchor == anchor]
    if org_slug:
        discussion.roots = [
            c for c in discussion.roots
            if c.is_visible and c.organization and c.organization.slug == org_slug
        ]
    return discussion


def load_comment(comment_id: int) -> Comment | None:
    return db.session.scalar(
        select(Comment)
        .where(Comment.id == comment_id)
        .options(
            selectinload(Comment.author),
            selectinload(Comment.organization),
            selectinload(Comment.consultation).selectinload(Consultation.organizer),
            selectinload(Comment.replies).selectinload(Comment.author),
            selectinload(Comment.replies).selectinload(Comment.organization),
            selectinload(Comment.revisions),
        )
    )
