"""Reading a Word document (DOCX) into draft blocks: headings with levels, paragraphs,
bulleted and numbered lists, tables, bold and italic. The archive is bounded by its
decompressed size before python-docx sees it (consultations/zip_limits.py)."""
from __future__ import annotations

import io
import re
import zipfile
import zlib

from markupsafe import escape

from app.markup import clean_draft_html
from consultations.importer import TYPED_BULLET, Block
from consultations.zip_limits import ArchiveTooLarge, ZipLimits, bounded_copy

_HEADING_STYLE = re.compile(r"^(?:heading|otsikko|rubrik)\s*(\d)$", re.IGNORECASE)
_LIST_STYLE = re.compile(r"list|luettelo|lista", re.IGNORECASE)
_LEADING_BULLET = re.compile(r"^((?:<[^>]+>)*)\s*[•◦▪‣]\s*")


class DocxError(ValueError):
    """The file is not a readable Word document."""


class DocxTooLarge(DocxError):
    """The document would inflate beyond the limits."""


def _runs_html(paragraph) -> str:
    parts = []
    for run in paragraph.runs:
        text = str(escape(run.text))
        if not text:
            continue
        if run.bold:
            text = f"<strong>{text}</strong>"
        if run.italic:
            text = f"<em>{text}</em>"
        parts.append(text)
    return "".join(parts)


def _is_list(paragraph) -> bool:
    style = paragraph.style.name if paragraph.style is not None else ""
    if _LIST_STYLE.search(style):
        return True
    properties = paragraph._p.pPr
    return properties is not None and properties.numPr is not None


def _table_block(table) -> Block:
    rows_html, texts = [], []
    for r, row in enumerate(table.rows):
        tag = "th" if r == 0 else "td"
        cells = []
        for cell in row.cells:
            cell_text = cell.text.strip()
            texts.append(cell_text)
            cells.append(f"<{tag}>{escape(cell_text)}</{tag}>")
        rows_html.append("<tr>" + "".join(cells) + "</tr>")
    html = "<table><tbody>" + "".join(rows_html) + "</tbody></table>"
    return Block("table", " | ".join(t for t in texts if t), clean_draft_html(html))


def parse_docx(data: bytes, limits: ZipLimits = ZipLimits()) -> list[Block]:
    try:
        data = bounded_copy(data, limits)
    except ArchiveTooLarge as error:
        raise DocxTooLarge(str(error)) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, RuntimeError, OSError,
            EOFError, ValueError) as error:  # damaged, encrypted, or compressed in a way zipfile cannot read
        raise DocxError(type(error).__name__) from None
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph as DocxParagraph

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise DocxError(str(error)) from None
    except Exception as error:  # python-docx raises its own PackageNotFoundError and lxml errors
        raise DocxError(type(error).__name__) from None

    from consultations.docx_lists import ListNumbering  # python-docx loads only when used

    styles: dict = {}

    class StyledParagraph(DocxParagraph):
        """python-docx looks a paragraph's style up among all styles on every access
        (seconds for a long draft); each style id is looked up once per document."""

        @property
        def style(self):
            style_id = self._p.style
            if style_id not in styles:
                styles[style_id] = DocxParagraph.style.fget(self)
            return styles[style_id]

    blocks: list[Block] = []
    numbering = ListNumbering(document)
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "tbl":
            blocks.append(_table_block(Table(child, document)))
            continue
        if tag != "p":
            continue
        paragraph = StyledParagraph(child, document)
        text = paragraph.text.strip()
        if not text:
            continue
        html = clean_draft_html(_runs_html(paragraph) or str(escape(text)))
        style = paragraph.style.name if paragraph.style is not None else ""
        heading = _HEADING_STYLE.match(style)
        if heading or style.lower() == "title":
            blocks.append(Block("heading", text, html, level=int(heading.group(1)) if heading else 1))
        elif _is_list(paragraph):
            level, marker = numbering.item(paragraph, style)
            blocks.append(Block("list_item", text, html, level=level, marker=marker))
        elif TYPED_BULLET.match(text):  # "• " typed by hand instead of a list style
            blocks.append(Block("list_item", TYPED_BULLET.sub("", text, count=1), _LEADING_BULLET.sub(r"\1", html, count=1)))
        else:
            blocks.append(Block("paragraph", text, html))
    return blocks
