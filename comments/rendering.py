"""Stored comment HTML checked against a fresh render of its source: a comment whose
HTML was rendered wrong (the thread-unsafe linkifier once stored `<p></p>`) is drift,
found by `flask search verify` and mended by its `--repair`."""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.markup import render_comment
from comments.models import Comment


def misrendered_comment_ids(session: Session) -> Iterator[int]:
    rows = session.execute(
        select(Comment.id, Comment.body_source, Comment.body_html).order_by(Comment.id)
        .execution_options(yield_per=1000)
    )
    for comment_id, source, html in rows:
        if render_comment(source) != html:
            yield comment_id


def rerender(session: Session, comment_ids) -> None:
    """Render these comments again from their source (flushes; the caller commits)."""
    for comment in session.scalars(select(Comment).where(Comment.id.in_(list(comment_ids)))):
        comment.body_html = render_comment(comment.body_source)
    session.flush()
