"""The original file of a draft (.md, .txt or .docx): kept as it was imported or uploaded,
and downloadable by whoever may read the consultation (an unpublished one's file is a
404 for everyone else, as its page is). A version without a kept file (imported before
the files were kept, or typed in the browser) offers its Markdown or plain-text source;
a Word document's text alone is not its original, so such a version offers nothing."""
from __future__ import annotations

import os
from dataclasses import dataclass

from flask import Blueprint, Response, abort, url_for
from flask_login import current_user

from app.extensions import db
from consultations.attachments import DOCX, content_disposition, detect_type, safe_filename
from consultations.models import Consultation, Document, DocumentVersion, OriginalFile

# source format -> (content type, file name extension, label)
FORMATS = {
    "markdown": ("text/markdown; charset=utf-8", ".md", "Markdown"),
    "text": ("text/plain; charset=utf-8", ".txt", "TXT"),
    "docx": (DOCX.mimetype, ".docx", "DOCX"),
}
EXTENSIONS = {"markdown": (".md", ".markdown"), "text": (".txt",), "docx": (".docx",)}


@dataclass(frozen=True)
class Upload:
    """A draft file as it arrived: its name as given and its bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class Download:
    filename: str
    label: str  # the file type, for the link
    size: int
    url: str


def _format_of(upload: Upload) -> str | None:
    """The file's format from its content (a Word document by its parts), the text
    formats by the name read_source went by; None for a .docx that is not one."""
    is_docx = detect_type(upload.data) is DOCX
    suffix = os.path.splitext(upload.filename.lower())[1]
    if suffix == ".docx" or is_docx:
        return "docx" if is_docx and suffix == ".docx" else None
    return "text" if suffix == ".txt" else "markdown"


def keep_original(version: DocumentVersion, upload: Upload | None) -> None:
    """Store the file `version` was read from, already read by read_source (a part
    written from an uploaded file is stored as Markdown, so the format is the file's).
    The name is made safe and given the extension of its format."""
    source_format = _format_of(upload) if upload is not None else None
    if source_format is None:
        return
    content_type, extension, _label = FORMATS[source_format]
    name = safe_filename(upload.filename)
    stem, given = os.path.splitext(name)
    if given.lower() not in EXTENSIONS[source_format]:
        known = {e for extensions in EXTENSIONS.values() for e in extensions}
        name = (stem if given.lower() in known else name) + extension
    db.session.add(OriginalFile(version=version, filename=name, content_type=content_type,
                                size=len(upload.data), data=upload.data))


def _source_name(consultation: Consultation, document: Document, extension: str) -> str:
    suffix = f"-{document.ordinal}" if len(consultation.documents) > 1 else ""
    return f"{consultation.slug}{suffix}{extension}"


def original_download(consultation: Consultation, document: Document, version: DocumentVersion | None,
                      number: int | None = None) -> Download | None:
    """What the page offers to download for `version` of `document` (shown as
    consultation version `number`, or the newest): the kept file, else the source text."""
    if version is None:
        return None
    url = (url_for("original_files.of_version", slug=consultation.slug, number=number, part=document.ordinal)
           if number is not None else url_for("original_files.latest", slug=consultation.slug, part=document.ordinal))
    kept = version.original_file
    if kept is not None:
        label = next((f[2] for f in FORMATS.values() if f[0] == kept.content_type), "")
        return Download(kept.filename, label, kept.size, url)
    if version.source_format in ("markdown", "text"):
        _type, extension, label = FORMATS[version.source_format]
        return Download(_source_name(consultation, document, extension), label,
                        len(version.source.encode("utf-8")), url)
    return None


bp = Blueprint("original_files", __name__)


def _readable(slug: str) -> Consultation:
    consultation = Consultation.by_slug(slug)
    if consultation is None or not consultation.is_visible_to(current_user):
        abort(404)
    return consultation


def _part(consultation: Consultation, part: int) -> Document:
    document = next((d for d in consultation.documents if d.ordinal == part), None)
    if document is None:
        abort(404)
    return document


def _send(consultation: Consultation, document: Document, version: DocumentVersion | None) -> Response:
    if version is None:
        abort(404)
    kept = version.original_file
    if kept is not None:
        body, content_type, filename = kept.data, kept.content_type, kept.filename
    elif version.source_format in ("markdown", "text"):
        content_type, extension, _label = FORMATS[version.source_format]
        body, filename = version.source.encode("utf-8"), _source_name(consultation, document, extension)
    else:
        abort(404)
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if not consultation.published:  # only its officials see it: no cache may keep it
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/consultations/<slug>/parts/<int:part>/original")
def latest(slug: str, part: int):
    """The file of the part's newest published version: what the page shows."""
    consultation = _readable(slug)
    document = _part(consultation, part)
    return _send(consultation, document, document.latest_version)


@bp.get("/consultations/<slug>/versions/<int:number>/parts/<int:part>/original")
def of_version(slug: str, number: int, part: int):
    consultation = _readable(slug)
    if number not in consultation.version_numbers:
        abort(404)
    document = _part(consultation, part)
    return _send(consultation, document, document.version_at(number))
