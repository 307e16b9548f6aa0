"""/account/comments: every comment a person wrote, with its consultation, its status
(visible, hidden with the reason, answered) and the official response once published."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from comments.models import Comment
from comments.answers import published_answers
from consultations.models import Consultation

bp = Blueprint("my_comments", __name__)
PER_PAGE = 50


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 7 else 1


def comments_of(user, page: int):
    """One page of the person's comments in published consultations, newest first, with
    the published responses to them: a fixed number of queries whatever the page holds."""
    where = (Comment.author_id == user.id, Consultation.published.is_(True))
    total = db.session.scalar(
        select(func.count(Comment.id)).join(Consultation, Consultation.id == Comment.consultation_id).where(*where)
    )
    comments = db.session.scalars(
        select(Comment)
        .join(Consultation, Consultation.id == Comment.consultation_id)
        .where(*where)
        .options(selectinload(Comment.consultation).selectinload(Consultation.organizer),
                 selectinload(Comment.organization))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    visible_ids = [c.id for c in comments if c.is_visible]
    responses = published_answers(visible_ids)
    return comments, responses, total


@bp.get("/account/comments")
@login_required
def index():
    page = _page_number()
    comments, responses, total = comments_of(current_user, page)
    pages = max(1, -(-total // PER_PAGE))
    return render_template(
        "account/comments.html", comments=comments, responses=responses, total=total, page=min(page, pages),
        pages=pages,
    )
