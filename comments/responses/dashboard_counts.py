"""Comments without a response per consultation, for the officials' dashboard
(consultations/authoring/dashboard.py)."""
from __future__ import annotations

from flask import Flask, url_for
from flask_babel import ngettext
from sqlalchemy import func, select

from app.extensions import db
from comments.models import Comment
from comments.responses.official import OfficialResponse
from consultations.authoring.dashboard import DashboardCount, register_count


def comments_without_response(ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Comment.consultation_id, func.count(Comment.id))
        .outerjoin(OfficialResponse, OfficialResponse.comment_id == Comment.id)
        .where(Comment.consultation_id.in_(ids), Comment.visible(), OfficialResponse.id.is_(None))
        .group_by(Comment.consultation_id)
    )
    return dict(rows.all())


def register(app: Flask) -> None:
    register_count(app, DashboardCount(
        "without_response",
        lambda n: ngettext("%(num)d comment without a response", "%(num)d comments without a response", n),
        comments_without_response,
        lambda c: url_for("responses.index", slug=c.slug), statuses=("closed", "summarized")))
