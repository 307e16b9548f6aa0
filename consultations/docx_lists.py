"""List levels and item numbers of a Word document, so that "3." in Word stays "3." in
the draft and a sub-item stays a sub-item.

Word keeps a list's format in the numbering part (w:num -> w:abstractNum -> w:lvl with
w:numFmt) and counts items per list (numId) and level, also across other paragraphs in
between; the paragraph (or its style) names the list and the level.
"""
from __future__ import annotations

from docx.oxml.ns import qn

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_STYLE_DEPTH = {"2": 1, "3": 2, "4": 3, "5": 4}


def _number_properties(paragraph):
    """The paragraph's w:numPr, or its style's."""
    for element in (paragraph._p, paragraph.style.element if paragraph.style is not None else None):
        properties = element.pPr if element is not None else None
        if properties is not None and properties.numPr is not None:
            return properties.numPr
    return None


def _value(element, tag: str) -> str | None:
    child = element.find(qn(tag)) if element is not None else None
    return child.get(qn("w:val")) if child is not None else None


def _format_number(number: int, fmt: str, text: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letter = _LETTERS[(number - 1) % len(_LETTERS)]
        digit = letter.upper() if fmt == "upperLetter" else letter
    else:
        digit = str(number)
    # Word writes the label as e.g. "%1." or "%2)": keep its punctuation.
    suffix = text.rsplit("%", 1)[-1][1:] if "%" in text else "."
    return f"{digit}{suffix or '.'}"


class ListNumbering:
    """Levels and markers of the list paragraphs of one document, in document order."""

    def __init__(self, document) -> None:
        self._formats: dict[tuple[str, int], tuple[str, str]] = {}
        self._counters: dict[str, list[int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return  # no numbering part: bullets by style only
        abstract = {a.get(qn("w:abstractNumId")): a for a in numbering.findall(qn("w:abstractNum"))}
        for num in numbering.findall(qn("w:num")):
            definition = abstract.get(_value(num, "w:abstractNumId"))
            if definition is None:
                continue
            for level in definition.findall(qn("w:lvl")):
                key = (num.get(qn("w:numId")), int(level.get(qn("w:ilvl"), "0")))
                self._formats[key] = (_value(level, "w:numFmt") or "bullet", _value(level, "w:lvlText") or "")

    def item(self, paragraph, style: str) -> tuple[int, str]:
        """(depth, marker) of a list paragraph; the marker is empty for bullets."""
        # "List Bullet 2" is one level down by its style (and its own list at level 0).
        style_depth = _STYLE_DEPTH.get(style[-1:], 0)
        properties = _number_properties(paragraph)
        if properties is None:
            return style_depth, ""
        num_id = _value(properties, "w:numId") or ""
        level = min(int(_value(properties, "w:ilvl") or 0), 8)
        fmt, text = self._formats.get((num_id, level), ("bullet", ""))
        counters = self._counters.setdefault(num_id, [0] * 9)
        counters[level] += 1
        counters[level + 1:] = [0] * (len(counters) - level - 1)  # a new item restarts its sub-lists
        marker = "" if fmt in ("bullet", "none") else _format_number(counters[level], fmt, text)
        return max(level, style_depth), marker
