"""/consultations/<slug>/comments.atom: the newest visible comments of a published
consultation. Hidden comments never appear, not even as placeholders."""
from __future__ import annotations

from flask import Blueprint, abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.feeds import FEED_ENTRIES, atom_response, tag_uri
from comments.models import Comment
from consultations.models import Consultation

bp = Blueprint("comment_feeds", __name__)


@bp.get("/consultations/<slug>/comments.atom")
def comments(slug: str):
    consultation = Consultation.by_slug(slug[:80])
    if consultation is None or not consultation.published:
        abort(404)  # a feed is public: the organizer's officials get no draft feed either
    entries = db.session.scalars(
        select(Comment)
        .where(Comment.consultation_id == consultation.id, Comment.visible())
        .options(selectinload(Comment.author), selectinload(Comment.organization))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(FEED_ENTRIES)
    ).all()
    updated = max((c.edited_at or c.created_at for c in entries), default=consultation.opens_at)
    return atom_response("feeds/comments.xml", consultation=consultation, entries=entries, updated=updated,
                         feed_id=tag_uri("comments", consultation.slug), tag_uri=tag_uri)
