"""The draft as the official edits it in the browser: an uploaded file (.md, .txt, .docx)
becomes Markdown in the form's text box, with a list of what the importer had to guess,
and the text box becomes numbered paragraphs exactly as the public page shows them."""
from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.i18n import format_number
from consultations.authoring.forms import MAX_DRAFT_CHARS
from consultations.importer import Block, ImportError_, _looks_like_heading, number_blocks, parse_source, sections_in
from consultations.original_files import Upload
from consultations.services import ConsultationError, read_source

_TAG = re.compile(r"(<[^>]+>)")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+[.)])")
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_CELL = re.compile(r"<t[hd]>(.*?)</t[hd]>", re.S)
_EMPHASIS = {"strong": "**", "b": "**", "em": "*", "i": "*"}
BOLD_HEADING_MAX_CHARS = 80


@dataclass
class PreviewParagraph:
    """What `consultations/_paragraph_text.html` needs of a paragraph, before it is saved."""

    kind: str
    level: int
    marker: str
    number: str
    html: str
    anchor: str
    text: str = ""  # a heading's text, for the table of contents

    @property
    def body(self) -> Markup:
        return Markup(self.html)  # importer output: cleaned by app.markup

    @property
    def heading_tag(self) -> str:
        return f"h{min(6, max(3, self.level + 2))}"


@dataclass
class UploadedDraft:
    markdown: str
    guesses: list = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)  # what `markdown` parses back into


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _inline_markdown(html: str) -> str:
    """Markdown of a block's cleaned HTML: text with bold and italic; other tags dropped."""
    parts = []
    for piece in _TAG.split(html):
        if piece.startswith("<"):
            name = piece.strip("</>").split()[0].lower() if piece.strip("</>") else ""
            parts.append(_EMPHASIS.get(name, ""))
        else:
            parts.append(_escape(html_lib.unescape(piece)))
    text = " ".join("".join(parts).split())
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)


def _table_markdown(block: Block) -> str:
    rows = [[_escape(html_lib.unescape(re.sub("<[^>]+>", "", c))).strip() or " " for c in _CELL.findall(r)]
            for r in _ROW.findall(block.html)]
    if not rows:
        return _escape(block.text)
    width = max(len(r) for r in rows)
    rows = [r + [" "] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def blocks_to_markdown(blocks: list[Block], plain: bool = False) -> str:
    """Markdown that parses back into the same blocks. `plain` blocks (from a .txt file)
    have no markup in their text."""
    out = []
    for block in blocks:
        text = _inline_markdown(block.html) if not plain else _inline_markdown(html_lib.escape(block.text))
        if block.kind == "heading":
            out.append("#" * max(1, min(6, block.level)) + " " + text)
        elif block.kind == "list_item":
            indent = "    " * block.level
            marker = block.marker if re.fullmatch(r"\d+[.)]", block.marker or "") else "-"
            if block.marker and marker == "-":
                text = _escape(block.marker) + " " + text
            out.append(f"{indent}{marker} {text}")
        elif block.kind == "table":
            out.append(_table_markdown(block))
        else:
            out.append(text)
    return "\n\n".join(out) + "\n"


def _quote(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def guesses_of(blocks: list[Block], source_format: str) -> list:
    """What the importer decided without being told, for the official to check. Besides
    the guesses of reading a file, a short all-bold paragraph is pointed out whatever the
    source: it is usually a heading (shown again on every preview until it is fixed)."""
    found = []
    if source_format == "text":
        for block in blocks:
            if block.kind == "heading":
                found.append(_l("“%(text)s” was taken as a heading (a short line without closing punctuation).",
                                text=_quote(block.text)))
        items = sum(1 for b in blocks if b.kind == "list_item")
        if items:
            found.append(_l("%(n)d lines beginning with a bullet were taken as list items.", n=items))
    for block in blocks:
        if (block.kind == "paragraph" and len(block.text) <= BOLD_HEADING_MAX_CHARS
                and block.html.startswith("<strong>") and block.html.endswith("</strong>")
                and _looks_like_heading(block.text)):
            found.append(_l("“%(text)s” is bold but has no heading style, so it was taken as a paragraph.",
                            text=_quote(block.text)))
        if block.kind == "list_item" and block.marker and not re.fullmatch(r"\d+[.)]", block.marker):
            found.append(_l("The list item “%(text)s” keeps its marker %(marker)s as text.",
                            text=_quote(block.text), marker=block.marker))
    for block in blocks:
        if block.kind == "table":
            found.append(_l("A table (“%(text)s”) was kept as a table; its first row is the header row.",
                            text=_quote(block.text)))
        elif block.kind == "figure":
            found.append(_l("An image (“%(text)s”) was kept as its description only.", text=_quote(block.text)))
    return found


def read_upload(filename: str, data: bytes) -> UploadedDraft:
    """An uploaded draft file as Markdown for the text box; ConsultationError when unreadable."""
    blocks, source, source_format = read_source(filename, data)
    guesses = guesses_of(blocks, source_format)
    if source_format == "markdown":
        return UploadedDraft(source, guesses, blocks)
    return UploadedDraft(blocks_to_markdown(blocks, plain=source_format == "text"), guesses, blocks)


def check_draft_length(markdown: str) -> None:
    """A file's text that would not fit the text box is refused before it fills it."""
    if len(markdown) > MAX_DRAFT_CHARS:
        raise ConsultationError(_l("The text of the file is too long: %(chars)s characters, at most %(limit)s.",
                                   chars=format_number(len(markdown)), limit=format_number(MAX_DRAFT_CHARS)))


def read_part(upload, source: str) -> tuple[list[Block], str, Upload | None]:
    """The blocks and the Markdown of one part and the file it was read from: the uploaded
    file's, else the typed text's."""
    if upload is not None and getattr(upload, "filename", ""):
        original = Upload(upload.filename, upload.read())
        draft = read_upload(original.filename, original.data)
        check_draft_length(draft.markdown)
        return draft.blocks, draft.markdown, original
    try:
        return parse_source(source or "", "markdown"), source, None
    except ImportError_:
        raise ConsultationError(_l("Upload a file or write the text of the part.")) from None


def parse_parts(sources: list[str], uploaded: list[list[Block] | None] | None = None) -> list[list[Block]]:
    """The blocks of each part's Markdown; ConsultationError names the first empty part.
    A part whose file was read in this request keeps the file's blocks (its Markdown parses
    back into the same blocks, and the draft is not sanitized twice)."""
    parsed = []
    for number, source in enumerate(sources, start=1):
        known = uploaded[number - 1] if uploaded and number <= len(uploaded) else None
        if known:
            parsed.append(known)
            continue
        try:
            parsed.append(parse_source(source or "", "markdown"))
        except ImportError_:
            raise ConsultationError(_l("Part %(n)d of the draft is empty.", n=number)) from None
    return parsed


def preview_parts(parsed: list[list[Block]]) -> list[list[PreviewParagraph]]:
    """Numbered paragraphs of every part, numbering continuing across parts as it will
    when saved (consultations.services._sections_before)."""
    result, sections = [], 0
    for blocks in parsed:
        numbers = number_blocks(blocks, sections)
        sections = sections_in(numbers) if numbers else sections
        result.append([
            PreviewParagraph(b.kind, b.level, b.marker, n, b.html, f"preview-{len(result) + 1}-{i}", b.text)
            for i, (b, n) in enumerate(zip(blocks, numbers), start=1)
        ])
    return result


def preview_contents(titled_parts: list[tuple[str, list]]) -> list[tuple[SimpleNamespace, SimpleNamespace]]:
    """Unsaved parts as the (document, version) pairs the table of contents reads
    (consultations/_contents.html), each with an id of its own for the links."""
    return [(SimpleNamespace(id=f"preview-{n}", title=title), SimpleNamespace(paragraphs=paragraphs))
            for n, (title, paragraphs) in enumerate(titled_parts, start=1)]
