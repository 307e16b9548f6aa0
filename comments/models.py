"""Comment and CommentRevision. Nothing is hard-deleted; hidden comments keep their place."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.markup import stored_html
from app.models import Organization, User
from app.timeutil import UTCDateTime, utcnow
from consultations.models import Consultation, DocumentVersion

VISIBILITIES = ("visible", "hidden")


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
    hide_reason: Mapped[str | None] = mapped_column(String(200))
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consultation: Mapped[Consultation] = relationship()
    version: Mapped[DocumentVersion | None] = relationship()
    author: Mapped[User] = relationship()
    organization: Mapped[Organization | None] = relationship()
    parent: Mapped[Comment | None] = relationship(remote_side=[id], back_populates="replies")
    replies: Mapped[list[Comment]] = relationship(back_populates="parent", order_by="Comment.created_at")
    revisions: Mapped[list[CommentRevision]] = relationship(
        back_populates="comment", order_by="CommentRevision.id"
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
