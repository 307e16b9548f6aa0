"""What comments/ holds about a person: comments with their revisions and the reports
they made; and its erasure (here, in the moderation room, as it sees both). Statements written for an organization stay as that
organization's (the author row is anonymized by app/account); a personal comment's
text, and every earlier version of it, gives way to a placeholder; reports lose the
link to their reporter but stay in the moderation history."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from flask import current_app

from app.extensions import db
from app.markup import render_comment
from app.personal_data import iso, register
from app.timeutil import utcnow
from comments.models import Comment
from comments.moderation.models import Report

PLACEHOLDER = "(Kommentti on poistettu, koska kirjoittaja poisti tilinsä.)"


def export_comments(user) -> dict:
    comments = db.session.scalars(
        select(Comment).where(Comment.author_id == user.id)
        .options(selectinload(Comment.revisions), selectinload(Comment.consultation),
                 selectinload(Comment.organization))
        .order_by(Comment.id)
    ).all()
    reports = db.session.scalars(select(Report).where(Report.reporter_id == user.id).order_by(Report.id)).all()
    return {
        "comments": [
            {
                "id": c.id, "consultation": c.consultation.slug, "paragraph": c.paragraph_anchor,
                "organization": c.organization.name if c.organization else None, "parent": c.parent_id,
                "body": c.body_source, "created_at": iso(c.created_at), "edited_at": iso(c.edited_at),
                "visibility": c.visibility, "hide_reason": c.hide_reason,
                "revisions": [{"body": r.body_source, "created_at": iso(r.created_at)} for r in c.revisions],
            }
            for c in comments
        ],
        "reports": [
            {"comment": r.comment_id, "reason": r.reason, "details": r.details, "status": r.status,
             "created_at": iso(r.created_at)}
            for r in reports
        ],
    }


def erase_comments(user) -> None:
    placeholder_html = render_comment(PLACEHOLDER)
    personal = db.session.scalars(
        select(Comment).where(Comment.author_id == user.id, Comment.organization_id.is_(None))
        .options(selectinload(Comment.revisions))
    ).all()
    now = utcnow()
    for comment in personal:
        comment.body_source, comment.body_html = PLACEHOLDER, placeholder_html
        comment.edited_at = now  # the text changed: cached renderings see it (render_cache)
        comment.appeal_text = None if comment.appeal_text is None else ""
        for revision in comment.revisions:
            revision.body_source, revision.body_html = PLACEHOLDER, placeholder_html
    for report in db.session.scalars(select(Report).where(Report.reporter_id == user.id)):
        report.reporter_id = None
        report.reporter_key = f"erased:{report.id}"
    db.session.flush()
    # Renderings naming the person (an organization's statement keeps its place but not
    # the author's name) are dropped here; other processes refresh theirs within
    # RENDER_CACHE_SECONDS (comments/responses/render_cache.py cannot see a renamed user).
    current_app.extensions.pop("kuulo_render_cache", None)


register("comments", export_comments, erase_comments, order=100)
