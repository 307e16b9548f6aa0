"""Consultation, Document, DocumentVersion, Paragraph and Attachment."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, Select, String, Text, UniqueConstraint, bindparam, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from app.extensions import db
from app.string_enums import one_of
from app.markup import stored_html
from app.models import Organization, User
from app.timeutil import UTCDateTime, utcnow

COMMENTER_POLICIES = ("organizations", "registered")
PARAGRAPH_KINDS = ("heading", "paragraph", "list_item", "table", "figure")
CONSULTATION_LANGUAGES = ("fi", "sv")
# How a version's source was written (consultations/services.py read_source).
SOURCE_FORMATS = ("markdown", "text", "docx")


class Consultation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    # The short text under the title (the column keeps its old name, "summary").
    description: Mapped[str] = mapped_column("summary", Text, default="")
    language: Mapped[str] = mapped_column(String(2), default="fi")
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published: Mapped[bool] = mapped_column(default=True)
    commenters: Mapped[str] = mapped_column(String(20), default="organizations")
    summary_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    diary_number: Mapped[str] = mapped_column(String(60), default="", server_default="")
    # Set while a secret preview link is valid; a new value revokes every earlier link.
    preview_key: Mapped[str | None] = mapped_column(String(32))
    # An unpublished consultation due to be published by `flask outbox send` at this time.
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why it closed early or was extended, shown on the public page.
    public_note: Mapped[str] = mapped_column(Text, default="", server_default="")

    organizer: Mapped[Organization] = relationship()
    documents: Mapped[list[Document]] = relationship(
        back_populates="consultation", order_by="Document.ordinal"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="consultation", order_by="Attachment.id"
    )
    contact_persons: Mapped[list[ContactPerson]] = relationship(order_by="ContactPerson.ordinal")
    invitations: Mapped[list[Invitation]] = relationship(order_by="Invitation.id")

    __table_args__ = (one_of("language", CONSULTATION_LANGUAGES), one_of("commenters", COMMENTER_POLICIES))

    def status_at(self, moment: datetime) -> str:
        """Derived from the dates and flags, never stored."""
        if not self.published:
            return "draft"
        if moment < self.opens_at:
            return "upcoming"
        if moment < self.closes_at:
            return "open"
        if self.summary_published_at is not None and self.summary_published_at <= moment:
            return "summarized"
        return "closed"

    @property
    def status(self) -> str:
        return self.status_at(utcnow())

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def is_visible_to(self, user) -> bool:
        """Unpublished drafts only to those who manage them (not to other authorities)."""
        if self.published:
            return True
        return self.can_manage(user)

    def can_manage(self, user) -> bool:
        """Officials of the organizing authority, and admins."""
        if not (user and user.is_authenticated):
            return False
        return user.is_admin or (user.role == "official" and user.is_member_of(self.organizer))

    @staticmethod
    def by_slug(slug: str) -> Consultation | None:
        return db.session.scalar(_BY_SLUG, {"slug": slug})

    @staticmethod
    def with_draft(slug: str) -> Consultation | None:
        """The consultation with its organizer, attachments and every version's paragraphs,
        in a fixed number of queries."""
        return db.session.scalar(
            select(Consultation)
            .where(Consultation.slug == slug)
            .options(
                selectinload(Consultation.organizer),
                selectinload(Consultation.attachments),
                selectinload(Consultation.documents)
                .selectinload(Document.versions)
                .selectinload(DocumentVersion.paragraphs),
            )
        )

    @property
    def version_numbers(self) -> list[int]:
        """Published consultation versions: a version n exists when some part has it."""
        return sorted({v.number for d in self.documents for v in d.published_versions})

    @staticmethod
    def public():
        return select(Consultation).where(Consultation.published.is_(True))


# Built once: every public page starts with it (issue 15 §4).
_BY_SLUG = select(Consultation).where(Consultation.slug == bindparam("slug"))


class Document(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"))
    ordinal: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(300))

    consultation: Mapped[Consultation] = relationship(back_populates="documents")
    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", order_by="DocumentVersion.number"
    )

    @property
    def published_versions(self) -> list[DocumentVersion]:
        return [v for v in self.versions if v.is_published]

    @property
    def latest_version(self) -> DocumentVersion | None:
        """The newest published version: what readers see and comment on."""
        published = self.published_versions
        return published[-1] if published else None

    def version_at(self, number: int) -> DocumentVersion | None:
        """The version readers saw as consultation version `number`: this document's
        newest published version numbered at most `number`."""
        candidates = [v for v in self.published_versions if v.number <= number]
        return candidates[-1] if candidates else None


class DocumentVersion(db.Model):
    """Immutable once published: a new text is a new version."""

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))
    number: Mapped[int] = mapped_column(default=1)
    source: Mapped[str] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(10), default="text")
    change_note: Mapped[str] = mapped_column(Text, default="")
    # None while an official prepares the version; readers never see it before.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    document: Mapped[Document] = relationship(back_populates="versions")
    paragraphs: Mapped[list[Paragraph]] = relationship(
        back_populates="version", order_by="Paragraph.ordinal"
    )
    created_by: Mapped[User | None] = relationship()
    # The file the version was read from, as uploaded or imported (none before issue 15 §7,
    # nor for a text typed in the browser: then `source` is the original).
    original_file: Mapped[OriginalFile | None] = relationship(back_populates="version")

    __table_args__ = (
        UniqueConstraint("document_id", "number", name="uq_document_version_number"),
        one_of("source_format", SOURCE_FORMATS),
    )

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @staticmethod
    def latest_published_ids(consultation_ids=None) -> Select:
        """The SQL twin of `Document.latest_version`: the id of each document's newest
        published version (of these consultations), for `Paragraph.version_id.in_(...)`.
        A version being prepared is never anyone's latest."""
        query = (
            select(func.max(DocumentVersion.id))
            .join(Document, Document.id == DocumentVersion.document_id)
            .where(DocumentVersion.published_at.is_not(None))
            .group_by(DocumentVersion.document_id)
        )
        if consultation_ids is not None:
            query = query.where(Document.consultation_id.in_(consultation_ids))
        return query

    def by_anchor(self) -> dict[str, Paragraph]:
        return {p.anchor: p for p in self.paragraphs}


class Paragraph(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_version.id"), index=True)
    ordinal: Mapped[int]
    kind: Mapped[str] = mapped_column(String(12), default="paragraph")
    level: Mapped[int] = mapped_column(default=0)  # heading level, or a list item's depth
    marker: Mapped[str] = mapped_column(String(12), default="", server_default="")  # "3." of an ordered item
    number: Mapped[str] = mapped_column(String(20))
    html: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    anchor: Mapped[str] = mapped_column(String(40), index=True)

    version: Mapped[DocumentVersion] = relationship(back_populates="paragraphs")

    __table_args__ = (
        UniqueConstraint("version_id", "anchor", name="uq_paragraph_version_anchor"),
        one_of("kind", PARAGRAPH_KINDS),
    )

    @property
    def body(self):
        return stored_html(self.html)

    @property
    def heading_tag(self) -> str:
        return f"h{min(6, max(3, self.level + 2))}"

    def excerpt(self, length: int = 80) -> str:
        return self.text if len(self.text) <= length else self.text[: length - 1].rstrip() + "…"


class OriginalFile(db.Model):
    """The bytes of the .md, .txt or .docx file a version was read from, downloadable as
    they were (consultations/original_files.py). `data` loads only when served."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_version.id"), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[DocumentVersion] = relationship(back_populates="original_file")


class Attachment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"))
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation: Mapped[Consultation] = relationship(back_populates="attachments")


from consultations.authoring.models import ContactPerson, Invitation  # noqa: E402  (they refer to Consultation)
