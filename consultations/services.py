"""Creating consultations and importing drafts. Services flush; the caller commits."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Organization, User, valid_slug
from app.timeutil import utcnow
from consultations.attachments import format_size
from consultations.docx_import import DocxError, DocxTooLarge, parse_docx
from consultations.importer import Block, ImportError_, new_anchor, number_blocks, parse_source, sections_in
from consultations.models import (
    COMMENTER_POLICIES,
    CONSULTATION_LANGUAGES,
    Consultation,
    Document,
    DocumentVersion,
    Paragraph,
)
from consultations.original_files import Upload, keep_original
from consultations.versioning import match_paragraphs
from consultations.zip_limits import ZipLimits


class ConsultationError(ValueError):
    """Input that cannot become a consultation; the message is for the user."""


SOURCE_FORMATS = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".docx": "docx"}


def read_source(filename: str, data: bytes) -> tuple[list[Block], str, str]:
    """Blocks, stored source text and format of an uploaded or imported draft file."""
    suffix = "." + filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    source_format = SOURCE_FORMATS.get(suffix)
    if source_format is None:
        raise ConsultationError(_l("Unsupported file type: use .md, .txt or .docx."))
    if source_format == "docx":
        limits = docx_limits()
        try:
            blocks = parse_docx(data, limits)
        except DocxTooLarge:
            raise ConsultationError(
                _l("The Word document is too large when unpacked: the limit is %(size)s.",
                   size=format_size(limits.max_total))
            ) from None
        except DocxError:
            raise ConsultationError(
                _l("The file is not a readable Word document (it may be damaged or encrypted).")
            ) from None
        source = "\n\n".join(b.text for b in blocks)
    else:
        try:
            source = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ConsultationError(_l("The file is not UTF-8 text.")) from None
        if "\x00" in source:  # UTF-16 or a binary file; no database stores NUL in text
            raise ConsultationError(_l("The file is not UTF-8 text."))
        try:
            blocks = parse_source(source, source_format)
        except ImportError_:
            blocks = []
    if not blocks:
        raise ConsultationError(_l("The draft is empty."))
    return blocks, source, source_format


def docx_limits() -> ZipLimits:
    config = current_app.config
    return ZipLimits(max_total=config["DOCX_MAX_UNCOMPRESSED_BYTES"], max_ratio=config["DOCX_MAX_COMPRESSION_RATIO"])


def create_consultation(
    *,
    slug: str,
    title: str,
    organizer_slug: str,
    opens_at: datetime,
    closes_at: datetime,
    language: str = "fi",
    description: str = "",
    commenters: str = "organizations",
    published: bool = True,
) -> Consultation:
    if not valid_slug(slug):
        raise ConsultationError(_l("The slug may contain only a-z, 0-9 and hyphens."))
    if not (title or "").strip():
        raise ConsultationError(_l("The title is required."))
    if language not in CONSULTATION_LANGUAGES:
        raise ConsultationError(_l("The language must be fi or sv."))
    if commenters not in COMMENTER_POLICIES:
        raise ConsultationError(_l("Unknown commenter policy."))
    if closes_at <= opens_at:
        raise ConsultationError(_l("The closing time must be after the opening time."))
    organizer = db.session.scalar(select(Organization).where(Organization.slug == organizer_slug))
    if organizer is None:
        raise ConsultationError(_l("Unknown organizer: %(slug)s", slug=organizer_slug))
    if Consultation.by_slug(slug) is not None:
        raise ConsultationError(_l("A consultation with the slug %(slug)s already exists.", slug=slug))
    consultation = Consultation(
        slug=slug,
        title=title.strip(),
        description=description,
        language=language,
        organizer=organizer,
        opens_at=opens_at,
        closes_at=closes_at,
        commenters=commenters,
        published=published,
    )
    db.session.add(consultation)
    db.session.flush()
    return consultation


def _consultation_anchors(consultation: Consultation) -> set[str]:
    return set(
        db.session.scalars(
            select(Paragraph.anchor)
            .join(DocumentVersion)
            .join(Document)
            .where(Document.consultation_id == consultation.id)
        )
    )


def add_document(
    consultation: Consultation,
    title: str,
    source: str,
    source_format: str,
    created_by: User | None = None,
    blocks: list[Block] | None = None,
    original: Upload | None = None,
) -> Document:
    """A new part of the draft, as published version 1 with anchored, numbered paragraphs.
    `blocks` are given when the source was already parsed (DOCX); else `source` is parsed.
    `original` is the file it was read from, kept for download."""
    if blocks is None:
        try:
            blocks = parse_source(source, source_format)
        except ImportError_:
            raise ConsultationError(_l("The draft is empty.")) from None
    document = Document(
        consultation=consultation, title=title.strip(), ordinal=len(consultation.documents) + 1
    )
    version = DocumentVersion(
        document=document, number=1, source=source, source_format=source_format,
        created_by=created_by, published_at=utcnow(),
    )
    db.session.add_all([document, version])
    keep_original(version, original)
    numbers = number_blocks(blocks, _sections_before(document))
    taken = _consultation_anchors(consultation)
    _add_paragraphs(version, blocks, numbers, [new_anchor(b, taken) for b in blocks])
    db.session.flush()
    return document


def add_version(
    document: Document,
    blocks: list[Block],
    source: str,
    source_format: str,
    change_note: str = "",
    created_by: User | None = None,
    publish: bool = True,
    original: Upload | None = None,
) -> DocumentVersion:
    """Version n+1 of a document. Paragraphs matched to the previous version keep their
    anchors; new ones get anchors never used before in this consultation."""
    previous = document.versions[-1]
    matching = match_paragraphs(previous.paragraphs, [b.content_hash for b in blocks], [b.text for b in blocks])
    taken = _consultation_anchors(document.consultation)
    anchors = [a if a is not None else new_anchor(b, taken) for a, b in zip(matching.anchors, blocks)]
    version = DocumentVersion(
        document=document, number=previous.number + 1, source=source, source_format=source_format,
        change_note=(change_note or "").strip(), created_by=created_by,
        published_at=utcnow() if publish else None,
    )
    db.session.add(version)
    keep_original(version, original)
    _add_paragraphs(version, blocks, number_blocks(blocks, _sections_before(document)), anchors)
    db.session.flush()
    return version


def publish_version(version: DocumentVersion) -> None:
    if version.published_at is None:
        version.published_at = utcnow()
        db.session.flush()


def _sections_before(document: Document) -> int:
    """Numbering continues from the parts that come before this one."""
    numbers = [
        p.number
        for d in document.consultation.documents
        if d.ordinal < document.ordinal and d.latest_version
        for p in d.latest_version.paragraphs
    ]
    return sections_in(numbers)


def _add_paragraphs(version: DocumentVersion, blocks: list[Block], numbers: list[str], anchors: list[str]) -> None:
    for ordinal, (block, number, anchor) in enumerate(zip(blocks, numbers, anchors), start=1):
        db.session.add(
            Paragraph(
                version=version,
                ordinal=ordinal,
                kind=block.kind,
                level=block.level,
                marker=block.marker,
                number=number,
                html=block.html,
                text=block.text,
                content_hash=block.content_hash,
                anchor=anchor,
            )
        )
