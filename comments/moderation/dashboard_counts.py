"""Open reports per consultation, for the officials' dashboard (consultations/authoring/dashboard.py)."""
from __future__ import annotations

from flask import Flask, url_for
from flask_babel import ngettext
from sqlalchemy import func, select

from app.extensions import db
from comments.models import Comment
from comments.moderation.models import Report
from consultations.authoring.dashboard import DashboardCount, register_count


def open_reports(ids: list[int]) -> dict[int, int]:
    """Comments with at least one open report."""
    rows = db.session.execute(
        select(Comment.consultation_id, func.count(func.distinct(Comment.id)))
        .join(Report, Report.comment_id == Comment.id)
        .where(Comment.consultation_id.in_(ids), Report.status == "open")
        .group_by(Comment.consultation_id)
    )
    return dict(rows.all())


def register(app: Flask) -> None:
    register_count(app, DashboardCount(
        "open_reports", lambda n: ngettext("%(num)d open report", "%(num)d open reports", n), open_reports,
        lambda c: url_for("moderation.queue")))
