"""Attachments: type from content, size limit, random storage names, safe downloads."""
from __future__ import annotations

import io
import os
import re
import zipfile

import openpyxl
import pytest
from sqlalchemy import select

from app.extensions import db
from consultations.attachments import content_disposition, detect_type, safe_filename
from consultations.models import Attachment
from tests.comments.responses.conftest import token
from tests.conftest import in_finnish
from tests.zip_bombs import MiB, claiming_size, peak_memory, write_spaces

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _zip(entries: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
DOCM = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>", "word/vbaProject.bin": "x"})
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
ODT = _zip({"mimetype": ODT_MIMETYPE, "content.xml": "<office/>"})
ODS = _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<office/>"})
PLAIN_ZIP = _zip({"readme.txt": "hei"})


@pytest.mark.parametrize("data, mimetype", [
    (PDF, "application/pdf"),
    (PNG, "image/png"),
    (JPEG, "image/jpeg"),
    (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (_xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (ODT, "application/vnd.oasis.opendocument.text"),
    (EXE, None), (HTML, None), (SVG, None), (DOCM, None), (ODS, None), (PLAIN_ZIP, None),
    (b"PK\x03\x04broken", None), (b"", None),
])
def test_detect_type_from_content(data, mimetype):
    detected = detect_type(data)
    assert (detected.mimetype if detected else None) == mimetype


@pytest.mark.parametrize("name, expected", [
    ("Liite ä.pdf", "Liite ä.pdf"),
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\x\\muistio.docx", "muistio.docx"),
    ('<img src=x onerror="alert(1)">.pdf', "_img src=x onerror=_alert(1)__.pdf"),
    ("raportti\u202efdp.exe", "raporttifdp.exe"),  # no right-to-left override spoofing
    ("rivi\r\nvaihto.pdf", "rivivaihto.pdf"),
    ("...", "attachment"),
    ("", "attachment"),
])
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_content_disposition_has_ascii_fallback_and_rfc5987_name():
    header = content_disposition("Yhteistyö – liite 1.pdf")
    assert header.startswith("attachment; ")
    assert 'filename="Yhteistyo liite 1.pdf"' in header
    assert "filename*=UTF-8''Yhteisty%C3%B6%20%E2%80%93%20liite%201.pdf" in header


def _upload(client, world, name, data):
    return client.post(
        f"/consultations/{world.slug}/manage/attachments",
        data={"csrf_token": token(client), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _attachments():
    db.session.expire_all()
    return db.session.scalars(select(Attachment).order_by(Attachment.id)).all()


@pytest.mark.parametrize("name, data, mimetype", [
    ("Liite ä.pdf", PDF, "application/pdf"),
    ("kartta.png", PNG, "image/png"),
    ("kuva.jpeg", JPEG, "image/jpeg"),
    ("muistio.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("taulukko.xlsx", _xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("muistio.odt", ODT, "application/vnd.oasis.opendocument.text"),
])
def test_official_uploads_and_anyone_downloads(world, client_as, app, name, data, mimetype):
    client = client_as(world, "official")
    response = _upload(client, world, name, data)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    [attachment] = _attachments()
    assert (attachment.filename, attachment.content_type, attachment.size) == (name, mimetype, len(data))
    assert re.fullmatch(r"[0-9a-f]{32}", attachment.stored_name)
    path = os.path.join(app.config["ATTACHMENT_DIR"], attachment.stored_name)
    with open(path, "rb") as stored:
        assert stored.read() == data
    assert "static" not in os.path.relpath(path, app.root_path)

    download = client_as(world, "anonymous").get(f"/consultations/{world.slug}/attachments/{attachment.id}")
    assert download.status_code == 200
    assert download.get_data() == data
    assert download.mimetype == mimetype
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"] == content_disposition(name)
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in download.headers["Content-Disposition"]
    assert "sandbox" in download.headers["Content-Security-Policy"]

    page = client_as(world, "anonymous").get(f"/consultations/{world.slug}/").get_data(as_text=True)
    assert f"/consultations/{world.slug}/attachments/{attachment.id}" in page


def test_info_box_lists_type_and_size(world, client_as):
    _upload(client_as(world, "official"), world, "Liite.pdf", PDF + b"x" * 3000)
    page = client_as(world, "anonymous").get(f"/consultations/{world.slug}/").get_data(as_text=True)
    assert "Liite.pdf" in page and "(PDF, 3 kB)" in page


@pytest.mark.parametrize("name, data, status, message", [
    ("ohjelma.pdf", EXE, 415, "This type of file cannot be attached."),
    ("sivu.pdf", HTML, 415, "This type of file cannot be attached."),
    ("kuva.png", SVG, 415, "This type of file cannot be attached."),
    ("kuva.svg", SVG, 415, "This type of file cannot be attached."),
    ("makro.docx", DOCM, 415, "This type of file cannot be attached."),
    ("tyhja.pdf", b"", 422, "The file is empty."),
])
def test_refused_uploads_have_a_clear_message(world, client_as, name, data, status, message):
    response = _upload(client_as(world, "official"), world, name, data)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert _attachments() == []


def _odt_with_lying_mimetype(inflated: int) -> bytes:
    """An ODT whose `mimetype` entry claims its usual 39 bytes but inflates to `inflated`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w") as member:
            member.write(ODT_MIMETYPE)
            write_spaces(member, inflated)
        archive.writestr("content.xml", "<office/>")
    return claiming_size(buffer.getvalue(), "mimetype", len(ODT_MIMETYPE))


def test_a_lying_mimetype_entry_is_read_only_as_far_as_it_claims(world, client_as):
    client = client_as(world, "official")
    data = _odt_with_lying_mimetype(64 * MiB)
    assert len(data) < 200 * 1024
    with peak_memory() as memory:
        response = _upload(client, world, "muistio.odt", data)
    assert response.status_code == 415
    assert "This type of file cannot be attached." in response.get_data(as_text=True)
    assert memory.peak < 16 * MiB, memory.peak
    assert _attachments() == []


def test_a_damaged_mimetype_stream_is_415_not_500(world, client_as):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", ODT_MIMETYPE)
        archive.writestr("content.xml", "<office/>")
    data = bytearray(buffer.getvalue())
    data[30 + len("mimetype"):30 + len("mimetype") + 8] = b"\xff" * 8  # the first member's deflate stream
    response = _upload(client_as(world, "official"), world, "muistio.odt", bytes(data))
    assert response.status_code == 415
    assert _attachments() == []


def test_oversized_upload_is_413_with_message(world, client_as, app):
    app.config["ATTACHMENT_MAX_BYTES"] = 1000
    response = _upload(client_as(world, "official"), world, "iso.pdf", PDF + b"x" * 1000)
    assert response.status_code == 413
    assert "The file is too large: the limit is 1 kB." in response.get_data(as_text=True)
    assert _attachments() == []
    assert not os.listdir(app.config["ATTACHMENT_DIR"]) if os.path.isdir(app.config["ATTACHMENT_DIR"]) else True


def test_request_over_max_content_length_is_413(world, client_as, app):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    response = _upload(client_as(world, "official"), world, "iso.pdf", PDF + b"x" * 5000)
    assert response.status_code == 413
    assert _attachments() == []


def test_missing_file_is_422(world, client_as):
    client = client_as(world, "official")
    response = client.post(f"/consultations/{world.slug}/manage/attachments", data={"csrf_token": token(client)})
    assert response.status_code == 422
    assert "Choose a file." in response.get_data(as_text=True)


def test_pdf_name_with_png_content_is_stored_as_png(world, client_as):
    assert _upload(client_as(world, "official"), world, "kuva.pdf", PNG).status_code == 303
    [attachment] = _attachments()
    assert (attachment.filename, attachment.content_type) == ("kuva.png", "image/png")


def test_pdf_name_with_png_content_is_refused_when_configured(world, client_as, app):
    app.config["ATTACHMENT_TYPE_MISMATCH"] = "refuse"
    response = _upload(client_as(world, "official"), world, "kuva.pdf", PNG)
    assert response.status_code == 422
    assert "does not match its content, which is PNG" in response.get_data(as_text=True)
    assert _attachments() == []


def test_name_without_extension_gets_one(world, client_as):
    assert _upload(client_as(world, "official"), world, "muistio", PDF).status_code == 303
    assert _attachments()[0].filename == "muistio.pdf"


def test_xss_in_file_name_renders_inert(world, client_as):
    client = client_as(world, "official")
    assert _upload(client, world, "<img src=x onerror=alert(1)>.pdf", PDF).status_code == 303
    assert _attachments()[0].filename == "_img src=x onerror=alert(1)_.pdf"
    for url in (f"/consultations/{world.slug}/", f"/consultations/{world.slug}/manage/"):
        html = client.get(url).get_data(as_text=True)
        assert "<img src=x" not in html
        assert "_img src=x onerror=alert(1)_.pdf" in html


UPLOAD_ACCESS = {"anonymous": 302, "member": 403, "official_b": 403, "official": 303, "admin": 303}


@pytest.mark.parametrize("role", UPLOAD_ACCESS)
def test_upload_access(world, client_as, role):
    response = _upload(client_as(world, role), world, "liite.pdf", PDF)
    assert response.status_code == UPLOAD_ACCESS[role]
    assert len(_attachments()) == (1 if UPLOAD_ACCESS[role] == 303 else 0)


def test_upload_without_csrf_is_400(world, client_as):
    client = client_as(world, "official")
    response = client.post(f"/consultations/{world.slug}/manage/attachments",
                           data={"file": (io.BytesIO(PDF), "x.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert _attachments() == []


DOWNLOAD_UNPUBLISHED = {"anonymous": 404, "member": 404, "official_b": 404, "official": 200, "admin": 200}


@pytest.mark.parametrize("role", DOWNLOAD_UNPUBLISHED)
def test_attachment_of_unpublished_consultation(world, client_as, role):
    _upload(client_as(world, "official"), world, "salainen.pdf", PDF)
    [attachment] = _attachments()
    world.consultation.published = False
    db.session.commit()
    response = client_as(world, role).get(f"/consultations/{world.slug}/attachments/{attachment.id}")
    assert response.status_code == DOWNLOAD_UNPUBLISHED[role]


def test_attachment_under_another_consultation_is_404(world, client_as, make_consultation):
    other = make_consultation(status="closed", slug="toinen-kuuleminen")
    _upload(client_as(world, "official"), world, "liite.pdf", PDF)
    [attachment] = _attachments()
    anonymous = client_as(world, "anonymous")
    assert anonymous.get(f"/consultations/{other.slug}/attachments/{attachment.id}").status_code == 404
    assert anonymous.get(f"/consultations/{world.slug}/attachments/999").status_code == 404


def test_a_range_past_the_end_is_416_in_the_clients_words(world, client_as):
    """Any client may send Range; a range past the file's end is the client's error (416),
    and the page must not say the fault was ours (it once showed the 500 wording)."""
    assert _upload(client_as(world, "official"), world, "Liite.pdf", PDF).status_code == 303
    [attachment] = _attachments()
    url = f"/consultations/{world.slug}/attachments/{attachment.id}"
    client = client_as(world, "anonymous", lang="fi")
    partial = client.get(url, headers={"Range": "bytes=0-3"})
    assert (partial.status_code, partial.get_data()) == (206, PDF[:4])
    beyond = client.get(url, headers={"Range": "bytes=999999-"})
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{len(PDF)}"
    page = beyond.get_data(as_text=True)
    assert in_finnish("Something went wrong on our side. The error has been logged.") not in page
    assert in_finnish("The request could not be understood.") in page
