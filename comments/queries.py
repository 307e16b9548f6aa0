"""Loading what the discussion pages show, in a fixed number of queries and in pages: a
draft with per-paragraph counts, the newest comments, and threads PAGE_SIZE roots at a time
(in an order of comments/list_order.py, continuing from a cursor). A long reply thread
comes with its first replies and its length. Nothing here loads a whole discussion."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, load_only, selectinload

from app.extensions import db
from app.models import Organization
from comments.models import Comment
from comments.answers import published_answers
from comments.list_order import DEFAULT_SORT, Cursor, continuing, in_order
from consultations.models import Consultation, Document, DocumentVersion, Paragraph

PAGE_SIZE = 20
NEWEST = 5
LONG_THREAD = 3  # more replies than this, and a listed thread shows only its first
REPLIES_SHOWN = 2
WHOLE_DRAFT = ""  # the scope of comments on the whole draft (no paragraph)


@dataclass(frozen=True)
class VersionNote:
    """A comment written against an earlier version whose paragraph has since changed."""

    status: str  # "changed" or "removed"
    version_number: int
    latest_number: int


@dataclass
class Draft:
    """The consultation's published draft and how many visible comments each paragraph has."""

    consultation: Consultation
    documents: list[tuple[Document, DocumentVersion | None]]
    paragraphs: dict[str, Paragraph]
    counts: Counter
    visible_total: int


@dataclass
class Discussion:
    """Some threads of a consultation (`roots` with their `replies`) and what their cards
    show: the paragraph each is about, version notes and published responses."""

    consultation: Consultation
    roots: list[Comment] = field(default_factory=list)
    replies: dict[int, list[Comment]] = field(default_factory=dict)
    paragraphs: dict[str, Paragraph] = field(default_factory=dict)
    version_notes: dict[int, VersionNote] = field(default_factory=dict)
    # The authority's published answers, by comment id (once the summary is out).
    responses: dict = field(default_factory=dict)
    # Where the next page continues (`after=`) when there are more roots.
    older: Cursor | None = None
    # The number of replies of a thread whose `replies` are only its first REPLIES_SHOWN.
    reply_totals: dict[int, int] = field(default_factory=dict)

    def roots_for(self, anchor: str | None) -> list[Comment]:
        return [c for c in self.roots if c.paragraph_anchor == anchor]


def load_consultation(slug: str) -> Consultation | None:
    return Consultation.with_draft(slug)


def load_draft(consultation: Consultation) -> Draft:
    """`consultation` loaded with its draft (Consultation.with_draft) and the counts."""
    documents = [(d, d.latest_version) for d in consultation.documents]
    paragraphs = {p.anchor: p for _, v in documents if v for p in v.paragraphs}
    rows = db.session.execute(
        select(Comment.paragraph_anchor, func.count())
        .where(Comment.consultation_id == consultation.id, Comment.visible())
        .group_by(Comment.paragraph_anchor)
    ).all()
    counts = Counter({anchor: n for anchor, n in rows})
    return Draft(consultation, documents, paragraphs, counts, sum(counts.values()))


def visible_count(consultation: Consultation, anchor: str | None = None, org_slug: str | None = None,
                  *, threads: bool = False) -> int:
    """Visible comments (replies included, or only the threads' roots) in a scope: a
    paragraph, the whole draft (WHOLE_DRAFT), an organization, or the consultation."""
    query = select(func.count()).select_from(Comment).where(
        Comment.consultation_id == consultation.id, Comment.visible()
    )
    if threads:
        query = query.where(Comment.parent_id.is_(None))
    query = _scoped(query, anchor, org_slug)
    return db.session.scalar(query) or 0


def _scoped(query, anchor: str | None, org_slug: str | None):
    if anchor == WHOLE_DRAFT:
        query = query.where(Comment.paragraph_anchor.is_(None))
    elif anchor is not None:
        query = query.where(Comment.paragraph_anchor == anchor)
    if org_slug:
        organization = select(Organization.id).where(Organization.slug == org_slug).scalar_subquery()
        query = query.where(Comment.organization_id == organization, Comment.visible())
    return query


def _roots(consultation: Consultation):
    return (
        select(Comment)
        .where(Comment.consultation_id == consultation.id, Comment.parent_id.is_(None))
        .options(joinedload(Comment.author), joinedload(Comment.organization))
        .order_by(Comment.id.desc())
    )


def load_thread_page(
    consultation: Consultation,
    *,
    anchor: str | None = None,
    org_slug: str | None = None,
    sort: str = DEFAULT_SORT,
    after: Cursor | None = None,
    size: int = PAGE_SIZE,
    include: int | None = None,
) -> Discussion:
    """One page of threads in the order `sort`: roots on `anchor` (WHOLE_DRAFT for the
    whole draft, None for all) or by an organization, after the cursor `after`. The first
    page also shows the root `include` (the one just posted, which others may have pushed
    down meanwhile) when it is in scope."""
    scoped = _scoped(_roots(consultation).order_by(None), anchor, org_slug)
    query, position = in_order(scoped, sort, consultation.id)
    if after is not None:
        query = continuing(query, sort, position, after)
    rows = db.session.execute(query.limit(size + 1)).unique().all()
    older = None
    if len(rows) > size:
        last = rows[size - 1]
        older = Cursor(last[0].id, last[1] if position is not None else None)
    roots = [row[0] for row in rows[:size]]
    if after is None:
        roots = _with_included(roots, include, scoped)
    return _with_context(consultation, roots, older)


def _with_included(roots: list[Comment], include: int | None, query) -> list[Comment]:
    if include is None or any(c.id == include for c in roots):
        return roots
    extra = db.session.scalars(query.where(Comment.id == include)).unique().first()
    return [extra, *roots] if extra is not None else roots


def load_newest(
    consultation: Consultation, *, skip_anchor: str | None = None, include: int | None = None
) -> tuple[Discussion, Discussion]:
    """The NEWEST threads on the whole draft, and the NEWEST on paragraphs (leaving out
    `skip_anchor`, whose thread the page shows in full); with the root `include` (just
    posted) among them."""
    general_query = _scoped(_roots(consultation), WHOLE_DRAFT, None)
    general = _with_included(list(db.session.scalars(general_query.limit(NEWEST)).unique()), include, general_query)
    on_paragraphs = _roots(consultation).where(Comment.paragraph_anchor.is_not(None))
    if skip_anchor:
        on_paragraphs = on_paragraphs.where(Comment.paragraph_anchor != skip_anchor)
    newest = list(db.session.scalars(on_paragraphs.limit(NEWEST)).unique())
    if not any(c.id == include for c in general):
        newest = _with_included(newest, include, on_paragraphs)
    both = _with_context(consultation, general + newest, None)
    return (
        _part(both, general),
        _part(both, newest),
    )


def _part(whole: Discussion, roots: list[Comment]) -> Discussion:
    return Discussion(whole.consultation, roots, whole.replies, whole.paragraphs, whole.version_notes, whole.responses,
                      reply_totals=whole.reply_totals)


def _with_context(consultation: Consultation, roots: list[Comment], older: Cursor | None,
                  *, every_reply: bool = False) -> Discussion:
    """The roots' replies (of a long thread only the first, unless `every_reply`),
    paragraphs, version notes and responses: a few queries whatever the number of roots
    and replies."""
    discussion = Discussion(consultation, roots, older=older)
    replies = defaultdict(list)
    order = (Comment.created_at, Comment.id)
    ranked = select(
        Comment.id,
        func.row_number().over(partition_by=Comment.parent_id, order_by=order).label("n"),
        func.count().over(partition_by=Comment.parent_id).label("total"),
    ).where(Comment.parent_id.in_([c.id for c in roots])).subquery()
    query = (
        select(Comment, ranked.c.total)
        .join(ranked, ranked.c.id == Comment.id)
        .options(joinedload(Comment.author), joinedload(Comment.organization))
        .order_by(*order)
    )
    if not every_reply:
        query = query.where(ranked.c.n <= LONG_THREAD)
    for reply, total in db.session.execute(query).unique():
        replies[reply.parent_id].append(reply)
        if total > LONG_THREAD and not every_reply:
            discussion.reply_totals[reply.parent_id] = total
    for root_id in discussion.reply_totals:
        replies[root_id] = replies[root_id][:REPLIES_SHOWN]
    discussion.replies = dict(replies)
    comments = roots + [r for rs in replies.values() for r in rs]
    discussion.paragraphs, discussion.version_notes = _paragraph_context(consultation, comments)
    if consultation.status == "summarized":
        discussion.responses = published_answers(c.id for c in comments if c.is_visible)
    return discussion


def _paragraph_context(consultation: Consultation, comments: list[Comment]):
    """The latest published paragraphs the comments are about, and which comments are about
    a paragraph that a later published version changed or removed: two queries."""
    anchors = {c.paragraph_anchor for c in comments if c.paragraph_anchor}
    versions = {
        v.id: v for v in db.session.scalars(
            select(DocumentVersion)
            .join(Document, Document.id == DocumentVersion.document_id)
            .where(Document.consultation_id == consultation.id)
        )
    }
    latest: dict[int, DocumentVersion] = {}
    for version in versions.values():
        if version.is_published and (version.document_id not in latest or version.number > latest[version.document_id].number):
            latest[version.document_id] = version
    wanted = {v.id for v in latest.values()} | {c.version_id for c in comments if c.version_id in versions}
    found = db.session.scalars(
        select(Paragraph).where(Paragraph.anchor.in_(anchors), Paragraph.version_id.in_(wanted))
    ).all()
    by_version_anchor = {(p.version_id, p.anchor): p for p in found}
    latest_ids = {v.id for v in latest.values()}
    current = {p.anchor: p for p in found if p.version_id in latest_ids}
    notes = {}
    for comment in comments:
        if not comment.paragraph_anchor or comment.version_id not in versions:
            continue
        written = versions[comment.version_id]
        now_version = latest.get(written.document_id)
        if now_version is None or written is now_version or written.number > now_version.number:
            continue
        before = by_version_anchor.get((written.id, comment.paragraph_anchor))
        now = by_version_anchor.get((now_version.id, comment.paragraph_anchor))
        if now is None:
            notes[comment.id] = VersionNote("removed", written.number, now_version.number)
        elif before is not None and before.content_hash != now.content_hash:
            notes[comment.id] = VersionNote("changed", written.number, now_version.number)
    return current, notes


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


def load_permalink_thread(root: Comment) -> Discussion:
    """The thread of a permalink page (its replies are loaded with the comment)."""
    return _with_context(root.consultation, [root], None, every_reply=True)



def paragraph_choices(consultation: Consultation) -> list[tuple[str, str]]:
    """(anchor, "2.3 Beginning of the text…") of the latest published paragraphs in one
    query (the comment form's paragraph menu)."""
    paragraphs = db.session.scalars(
        select(Paragraph)
        .join(DocumentVersion, DocumentVersion.id == Paragraph.version_id)
        .join(Document, Document.id == DocumentVersion.document_id)
        .where(Paragraph.version_id.in_(DocumentVersion.latest_published_ids([consultation.id])))
        .options(load_only(Paragraph.anchor, Paragraph.number, Paragraph.text))
        .order_by(Document.ordinal, Document.id, Paragraph.ordinal)
    )
    return [(p.anchor, f"{p.number} {p.excerpt(60)}") for p in paragraphs]


@dataclass
class ListFilters:
    """What the comment list can be narrowed to: the organizations with visible comments
    (slug, name) and the latest paragraphs with visible comments (anchor, "2.3 Text…")."""

    organizations: list[tuple[str, str]]
    paragraphs: list[tuple[str, str]]


def load_list_filters(consultation: Consultation) -> ListFilters:
    """Two queries, whatever the number of comments; hidden comments name no one."""
    commented = (
        select(Comment.organization_id, Comment.paragraph_anchor)
        .where(Comment.consultation_id == consultation.id, Comment.visible())
    )
    organizations = db.session.execute(
        select(Organization.slug, Organization.name)
        .where(Organization.id.in_(commented.with_only_columns(Comment.organization_id)))
        .order_by(Organization.name, Organization.slug)
    ).all()
    paragraphs = db.session.scalars(
        select(Paragraph)
        .join(DocumentVersion, DocumentVersion.id == Paragraph.version_id)
        .join(Document, Document.id == DocumentVersion.document_id)
        .where(Paragraph.version_id.in_(DocumentVersion.latest_published_ids([consultation.id])),
               Paragraph.anchor.in_(commented.with_only_columns(Comment.paragraph_anchor)))
        .options(load_only(Paragraph.anchor, Paragraph.number, Paragraph.text))
        .order_by(Document.ordinal, Document.id, Paragraph.ordinal)
    )
    return ListFilters([tuple(row) for row in organizations], [(p.anchor, f"{p.number} {p.excerpt(50)}") for p in paragraphs])
