"""Creating, editing, publishing, copying, closing and extending consultations from the
browser. Services flush; the request commits. Every change to a saved consultation is
logged (ConsultationChange) with who and when."""
from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import User, valid_slug
from app.timeutil import utcnow
from consultations.authoring.models import ContactPerson, ConsultationChange, Invitation
from consultations.importer import Block, number_blocks, sections_in
from consultations.models import Consultation, Document
from consultations.original_files import Upload
from consultations.services import ConsultationError, add_document, create_consultation

# Fields an official may change, and which of them stay editable once the consultation is open.
EDITABLE_FIELDS = ("title", "slug", "description", "language", "opens_at", "closes_at", "commenters", "diary_number")
EDITABLE_WHEN_OPEN = ("description", "closes_at")


class FieldError(ConsultationError):
    """A ConsultationError that belongs to one form field."""

    def __init__(self, field: str, message):
        super().__init__(message)
        self.field = field


@dataclass
class Contact:
    name: str
    title: str = ""
    email: str = ""
    phone: str = ""


@dataclass
class Part:
    title: str
    blocks: list[Block]
    source: str
    original: Upload | None = None  # the file the part was read from in this request


def suggest_slug(title: str) -> str:
    """a-z, 0-9 and hyphens from a title: "Yhdistysten tuki 2027" -> "yhdistysten-tuki-2027"."""
    text = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].rstrip("-")


def check_slug(slug: str, consultation: Consultation | None = None) -> None:
    if not valid_slug(slug):
        raise FieldError("slug", _l("The slug may contain only a-z, 0-9 and hyphens."))
    existing = Consultation.by_slug(slug)
    if existing is not None and existing is not consultation:
        raise FieldError("slug", _l("A consultation with the slug %(slug)s already exists.", slug=slug))


def check_dates(opens_at: datetime, closes_at: datetime) -> None:
    if closes_at <= opens_at:
        raise FieldError("closes_at", _l("The closing time must be after the opening time."))


def create_draft(*, fields: dict, organizer_slug: str, parts: list[Part], contacts: list[Contact],
                 user: User) -> Consultation:
    """An unpublished consultation with its parts (each part's text as version 1)."""
    check_slug(fields["slug"])
    check_dates(fields["opens_at"], fields["closes_at"])
    if not parts:
        raise FieldError("parts", _l("Add the text of the draft."))
    consultation = create_consultation(
        slug=fields["slug"], title=fields["title"], organizer_slug=organizer_slug,
        opens_at=fields["opens_at"], closes_at=fields["closes_at"], language=fields["language"],
        description=fields.get("description", ""), commenters=fields["commenters"], published=False,
    )
    consultation.diary_number = fields.get("diary_number", "")
    for part in parts:
        add_document(consultation, part.title, part.source, "markdown", created_by=user, blocks=part.blocks,
                     original=part.original)
        db.session.refresh(consultation, ["documents"])
    set_contacts(consultation, contacts, user)
    db.session.flush()
    return consultation


def log_change(consultation: Consultation, user: User | None, field: str, old, new) -> None:
    db.session.add(ConsultationChange(consultation_id=consultation.id, user_id=user.id if user else None,
                                      field=field, old_value=_display(old), new_value=_display(new)))


def _display(value) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    return "" if value is None else str(value)


def update_consultation(consultation: Consultation, user: User, fields: dict) -> list[str]:
    """Apply the changed fields the consultation's status allows; log each. Returns the
    names of the changed fields."""
    status = consultation.status
    if status in ("closed", "summarized"):
        raise ConsultationError(_l("A closed consultation can no longer be edited."))
    allowed = EDITABLE_WHEN_OPEN if status == "open" else EDITABLE_FIELDS
    if status != "draft":
        allowed = tuple(f for f in allowed if f != "slug")  # published addresses stay stable
    changes = {name: value for name, value in fields.items()
               if name in allowed and getattr(consultation, name) != value}
    if "slug" in changes:
        check_slug(changes["slug"], consultation)
    if status == "open" and "closes_at" in changes and changes["closes_at"] <= utcnow():
        raise FieldError("closes_at", _l("The closing time cannot be earlier than now."))
    check_dates(changes.get("opens_at", consultation.opens_at), changes.get("closes_at", consultation.closes_at))
    for name, value in changes.items():
        log_change(consultation, user, name, getattr(consultation, name), value)
        setattr(consultation, name, value)
    db.session.flush()
    return list(changes)


def set_contacts(consultation: Consultation, contacts: list[Contact], user: User | None) -> bool:
    old = [(c.name, c.title, c.email, c.phone) for c in consultation.contact_persons]
    new = [(c.name.strip(), c.title.strip(), c.email.strip(), c.phone.strip()) for c in contacts if c.name.strip()]
    if old == new:
        return False
    for person in list(consultation.contact_persons):
        db.session.delete(person)
    db.session.flush()
    for ordinal, (name, title, email, phone) in enumerate(new, start=1):
        db.session.add(ContactPerson(consultation_id=consultation.id, ordinal=ordinal, name=name,
                                     title=title, email=email, phone=phone))
    if old:
        log_change(consultation, user, "contacts", "; ".join(o[0] for o in old), "; ".join(n[0] for n in new))
    db.session.flush()
    db.session.expire(consultation, ["contact_persons"])
    return True


def rename_part(consultation: Consultation, document: Document, title: str, user: User) -> None:
    title = (title or "").strip()
    if not title:
        raise FieldError("title", _l("The title of the part is required."))
    if title != document.title:
        log_change(consultation, user, f"part {document.ordinal}", document.title, title)
        document.title = title
        db.session.flush()


def add_part(consultation: Consultation, part: Part, user: User) -> Document:
    """A new last part of a draft or upcoming consultation; its numbering continues."""
    if consultation.status not in ("draft", "upcoming"):
        raise ConsultationError(_l("Parts can be added only before the consultation opens."))
    document = add_document(consultation, part.title, part.source, "markdown", created_by=user, blocks=part.blocks,
                            original=part.original)
    log_change(consultation, user, f"part {document.ordinal}", "", document.title)
    db.session.flush()
    return document


def move_part(consultation: Consultation, document: Document, step: int, user: User) -> None:
    """Move a part of an unpublished draft one place up (-1) or down (+1); the numbers of
    every part's paragraphs follow the new order (no one has commented on them yet)."""
    if consultation.status != "draft":
        raise ConsultationError(_l("Parts can be reordered only before the consultation is published."))
    parts = list(consultation.documents)
    i = parts.index(document)
    if not 0 <= i + step < len(parts):
        return
    before = "; ".join(d.title for d in parts)
    parts[i], parts[i + step] = parts[i + step], parts[i]
    sections = 0
    for ordinal, part in enumerate(parts, start=1):
        part.ordinal = ordinal
        for version in part.versions:
            blocks = [Block(p.kind, p.text, p.html, p.level, p.marker) for p in version.paragraphs]
            for paragraph, number in zip(version.paragraphs, number_blocks(blocks, sections)):
                paragraph.number = number
        shown = part.latest_version or (part.versions[-1] if part.versions else None)
        sections = sections_in([p.number for p in shown.paragraphs]) if shown else sections
    log_change(consultation, user, "parts_order", before, "; ".join(d.title for d in parts))
    db.session.flush()
    db.session.expire(consultation, ["documents"])


# --- Publishing, closing, extending --------------------------------------------------------


def publish_now(consultation: Consultation, user: User) -> None:
    if consultation.published:
        return
    if consultation.closes_at <= utcnow():
        raise ConsultationError(_l("The closing time has passed: change the dates before publishing."))
    log_change(consultation, user, "published", False, True)
    consultation.published = True
    consultation.publish_at = None
    db.session.flush()


def schedule_publishing(consultation: Consultation, user: User, moment: datetime | None) -> None:
    """Published by `flask outbox send` at `moment` (None cancels)."""
    if consultation.published:
        raise ConsultationError(_l("The consultation is already published."))
    if moment is not None and moment <= utcnow():
        raise FieldError("publish_at", _l("The publishing time must be in the future."))
    if moment is not None and moment >= consultation.closes_at:
        raise FieldError("publish_at", _l("The publishing time must be before the closing time."))
    log_change(consultation, user, "publish_at", consultation.publish_at, moment)
    consultation.publish_at = moment
    db.session.flush()


def publish_due(now: datetime | None = None) -> int:
    """Publish every consultation whose scheduled time has come; returns how many."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Consultation).where(Consultation.published.is_(False), Consultation.publish_at <= now)
    ).all()
    for consultation in due:
        log_change(consultation, None, "published", False, True)
        consultation.published, consultation.publish_at = True, None
    db.session.flush()
    return len(due)


def close_early(consultation: Consultation, user: User, note: str) -> None:
    if consultation.status != "open":
        raise ConsultationError(_l("Only an open consultation can be closed early."))
    _set_note(consultation, user, note)
    log_change(consultation, user, "closes_at", consultation.closes_at, utcnow())
    consultation.closes_at = utcnow()
    db.session.flush()


def extend(consultation: Consultation, user: User, closes_at: datetime, note: str) -> None:
    if consultation.status not in ("upcoming", "open", "closed"):
        raise ConsultationError(_l("Only a published consultation can be extended."))
    if consultation.status == "closed" and consultation.summary_published_at is not None:
        raise ConsultationError(_l("A summarized consultation cannot be extended."))
    if closes_at <= max(utcnow(), consultation.closes_at):
        raise FieldError("closes_at", _l("The new closing time must be later than the current one."))
    _set_note(consultation, user, note)
    log_change(consultation, user, "closes_at", consultation.closes_at, closes_at)
    consultation.closes_at = closes_at
    db.session.flush()


def _set_note(consultation: Consultation, user: User, note: str) -> None:
    note = (note or "").strip()
    if not note:
        raise FieldError("note", _l("Write a note that tells the public why."))
    log_change(consultation, user, "public_note", consultation.public_note, note)
    consultation.public_note = note


# --- Preview links -------------------------------------------------------------------------


def new_preview_key(consultation: Consultation, user: User) -> str:
    """A fresh key: earlier links stop working."""
    consultation.preview_key = secrets.token_urlsafe(18)
    log_change(consultation, user, "preview_link", "", "created")
    db.session.flush()
    return consultation.preview_key


def revoke_preview_key(consultation: Consultation, user: User) -> None:
    if consultation.preview_key:
        consultation.preview_key = None
        log_change(consultation, user, "preview_link", "created", "revoked")
        db.session.flush()


# --- Copying -------------------------------------------------------------------------------


def copy_consultation(source: Consultation, user: User, slug: str, title: str) -> Consultation:
    """A new unpublished consultation with the texts, parts, contact persons and invitees of
    `source` (each part's newest published text), not its comments."""
    check_slug(slug)
    copy = create_consultation(
        slug=slug, title=title, organizer_slug=source.organizer.slug, opens_at=source.opens_at,
        closes_at=source.closes_at, language=source.language, description=source.description,
        commenters=source.commenters, published=False,
    )
    copy.diary_number = source.diary_number
    for document in source.documents:
        version = document.latest_version or (document.versions[-1] if document.versions else None)
        if version is None:
            continue
        blocks = [Block(p.kind, p.text, p.html, p.level, p.marker) for p in version.paragraphs]
        add_document(copy, document.title, version.source, version.source_format, created_by=user, blocks=blocks)
        db.session.refresh(copy, ["documents"])
    set_contacts(copy, [Contact(c.name, c.title, c.email, c.phone) for c in source.contact_persons], user)
    for invitation in source.invitations:
        db.session.add(Invitation(consultation_id=copy.id, organization_id=invitation.organization_id))
    log_change(copy, user, "copied_from", "", source.slug)
    db.session.flush()
    return copy
