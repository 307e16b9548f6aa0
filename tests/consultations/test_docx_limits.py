"""A DOCX (a ZIP) is bounded by its decompressed size before it is parsed: a 300 kB file
that inflates to hundreds of megabytes is refused with a clear message, from the CLI and
from the upload page, without the memory it would take. A member whose header claims a
small size but whose stream inflates to far more is read only as far as the claim.
"""
from __future__ import annotations

import io
import zipfile

import docx
import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import func, select

from app.extensions import db
from consultations.attachments import format_size
from consultations.models import DocumentVersion, Paragraph
from tests.conftest import csrf_from
from tests.zip_bombs import MiB, claiming_size, peak_memory, write_spaces

LIMIT = 8 * MiB  # the tests' setting: bombs big enough to tell, cheap enough to build
INFLATED = 64 * MiB
ROOM = 16 * MiB  # what a refusal may take at most, far below what the bomb inflates to


@pytest.fixture(autouse=True)
def _small_limit(app):
    app.config["DOCX_MAX_UNCOMPRESSED_BYTES"] = LIMIT


def too_large_message(app) -> str:
    with app.test_request_context(), force_locale("fi"):
        return gettext("The Word document is too large when unpacked: the limit is %(size)s.",
                       size=format_size(LIMIT))


def _word_document() -> bytes:
    document = docx.Document()
    document.add_heading("Periaatteet", 1)
    document.add_paragraph("Alue tukee yhdistyksiä.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _with_padded_body(data: bytes, padding: int) -> bytes:
    """The document with `padding` spaces (valid XML whitespace) after <w:body>, written
    in chunks so the test never holds the inflated text."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename != "word/document.xml":
                target.writestr(info.filename, content)
                continue
            head, tail = content.split(b"<w:body>", 1)
            with target.open(info.filename, "w") as member:
                member.write(head + b"<w:body>")
                write_spaces(member, padding)
                member.write(tail)
    return output.getvalue()


def _lying_document(inflated: int) -> bytes:
    """word/document.xml claims the size of a plain document, but inflates to `inflated`."""
    plain = _word_document()
    with zipfile.ZipFile(io.BytesIO(plain)) as archive:
        claimed = archive.getinfo("word/document.xml").file_size
    return claiming_size(_with_padded_body(plain, inflated), "word/document.xml", claimed)


def run_import(app, path):
    return app.test_cli_runner().invoke(args=[
        "consultations", "import", str(path), "--slug", "pommi", "--title", "Pommi", "--organizer", "jarvilaakso",
        "--opens", "2030-01-01T09:00", "--closes", "2030-02-01T16:00",
    ])


@pytest.fixture
def organizer(make_org):
    return make_org(name="Järvilaakson hyvinvointialue", slug="jarvilaakso", kind="authority")


def test_the_test_bombs_are_what_they_claim():
    for bomb, claims_more in ((_with_padded_body(_word_document(), INFLATED), True), (_lying_document(INFLATED), False)):
        assert len(bomb) < INFLATED // 100
        with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
            assert (archive.getinfo("word/document.xml").file_size > INFLATED) is claims_more


def test_cli_refuses_a_docx_that_inflates_beyond_the_limit_without_parsing_it(app, organizer, tmp_path):
    path = tmp_path / "pommi.docx"
    path.write_bytes(_with_padded_body(_word_document(), INFLATED))
    with peak_memory() as memory:
        result = run_import(app, path)
    assert result.exit_code != 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert too_large_message(app) in lines[0]
    assert memory.peak < ROOM, memory.peak
    assert db.session.scalar(select(func.count(Paragraph.id))) == 0


def test_cli_refuses_a_member_that_compresses_suspiciously_well(app, organizer, tmp_path):
    """Under the total limit, but 2 MiB of spaces in a few kilobytes: more than 100 : 1."""
    path = tmp_path / "tiivis.docx"
    path.write_bytes(_with_padded_body(_word_document(), 2 * MiB))
    result = run_import(app, path)
    assert result.exit_code != 0, result.output
    assert too_large_message(app) in result.output


def test_a_lying_header_is_read_only_as_far_as_it_claims(app, organizer, tmp_path):
    path = tmp_path / "valehtelija.docx"
    path.write_bytes(_lying_document(INFLATED))
    with peak_memory() as memory:
        result = run_import(app, path)
    assert result.exit_code != 0, result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert memory.peak < ROOM, memory.peak
    assert db.session.scalar(select(func.count(Paragraph.id))) == 0


def test_a_real_document_under_the_limit_still_imports(app, organizer, tmp_path):
    path = tmp_path / "luonnos.docx"
    path.write_bytes(_with_padded_body(_word_document(), 900 * 1024))  # below 1 MiB, any ratio is allowed
    result = run_import(app, path)
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Paragraph.id))) == 2


def test_upload_of_a_bomb_as_a_new_version_is_422_with_the_message(
    app, client, make_consultation, make_user, organizer, login_as
):
    consultation = make_consultation(organizer=organizer)
    login_as(make_user(role="official", orgs=[organizer]))
    token = csrf_from(client, f"/consultations/{consultation.slug}/manage/")
    with peak_memory() as memory:
        response = client.post(
            f"/consultations/{consultation.slug}/manage/versions",
            data={"csrf_token": token, "part": "1", "change_note": "Muistiinpano säilyy", "publish": "y",
                  "file": (io.BytesIO(_with_padded_body(_word_document(), INFLATED)), "pommi.docx")},
            content_type="multipart/form-data",
        )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert str(escape(too_large_message(app))) in html
    assert "Muistiinpano säilyy" in html
    assert memory.peak < ROOM, memory.peak
    assert db.session.scalar(select(func.count(DocumentVersion.id))) == 1


def _damaged_stream() -> bytes:
    """word/document.xml's compressed bytes overwritten with garbage (sizes unchanged)."""
    data = bytearray(_word_document())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start:start + 16] = b"\xff" * 16
    return bytes(data)


def test_a_damaged_stream_is_refused_as_unreadable(app, organizer, tmp_path):
    path = tmp_path / "rikki.docx"
    path.write_bytes(_damaged_stream())
    result = run_import(app, path)
    assert result.exit_code != 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    with force_locale("fi"):
        assert gettext("The file is not a readable Word document (it may be damaged or encrypted).") in lines[0]
