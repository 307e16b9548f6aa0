"""Reading versions, diffs, comments that know their paragraph changed, DOCX import and
the official's upload form — through HTTP and the CLI."""
from __future__ import annotations

import io
import re

import docx
import pytest
from sqlalchemy import func, select

from app.extensions import db
from consultations.docx_import import parse_docx
from consultations.importer import parse_text
from consultations.models import DocumentVersion, Paragraph
from consultations.services import add_version
from tests.conftest import counting_queries, csrf_from, paragraphs_of

V1 = "Johdanto\n\nEnsimmäinen kappale kertoo taustasta.\n\nToinen kappale kertoo rahasta.\n\nKolmas kappale poistuu.\n"
V2 = "Johdanto\n\nEnsimmäinen kappale kertoo taustasta ja tavoitteista.\n\nToinen kappale kertoo rahasta.\n\nUusi kappale.\n"


def _add(consultation, text, publish=True, note="Toinen versio"):
    return add_version(consultation.documents[0], parse_text(text), text, "text", note, publish=publish)


@pytest.fixture
def versioned(make_consultation):
    consultation = make_consultation(source=V1, source_format="text")
    _add(consultation, V2)
    db.session.commit()
    return consultation


def test_version_pages_keep_anchors(client, versioned):
    v1 = versioned.documents[0].versions[0]
    html1 = client.get(f"/consultations/{versioned.slug}/versions/1/").get_data(as_text=True)
    html2 = client.get(f"/consultations/{versioned.slug}/versions/2/").get_data(as_text=True)
    for p in v1.paragraphs[:3]:
        assert f'id="{p.anchor}"' in html1
        assert f'id="{p.anchor}"' in html2
    assert "Kolmas kappale poistuu." in html1 and "Kolmas kappale poistuu." not in html2
    page = client.get(f"/consultations/{versioned.slug}/").get_data(as_text=True)
    assert f"/consultations/{versioned.slug}/versions/1/" in page  # version switcher


def test_diff_marks_added_removed_changed_with_ins_and_del(client, versioned):
    response = client.get(f"/consultations/{versioned.slug}/versions/1...2/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r"<ins>.*ja tavoitteista", html)
    assert re.search(r"<del>.*taustasta\.", html)
    assert "<del>Kolmas kappale poistuu.</del>" in html
    assert "<ins>Uusi kappale.</ins>" in html
    # Readable without colour: the markers carry words, not just styling.
    assert 'class="visually-hidden">[' in html


def test_compare_form_redirects_and_bad_numbers_fail(client, versioned):
    response = client.get(f"/consultations/{versioned.slug}/versions/?a=2&b=1")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/versions/1...2/")
    assert client.get(f"/consultations/{versioned.slug}/versions/?a=1&b=9").status_code == 400
    assert client.get(f"/consultations/{versioned.slug}/versions/?a=x&b=1").status_code == 200
    assert client.get(f"/consultations/{versioned.slug}/versions/3/").status_code == 404
    assert client.get(f"/consultations/{versioned.slug}/versions/2...1/").status_code == 404


def test_unpublished_version_never_leaks(client, versioned):
    _add(versioned, V2 + "\nSalainen luonnoslause.\n", publish=False)
    db.session.commit()
    for url in ("/", "versions/", "versions/3/", "versions/2...3/", "versions/1...3/"):
        response = client.get(f"/consultations/{versioned.slug}/{url}" if url != "/" else f"/consultations/{versioned.slug}/")
        assert "Salainen luonnoslause" not in response.get_data(as_text=True)
    assert client.get(f"/consultations/{versioned.slug}/versions/3/").status_code == 404


def test_versions_of_unpublished_consultation_are_404(client, make_consultation):
    consultation = make_consultation(published=False, source=V1, source_format="text")
    _add(consultation, V2)
    db.session.commit()
    for url in ("versions/", "versions/1/", "versions/1...2/"):
        assert client.get(f"/consultations/{consultation.slug}/{url}").status_code == 404


def test_comment_on_changed_or_removed_paragraph_says_so(client, make_consultation, make_org, make_user, make_comment):
    consultation = make_consultation(source=V1, source_format="text")
    org = make_org()
    author = make_user(orgs=[org])
    first, _, third = paragraphs_of(consultation)[1:4]
    on_changed = make_comment(consultation, author, org, body="Taustasta lisää.", anchor=first.anchor)
    on_removed = make_comment(consultation, author, org, body="Kolmas on turha.", anchor=third.anchor)
    _add(consultation, V2)
    db.session.commit()
    html = client.get(f"/consultations/{consultation.slug}/").get_data(as_text=True)
    changed_card = html[html.index(f'id="comment-{on_changed.id}"'):]
    changed_card = changed_card[: changed_card.index("</article>")]
    assert "version 1" in changed_card.lower() or "versiota 1" in changed_card.lower() or "versio 1" in changed_card.lower()
    assert f"/versions/1/#{first.anchor}" in changed_card
    assert f"/versions/1...2/#{first.anchor}" in changed_card
    removed_card = html[html.index(f'id="comment-{on_removed.id}"'):]
    removed_card = removed_card[: removed_card.index("</article>")]
    assert f"/versions/1...2/#removed-{third.anchor}" in removed_card
    # The paragraph count on the latest version still counts the comment on version 1.
    first_block = html[html.index(f'id="{first.anchor}"'):]
    assert re.search(r"\b1 (kommentti|comment)", first_block[:2000])
    # The diff has the anchor the link points to.
    diff = client.get(f"/consultations/{consultation.slug}/versions/1...2/").get_data(as_text=True)
    assert f'id="removed-{third.anchor}"' in diff and f'id="{first.anchor}"' in diff


def test_diff_page_query_count_is_constant(client, make_consultation):
    def count_for(paragraph_count):
        text = "\n\n".join(f"Kappale numero {i} kertoo asiasta {i}." for i in range(paragraph_count)) + "\n"
        consultation = make_consultation(source=text, source_format="text")
        edited = text.replace("asiasta 3.", "asiasta kolme.").replace("Kappale numero 5 kertoo asiasta 5.\n\n", "")
        _add(consultation, edited)
        db.session.commit()
        with counting_queries() as statements:
            assert client.get(f"/consultations/{consultation.slug}/versions/1...2/").status_code == 200
        return len(statements)

    assert count_for(10) == count_for(200)


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_heading("Periaatteet", 1)
    paragraph = document.add_paragraph("Alue tukee ")
    paragraph.add_run("lihavasti").bold = True
    paragraph.add_run(" ja ")
    paragraph.add_run("kursiivisti").italic = True
    document.add_paragraph("Ensimmäinen kohta", style="List Bullet")
    document.add_paragraph("Toinen kohta", style="List Number")
    document.add_heading("Alaotsikko", 2)
    table = document.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "Laji", (0, 1): "Haku", (1, 0): "Avustus", (1, 1): "syyskuu"}.items():
        table.cell(r, c).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_cli_imports_docx_with_structure(app, tmp_path, make_org):
    organizer = make_org(kind="authority")
    path = tmp_path / "luonnos.docx"
    path.write_bytes(_docx_bytes())
    result = app.test_cli_runner().invoke(args=[
        "consultations", "import", str(path), "--slug", "docx-luonnos", "--title", "Luonnos",
        "--organizer", organizer.slug, "--opens", "2026-01-01T09:00", "--closes", "2027-01-01T16:00",
    ])
    assert result.exit_code == 0, result.output
    paragraphs = db.session.scalars(select(Paragraph).order_by(Paragraph.id)).all()
    assert [(p.kind, p.level, p.marker) for p in paragraphs] == [
        ("heading", 1, ""), ("paragraph", 0, ""), ("list_item", 0, ""), ("list_item", 0, "1."),
        ("heading", 2, ""), ("table", 0, ""),
    ]
    assert "<strong>lihavasti</strong>" in paragraphs[1].html and "<em>kursiivisti</em>" in paragraphs[1].html
    assert "<table>" in paragraphs[5].html and "syyskuu" in paragraphs[5].text


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04broken", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512])
def test_cli_refuses_broken_docx_and_writes_nothing(app, tmp_path, make_org, content):
    organizer = make_org(kind="authority")
    path = tmp_path / "rikki.docx"
    path.write_bytes(content)
    result = app.test_cli_runner().invoke(args=[
        "consultations", "import", str(path), "--slug", "rikki", "--title", "Rikki",
        "--organizer", organizer.slug, "--opens", "2026-01-01", "--closes", "2027-01-01",
    ])
    assert result.exit_code != 0
    assert len(result.output.strip().splitlines()) == 1
    assert db.session.scalar(select(func.count(Paragraph.id))) == 0


def test_cli_version_of(app, tmp_path, versioned):
    path = tmp_path / "v3.txt"
    path.write_text(V2 + "\nVielä yksi kappale.\n", encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["consultations", "import", str(path), "--version-of", versioned.slug, "--note", "Lisäys"])
    assert result.exit_code == 0, result.output
    assert "version 3" in result.output
    for args, message in [
        (["--version-of", "ei-ole"], "unknown consultation"),
        (["--version-of", versioned.slug, "--part", "5"], "no part 5"),
    ]:
        result = runner.invoke(args=["consultations", "import", str(path), *args])
        assert result.exit_code != 0 and message in result.output
    empty = tmp_path / "tyhja.txt"
    empty.write_text("  \n", encoding="utf-8")
    result = runner.invoke(args=["consultations", "import", str(empty), "--version-of", versioned.slug])
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count(DocumentVersion.id))) == 3


def _manage_post(client, slug, data):
    token = csrf_from(client, f"/consultations/{slug}/manage/")
    return client.post(f"/consultations/{slug}/manage/versions", data={"csrf_token": token, **data},
                       content_type="multipart/form-data")


def test_official_uploads_docx_version_unpublished_then_publishes(client, make_consultation, make_org, make_user, login_as):
    organizer = make_org(kind="authority")
    consultation = make_consultation(organizer=organizer, source=V1, source_format="text")
    login_as(make_user(role="official", orgs=[organizer]))
    response = _manage_post(client, consultation.slug, {
        "part": "1", "change_note": "Word-versio", "file": (io.BytesIO(_docx_bytes()), "uusi.docx"),
    })
    assert response.status_code == 303, response.get_data(as_text=True)[-3000:]
    version = db.session.scalar(select(DocumentVersion).where(DocumentVersion.number == 2))
    assert version.published_at is None  # the checkbox was not sent: not published
    assert client.get(f"/consultations/{consultation.slug}/versions/2/").status_code == 404
    token = csrf_from(client, f"/consultations/{consultation.slug}/manage/")
    response = client.post(f"/consultations/{consultation.slug}/manage/versions/{version.id}/publish", data={"csrf_token": token})
    assert response.status_code == 303
    assert client.get(f"/consultations/{consultation.slug}/versions/2/").status_code == 200


def test_upload_of_broken_file_keeps_note_and_writes_nothing(client, make_consultation, make_org, make_user, login_as):
    organizer = make_org(kind="authority")
    consultation = make_consultation(organizer=organizer, source=V1, source_format="text")
    login_as(make_user(role="official", orgs=[organizer]))
    response = _manage_post(client, consultation.slug, {
        "part": "1", "change_note": "Muistiinpano säilyy", "publish": "y",
        "file": (io.BytesIO(b"rikki"), "rikki.docx"),
    })
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Muistiinpano säilyy" in html
    assert db.session.scalar(select(func.count(DocumentVersion.id))) == 1


@pytest.mark.parametrize("who, expected", [("anonymous", 302), ("member", 403), ("other_official", 403), ("admin", 303)])
def test_upload_access(client, make_consultation, make_org, make_user, login_as, who, expected):
    organizer = make_org(kind="authority")
    consultation = make_consultation(organizer=organizer, source=V1, source_format="text")
    users = {
        "member": lambda: make_user(orgs=[make_org()]),
        "other_official": lambda: make_user(role="official", orgs=[make_org(kind="authority")]),
        "admin": lambda: make_user(role="admin"),
    }
    if who != "anonymous":
        login_as(users[who]())
    token = csrf_from(client, "/auth/login")
    response = client.post(
        f"/consultations/{consultation.slug}/manage/versions",
        data={"csrf_token": token, "part": "1", "publish": "y", "file": (io.BytesIO(V2.encode()), "v2.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == expected
    assert db.session.scalar(select(func.count(DocumentVersion.id))) == (2 if expected == 303 else 1)


def test_docx_numbered_lists_keep_numbers_and_levels():
    document = docx.Document()
    for text in ("Ensimmäinen", "Toinen"):
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("Alakohta", style="List Bullet 2")
    document.add_paragraph("Välissä tavallinen kappale.")
    document.add_paragraph("Kolmas", style="List Number")  # Word keeps counting the same list
    buffer = io.BytesIO()
    document.save(buffer)
    blocks = parse_docx(buffer.getvalue())
    assert [(b.kind, b.text, b.level, b.marker) for b in blocks] == [
        ("list_item", "Ensimmäinen", 0, "1."),
        ("list_item", "Toinen", 0, "2."),
        ("list_item", "Alakohta", 1, ""),
        ("paragraph", "Välissä tavallinen kappale.", 0, ""),
        ("list_item", "Kolmas", 0, "3."),
    ]
