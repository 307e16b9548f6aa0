"""The response table (vastinetaulukko): visible comments grouped by paragraph, in document
order, each with its response. Shared by the officials' response pages, the public
summary and the exports; loads in a fixed number of queries whatever the row count."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from comments.models import Comment
from comments.responses.official import OfficialResponse, decision_label, responses_by_comment
from consultations.models import Consultation, Paragraph

GENERAL = "general"  # the group key of comments on the whole draft (anchors start with "p-")


@dataclass
class Row:
    comment: Comment
    response: OfficialResponse | None
    published_only: bool

    @property
    def answered(self) -> bool:
        return self.response is not None

    @property
    def decision(self) -> str | None:
        if self.response is None:
            return None
        return self.response.published_decision if self.published_only else self.response.decision

    @property
    def decision_label(self):
        return decision_label(self.decision)

    @property
    def response_source(self) -> str:
        if self.response is None:
            return ""
        return (self.response.published_source if self.published_only else self.response.body_source) or ""

    @property
    def response_body(self):
        if self.response is None:
            return ""
        return self.response.published_body if self.published_only else self.response.body


@dataclass
class Group:
    key: str
    paragraph: Paragraph | None
    removed: bool = False  # the paragraph is not in the latest published version
    rows: list[Row] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(1 for r in self.rows if r.answered)


@dataclass
class ResponseTable:
    consultation: Consultation
    groups: list[Group]
    hidden_count: int

    @property
    def rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows]

    def page(self, number: int, per_page: int) -> tuple[list[Group], int] | None:
        """The groups holding rows number*per_page... of the table (a group split across
        pages heads each of its parts), and how many pages there are; None past the last."""
        flat = [(group, row) for group in self.groups for row in group.rows]
        pages = max(1, -(-len(flat) // per_page))
        if not 1 <= number <= pages:
            return None
        groups: list[Group] = []
        for group, row in flat[(number - 1) * per_page:number * per_page]:
            if not groups or groups[-1].key != group.key:
                groups.append(Group(group.key, group.paragraph, group.removed))
            groups[-1].rows.append(row)
        return groups, pages

    @property
    def total(self) -> int:
        return sum(len(g.rows) for g in self.groups)

    @property
    def answered(self) -> int:
        return sum(g.answered for g in self.groups)

    def group(self, key: str) -> Group | None:
        return next((g for g in self.groups if g.key == key), None)


def paragraph_lookup(consultation: Consultation):
    """(latest paragraphs by anchor in document order, paragraphs by (version id, anchor)).
    Uses the documents and versions the caller loaded (Consultation.with_draft)."""
    latest: dict[str, Paragraph] = {}
    by_version: dict[tuple[int, str], Paragraph] = {}
    for document in consultation.documents:
        for version in document.published_versions:
            for paragraph in version.paragraphs:
                by_version[(version.id, paragraph.anchor)] = paragraph
        if document.latest_version is not None:
            for paragraph in document.latest_version.paragraphs:
                latest[paragraph.anchor] = paragraph
    return latest, by_version


def visible_comments(consultation: Consultation) -> list[Comment]:
    return db.session.scalars(
        select(Comment)
        .where(Comment.consultation_id == consultation.id, Comment.visible())
        .options(selectinload(Comment.author), selectinload(Comment.organization))
        .order_by(Comment.created_at, Comment.id)
    ).all()


def hidden_count(consultation: Consultation) -> int:
    return db.session.scalar(
        select(func.count(Comment.id)).where(Comment.consultation_id == consultation.id, ~Comment.visible())
    )


def load_response_table(consultation: Consultation, *, published_only: bool) -> ResponseTable:
    """`published_only`: the public view, where only published responses exist."""
    comments = visible_comments(consultation)
    responses = responses_by_comment((c.id for c in comments), published_only=published_only)
    latest, by_version = paragraph_lookup(consultation)
    groups: dict[str, Group] = {GENERAL: Group(GENERAL, None)}
    for anchor, paragraph in latest.items():
        groups[anchor] = Group(anchor, paragraph)
    removed: dict[str, Group] = {}
    for comment in comments:
        row = Row(comment, responses.get(comment.id), published_only)
        anchor = comment.paragraph_anchor
        if anchor is None:
            groups[GENERAL].rows.append(row)
        elif anchor in groups:
            groups[anchor].rows.append(row)
        else:
            if anchor not in removed:
                removed[anchor] = Group(anchor, by_version.get((comment.version_id, anchor)), removed=True)
            removed[anchor].rows.append(row)
    ordered = [g for g in groups.values() if g.rows] + list(removed.values())
    return ResponseTable(consultation, ordered, hidden_count(consultation))
