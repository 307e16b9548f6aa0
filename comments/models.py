"""Comments and their revisions (reports and the moderation log: comments/moderation/models.py).

Nothing is hard-deleted: hidden comments keep their place.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.markup import stored_html
from app.models import Organization, User
from app.string_enums import one_of
from app.timeutil import UTCDateTime, utcnow
from consultations.models import Consultation, DocumentVersion

VISIBILITIES = ("visible", "hidden")

# Why a comment is reported or hidden; the labels are what the public placeholder shows.
REASONS = {
    "spam": _l("spam or advertising"),
    "offensive": _l("offensive or hateful"),
    "personal_data": _l("personal data"),
    "off_topic": _l("off topic"),
    "other": _l("against the rules of the service"),
}


def reason_label(key: str | None):
    return REASONS.get(key or "other", REASONS["other"])


class Comment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    paragraph_anchor: Mapped[str | None] = mapped_column(String(40), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("document_version.id"))
    quote: Mapped[str | None] = mapped_column(Text)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    visibility: Mapped[str] = mapped_column(String(10), default="visible")
    hide_reason: Mapped[str | None] = mapped_column(String(20))
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Hidden automatically by reports and waiting for an official's decision.
    pending_review: Mapped[bool] = mapped_column(default=False)
    appealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appeal_text: Mapped[str | None] = mapped_column(Text)
    appeal_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The one-time token of the form it was sent with: the same form sent again is the
    # same comment (unique per author, so a double click cannot store it twice).
    submission_token: Mapped[str | None] = mapped_column(String(64))

    consultation: Mapped[Consultation] = relationship()
    version: Mapped[DocumentVersion | None] = relationship()
    author: Mapped[User] = relationship()
    organization: Mapped[Organization | None] = relationship()
    parent: Mapped[Comment | None] = relationship(remote_side=[id], back_populates="replies")
    replies: Mapped[list[Comment]] = relationship(back_populates="parent", order_by="Comment.created_at")
    revisions: Mapped[list[CommentRevision]] = relationship(
        back_populates="comment", order_by="CommentRevision.id"
    )
    # `reports` (the moderation room's) is added by comments/moderation/models.py.

    __table_args__ = (
        # The latest edit in a consultation, read from the index alone (comments/responses/render_cache.py).
        Index("ix_comment_consultation_edited", "consultation_id", "edited_at"),
        # The latest hiding, and the visible and held counts, of the discussion stamp
        # (comments/page_parts.py): from the index, not a scan of the discussion.
        Index("ix_comment_consultation_hidden", "consultation_id", "hidden_at"),
        Index("ix_comment_consultation_visibility", "consultation_id", "visibility", "pending_review"),
        Index("uq_comment_author_submission_token", "author_id", "submission_token", unique=True),
        one_of("visibility", VISIBILITIES),
        one_of("hide_reason", REASONS),
    )

    @classmethod
    def visible(cls):
        """The one filter every public listing, count and export goes through."""
        return cls.visibility == "visible"

    @property
    def is_visible(self) -> bool:
        return self.visibility == "visible"

    @property
    def body(self):
        return stored_html(self.body_html)

    @property
    def hide_reason_label(self):
        return reason_label(self.hide_reason)

    @property
    def appeal_open(self) -> bool:
        return self.appealed_at is not None and self.appeal_decided_at is None

    def can_appeal(self, user) -> bool:
        """The author may ask once for a review of a hidden comment."""
        return bool(
            user
            and user.is_authenticated
            and user.id == self.author_id
            and not self.is_visible
            and self.appealed_at is None
        )

    def can_be_reported_by(self, user) -> bool:
        if not self.is_visible:
            return False
        return not (user and user.is_authenticated and user.id == self.author_id)

    @property
    def anchor_id(self) -> str:
        return f"comment-{self.id}"

    def can_edit(self, user) -> bool:
        return bool(
            user
            and user.is_authenticated
            and user.id == self.author_id
            and self.is_visible
            and self.consultation.is_open
        )


class CommentRevision(db.Model):
    """The text a comment had before an edit."""

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id"), index=True)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    comment: Mapped[Comment] = relationship(back_populates="revisions")

    @property
    def body(self):
        return stored_html(self.body_html)
