"""Exports of a published consultation's visible comments: CSV, XLSX and JSON.

One row per visible comment in the order of the response table; responses only once the
summary is published. Every spreadsheet cell that a spreadsheet could read as a formula
is neutralized (OWASP CSV injection); in CSV also where a spreadsheet splitting on the
other separator would start a cell, and every CSV field is quoted.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from flask import Blueprint, Response, abort, request
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from app.extensions import limiter
from app.i18n import local_time
from app.timeutil import utcnow
from comments.opendata.serializers import comment_dict, consultation_dict, iso
from comments.responses.render_cache import rendered
from comments.responses.table import ResponseTable, load_response_table
from consultations.models import Consultation

bp = Blueprint("exports", __name__)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_SEPARATORS = {",": ",", ";": ";"}
XLSX_CELL_MAX = 32767  # Excel's limit for the text of one cell
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Where a spreadsheet may start a cell inside a CSV field: after a separator (Excel
# splits on `;` or `,` by locale, whichever the file used) or a line break, once the
# quotes no longer protect it. Quote characters there are eaten as field quotes.
_CELL_START_INSIDE = re.compile(r'(?<=[,;\r\n])(?="*[=+\-@\t\r])')


def neutralize(value):
    """A text cell starting with = + - @ tab or carriage return gets a leading apostrophe,
    so no spreadsheet evaluates it; other values pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralize_csv(value):
    """`neutralize`, and the same apostrophe wherever a spreadsheet splitting the line on
    the other separator would start a cell with a formula character."""
    if not isinstance(value, str):
        return value
    value = _CELL_START_INSIDE.sub("'", value)
    return "'" + value if value.lstrip('"').startswith(FORMULA_PREFIXES) else value


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    width: int  # characters, for XLSX
    wrap: bool = False


def columns() -> list[Column]:
    return [
        Column("id", _("Comment ID"), 10),
        Column("paragraph", _("Paragraph"), 10),
        Column("anchor", _("Anchor"), 14),
        Column("organization", _("Organization"), 28, True),
        Column("author", _("Author"), 22, True),
        Column("created", _("Time (Helsinki)"), 17),
        Column("text", _("Comment"), 70, True),
        Column("decision", _("Decision"), 16, True),
        Column("response", _("Response"), 60, True),
    ]


def rows(table: ResponseTable) -> list[dict]:
    """Plain values per comment; `created` as a naive Helsinki datetime."""
    result = []
    for group in table.groups:
        for row in group.rows:
            comment = row.comment
            result.append(
                {
                    "id": comment.id,
                    "paragraph": group.paragraph.number if group.paragraph and comment.paragraph_anchor else "",
                    "anchor": comment.paragraph_anchor or "",
                    "organization": comment.organization.name if comment.organization else "",
                    "author": comment.author.display_name,
                    "created": local_time(comment.created_at).replace(tzinfo=None, microsecond=0),
                    "text": comment.body_source,
                    "decision": str(row.decision_label) if row.decision else "",
                    "response": row.response_source,
                }
            )
    return result


def to_csv(table: ResponseTable, separator: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, quoting=csv.QUOTE_ALL)
    cols = columns()
    writer.writerow([neutralize_csv(c.heading) for c in cols])
    for row in rows(table):
        writer.writerow([neutralize_csv(_csv_value(row[c.key])) for c in cols])
    # BOM: Excel reads the file as UTF-8 only with it.
    return buffer.getvalue().encode("utf-8-sig")


def _csv_value(value):
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else value


def _xlsx_value(value):
    if isinstance(value, str):
        return neutralize(ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_CELL_MAX])
    return value


def to_xlsx(table: ResponseTable) -> bytes:
    """Write-only (streamed) workbook: header row bold and frozen, autofilter over the
    data, column widths, text wrapped and aligned to the top."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Comments")[:31])
    cols = columns()
    for index, col in enumerate(cols, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = col.width
    sheet.freeze_panes = "A2"
    bold, wrap, top = Font(bold=True), Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")

    def cell(value, col: Column | None = None):
        result = WriteOnlyCell(sheet, value=_xlsx_value(value))
        if col is None:
            result.font = bold
        else:
            result.alignment = wrap if col.wrap else top
            if isinstance(value, datetime):
                result.number_format = "d.m.yyyy h:mm"
        if isinstance(result.value, str):
            result.data_type = "s"  # text, never a formula
        return result

    sheet.append([cell(c.heading) for c in cols])
    data = rows(table)
    for row in data:
        sheet.append([cell(row[c.key], c) for c in cols])
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(data) + 1}"
    workbook.properties.creator = "Kuulo"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_json(table: ResponseTable) -> bytes:
    comments = [
        comment_dict(row.comment, group.paragraph, row.response)
        for group in table.groups
        for row in group.rows
    ]
    document = {
        "consultation": consultation_dict(table.consultation),
        "exported_at": iso(utcnow()),  # when this rendering was made (exports are cached)
        "hidden_by_moderation": table.hidden_count,
        "comments": comments,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


# --- routes ----------------------------------------------------------------------------


def _published(slug: str) -> Consultation:
    consultation = Consultation.by_slug(slug)
    if consultation is None or not consultation.published:
        abort(404)
    return consultation


def _export(consultation: Consultation, kind: str, make: Callable[[ResponseTable], bytes]) -> bytes:
    """The export, from the render cache or built from the response table."""

    def build() -> bytes:
        return make(load_response_table(Consultation.with_draft(consultation.slug), published_only=True))

    return rendered(consultation, kind, build)


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/consultations/<slug>/export.csv")
@limiter.limit("30 per minute")
def csv_export(slug: str):
    separator = CSV_SEPARATORS.get(request.args.get("sep", ","))
    if separator is None:
        abort(400)
    data = _export(_published(slug), f"csv{separator}", lambda table: to_csv(table, separator))
    return _download(data, "text/csv", f"{slug}-comments.csv")


@bp.get("/consultations/<slug>/export.xlsx")
@limiter.limit("30 per minute")
def xlsx_export(slug: str):
    return _download(_export(_published(slug), "xlsx", to_xlsx), XLSX_MIME, f"{slug}-comments.xlsx")


@bp.get("/consultations/<slug>/export.json")
@limiter.limit("30 per minute")
def json_export(slug: str):
    response = Response(_export(_published(slug), "json", to_json), mimetype="application/json")
    response.headers["Content-Disposition"] = f'inline; filename="{slug}-comments.json"'
    return response
