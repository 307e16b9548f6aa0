"""A version an official has uploaded but not published stays out of every public page,
the API, the exports, the summary and its statistics; the organizer's officials still
see it on the management page (issue 12, defect 6)."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from app.extensions import db
from comments.responses.summary import publish_summary
from consultations.importer import parse_text
from consultations.services import add_version, publish_version
from tests.conftest import DRAFT

MARKER = "Salaattijuhlaluonnos"  # only in the unpublished version's text
NOTE_MARKER = "Kesken-muistio"  # only in its change note

# Every page and document that shows the current version's text or its change note, with
# what it shows once version 2 is published; before that, none may show it.
SHOWN_ONCE_PUBLISHED = {
    "/consultations/{slug}/": (MARKER,),
    "/consultations/{slug}/comments/": (MARKER,),
    "/consultations/{slug}/versions/": (NOTE_MARKER,),
    "/consultations/{slug}/summary": (MARKER,),
    "/api/v1/consultations/{slug}/paragraphs": (MARKER,),
}
# These carry no text of a later version even once it is published (version 1's own page,
# comments, the summary's text, the consultation's fields), so they have no case above;
# one that starts to carry it fails test_the_cases_are_real and must get a case.
WITHOUT_VERSION_TEXT = (
    "/consultations/{slug}/versions/1/",
    "/consultations/{slug}/export.csv",
    "/consultations/{slug}/export.json",
    "/api/v1/consultations/{slug}",
    "/api/v1/consultations/{slug}/comments",
    "/api/v1/consultations/{slug}/summary",
)


@pytest.fixture
def unpublished(world):
    """The world's consultation, summarized, with version 2 uploaded but not published: one
    paragraph rewritten (its anchor continues) and one added."""
    publish_summary(world.consultation, world.users["official"], "Yhteenveto.", 0)
    text = DRAFT.replace("Ensimmäinen kappale kertoo taustan.", f"Ensimmäinen kappale kertoo taustan ja {MARKER}.")
    text += f"\n{MARKER} on uusi kappale.\n"
    add_version(world.consultation.documents[0], parse_text(text), text, "text", NOTE_MARKER, publish=False)
    db.session.commit()
    return world


def _xlsx_text(data: bytes) -> str:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return " ".join(str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row)


@pytest.mark.parametrize("role", ["anonymous", "member", "official_b"])
def test_unpublished_version_is_nowhere_public(unpublished, client_as, role):
    client = client_as(unpublished, role)
    for url in SHOWN_ONCE_PUBLISHED:
        response = client.get(url.format(slug=unpublished.slug))
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        assert MARKER not in body and NOTE_MARKER not in body, url
    assert client.get(f"/consultations/{unpublished.slug}/versions/2/").status_code == 404


def test_the_cases_are_real(unpublished, client_as):
    """Once published, version 2 shows where the cases above look for it, and nowhere else."""
    publish_version(unpublished.consultation.documents[0].versions[-1])
    db.session.commit()
    client = client_as(unpublished, "anonymous")
    for url, markers in SHOWN_ONCE_PUBLISHED.items():
        body = client.get(url.format(slug=unpublished.slug)).get_data(as_text=True)
        assert all(marker in body for marker in markers), f"{url} does not show version 2 once published"
    body = client.get(f"/consultations/{unpublished.slug}/versions/2/").get_data(as_text=True)
    assert MARKER in body and NOTE_MARKER in body
    for url in WITHOUT_VERSION_TEXT:
        response = client.get(url.format(slug=unpublished.slug))
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        assert MARKER not in body and NOTE_MARKER not in body, f"{url} carries version text: give it a case"
    xlsx = client.get(f"/consultations/{unpublished.slug}/export.xlsx")
    assert xlsx.status_code == 200 and MARKER not in _xlsx_text(xlsx.data)


def test_organizers_official_still_sees_it_on_the_management_page(unpublished, client_as):
    html = client_as(unpublished, "official").get(f"/consultations/{unpublished.slug}/manage/").get_data(as_text=True)
    assert NOTE_MARKER in html
    assert "Publish version 2" in html
