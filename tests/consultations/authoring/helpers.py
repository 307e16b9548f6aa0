"""Word documents and form data for the authoring tests."""
from __future__ import annotations

import io

import docx


def docx_bytes(title: str = "Tausta", paragraphs: int = 2, bold_heading: str | None = None) -> bytes:
    """A Word document: a heading, numbered paragraphs, a bulleted list and a table; with
    `bold_heading` also a bold line without a heading style (what the importer must guess)."""
    document = docx.Document()
    document.add_heading(title, level=1)
    for n in range(paragraphs):
        document.add_paragraph(f"Kappale {n + 1} kertoo, mitä {title.lower()} tarkoittaa käytännössä.")
    if bold_heading:
        document.add_paragraph().add_run(bold_heading).bold = True
        document.add_paragraph("Tämän alla on tekstiä, jonka otsikko ei ole otsikkotyylinen.")
    document.add_paragraph("Ensimmäinen kohta", style="List Bullet")
    document.add_paragraph("Toinen kohta", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Vuosi", "Summa"
    table.cell(1, 0).text, table.cell(1, 1).text = "2027", "1000"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def new_form(csrf: str, **overrides) -> dict:
    """The fields of /manage/consultations/new for one part written in the text box."""
    data = {
        "csrf_token": csrf,
        "title": "Yhdistysavustusten periaatteet",
        "slug": "",
        "description": "Luonnos avustusten periaatteiksi.",
        "language": "fi",
        "opens_at": "2030-01-10T09:00",
        "closes_at": "2030-02-10T16:00",
        "commenters": "organizations",
        "diary_number": "HVA/123/2029",
        "contacts-0-name": "Maija Meikäläinen",
        "contacts-0-title": "erityisasiantuntija",
        "contacts-0-email": "maija@example.org",
        "contacts-0-phone": "040 123 4567",
        "parts-0-title": "Periaatteet",
        "parts-0-source": "# Tausta\n\nAvustukset jaetaan hakemusten perusteella.\n\n- Ensimmäinen ehto\n- Toinen ehto\n",
        "action": "save",
    }
    data.update(overrides)
    return data


def use_language(client, lang: str) -> None:
    from tests.conftest import csrf_from

    client.post("/language", data={"lang": lang, "csrf_token": csrf_from(client, "/"), "next": "/"})
