"""What an official may type or upload that the authoring forms must refuse with a specific,
translated message at its field, in the error summary, keeping what was typed and storing
nothing (issue 16, "Done means"): unreadable, empty, NUL-filled and huge files, times
outside the calendar, a contact person without a name, a taken address seen on preview."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.timeutil import utcnow
from consultations.authoring.forms import MAX_DRAFT_CHARS
from consultations.models import Consultation, Document, DocumentVersion
from tests.consultations.authoring.helpers import new_form, use_language
from tests.consultations.authoring.test_create import NEW
from tests.conftest import csrf_from

TYPED = "Tämä kuvaus ei saa kadota."


def error_summary(html: str) -> str:
    found = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert found, "no error summary"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())


def nothing_stored() -> bool:
    return all(db.session.scalar(select(func.count(model.id))) == 0
               for model in (Consultation, Document, DocumentVersion))


def upload(client, name: str, data: bytes):
    form = new_form(csrf_from(client, NEW), organizer="hva", description=TYPED)
    form["parts-0-file"] = (io.BytesIO(data), name)
    return client.post(NEW, data=form, content_type="multipart/form-data")


@pytest.mark.parametrize("name, data, message", [
    ("rikki.docx", b"PK\x03\x04 not really a word document", "The file is not a readable Word document"),
    ("tyhja.docx", b"", "The file is not a readable Word document"),
    ("tyhja.txt", b"", "The draft is empty."),
    ("tyhja.md", b"\n\n   \n", "The draft is empty."),
    ("nul.txt", "Otsikko\n\nTeksti".encode("utf-16"), "The file is not UTF-8 text."),
    ("nul.md", b"# Otsikko\x00\n\nTeksti", "The file is not UTF-8 text."),
    ("nul.docx", b"\x00" * 4096, "The file is not a readable Word document"),
    ("iso.txt", b"Kappale.\n\n" * (MAX_DRAFT_CHARS // 10 + 1), "The text of the file is too long"),
    ("kuva.pdf", b"%PDF-1.4", "Unsupported file type"),
])
def test_a_failed_upload_is_named_at_its_field_and_leaves_nothing_behind(client, official, name, data, message):
    response = upload(client, name, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    field = html.split('id="parts-0-file-error"')[1].split("</p>")[0]
    assert message in field
    assert message in error_summary(html) and 'href="#parts-0-file"' in html
    assert TYPED in html and "Avustukset jaetaan hakemusten perusteella." in html  # the text box kept
    assert "Kappale.\n\nKappale." not in html  # a refused file does not fill the text box
    assert nothing_stored()


def test_a_request_beyond_the_size_limit_is_refused_with_a_translated_page(client, official, app):
    response = upload(client, "valtava.txt", b"a" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert response.status_code == 413
    assert "The file or text is too large." in response.get_data(as_text=True)
    assert nothing_stored()


def test_errors_in_parts_are_listed_by_field_not_as_data(client, official):
    form = new_form(csrf_from(client, NEW), organizer="hva", **{"parts-0-title": ""})
    html = client.post(NEW, data=form).get_data(as_text=True)
    summary = error_summary(html)
    assert "Title of the part: Give the part a title." in summary
    assert "{" not in summary and 'href="#parts-0-title"' in html


@pytest.mark.parametrize("field, value", [("opens_at", "0001-01-01T00:00"), ("closes_at", "9999-12-31T23:59")])
def test_a_time_outside_the_calendar_is_refused_at_its_field(client, official, field, value):
    for action in ("preview", "save"):
        response = client.post(NEW, data=new_form(csrf_from(client, NEW), organizer="hva", description=TYPED,
                                                  action=action, **{field: value}))
        html = response.get_data(as_text=True)
        assert response.status_code == (200 if action == "preview" else 422)
        if action == "save":
            assert "Give a time between the years 2000 and 2100." in html.split(f'id="{field}-error"')[1]
        assert TYPED in html
    assert nothing_stored()


def test_a_time_outside_the_calendar_is_refused_in_swedish(client, official):
    use_language(client, "sv")
    html = client.post(NEW, data=new_form(csrf_from(client, NEW), organizer="hva", opens_at="0001-01-01T00:00")
                       ).get_data(as_text=True)
    assert "Ange en tidpunkt mellan åren 2000 och 2100." in html


def test_extending_or_scheduling_to_a_time_outside_the_calendar_is_refused(client, official, make_consultation,
                                                                           authority):
    make_consultation(status="open", organizer=authority, slug="auki")
    make_consultation(status="upcoming", organizer=authority, published=False, slug="luonnos")
    csrf = csrf_from(client, "/consultations/auki/manage/")
    for url, data in (("/consultations/auki/manage/extend", {"closes_at": "9999-12-31T23:59", "note": "Lisää."}),
                      ("/consultations/luonnos/manage/schedule", {"publish_at": "0001-01-01T00:00"})):
        response = client.post(url, data={"csrf_token": csrf, **data})
        assert response.status_code == 303, url
    db.session.expire_all()
    assert Consultation.by_slug("auki").closes_at < utcnow() + timedelta(days=11)
    assert Consultation.by_slug("luonnos").publish_at is None


def test_an_open_consultation_is_edited_from_its_form_with_only_the_editable_fields(
        client, official, make_consultation, authority):
    """The page of an open consultation sends only the description and the closing time."""
    consultation = make_consultation(status="open", organizer=authority, slug="auki")
    url = "/consultations/auki/manage/edit"
    later = (consultation.closes_at + timedelta(days=2)).astimezone().strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, data={"csrf_token": csrf_from(client, url), "description": "Uusi kuvaus",
                                      "closes_at": later, "opens_at": "0001-01-01T00:00"})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert Consultation.by_slug("auki").description == "Uusi kuvaus"


def test_a_contact_person_without_a_name_is_refused_not_dropped(client, official):
    form = new_form(csrf_from(client, NEW), organizer="hva", **{"contacts-1-email": "toinen@example.org"})
    response = client.post(NEW, data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give the contact person's name." in html.split('id="contacts-1-name-error"')[1]
    assert "toinen@example.org" in html
    assert nothing_stored()


def test_a_taken_address_is_pointed_out_on_preview(client, official, make_consultation, authority):
    make_consultation(organizer=authority, slug="yhdistysavustusten-periaatteet")
    response = client.post(NEW, data=new_form(csrf_from(client, NEW), organizer="hva", action="preview"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="yhdistysavustusten-periaatteet"' in html  # suggested from the title, editable
    assert "already exists" in html.split('id="slug-error"')[1]
