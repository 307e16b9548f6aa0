"""The original file of a draft (issue 15 §7): kept as imported or uploaded (.md, .txt,
.docx), downloadable from the consultation page and a version's page with a safe
Content-Disposition and the right type, and a 404 for everyone who may not read an
unpublished consultation."""
from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from lxml import html as lxml_html
from sqlalchemy import select

from app.extensions import db
from consultations.attachments import DOCX
from consultations.models import Consultation, DocumentVersion, OriginalFile
from tests.consultations.authoring.helpers import docx_bytes, new_form
from tests.conftest import csrf_from

MARKDOWN = "# Tausta\n\nAvustukset jaetaan hakemusten perusteella.\n\n• Ensimmäinen ehto\n• Toinen ehto\n"


def _import(app, organizer, path, slug, *extra):
    result = app.test_cli_runner().invoke(args=[
        "consultations", "import", str(path), "--slug", slug, "--title", "Luonnos", "--organizer", organizer.slug,
        "--opens", "2020-01-01", "--closes", "2099-01-01", *extra,
    ])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return Consultation.by_slug(slug)


def _download_link(client, url: str) -> str:
    tree = lxml_html.fromstring(client.get(url).get_data(as_text=True))
    links = tree.xpath('//p[@class="original-file"]/a')
    assert len(links) == 1, "one download per part"
    assert links[0].get("download") is not None
    return links[0].get("href")


def _assert_served(response, data: bytes, content_type: str, filename: str):
    assert response.status_code == 200
    assert response.get_data() == data, "the bytes as they were uploaded"
    assert response.headers["Content-Type"] == content_type
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert f"filename*=UTF-8''{quote(filename, safe='')}" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("name, data, content_type", [
    ("Luonnos ä.md", MARKDOWN.encode(), "text/markdown; charset=utf-8"),
    ("luonnos.txt", "Tausta\n\nAvustukset jaetaan hakemusten perusteella.\n".encode(), "text/plain; charset=utf-8"),
    ("luonnos.docx", docx_bytes(), DOCX.mimetype),
])
def test_imported_file_is_downloadable_as_it_was(app, client, make_org, tmp_path, name, data, content_type):
    path = tmp_path / name
    path.write_bytes(data)
    consultation = _import(app, make_org(kind="authority"), path, "tuotu")
    href = _download_link(client, "/consultations/tuotu/")
    assert href == "/consultations/tuotu/parts/1/original"
    _assert_served(client.get(href), data, content_type, name)
    kept = db.session.scalar(select(OriginalFile))
    assert (kept.filename, kept.size, kept.version_id) == (name, len(data), consultation.documents[0].versions[0].id)


def test_each_version_keeps_its_own_file(app, client, make_org, tmp_path):
    organizer = make_org(kind="authority")
    first = tmp_path / "v1.md"
    first.write_bytes(MARKDOWN.encode())
    _import(app, organizer, first, "versiot")
    second = tmp_path / "v2.docx"
    second.write_bytes(docx_bytes(title="Uusi tausta"))
    _import(app, organizer, second, "versiot", "--version-of", "versiot")
    assert _download_link(client, "/consultations/versiot/versions/1/") == "/consultations/versiot/versions/1/parts/1/original"
    _assert_served(client.get("/consultations/versiot/versions/1/parts/1/original"), MARKDOWN.encode(),
                   "text/markdown; charset=utf-8", "v1.md")
    _assert_served(client.get("/consultations/versiot/parts/1/original"), second.read_bytes(), DOCX.mimetype, "v2.docx")
    _assert_served(client.get("/consultations/versiot/versions/2/parts/1/original"), second.read_bytes(),
                   DOCX.mimetype, "v2.docx")


def test_official_upload_of_a_new_version_and_of_a_new_draft_keeps_the_file(
        client, make_consultation, make_org, make_user, login_as):
    organizer = make_org(name="Hyvinvointialue", slug="hva", kind="authority")
    consultation = make_consultation(organizer=organizer)
    login_as(make_user(role="official", orgs=[organizer]))
    data = docx_bytes(title="Päivitys")
    token = csrf_from(client, f"/consultations/{consultation.slug}/manage/")
    response = client.post(f"/consultations/{consultation.slug}/manage/versions", content_type="multipart/form-data",
                           data={"csrf_token": token, "part": "1", "publish": "y",
                                 "file": (io.BytesIO(data), "Päivitys <2>.docx")})
    assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
    _assert_served(client.get(f"/consultations/{consultation.slug}/parts/1/original"), data, DOCX.mimetype,
                   "Päivitys _2_.docx")  # a safe name: no characters headers and file systems trip on

    form = new_form(csrf_from(client, "/manage/consultations/new"), organizer="hva", slug="ladattu",
                    **{"parts-0-source": ""})
    form["parts-0-file"] = (io.BytesIO(data), "luonnos.docx")
    response = client.post("/manage/consultations/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
    _assert_served(client.get("/consultations/ladattu/parts/1/original"), data, DOCX.mimetype, "luonnos.docx")


def test_a_version_without_a_kept_file_offers_its_source_text_or_nothing(client, make_consultation):
    typed = make_consultation(source=MARKDOWN)  # written as Markdown (typed in the browser, or imported before)
    response = client.get(f"/consultations/{typed.slug}/parts/1/original")
    _assert_served(response, MARKDOWN.encode(), "text/markdown; charset=utf-8", f"{typed.slug}.md")
    assert _download_link(client, f"/consultations/{typed.slug}/") == f"/consultations/{typed.slug}/parts/1/original"

    from_word = make_consultation()
    version = from_word.documents[0].versions[0]
    version.source_format = "docx"  # a Word import from before the files were kept: only its text is left
    db.session.commit()
    assert client.get(f"/consultations/{from_word.slug}/parts/1/original").status_code == 404
    html = client.get(f"/consultations/{from_word.slug}/").get_data(as_text=True)
    assert "original-file" not in html


@pytest.mark.parametrize("url", [
    "/consultations/{slug}/parts/2/original",
    "/consultations/{slug}/parts/99999999999999999999/original",
    "/consultations/{slug}/versions/7/parts/1/original",
    "/consultations/{slug}/versions/99999999999999999999/parts/1/original",
    "/consultations/no-such/parts/1/original",
])
def test_unknown_parts_and_versions_are_404(client, make_consultation, url):
    consultation = make_consultation()
    assert client.get(url.format(slug=consultation.slug)).status_code == 404


def test_unpublished_version_file_is_404(client, make_consultation, make_org, make_user, login_as):
    organizer = make_org(kind="authority")
    consultation = make_consultation(organizer=organizer)
    document = consultation.documents[0]
    db.session.add(DocumentVersion(document=document, number=2, source="# Uusi\n\nTeksti.\n", source_format="markdown"))
    db.session.commit()
    login_as(make_user(role="official", orgs=[organizer]))
    assert client.get(f"/consultations/{consultation.slug}/versions/2/parts/1/original").status_code == 404
    latest = client.get(f"/consultations/{consultation.slug}/parts/1/original")
    assert b"# Uusi" not in latest.get_data()  # the newest *published* version


@pytest.mark.parametrize("who, status", [
    ("anonymous", 404), ("member", 404), ("other_official", 404), ("official", 200), ("admin", 200),
])
def test_unpublished_consultation_file_only_for_its_officials(client, make_consultation, make_org, make_user,
                                                             login_as, who, status):
    organizer = make_org(kind="authority")
    consultation = make_consultation(organizer=organizer, published=False, source=MARKDOWN)
    users = {
        "member": lambda: make_user(orgs=[make_org()]),
        "other_official": lambda: make_user(role="official", orgs=[make_org(kind="authority")]),
        "official": lambda: make_user(role="official", orgs=[organizer]),
        "admin": lambda: make_user(role="admin"),
    }
    if who != "anonymous":
        login_as(users[who]())
    response = client.get(f"/consultations/{consultation.slug}/parts/1/original")
    assert response.status_code == status
    if status == 200:
        assert "no-store" in response.headers["Cache-Control"]
        assert response.get_data() == MARKDOWN.encode()
