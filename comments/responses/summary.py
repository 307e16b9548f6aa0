"""The official's summary of a consultation, and publishing it with the responses.

Publishing sets `Consultation.summary_published_at`, from which the status `summarized`
is derived, copies every response draft into its published columns and tells the people
who commented through the outbox. Services flush; the request commits.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.i18n import LocalNumber
from app.public_links import public_url
from app.models import User
from app.outbox import notify
from app.timeutil import utcnow
from comments.models import Comment
from comments.responses.drafted_text import DraftedText, ResponseConflict, ResponseError, flush_or_conflict
from comments.responses.official import OfficialResponse, can_answer
from consultations.models import Consultation

SUMMARY_MAX_LENGTH = 50000


class Summary(DraftedText, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), unique=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))

    consultation: Mapped[Consultation] = relationship()
    author: Mapped[User] = relationship()

    @property
    def has_unpublished_changes(self) -> bool:
        return self.body_source != self.published_source


def summary_of(consultation: Consultation) -> Summary | None:
    return db.session.scalar(select(Summary).where(Summary.consultation_id == consultation.id))


def published_summary_of(consultation: Consultation) -> Summary | None:
    """The summary the public may see: published, of a published consultation."""
    if not consultation.published:
        return None
    summary = summary_of(consultation)
    return summary if summary is not None and summary.is_published else None


def save_summary(consultation: Consultation, official: User, body: str, expected_version: int) -> Summary:
    if not can_answer(consultation):
        raise ResponseError(_l("The summary can be written only after the consultation has closed."))
    body = (body or "").strip()
    if len(body) > SUMMARY_MAX_LENGTH:
        raise ResponseError(_l("The summary can be at most %(n)s characters long.", n=LocalNumber(SUMMARY_MAX_LENGTH)), "body")
    summary = summary_of(consultation)
    if (summary.version_id if summary else 0) != expected_version:
        raise ResponseConflict()
    if summary is None:
        summary = Summary(consultation=consultation, author=official)
        db.session.add(summary)
    elif summary.body_source == body:
        return summary
    summary.write_draft(body, official)
    flush_or_conflict()
    return summary


def publish_summary(consultation: Consultation, official: User, body: str, expected_version: int) -> Summary:
    """Save the summary and publish it with every response. The first publication makes
    the consultation `summarized` and notifies the commenters; later ones update the text."""
    summary = save_summary(consultation, official, body, expected_version)
    if not summary.body_source:
        raise ResponseError(_l("Write the summary before publishing it."), "body")
    now = utcnow()
    first = consultation.summary_published_at is None
    summary.published_source = summary.body_source
    summary.published_html = summary.body_html
    summary.published_at = summary.published_at or now
    # Always an UPDATE, so version_id moves and cached renderings pick up the responses.
    summary.updated_at = now
    consultation.summary_published_at = consultation.summary_published_at or now
    responses = db.session.scalars(
        select(OfficialResponse).join(Comment, Comment.id == OfficialResponse.comment_id).where(
            Comment.consultation_id == consultation.id
        )
    )
    for response in responses:
        response.publish(now)
    if first:
        _notify_commenters(consultation)
    flush_or_conflict()
    return summary


def _notify_commenters(consultation: Consultation) -> None:
    """Everyone whose visible comment is in the consultation, once each: for
    organizations, the members who wrote on their behalf."""
    authors = db.session.scalars(
        select(User)
        .where(
            User.id.in_(
                select(Comment.author_id).where(Comment.consultation_id == consultation.id, Comment.visible())
            ),
            User.active.is_(True),
        )
        .order_by(User.id)
    ).all()
    url = public_url("summary.show", slug=consultation.slug)
    title = consultation.title
    for author in authors:
        notify(
            author,
            "summary_published",
            lambda: _("Summary published: %(title)s", title=title),
            lambda: _(
                "The organizer has published the summary of the consultation \"%(title)s\" and its "
                "responses to the comments: %(url)s",
                title=title,
                url=url,
            ),
        )
