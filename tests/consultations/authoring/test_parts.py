"""Parts of a saved draft (issue 16 §2): renamed and added while the consultation is a
draft or upcoming, from typed Markdown or an uploaded file, numbering continuing; each
change logged; refused once it is open; an error keeps what was typed."""
from __future__ import annotations

import io

from app.extensions import db
from consultations.authoring.models import ConsultationChange
from consultations.models import Consultation
from tests.consultations.authoring.helpers import docx_bytes
from tests.conftest import csrf_from

EDIT = "/consultations/luonnos/manage/edit"


def _post(client, data, **kwargs):
    return client.post("/consultations/luonnos/manage/parts",
                       data={"csrf_token": csrf_from(client, EDIT), **data}, **kwargs)


def test_a_part_is_added_from_markdown_or_a_file_and_numbering_continues(client, official, make_consultation,
                                                                         authority):
    make_consultation(status="upcoming", organizer=authority, published=False, slug="luonnos")
    response = _post(client, {"part-title": "Liite 1", "part-source": "# Aikataulu\n\nKevät 2027.\n"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/manage/edit#parts-heading")
    response = _post(client, {"part-title": "Liite 2", "part-file": (io.BytesIO(docx_bytes("Rahoitus")), "r.docx")},
                     content_type="multipart/form-data")
    assert response.status_code == 303
    db.session.expire_all()
    consultation = Consultation.by_slug("luonnos")
    assert [d.title for d in consultation.documents] == ["Luonnos", "Liite 1", "Liite 2"]
    first_numbers = [p.number for p in consultation.documents[0].latest_version.paragraphs]
    sections = len({n.split(".")[0] for n in first_numbers})
    assert consultation.documents[1].latest_version.paragraphs[0].number == str(sections + 1)
    assert consultation.documents[2].latest_version.paragraphs[0].number == str(sections + 2)
    logged = db.session.scalars(db.select(ConsultationChange.new_value).where(
        ConsultationChange.consultation_id == consultation.id, ConsultationChange.field.like("part %"))).all()
    assert logged == ["Liite 1", "Liite 2"]
    html = client.get(EDIT).get_data(as_text=True)
    assert 'id="part-title-3"' in html and "Liite 2" in html
    original = client.get("/consultations/luonnos/parts/3/original")  # the uploaded file is kept
    assert original.status_code == 200 and original.data.startswith(b"PK")


def test_an_empty_part_is_refused_with_the_title_kept(client, official, make_consultation, authority):
    make_consultation(status="upcoming", organizer=authority, published=False, slug="luonnos")
    response = _post(client, {"part-title": "Liite ilman tekstiä", "part-source": "  "})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Upload a file or write the text of the part." in html.split('id="part-source-error"')[1]
    assert 'value="Liite ilman tekstiä"' in html
    response = _post(client, {"part-title": "Rikki", "part-file": (io.BytesIO(b"PK\x03\x04 rikki"), "r.docx")},
                     content_type="multipart/form-data")
    assert response.status_code == 422
    assert "not a readable Word document" in response.get_data(as_text=True).split('id="part-file-error"')[1]
    db.session.expire_all()
    assert len(Consultation.by_slug("luonnos").documents) == 1


def test_no_part_is_added_once_the_consultation_is_open(client, official, make_consultation, authority):
    make_consultation(status="open", organizer=authority, slug="luonnos")
    response = _post(client, {"part-title": "Myöhästynyt", "part-source": "# Uusi\n\nTeksti.\n"})
    assert response.status_code == 303
    db.session.expire_all()
    assert len(Consultation.by_slug("luonnos").documents) == 1


def test_parts_of_an_unpublished_draft_are_reordered_and_renumbered(client, official, make_consultation, authority):
    make_consultation(status="upcoming", organizer=authority, published=False, slug="luonnos")
    _post(client, {"part-title": "Liite", "part-source": "# Liite\n\nLiitteen teksti.\n"})
    client.get("/consultations/luonnos/")  # the official has seen the draft's page before
    response = client.post("/consultations/luonnos/manage/parts/2/move",
                           data={"csrf_token": csrf_from(client, EDIT), "direction": "up"})
    assert response.status_code == 303
    db.session.expire_all()
    consultation = Consultation.by_slug("luonnos")
    assert [d.title for d in consultation.documents] == ["Liite", "Luonnos"]
    assert [p.number for p in consultation.documents[0].latest_version.paragraphs] == ["1", "1.1"]
    assert consultation.documents[1].latest_version.paragraphs[0].number.startswith("2")
    page = client.get("/consultations/luonnos/").get_data(as_text=True)
    assert page.index("Liitteen teksti.") < page.index("Ensimmäinen kappale kertoo taustan.")
    assert "Order of the parts" in client.get(EDIT).get_data(as_text=True)


def test_parts_of_a_published_consultation_keep_their_order(client, official, make_consultation, authority):
    consultation = make_consultation(status="upcoming", organizer=authority, slug="luonnos")
    _post(client, {"part-title": "Liite", "part-source": "# Liite\n\nTeksti.\n"})
    response = client.post("/consultations/luonnos/manage/parts/2/move",
                           data={"csrf_token": csrf_from(client, EDIT), "direction": "up"})
    assert response.status_code == 303
    db.session.expire_all()
    assert [d.title for d in Consultation.by_slug("luonnos").documents] == ["Luonnos", "Liite"]
    assert consultation.id
