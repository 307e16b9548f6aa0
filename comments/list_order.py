"""The orders of the comment list (`?sort=newest|oldest|draft`) and its cursors (`after=`):
a cursor is the sort key of the last thread shown, so paging continues exactly where the
page ended whatever the order. Values come from the query string and are checked here
against an allow-list; nothing is ever built into SQL as text.

- newest: roots by id, newest first (`after=<id>`; `before=<id>` is the older name of it);
- oldest: roots by id, oldest first (`after=<id>`);
- draft: roots in the order of the draft, comments on the whole draft first, those on a
  paragraph that a later version removed last, oldest first within a paragraph
  (`after=<position>.<id>`, the position of the paragraph in the latest published draft).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal, or_, select

from app.input_guard import DATABASE_ID_MAX, database_id
from comments.models import Comment
from consultations.models import Document, DocumentVersion, Paragraph

SORTS = ("newest", "oldest", "draft")
DEFAULT_SORT = "newest"
WHOLE_DRAFT_POSITION = 0
REMOVED_POSITION = DATABASE_ID_MAX  # a paragraph no longer in the draft: after every other


class BadListParameter(ValueError):
    """A sort or cursor value that is not one of ours."""


@dataclass(frozen=True)
class Cursor:
    """Where a page of threads ended: the sort key of its last root."""

    id: int
    position: int | None = None  # the draft order's paragraph position

    def __str__(self) -> str:
        return str(self.id) if self.position is None else f"{self.position}.{self.id}"


def parse_sort(value: str | None) -> str:
    if not value:
        return DEFAULT_SORT
    if value not in SORTS:
        raise BadListParameter(value)
    return value


def parse_cursor(sort: str, value: str | None) -> Cursor | None:
    if value is None:
        return None
    if sort != "draft":
        id_ = database_id(value)
        if id_ is None:
            raise BadListParameter(value)
        return Cursor(id_)
    position, _, id_text = value.partition(".")
    id_ = database_id(id_text)
    number = database_id(position) if position != str(WHOLE_DRAFT_POSITION) else WHOLE_DRAFT_POSITION
    if id_ is None or number is None:
        raise BadListParameter(value)
    return Cursor(id_, number)


def _draft_positions(consultation_id: int):
    """(anchor, position) of the latest published paragraphs, 1 for the first; one row per
    anchor even if two parts shared one."""
    position = func.row_number().over(order_by=(Document.ordinal, Document.id, Paragraph.ordinal))
    numbered = (
        select(Paragraph.anchor, position.label("position"))
        .join(DocumentVersion, DocumentVersion.id == Paragraph.version_id)
        .join(Document, Document.id == DocumentVersion.document_id)
        .where(Paragraph.version_id.in_(DocumentVersion.latest_published_ids([consultation_id])))
        .subquery()
    )
    return (
        select(numbered.c.anchor, func.min(numbered.c.position).label("position"))
        .group_by(numbered.c.anchor)
        .subquery()
    )


def in_order(query, sort: str, consultation_id: int):
    """`query` (of roots) ordered by `sort`, and the column of its position (None but for
    the draft order)."""
    if sort == "draft":
        positions = _draft_positions(consultation_id)
        position = case(
            (Comment.paragraph_anchor.is_(None), literal(WHOLE_DRAFT_POSITION)),
            else_=func.coalesce(positions.c.position, literal(REMOVED_POSITION)),
        )
        query = query.outerjoin(positions, positions.c.anchor == Comment.paragraph_anchor)
        return query.add_columns(position).order_by(position, Comment.id), position
    return query.order_by(Comment.id.desc() if sort == "newest" else Comment.id), None


def continuing(query, sort: str, position, cursor: Cursor):
    """`query` (from `in_order`) without the roots up to and including `cursor`."""
    if sort == "newest":
        return query.where(Comment.id < cursor.id)
    if sort == "oldest":
        return query.where(Comment.id > cursor.id)
    return query.where(or_(position > cursor.position, and_(position == cursor.position, Comment.id > cursor.id)))
