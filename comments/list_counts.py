"""What the discussion tells the public lists of consultations (consultations/views.py):
each consultation's comment count, visible comments only, in one query for all cards."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from comments.models import Comment
from consultations.views import register_comment_counts


def visible_comment_counts(ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Comment.consultation_id, func.count())
        .where(Comment.consultation_id.in_(ids), Comment.visible())
        .group_by(Comment.consultation_id)
    )
    return dict(rows.tuples().all())


def register(app: Flask) -> None:
    register_comment_counts(app, visible_comment_counts)
