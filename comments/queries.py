"""Loading what a discussion page shows, in a fixed number of queries."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from comments.models import Comment
from comments.answers import published_answers
from consultations.models import Consultation, Document, DocumentVersion, Paragraph


@dataclass(frozen=True)
class VersionNote:
    """A comment written against an earlier version whose paragraph has since changed."""

    status: str  # "changed" or "removed"
    version_number: int
    latest_number: int


@dataclass
class Discussion:
    consultation: Consultation
    documents: list[tuple[Document, DocumentVersion | None]]
    paragraphs: dict[str, Paragraph]
    roots: list[Comment]
    replies: dict[int, list[Comment]] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
    visible_total: int = 0
    version_notes: dict[int, VersionNote] = field(default_factory=dict)
    # The authority's published answers, by comment id (once the summary is out).
    responses: dict = field(default_factory=dict)

    def roots_for(self, anchor: str | None) -> list[Comment]:
        return [c for c in self.roots if c.paragraph_anchor == anchor]

    def roots_on_removed_paragraphs(self) -> list[Comment]:
        return [c for c in self.roots if c.paragraph_anchor and c.paragraph_anchor not in self.paragraphs]

    def paragraph_choices(self) -> list[tuple[str, str]]:
        return [(a, f"{p.number} {p.excerpt(60)}") for a, p in self.paragraphs.items()]


def load_consultation(slug: str) -> Consultation | None:
    return Consultation.with_draft(slug)


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
    discussion.version_notes = _version_notes(consultation, comments)
    if consultation.status == "summarized":
        discussion.responses = published_answers(c.id for c in visible)
    if anchor is not None:
        discussion.roots = [c for c in discussion.roots if c.paragraph_anchor == anchor]
    if org_slug:
        discussion.roots = [
            c for c in discussion.roots
            if c.is_visible and c.organization and c.organization.slug == org_slug
        ]
    return discussion


def _version_notes(consultation: Consultation, comments) -> dict[int, VersionNote]:
    """Which comments are about a paragraph that a later published version changed or removed."""
    versions = {v.id: (v, d.latest_version) for d in consultation.documents for v in d.versions}
    anchors_of = {version_id: version.by_anchor() for version_id, (version, _) in versions.items()}
    notes = {}
    for comment in comments:
        if not comment.paragraph_anchor or comment.version_id not in versions:
            continue
        written, latest = versions[comment.version_id]
        if latest is None or written is latest or written.number > latest.number:
            continue
        before = anchors_of[written.id].get(comment.paragraph_anchor)
        now = anchors_of[latest.id].get(comment.paragraph_anchor)
        if now is None:
            notes[comment.id] = VersionNote("removed", written.number, latest.number)
        elif before is not None and before.content_hash != now.content_hash:
            notes[comment.id] = VersionNote("changed", written.number, latest.number)
    return notes


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
