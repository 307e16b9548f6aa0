"""Attachments of a consultation: upload by the organizer's officials, public download.

The type is decided from the content (magic bytes; ZIP-based formats by their inner
files), never from the name or the browser's claim. Files are stored under random names
in instance/attachments, outside static/, and served only as downloads.
"""
from __future__ import annotations

import io
import os
import re
import secrets
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from urllib.parse import quote

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from app.extensions import db
from app.manage_sections import register_section
from consultations.access import managed_consultation
from consultations.models import Attachment, Consultation
from consultations.zip_limits import read_small_member


@dataclass(frozen=True)
class FileType:
    mimetype: str
    label: str
    extensions: tuple[str, ...]  # the first one is added to a name that lacks a right one


PDF = FileType("application/pdf", "PDF", (".pdf",))
PNG = FileType("image/png", "PNG", (".png",))
JPEG = FileType("image/jpeg", "JPEG", (".jpg", ".jpeg"))
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX", (".docx",))
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX", (".xlsx",))
ODT = FileType("application/vnd.oasis.opendocument.text", "ODT", (".odt",))
FILE_TYPES = {t.mimetype: t for t in (PDF, DOCX, ODT, XLSX, PNG, JPEG)}


class AttachmentError(ValueError):
    """An upload that is refused; the message is for the official, `status` the HTTP code."""

    def __init__(self, message, status: int = 422):
        super().__init__(message)
        self.status = status


def detect_type(data: bytes) -> FileType | None:
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    return None


def _zip_type(data: bytes) -> FileType | None:
    """Office Open XML by its parts, OpenDocument by its `mimetype` entry. Macro-enabled
    documents (a vbaProject part) are refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                # Read capped: the header's size may lie, and `archive.read` inflates it all.
                if read_small_member(archive, "mimetype", 100).strip() == ODT.mimetype.encode():
                    return ODT
                return None
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, KeyError, OSError, RuntimeError, ValueError):
        return None
    return None


_UNSAFE = re.compile(r'[<>:"/\\|?*]')


def safe_filename(name: str) -> str:
    """The name to show and to download under: no path, no control or bidi characters,
    no characters that file systems or headers trip on; at most 150 characters."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in "CZ" or ch == " ")
    name = " ".join(_UNSAFE.sub("_", name).split()).strip(" .")
    if len(name) > 150:
        stem, ext = os.path.splitext(name)
        name = stem[: 150 - len(ext[:20])] + ext[:20]
    return name or "attachment"


def _named_for(name: str, file_type: FileType) -> str | None:
    """The safe name with the right extension, or None when the name claims another type."""
    stem, ext = os.path.splitext(name)
    if ext.lower() in file_type.extensions:
        return name
    if ext.lower() in {e for t in FILE_TYPES.values() for e in t.extensions}:
        if current_app.config.get("ATTACHMENT_TYPE_MISMATCH", "rename") == "refuse":
            return None
        return stem + file_type.extensions[0]  # what the file really is
    return name + file_type.extensions[0]


def attachment_dir() -> str:
    return current_app.config.get("ATTACHMENT_DIR") or os.path.join(current_app.instance_path, "attachments")


def attachment_path(attachment: Attachment) -> str:
    return os.path.join(attachment_dir(), attachment.stored_name)


def read_upload(stream) -> bytes:
    limit = current_app.config.get("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise AttachmentError(
            _l("The file is too large: the limit is %(size)s.", size=format_size(limit)), status=413
        )
    return data


def store_attachment(consultation: Consultation, filename: str, data: bytes) -> Attachment:
    """Check the content, write it under a random name and add the row (flushed, not
    committed). The caller removes the file if its commit fails."""
    if not data:
        raise AttachmentError(_l("The file is empty."))
    file_type = detect_type(data)
    if file_type is None:
        raise AttachmentError(
            _l("This type of file cannot be attached. Allowed types: PDF, DOCX, ODT, XLSX, PNG and JPEG."),
            status=415,
        )
    name = _named_for(safe_filename(filename), file_type)
    if name is None:
        raise AttachmentError(
            _l("The file's name does not match its content, which is %(type)s.", type=file_type.label)
        )
    directory = attachment_dir()
    os.makedirs(directory, mode=0o750, exist_ok=True)
    stored_name = secrets.token_hex(16)
    with open(os.path.join(directory, stored_name), "xb") as target:
        target.write(data)
    attachment = Attachment(
        consultation=consultation, filename=name, stored_name=stored_name,
        content_type=file_type.mimetype, size=len(data),
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def format_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{format_decimal(max(1, round(size / 1024)))} kB"
    return f"{format_decimal(round(size / (1024 * 1024), 1))} MB"


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the real one as RFC 5987 filename*."""
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    fallback = " ".join(re.sub(r'[^A-Za-z0-9._ ()-]', "_", fallback).split()) or "attachment"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


# --- routes ----------------------------------------------------------------------------

bp = Blueprint("attachments", __name__)


def register_manage_section() -> None:
    register_section("attachments", _l("Attachments"), "manage/_attachments.html", order=30)


class AttachmentForm(FlaskForm):
    file = FileField(
        _l("File"),
        description=_l("PDF, DOCX, ODT, XLSX, PNG or JPEG."),
    )


def size_label(size: int | None) -> str:
    """The `filesize` template filter (app/template_helpers.py)."""
    return format_size(size or 0)


def file_type_label(mimetype: str) -> str:
    """The `filetype` template filter (app/template_helpers.py)."""
    file_type = FILE_TYPES.get(mimetype)
    return file_type.label if file_type else mimetype


@bp.post("/consultations/<slug>/manage/attachments")
@managed_consultation
def upload(consultation: Consultation):
    form = AttachmentForm()
    if not form.validate_on_submit():
        abort(400)
    upload = form.file.data
    try:
        if upload is None or not getattr(upload, "filename", ""):
            raise AttachmentError(_l("Choose a file."))
        attachment = store_attachment(consultation, upload.filename, read_upload(upload.stream))
    except AttachmentError as error:
        db.session.rollback()
        form.file.errors = [str(error)]
        return render_template("manage/attachment_upload.html", consultation=consultation, form=form), error.status
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        os.remove(attachment_path(attachment))
        raise
    flash(_("The attachment %(name)s was added.", name=attachment.filename), "success")
    return redirect(url_for("manage.index", slug=consultation.slug, _anchor="attachments-heading"), 303)


@bp.get("/consultations/<slug>/attachments/<int:attachment_id>")
def download(slug: str, attachment_id: int):
    consultation = Consultation.by_slug(slug)
    if consultation is None or not (consultation.published or consultation.can_manage(current_user)):
        abort(404)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.consultation_id != consultation.id:
        abort(404)
    path = attachment_path(attachment)
    if not os.path.isfile(path):
        abort(404)
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.filename, max_age=3600)
    response.headers["Content-Disposition"] = content_disposition(attachment.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
