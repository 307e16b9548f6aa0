"""The public summary page: the official's synthesis, key figures, charts and the
response table (vastinetaulukko). Exists only once the summary is published."""
from __future__ import annotations

from collections import Counter

from flask import Blueprint, abort, current_app, render_template, request

from comments.http_caching import conditional
from comments.responses.render_cache import content_stamp, page_around, rendered
from comments.responses.statistics import comments_over_time, key_figures, organization_kinds, paragraph_bars
from comments.responses.summary import published_summary_of
from comments.responses.table import load_response_table
from consultations.models import Consultation

bp = Blueprint("summary", __name__)


@bp.get("/consultations/<slug>/summary")
def show(slug: str):
    consultation = Consultation.by_slug(slug)
    if consultation is None or not consultation.published or consultation.summary_published_at is None:
        abort(404)
    page = request.args.get("page", 1, type=int)  # not a number: the first page
    if not 1 <= page <= 100_000:
        abort(404)
    stamp = content_stamp(consultation)
    kind = "summary" if page == 1 else f"summary:{page}"
    return conditional(consultation, stamp, lambda: page_around(
        "summary/show.html", rendered(consultation, kind, lambda: _render_body(slug, page).encode("utf-8"), stamp),
        consultation=consultation))


def _render_body(slug: str, page: int) -> str:
    """Everything below the page header; the same for every visitor. The synthesis, the
    figures and the charts are on the first page; every page has its part of the table."""
    consultation = Consultation.with_draft(slug)
    summary = published_summary_of(consultation)
    table = load_response_table(consultation, published_only=True)
    part = table.page(page, current_app.config["SUMMARY_PAGE_ROWS"])
    if part is None:
        abort(404)
    groups, pages = part
    context = dict(consultation=consultation, summary=summary, table=table, groups=groups, page=page, pages=pages)
    if page > 1:
        return render_template("summary/_body.html", **context)
    comments = [row.comment for row in table.rows]
    counts = Counter(c.paragraph_anchor for c in comments if c.paragraph_anchor)
    commented = [g.paragraph for g in table.groups if g.paragraph is not None and not g.removed]
    over_time, period = comments_over_time(comments)
    answered = {c.organization_id for c in comments if c.organization_id}  # visible comments only
    invited = sorted((i.organization.name, i.organization_id in answered) for i in consultation.invitations)
    return render_template(
        "summary/_body.html",
        **context,
        figures=key_figures(table),
        paragraph_chart=paragraph_bars(commented, counts),
        kind_chart=organization_kinds(comments),
        time_chart=over_time,
        period=period,
        invited=invited,  # who was asked for a statement, and who gave one (issue 16)
    )


def heat_strip(discussion):
    """Bars of the consultation page's heat strip: every paragraph of the draft as shown
    (a template global, app/template_helpers.py)."""
    return paragraph_bars(list(discussion.paragraphs.values()), discussion.counts)
