"""The draft read as a document: runs of list items as real (nested) lists, and the table
of contents of a draft's parts and headings. Each block keeps its own element and anchor;
only the list elements around the items are added here."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

from markupsafe import Markup

LIST_OPEN = {"ul": Markup('<ul class="para-list">'), "ol": Markup('<ol class="para-list">')}
# How many headings (counted over all parts) make a single-part draft worth a contents list.
TOC_MIN_HEADINGS = 2


def _list_tag(block) -> str:
    """An item written with a number ("3.", "b)") belongs to an ordered list."""
    return "ol" if block.marker else "ul"


def document_outline(blocks: Sequence) -> list[tuple[Markup, object | None]]:
    """(markup before the block, block) for each block, then (closing markup, None).
    A list item is an open <li> (its closing tag comes with what follows it, so a deeper
    item's list nests inside it); every other block closes its own element."""
    rows: list[tuple[Markup, object | None]] = []
    open_lists: list[str] = []  # the tag of each open list, outermost first

    def close_to(depth: int) -> list[str]:
        closed = []
        while len(open_lists) > depth:
            closed.append(f"</li></{open_lists.pop()}>")
        return closed

    for block in blocks:
        before: list[str] = []
        if block.kind != "list_item":
            before = close_to(0)
        else:
            depth = min(max(block.level, 0), len(open_lists))  # a skipped level nests one deeper only
            tag = _list_tag(block)
            before = close_to(depth + 1)
            if len(open_lists) == depth + 1:
                if open_lists[-1] == tag:
                    before.append("</li>")  # the previous item of the same list
                else:
                    before += close_to(depth)  # bullets after numbers (or back): a list of its own
            if len(open_lists) == depth:
                before.append(LIST_OPEN[tag])
                open_lists.append(tag)
        rows.append((Markup("".join(before)), block))
    rows.append((Markup("".join(close_to(0))), None))
    return rows


@dataclass
class ContentsPart:
    """One part of the draft in the table of contents, with its headings in order."""

    document: object
    headings: list = field(default_factory=list)


def table_of_contents(parts: Iterable[tuple[object, object | None]]) -> list[ContentsPart]:
    """The parts (document, shown version) and their headings, or an empty list when the
    draft has one part and fewer than TOC_MIN_HEADINGS headings (nothing to find)."""
    contents = [
        ContentsPart(document, [p for p in (version.paragraphs if version else []) if p.kind == "heading"])
        for document, version in parts
    ]
    headings = sum(len(part.headings) for part in contents)
    if len(contents) > 1 or headings >= TOC_MIN_HEADINGS:
        return contents
    return []
