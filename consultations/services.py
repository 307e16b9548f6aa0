"""Creating consultations and importing drafts. Services flush; the caller commits."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Organization, User, valid_slug
from consultations.importer import Block, ImportError_, new_anchor, number_blocks, parse_source, sections_in
from consultations.models import (
    COMMENTER_POLICIES,
    Consultation,
    Document,
    DocumentVersion,
    Paragraph,
)

LANGUAGES = ("fi", "sv")


class ConsultationError(ValueError):
    """Input that cannot become a consultation; the message is for the user."""


def source_format_for(filename: str) -> str:
    lowered = filename.lower()
    if lowered.endswith((".md", ".markdown")):
        return "markdown"
    if lowered.endswith(".txt"):
        return "text"
    raise ConsultationError(_l("Unsupported file type: use .md or .txt."))


def create_consultation(
    *,
    slug: str,
    title: str,
    organizer_slug: str,
    opens_at: datetime,
    closes_at: datetime,
    language: str = "fi",
    summary: str = "",
    commenters: str = "organizations",
    published: bool = True,
) -> Consultation:
    if not valid_slug(slug):
        raise ConsultationError(_l("The slug may contain only a-z, 0-9 and hyphens."))
    if not (title or "").strip():
        raise ConsultationError(_l("The title is required."))
    if language not in LANGUAGES:
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
        summary=summary,
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
) -> Document:
    """A new part of the draft, as version 1 with anchored, numbered paragraphs."""
    try:
        blocks = parse_source(source, source_format)
    except ImportError_:
        raise ConsultationError(_l("The draft is empty.")) from None
    document = Document(
        consultation=consultation, title=title.strip(), ordinal=len(consultation.documents) + 1
    )
    version = DocumentVersion(
        document=document, number=1, source=source, source_format=source_format, created_by=created_by
    )
    db.session.add_all([document, version])
    sections_before = sections_in(
        [p.number for d in consultation.documents if d is not document and d.latest_version
         for p in d.latest_version.paragraphs]
    )
    _add_paragraphs(version, blocks, number_blocks(blocks, sections_before), _consultation_anchors(consultation))
    db.session.flush()
    return document


def _add_paragraphs(version: DocumentVersion, blocks: list[Block], numbers: list[str], taken: set[str]) -> None:
    for ordinal, (block, number) in enumerate(zip(blocks, numbers), start=1):
        db.session.add(
            Paragraph(
                version=version,
                ordinal=ordinal,
                kind=block.kind,
                level=block.level,
                number=number,
                html=block.html,
                text=block.text,
                content_hash=block.content_hash,
                anchor=new_anchor(block, taken),
            )
        )
