"""Turning a draft's source (Markdown or plain text) into numbered, anchored blocks."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from app.markup import parse_markdown, render_markdown_inline, render_markdown_tokens, render_plain

BULLET = re.compile(r"^\s*(?:[•◦▪‣·*]|[-–—](?=\s))\s*")
# A bullet Markdown does not know: text pasted from a word processor ("• Kohta").
TYPED_BULLET = re.compile(r"^\s*[•◦▪‣]\s*")
HEADING_MAX_WORDS = 12
HEADING_MAX_CHARS = 120
SENTENCE_END = (".", ",", ";", ":", "!", "?", "…")


@dataclass
class Block:
    kind: str  # heading / paragraph / list_item / table / figure
    text: str
    html: str
    level: int = 0  # heading level (1 = top); for a list item its depth (0 = top)
    marker: str = ""  # an ordered list item's number as written ("3."); bullets have none

    @property
    def content_hash(self) -> str:
        normalized = " ".join(unicodedata.normalize("NFC", self.text).split())
        return hashlib.sha256(f"{self.kind}:{normalized}".encode()).hexdigest()


class ImportError_(ValueError):
    """The source cannot be made into a draft."""


def _normalize(source: str) -> str:
    source = unicodedata.normalize("NFC", source.replace("\r\n", "\n").replace("\r", "\n"))
    return source.replace("\u00a0", " ").replace("\ufeff", "")


def _looks_like_heading(line: str) -> bool:
    stripped = line.strip()
    return (
        0 < len(stripped) <= HEADING_MAX_CHARS
        and len(stripped.split()) <= HEADING_MAX_WORDS
        and not stripped.endswith(SENTENCE_END)
        and not stripped[0].isdigit()
        and ": " not in stripped
        and "@" not in stripped
    )


def parse_text(source: str) -> list[Block]:
    """Blank lines separate blocks; bullet lines are list items; a short single line
    without closing punctuation is a heading."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", _normalize(source)):
        lines = [line.rstrip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        pending: list[str] = []
        items: list[list[str]] = []
        for line in lines:
            if BULLET.match(line):
                items.append([BULLET.sub("", line, count=1).strip()])
            elif items:
                items[-1].append(line.strip())
            else:
                pending.append(line.strip())
        if pending:
            text = "\n".join(pending)
            if len(pending) == 1 and not items and _looks_like_heading(text):
                blocks.append(Block("heading", text, render_plain(text), level=1))
            else:
                blocks.append(Block("paragraph", text, render_plain(text)))
        for item in items:
            text = " ".join(item)
            if text:
                blocks.append(Block("list_item", text, render_plain(text)))
    return blocks


def _inline_text(token) -> str:
    """Plain text of an inline token: what search and excerpts use."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def parse_markdown_source(source: str) -> list[Block]:
    """Every heading, top-level paragraph, list item (at any depth) and table is a block."""
    tokens = parse_markdown(_normalize(source))
    blocks: list[Block] = []
    open_tags: list = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "table_open":
            end = next(i for i in range(index, len(tokens)) if tokens[i].type == "table_close")
            cells = [t.content for t in tokens[index:end] if t.type == "inline"]
            html = render_markdown_tokens(tokens[index : end + 1])
            blocks.append(Block("table", " | ".join(cells), html))
            index = end + 1
            continue
        if token.nesting == 1:
            open_tags.append(token)
        elif token.nesting == -1:
            open_tags.pop()
        elif token.type == "inline" and token.content.strip():
            blocks.extend(_typed_bullets(token, open_tags) or [_inline_block(token, open_tags)])
        elif token.type in ("fence", "code_block") and token.content.strip():
            text = token.content.strip()
            blocks.append(Block("paragraph", text, render_plain(text)))
        index += 1
    return blocks


def _inline_block(token, open_tags: list) -> Block:
    content = token.content.strip()
    html = render_markdown_inline(content)
    text = _inline_text(token).strip() or content
    if open_tags and open_tags[-1].type == "heading_open":
        return Block("heading", text, html, level=int(open_tags[-1].tag[1]))
    items = [tag for tag in open_tags if tag.type == "list_item_open"]
    if items:
        item = items[-1]
        marker = f"{item.info}{item.markup}" if item.info else ""  # ordered: "3" and "." or ")"
        return Block("list_item", text, html, level=len(items) - 1, marker=marker)
    if _is_image_only(token):
        return Block("figure", text, render_plain(text))
    return Block("paragraph", text, html)


def _typed_bullets(token, open_tags: list) -> list[Block]:
    """A paragraph of lines beginning with "•" (pasted from a word processor): its lines
    before the first bullet stay a paragraph, each bullet line becomes a list item."""
    if [tag.type for tag in open_tags] != ["paragraph_open"]:
        return []
    lines = [line for line in token.content.split("\n") if line.strip()]
    first = next((n for n, line in enumerate(lines) if TYPED_BULLET.match(line)), None)
    if first is None:
        return []
    blocks = []
    if first:
        text = "\n".join(line.strip() for line in lines[:first])
        blocks.append(Block("paragraph", _plain_inline(text), render_markdown_inline(text)))
    items: list[list[str]] = []
    for line in lines[first:]:
        if TYPED_BULLET.match(line):
            items.append([TYPED_BULLET.sub("", line, count=1).strip()])
        else:
            items[-1].append(line.strip())
    for item in items:
        text = " ".join(item)
        if text:
            blocks.append(Block("list_item", _plain_inline(text), render_markdown_inline(text)))
    return blocks


def _plain_inline(source: str) -> str:
    inline = next((t for t in parse_markdown(source) if t.type == "inline"), None)
    return (_inline_text(inline).strip() if inline is not None else "") or source


def _is_image_only(token) -> bool:
    children = [c for c in (token.children or []) if c.type not in ("softbreak", "hardbreak")]
    return bool(children) and all(c.type == "image" for c in children)


def parse_source(source: str, source_format: str) -> list[Block]:
    blocks = parse_markdown_source(source) if source_format == "markdown" else parse_text(source)
    if not blocks:
        raise ImportError_("empty")
    return blocks


def number_blocks(blocks: list[Block], sections_before: int = 0) -> list[str]:
    """Display numbers, headings numbered as sections: each top-level heading opens
    section k; a subheading takes the next number in the section around it (k.4) and
    opens a section of its own, so the blocks under it are k.4.1, k.4.2, ... and not
    k.5, k.6 as if the subheading were one more paragraph. Numbering continues across
    the parts of a multi-part draft (`sections_before`); text before the first heading
    of the first part is section 0, of a later part a section of its own."""
    levels = [b.level for b in blocks if b.kind == "heading"]
    top = min(levels) if levels else 1
    section = sections_before
    if sections_before and blocks and not (blocks[0].kind == "heading" and blocks[0].level <= top):
        section += 1
    # Open sections, outermost first: [heading level, number, blocks numbered in it so far].
    open_sections: list[list] = [[top, str(section), 0]]
    numbers = []
    for block in blocks:
        if block.kind == "heading" and block.level <= top:
            section += 1
            open_sections = [[top, str(section), 0]]
            numbers.append(str(section))
            continue
        if block.kind == "heading":
            while len(open_sections) > 1 and open_sections[-1][0] >= block.level:
                open_sections.pop()
        around = open_sections[-1]
        around[2] += 1
        number = f"{around[1]}.{around[2]}"
        numbers.append(number)
        if block.kind == "heading":
            open_sections.append([block.level, number, 0])
    return numbers


def sections_in(numbers: list[str]) -> int:
    """How many top-level sections a numbering used (for the next part to continue)."""
    return max((int(n.split(".")[0]) for n in numbers), default=0)


def new_anchor(block: Block, taken: set[str]) -> str:
    """p-<first 8 hex of the content hash>, made unique within the consultation."""
    base = f"p-{block.content_hash[:8]}"
    anchor, n = base, 2
    while anchor in taken:
        anchor, n = f"{base}-{n}", n + 1
    taken.add(anchor)
    return anchor
