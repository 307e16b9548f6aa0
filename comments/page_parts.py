"""Discussion pages put together from parts: what is the same for every reader is rendered
once per change of the discussion (app/render_cache.py) and sent as stored bytes; only
the page around it (header, flash messages, the form) is rendered per request.

A part is stored under the discussion's content stamp, which one cheap query computes from
everything the parts show: comments (new, edited, hidden, restored, held for review), the
published versions, the consultation row and the officials' last logged change (parts
renamed, added or reordered, contact persons, invitations). What it cannot see (a renamed
organization) is refreshed after RENDER_CACHE_SECONDS.
"""
from __future__ import annotations

from typing import Callable

from flask import Response, render_template
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import bindparam, func, select

from app.extensions import db
from app.i18n import current_locale
from app.render_cache import render_cache
from comments.models import Comment
from consultations.authoring.models import ConsultationChange
from consultations.deadline import time_left
from consultations.models import Consultation, Document, DocumentVersion


def _stamp_columns(consultation_id) -> list:
    """The stamp's parts for the consultation `consultation_id` (a parameter, or the
    consultation row of the query they are in), each read from an index of `comment`."""
    of_comments = Comment.consultation_id == consultation_id

    def scalar(column, *where, join=None):
        query = select(column)
        if join is not None:
            query = query.join(*join)
        return query.where(*where).scalar_subquery()

    return [
        scalar(func.max(Comment.id), of_comments),
        scalar(func.max(Comment.edited_at), of_comments),
        scalar(func.max(Comment.hidden_at), of_comments),
        scalar(func.count(), of_comments, Comment.visible()),
        scalar(func.count(), of_comments, Comment.pending_review.is_(True)),
        scalar(func.count(DocumentVersion.published_at), Document.consultation_id == consultation_id,
               join=(Document, Document.id == DocumentVersion.document_id)),
        scalar(func.max(ConsultationChange.id), ConsultationChange.consultation_id == consultation_id),
    ]


# Built once per process: a reader's page is sent from the cache after one of these, so
# even building and keying the statement counted (issue 15 §4).
_STAMP = select(*_stamp_columns(bindparam("consultation_id")))
_WITH_STAMP = select(Consultation, *_stamp_columns(Consultation.id)).where(Consultation.slug == bindparam("slug"))


def _own(consultation: Consultation) -> tuple:
    return (consultation.title, consultation.description, consultation.opens_at, consultation.closes_at,
            consultation.published, consultation.summary_published_at, consultation.language,
            consultation.commenters, consultation.status, time_left(consultation))


def discussion_stamp(consultation: Consultation) -> tuple:
    """Everything the public parts of a discussion page depend on, in one query. Nothing is
    ever hard-deleted, so a new comment always raises the highest id; hiding sets
    `hidden_at` and lowers the visible count, restoring raises it, a moderator's decision
    on a comment held for review changes the held count."""
    return tuple(db.session.execute(_STAMP, {"consultation_id": consultation.id}).one()) + _own(consultation)


def with_stamp(slug: str) -> tuple[Consultation | None, tuple | None]:
    """The consultation of `slug` and its discussion_stamp, in one query (a reader's page
    from the cache needs no other)."""
    row = db.session.execute(_WITH_STAMP, {"slug": slug}).first()
    if row is None:
        return None, None
    return row[0], tuple(row[1:]) + _own(row[0])


def cached(consultation: Consultation, kind: str, build: Callable[[], str], stamp: tuple) -> bytes:
    """The bytes of `build()` for this consultation, part and language, built at most once
    per `stamp`."""
    key = ("discussion", consultation.id, kind, current_locale(), stamp)
    cache = render_cache()
    value = cache.get(key)
    if value is None:
        value = build().encode("utf-8")
        cache.put(key, value, len(value))
    return value


def for_readers(consultation: Consultation, kind: str, build: Callable[[], str], stamp: tuple) -> bytes:
    """A part that is the same for every anonymous reader: cached for them, built for a
    signed-in user (whose cards carry their own edit and report links)."""
    if current_user.is_authenticated:
        return build().encode("utf-8")
    return cached(consultation, kind, build, stamp)


def marker(name: str) -> str:
    """Where a part goes inside another rendered part (an opened thread, the info box)."""
    return f"<!--part:{name}-->"


def insert_at(chunks: list[bytes], name: str, piece: bytes) -> list[bytes]:
    """`chunks` with `piece` at the marker `name` (if present), without copying them."""
    tag = marker(name).encode("ascii")
    for n, chunk in enumerate(chunks):
        before, found, after = chunk.partition(tag)
        if found:
            return [*chunks[:n], before, piece, after, *chunks[n + 1:]]
    return chunks


def compose(template: str, parts: dict[str, list[bytes]], **context) -> Response:
    """`template` rendered for this visitor with each of `parts` in its slot (a variable of
    that name), sent as chunks: the stored bytes are never copied or encoded again."""
    slots = {name: f"<!-- kuulo:slot:{name} -->" for name in parts}
    html = render_template(template, **{name: Markup(slot) for name, slot in slots.items()}, **context)
    chunks: list[bytes] = []
    rest = html
    for name in sorted(parts, key=lambda name: html.index(slots[name])):
        head, rest = rest.split(slots[name], 1)
        chunks.append(head.encode("utf-8"))
        chunks.extend(parts[name])
    chunks.append(rest.encode("utf-8"))
    response = Response(chunks, mimetype="text/html")
    response.content_length = sum(len(chunk) for chunk in chunks)
    return response
