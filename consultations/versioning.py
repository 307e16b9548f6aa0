"""Re-anchoring a new version of a draft onto its predecessor, and word-level diffs.

Paragraphs are matched by content hash first (duplicates pair up in document order), then
by the best word similarity among what is left, so lightly reworded, split, merged and
moved paragraphs keep their anchors. Whatever is not matched is new (a new anchor) or
removed (its anchor does not continue).
"""
from __future__ import annotations

import bisect
import difflib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Protocol, Sequence

from markupsafe import Markup, escape

SIMILARITY_THRESHOLD = 0.5
_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r"\s+|[^\s]+")


class Previous(Protocol):
    anchor: str
    content_hash: str
    text: str


@dataclass
class Matching:
    """Result of matching: the anchor each new block inherits (None = new) and what is left."""

    anchors: list[str | None]
    removed: list[str] = field(default_factory=list)
    moved: set[str] = field(default_factory=set)


def _words(text: str) -> Counter:
    return Counter(w.lower() for w in _WORD.findall(text))


def similarity(a: Counter, b: Counter) -> float:
    """Dice coefficient over word multisets: 1.0 same words, 0.0 nothing in common."""
    total = sum(a.values()) + sum(b.values())
    if not total:
        return 0.0
    return 2 * sum((a & b).values()) / total


def match_paragraphs(previous: Sequence[Previous], new_hashes: Sequence[str], new_texts: Sequence[str]) -> Matching:
    anchors: list[str | None] = [None] * len(new_hashes)
    used_old: set[int] = set()

    # 1. Same content: pair equal hashes in document order (identical paragraphs stay apart).
    old_by_hash: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(previous):
        old_by_hash[p.content_hash].append(i)
    for j, h in enumerate(new_hashes):
        candidates = old_by_hash.get(h)
        if candidates:
            i = candidates.pop(0)
            anchors[j] = previous[i].anchor
            used_old.add(i)

    # 2. Best word similarity among the rest; ties go to the nearest position.
    old_left = [i for i in range(len(previous)) if i not in used_old]
    new_left = [j for j in range(len(new_hashes)) if anchors[j] is None]
    if old_left and new_left:
        old_words = {i: _words(previous[i].text) for i in old_left}
        new_words = {j: _words(new_texts[j]) for j in new_left}
        scale_old, scale_new = max(len(previous), 1), max(len(new_hashes), 1)
        pairs = []
        for j in new_left:
            for i in old_left:
                score = similarity(new_words[j], old_words[i])
                if score >= SIMILARITY_THRESHOLD:
                    distance = abs(i / scale_old - j / scale_new)
                    pairs.append((-score, distance, j, i))
        pairs.sort()
        for _, _, j, i in pairs:
            if anchors[j] is None and i not in used_old:
                anchors[j] = previous[i].anchor
                used_old.add(i)

    removed = [previous[i].anchor for i in range(len(previous)) if i not in used_old]
    return Matching(anchors=anchors, removed=removed, moved=_moved(previous, anchors))


def _moved(previous: Sequence[Previous], anchors: Sequence[str | None]) -> set[str]:
    return moved_anchors([p.anchor for p in previous], anchors)


def moved_anchors(old_order: Sequence[str], new_order: Sequence[str | None]) -> set[str]:
    """Anchors present in both orders but outside the longest run that kept its order."""
    position = {a: i for i, a in enumerate(old_order)}
    sequence = [(position[a], a) for a in new_order if a is not None and a in position]
    return {a for _, a in sequence} - _longest_increasing(sequence)


def _longest_increasing(sequence: list[tuple[int, str]]) -> set[str]:
    tails: list[int] = []
    tail_index: list[int] = []
    parent = [-1] * len(sequence)
    for k, (value, _) in enumerate(sequence):
        pos = bisect.bisect_left(tails, value)
        if pos == len(tails):
            tails.append(value)
            tail_index.append(k)
        else:
            tails[pos] = value
            tail_index[pos] = k
        parent[k] = tail_index[pos - 1] if pos else -1
    result: set[str] = set()
    k = tail_index[-1] if tail_index else -1
    while k != -1:
        result.add(sequence[k][1])
        k = parent[k]
    return result


def word_diff(old: str, new: str, removed_label: str = "removed", added_label: str = "added") -> Markup:
    """Inline word-level difference of two plain texts as escaped HTML with <del>/<ins>.
    The markers carry visually hidden words so the change reads without colour or styles."""
    removed_label, added_label = escape(removed_label), escape(added_label)
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(str(escape("".join(a[a1:a2]))))
            continue
        if op in ("delete", "replace"):
            out.append(f'<del><span class="visually-hidden">[{removed_label}: </span>{escape("".join(a[a1:a2]))}<span class="visually-hidden">]</span></del>')
        if op in ("insert", "replace"):
            out.append(f'<ins><span class="visually-hidden">[{added_label}: </span>{escape("".join(b[b1:b2]))}<span class="visually-hidden">]</span></ins>')
    return Markup("".join(out))


@dataclass
class DiffRow:
    status: str  # unchanged / changed / moved / added / removed
    anchor: str
    number: str
    old_number: str | None
    html: Markup
    changed: bool = False


def diff_versions(old, new, removed_label: str = "removed", added_label: str = "added") -> list[DiffRow]:
    """Rows in the new version's order; removed paragraphs appear where they used to be."""
    old_paragraphs = list(old.paragraphs)
    old_by_anchor = {p.anchor: p for p in old_paragraphs}
    new_anchors = [p.anchor for p in new.paragraphs]
    present = set(new_anchors)
    moved = moved_anchors([p.anchor for p in old_paragraphs], new_anchors)

    removed_after: dict[str | None, list] = defaultdict(list)
    last_kept = None
    for p in old_paragraphs:
        if p.anchor in present:
            last_kept = p.anchor
        else:
            removed_after[last_kept].append(p)

    def removed_rows(key):
        return [
            DiffRow("removed", p.anchor, "", p.number,
                    Markup(f"<del>{escape(p.text)}</del>"))
            for p in removed_after.get(key, [])
        ]

    rows = removed_rows(None)
    for p in new.paragraphs:
        before = old_by_anchor.get(p.anchor)
        if before is None:
            rows.append(DiffRow("added", p.anchor, p.number, None, Markup(f"<ins>{escape(p.text)}</ins>")))
        else:
            changed = before.content_hash != p.content_hash
            html = word_diff(before.text, p.text, removed_label, added_label) if changed else escape(p.text)
            status = "moved" if p.anchor in moved else ("changed" if changed else "unchanged")
            rows.append(DiffRow(status, p.anchor, p.number, before.number, Markup(html), changed))
        rows.extend(removed_rows(p.anchor))
    return rows
