"""Rendered summary pages and exports of a consultation, kept per process.

A consultation with thousands of comments takes a few hundred milliseconds to render,
and its summary and exports are read far more often than they change. Each rendering is
stored under a stamp that one cheap query computes from everything the output shows
(comments and their edits, moderation, responses, the summary, published versions, the
consultation row itself), so a change is visible on the next request in every worker:
a hidden comment never outlives its hiding in a cached copy. What the stamp cannot see
(a renamed organization or user) is refreshed after RENDER_CACHE_SECONDS.
"""
from __future__ import annotations

from typing import Callable

from flask import Response, render_template
from markupsafe import Markup
from sqlalchemy import func, select

from app.extensions import db
from app.i18n import current_locale
from app.render_cache import render_cache
from comments.models import Comment
from comments.moderation.models import ModerationEvent
from comments.responses.summary import Summary
from consultations.authoring.models import ConsultationChange
from consultations.models import Consultation, Document, DocumentVersion


def content_stamp(consultation: Consultation) -> tuple:
    """Everything a public rendering of the consultation depends on, in one query. Nothing
    is ever hard-deleted, so a new comment always raises the highest id."""
    cid = consultation.id
    of_comments = Comment.consultation_id == cid

    def scalar(*columns, join=None, where=of_comments):
        query = select(*columns)
        if join is not None:
            query = query.join(*join)
        return query.where(where).scalar_subquery()

    # Each part is read from an index. Responses reach the public only through
    # publish_summary, which always moves the summary's version_id.
    row = db.session.execute(
        select(
            scalar(func.max(Comment.id)),
            scalar(func.max(Comment.edited_at)),
            scalar(func.max(ModerationEvent.id), where=ModerationEvent.consultation_id == cid),
            scalar(func.max(Summary.version_id), where=Summary.consultation_id == cid),
            scalar(
                func.count(DocumentVersion.published_at),
                join=(Document, Document.id == DocumentVersion.document_id),
                where=Document.consultation_id == cid,
            ),
            # Officials' changes, each logged (invitations, dates, notes), as on the discussion page.
            scalar(func.max(ConsultationChange.id), where=ConsultationChange.consultation_id == cid),
        )
    ).one()
    own = (consultation.title, consultation.description, consultation.opens_at, consultation.closes_at,
           consultation.published, consultation.summary_published_at, consultation.language)
    return tuple(row) + own


def rendered(consultation: Consultation, kind: str, build: Callable[[], bytes], stamp: tuple | None = None) -> bytes:
    """The output `build()` makes for this consultation, language and kind, built at most
    once per change of the consultation's content (`stamp`, if the caller has it)."""
    # Earlier stamps of the same output are left to age out of the LRU.
    key = (consultation.id, kind, current_locale(), stamp or content_stamp(consultation))
    cache = render_cache()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.put(key, value, len(value))
    return value


SLOT = "<!-- kuulo:cached-body -->"


def page_around(template: str, body: bytes, **context) -> Response:
    """`template` rendered for this visitor with the cached `body` bytes in its `body`
    slot, sent as three chunks: a big body is never copied, joined or encoded again."""
    head, tail = render_template(template, body=Markup(SLOT), **context).split(SLOT, 1)
    chunks = [head.encode("utf-8"), body, tail.encode("utf-8")]
    response = Response(chunks, mimetype="text/html")
    response.content_length = sum(len(chunk) for chunk in chunks)
    return response
