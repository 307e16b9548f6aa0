"""Figures about a consultation's visible comments, shaped for the SVG charts and their
table alternatives (templates/macros/charts.html). Pure functions over loaded rows:
no queries here, so a page's query count does not depend on its charts."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from app.i18n import local_time
from comments.models import Comment
from comments.responses.official import DECISIONS
from consultations.models import Paragraph

ORGANIZATION_KIND_LABELS = {
    "authority": _l("Authorities"),
    "association": _l("Associations"),
    "foundation": _l("Foundations"),
    "company": _l("Companies"),
    "other": _l("Other organizations"),
}
DAILY_UP_TO = 62  # a longer period is shown by week


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    share: float  # value / the largest value in the chart, 0..1
    href: str | None = None
    detail: str = ""


def _bars(items: list[tuple[str, int, str | None, str]]) -> list[Bar]:
    top = max((value for _, value, _, _ in items), default=0)
    return [Bar(label, value, value / top if top else 0.0, href, detail) for label, value, href, detail in items]


def paragraph_bars(paragraphs: list[Paragraph], counts: Counter) -> list[Bar]:
    """One bar per paragraph of the draft, in document order; `counts` by anchor."""
    return _bars([(p.number, counts.get(p.anchor, 0), f"#{p.anchor}", p.excerpt(60)) for p in paragraphs])


def organization_kinds(comments: list[Comment]) -> list[Bar]:
    """Organizations that took part, by kind; individuals as their own bar."""
    organizations = {c.organization.id: c.organization for c in comments if c.organization is not None}
    kinds = Counter(o.kind for o in organizations.values())
    individuals = len({c.author_id for c in comments if c.organization is None})
    items = [(str(label), kinds[kind], None, "") for kind, label in ORGANIZATION_KIND_LABELS.items() if kinds[kind]]
    if individuals:
        items.append((str(_l("Individuals")), individuals, None, ""))
    return _bars(items)


def comments_over_time(comments: list[Comment]) -> tuple[list[Bar], str]:
    """Comments per day (Helsinki time) from the first to the last, or per week when the
    period is long. Returns the bars and "day" or "week"."""
    days = [local_time(c.created_at).date() for c in comments]
    if not days:
        return [], "day"
    first, last = min(days), max(days)
    if (last - first).days < DAILY_UP_TO:
        per_day = Counter(days)
        span = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        return _bars([(f"{d.day}.{d.month}.", per_day[d], None, d.isoformat()) for d in span]), "day"
    per_week = Counter(_monday(d) for d in days)
    start, weeks = _monday(first), []
    while start <= last:
        weeks.append(start)
        start += timedelta(days=7)
    return _bars([(_week_label(w), per_week[w], None, w.isoformat()) for w in weeks]), "week"


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _week_label(monday: date) -> str:
    return f"{monday.isocalendar().week}/{monday.isocalendar().year}"


@dataclass(frozen=True)
class KeyFigures:
    comments: int
    organizations: int
    individuals: int
    paragraphs_commented: int
    hidden: int
    answered: int
    decisions: list[tuple[str, int]]


def key_figures(table) -> KeyFigures:
    """Headline numbers of a ResponseTable (comments/responses/table.py)."""
    rows = table.rows
    comments = [r.comment for r in rows]
    decided = Counter(r.decision for r in rows if r.decision)
    return KeyFigures(
        comments=len(comments),
        organizations=len({c.organization_id for c in comments if c.organization_id}),
        individuals=len({c.author_id for c in comments if c.organization_id is None}),
        paragraphs_commented=len({c.paragraph_anchor for c in comments if c.paragraph_anchor}),
        hidden=table.hidden_count,
        answered=sum(decided.values()),
        decisions=[(str(label), decided[key]) for key, label in DECISIONS.items()],
    )
