"""Responses (vastineet): an official's decision and answer to one comment.

A response is a draft until the summary is published: publishing copies the draft into
the `published_*` columns, and only those are ever shown to the public (see
comments/responses/drafted_text.py, which also keeps two officials from overwriting each other).
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from app.extensions import db
from app.i18n import LocalNumber
from app.models import User
from app.string_enums import one_of
from app.timeutil import UTCDateTime, utcnow
from comments.models import Comment
from comments.responses.drafted_text import DraftedText, ResponseConflict, ResponseError, flush_or_conflict

DECISIONS = {
    "accepted": _l("Accepted"),
    "partly": _l("Partly accepted"),
    "not_accepted": _l("Not accepted"),
    "noted": _l("Noted"),
}
ANSWERABLE_STATUSES = ("closed", "summarized")
RESPONSE_MAX_LENGTH = 10000


def decision_label(key: str | None):
    return DECISIONS.get(key or "", "")


class OfficialResponse(DraftedText, db.Model):
    """A response (vastine). Named so that it does not shadow flask.Response; the table keeps its name."""

    __tablename__ = "response"
    __table_args__ = (one_of("decision", DECISIONS), one_of("published_decision", DECISIONS))

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id"), unique=True)
    decision: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_decision: Mapped[str | None] = mapped_column(String(20))

    comment: Mapped[Comment] = relationship()
    author: Mapped[User] = relationship()

    @property
    def decision_label(self):
        return decision_label(self.decision)

    @property
    def published_decision_label(self):
        return decision_label(self.published_decision)

    @property
    def has_unpublished_changes(self) -> bool:
        return (self.decision, self.body_source) != (self.published_decision, self.published_source)

    def publish(self, moment: datetime) -> None:
        self.published_decision = self.decision
        self.published_source = self.body_source
        self.published_html = self.body_html
        self.published_at = self.published_at or moment


def can_answer(consultation) -> bool:
    return consultation.status in ANSWERABLE_STATUSES


def response_for(comment: Comment) -> OfficialResponse | None:
    return db.session.scalar(select(OfficialResponse).where(OfficialResponse.comment_id == comment.id))


def responses_by_comment(comment_ids, *, published_only: bool = False) -> dict[int, OfficialResponse]:
    """Responses by comment id. `published_only`: what the public may read, the responses
    published with the summary; the officials' views also show who saved each draft."""
    ids = list(comment_ids)
    if not ids:
        return {}
    query = select(OfficialResponse).where(OfficialResponse.comment_id.in_(ids))
    if published_only:
        query = query.where(OfficialResponse.published_at.is_not(None))
    else:
        query = query.options(selectinload(OfficialResponse.author))
    return {r.comment_id: r for r in db.session.scalars(query)}


def published_responses(comment_ids) -> dict[int, OfficialResponse]:
    """The discussion's answers (comments/answers.py): the responses published with the summary."""
    return responses_by_comment(comment_ids, published_only=True)


def progress(consultation) -> tuple[int, int]:
    """(answered, total) over the consultation's visible comments: "32 / 57 answered"."""
    visible = (Comment.consultation_id == consultation.id, Comment.visible())
    total = db.session.scalar(select(func.count(Comment.id)).where(*visible))
    answered = db.session.scalar(
        select(func.count(OfficialResponse.id)).join(Comment, Comment.id == OfficialResponse.comment_id).where(*visible)
    )
    return answered, total


def save_response(comment: Comment, official: User, decision: str, body: str, expected_version: int) -> OfficialResponse:
    """Save the draft of a response. `expected_version` is the version the official's form
    was built from (0 for a new response); a different stored version is a conflict."""
    if not can_answer(comment.consultation):
        raise ResponseError(_l("Responses can be written only after the consultation has closed."))
    if not comment.is_visible:
        raise ResponseError(_l("A comment hidden by moderation is not answered."))
    if decision not in DECISIONS:
        raise ResponseError(_l("Choose a decision."), "decision")
    body = (body or "").strip()
    if len(body) > RESPONSE_MAX_LENGTH:
        raise ResponseError(_l("The response can be at most %(n)s characters long.", n=LocalNumber(RESPONSE_MAX_LENGTH)), "body")
    response = response_for(comment)
    if (response.version_id if response else 0) != expected_version:
        raise ResponseConflict()
    if response is None:
        response = OfficialResponse(comment=comment, author=official, decision=decision)
        db.session.add(response)
    elif (response.decision, response.body_source) == (decision, body):
        return response
    response.decision = decision
    response.write_draft(body, official)
    flush_or_conflict()
    return response
