"""Creating a consultation in the browser's forms (/manage/consultations/new): upload or
paste, preview with paragraph numbers and the importer's guesses, multi-part drafts, and
specific errors that keep what was typed and store nothing."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from consultations.authoring.models import ContactPerson
from consultations.models import Consultation, Document, DocumentVersion
from tests.consultations.authoring.helpers import docx_bytes, new_form, use_language
from tests.conftest import csrf_from

NEW = "/manage/consultations/new"


def consultations_count() -> int:
    return db.session.scalar(select(func.count(Consultation.id)))


def test_official_saves_a_pasted_draft_as_an_unpublished_consultation(client, official):
    response = client.post(NEW, data=new_form(csrf_from(client, NEW), organizer="hva"))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    consultation = Consultation.by_slug("yhdistysavustusten-periaatteet")  # suggested from the title
    assert response.headers["Location"].endswith("/consultations/yhdistysavustusten-periaatteet/manage/")
    assert consultation.published is False and consultation.status == "draft"
    assert consultation.diary_number == "HVA/123/2029"
    assert consultation.opens_at.isoformat() == "2030-01-10T07:00:00+00:00"  # typed in Helsinki time
    assert [p.number for p in consultation.documents[0].latest_version.paragraphs] == ["1", "1.1", "1.2", "1.3"]
    person = db.session.scalar(select(ContactPerson))
    assert (person.name, person.email, person.phone) == ("Maija Meikäläinen", "maija@example.org", "040 123 4567")
    # Unpublished: the public does not see it.
    client.post("/auth/logout", data={"csrf_token": csrf_from(client, "/")})
    assert client.get("/consultations/yhdistysavustusten-periaatteet/").status_code == 404


def test_preview_of_a_docx_shows_numbers_and_guesses_and_stores_nothing(client, official):
    data = new_form(csrf_from(client, NEW), organizer="hva", action="preview", **{"parts-0-source": ""})
    data["parts-0-file"] = (io.BytesIO(docx_bytes(bold_heading="Rahoitus")), "luonnos.docx")
    response = client.post(NEW, data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:2000]
    assert "Rahoitus" in html and "no heading style" in html  # the guess, listed
    assert '<span class="para-number">1.1</span>' in html
    assert "# Tausta" in html  # the text box now holds the Markdown to fix
    assert consultations_count() == 0


def test_multi_part_draft_numbering_continues_and_parts_can_be_reordered(client, official):
    csrf = csrf_from(client, NEW)
    data = new_form(csrf, organizer="hva", action="add")
    html = client.post(NEW, data=data).get_data(as_text=True)
    assert 'name="parts-1-title"' in html
    data.update({"parts-1-title": "Liite", "parts-1-source": "# Liite\n\nLiitteen teksti.\n", "action": "down-0"})
    html = client.post(NEW, data=data).get_data(as_text=True)
    first = re.search(r'name="parts-0-title"[^>]*value="([^"]*)"', html) or re.search(r'value="([^"]*)"[^>]*name="parts-0-title"', html)
    assert first.group(1) == "Liite"
    data.update({"parts-0-title": "Liite", "parts-0-source": "# Liite\n\nLiitteen teksti.\n",
                 "parts-1-title": "Periaatteet", "parts-1-source": "# Tausta\n\nTeksti.\n", "action": "save"})
    response = client.post(NEW, data=data)
    assert response.status_code == 303
    consultation = Consultation.by_slug("yhdistysavustusten-periaatteet")
    assert [d.title for d in consultation.documents] == ["Liite", "Periaatteet"]
    assert [p.number for p in consultation.documents[1].latest_version.paragraphs] == ["2", "2.1"]


@pytest.mark.parametrize("overrides, field, message", [
    ({"title": ""}, "title", "Give the consultation a title."),
    ({"closes_at": "2030-01-01T09:00"}, "closes_at", "The closing time must be after the opening time."),
    ({"opens_at": "ei päivä"}, "opens_at", "Not a valid datetime value."),
    ({"slug": "Iso Kirjain"}, "slug", "The slug may contain only a-z, 0-9 and hyphens."),
    ({"contacts-0-email": "ei-osoite"}, "contacts-0-email", "Enter a valid email address."),
    ({"parts-0-source": ""}, None, "Part 1 of the draft is empty."),
])
def test_errors_are_specific_and_keep_what_was_typed(client, official, overrides, field, message):
    data = new_form(csrf_from(client, NEW), organizer="hva", **overrides)
    data["description"] = "Tämä teksti ei saa kadota <b>."
    response = client.post(NEW, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    if field:
        assert f'id="{field}-error"' in html
    assert "Tämä teksti ei saa kadota &lt;b&gt;." in html
    assert "Maija Meikäläinen" in html
    assert consultations_count() == 0


def test_a_taken_slug_is_refused_at_its_field(client, official, make_consultation, authority):
    make_consultation(organizer=authority, slug="varattu")
    response = client.post(NEW, data=new_form(csrf_from(client, NEW), organizer="hva", slug="varattu"))
    assert response.status_code == 422
    assert 'id="slug-error"' in response.get_data(as_text=True)
    assert consultations_count() == 1


def test_a_failed_upload_leaves_no_half_made_consultation(client, official):
    data = new_form(csrf_from(client, NEW), organizer="hva")
    data["parts-0-file"] = (io.BytesIO(b"PK\x03\x04 not really a word document"), "rikki.docx")
    response = client.post(NEW, data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "not a readable Word document" in html
    assert "Avustukset jaetaan hakemusten perusteella." in html  # the text box kept
    assert consultations_count() == 0
    assert db.session.scalar(select(func.count(Document.id))) == 0
    assert db.session.scalar(select(func.count(DocumentVersion.id))) == 0


def test_errors_are_translated(client, official):
    use_language(client, "sv")
    html = client.post(NEW, data=new_form(csrf_from(client, NEW), organizer="hva", title="")).get_data(as_text=True)
    assert "Ge samrådet en rubrik." in html
    use_language(client, "fi")
    html = client.post(NEW, data=new_form(csrf_from(client, NEW), organizer="hva", title="")).get_data(as_text=True)
    assert "Anna kuulemiselle otsikko." in html


def test_an_official_cannot_organize_for_another_organization(client, official, make_org):
    make_org(name="Toinen alue", slug="toinen", kind="authority")
    response = client.post(NEW, data=new_form(csrf_from(client, NEW), organizer="toinen"))
    assert response.status_code == 422
    assert consultations_count() == 0


@pytest.mark.parametrize("name, data", [
    ("luonnos.docx", docx_bytes(bold_heading="Rahoitus *tärkeä* [1]")),
    ("luonnos.txt", "Otsikko\n\nKappale, jossa on * tähti ja _alaviiva_.\n\n• kohta yksi\n• kohta 2. ja #risuaita\n".encode()),
    ("luonnos.md", "# Otsikko\n\n1. yksi\n2. kaksi\n    - alakohta\n\n| a | b |\n|---|---|\n| 1 | 2 |\n".encode()),
])
def test_an_uploaded_file_becomes_markdown_that_parses_back_into_the_same_blocks(app, name, data):
    """The preview shows the file's blocks; what is saved is the text box's Markdown."""
    from consultations.authoring.drafts import parse_parts, read_upload

    draft = read_upload(name, data)
    [again] = parse_parts([draft.markdown])
    shape = lambda blocks: [(b.kind, b.level, b.marker, b.text) for b in blocks]  # noqa: E731
    assert shape(again) == shape(draft.blocks)
    if not name.endswith(".txt"):  # the same markup (a table's row groups aside)
        markup = lambda blocks: [re.sub(r"\s+|</?t(?:head|body)>", "", b.html) for b in blocks]  # noqa: E731
        assert markup(again) == markup(draft.blocks)


def test_the_public_page_shows_who_may_comment_the_diary_number_and_the_contact_persons(client, app, official):
    """What the form asked for, on the page once published: "Lisätietoja antaa" in Finnish."""
    data = new_form(csrf_from(client, NEW), organizer="hva", commenters="registered", **{"contacts-1-name": "Pekka"})
    assert client.post(NEW, data=data).status_code == 303
    slug = "yhdistysavustusten-periaatteet"
    client.post(f"/consultations/{slug}/manage/publish", data={"csrf_token": csrf_from(client, NEW)})
    html = app.test_client().get(f"/consultations/{slug}/").get_data(as_text=True)
    assert "Kuka voi kommentoida" in html and "Rekisteröityneet käyttäjät ja organisaatiot" in html
    assert "Diaarinumero:</strong> HVA/123/2029" in html
    contacts = html.split("Lisätietoja antaa")[1].split("</ul>")[0]
    assert "Maija Meikäläinen, erityisasiantuntija" in contacts and 'href="mailto:maija@example.org"' in contacts
    assert "040 123 4567" in contacts and "Pekka" in contacts


def test_the_preview_has_the_table_of_contents_of_the_public_page(client, official):
    data = new_form(csrf_from(client, NEW), organizer="hva", action="preview",
                    **{"parts-1-title": "Liite", "parts-1-source": "# Aikataulu\n\nKevät.\n"})
    html = client.post(NEW, data=data).get_data(as_text=True)
    contents = html.split('<nav class="toc"')[1].split("</nav>")[0]
    assert 'href="#doc-preview-1">Periaatteet</a>' in contents and 'href="#doc-preview-2">Liite</a>' in contents
    assert 'href="#preview-2-1">2 Aikataulu</a>' in contents
    assert 'id="doc-preview-2"' in html and 'id="preview-2-1"' in html  # where the links lead
