"""What the discussion tells the officials' dashboard and invitation pages
(consultations/authoring/dashboard.py): which organizations have commented."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from comments.models import Comment
from consultations.authoring.dashboard import register_answered_organizations


def organizations_that_commented(ids: list[int]) -> dict[int, set[int]]:
    """Visible comments only: a statement hidden by moderation is not an answer."""
    rows = db.session.execute(
        select(Comment.consultation_id, Comment.organization_id).distinct()
        .where(Comment.consultation_id.in_(ids), Comment.visible(), Comment.organization_id.is_not(None))
    )
    result: dict[int, set[int]] = {}
    for consultation_id, organization_id in rows:
        result.setdefault(consultation_id, set()).add(organization_id)
    return result


def register(app: Flask) -> None:
    register_answered_organizations(app, organizations_that_commented)
