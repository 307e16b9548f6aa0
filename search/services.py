"""Searching the archive: checking the parameters, asking the engine, loading the hits
from the database in the engine's order (visible comments of published consultations
only, whatever the index says) and highlighting the original words."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Organization, valid_slug
from app.timeutil import utcnow
from comments.models import Comment
from consultations.models import Consultation, Document, DocumentVersion, Paragraph
from search.analysis import detect_language, highlight
from search.documents import comment_text
from search.engine import KINDS, SORTS, SearchRequest, current_engine
from search.query import MAX_QUERY_LENGTH, MAX_QUERY_WORDS, MIN_PREFIX, ParsedQuery, QueryError, parse_query

log = logging.getLogger(__name__)

PER_PAGE = 10
MAX_PAGE = 100
FACET_SIZE = 10

KIND_LABELS = {"paragraph": _l("Draft paragraphs"), "comment": _l("Comments")}
QUERY_MESSAGES = {
    "empty": _l("Type a word or a phrase to search the archive."),
    "too_long": _l(
        "The search is too long. Use at most %(chars)d characters and %(words)d words.",
        chars=MAX_QUERY_LENGTH, words=MAX_QUERY_WORDS,
    ),
    "broken": _l(
        "The search could not be understood. Check the quotation marks and the word OR, then try again."
    ),
    "short_prefix": _l("Type at least %(n)d letters before the asterisk (*).", n=MIN_PREFIX),
    "only_negative": _l("Add at least one word to search for, not only words to leave out."),
    "no_words": _l("The search has no words to look for. Use letters or numbers."),
}


class InvalidSearch(ValueError):
    """A filter, sort or page parameter outside its allow-list."""


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    kind: str = ""
    consultation: str = ""
    organization: str = ""
    year: int | None = None
    sort: str = "relevance"
    page: int = 1
    include_open: bool = False

    def args(self, **changes) -> dict:
        """Query-string arguments for a link: changing a filter goes back to page 1."""
        params = replace(self, **({"page": 1} | changes))
        values = {
            "q": params.q, "type": params.kind, "consultation": params.consultation,
            "organization": params.organization, "year": params.year,
            "sort": params.sort if params.sort != "relevance" else None,
            "page": params.page if params.page != 1 else None,
            "open": "1" if params.include_open else None,
        }
        return {key: value for key, value in values.items() if value not in (None, "")}


def _int(value: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidSearch(value) from None
    if not low <= number <= high:
        raise InvalidSearch(value)
    return number


def parse_params(args) -> SearchParams:
    kind = args.get("type", "")
    if kind and kind not in KINDS:
        raise InvalidSearch("type")
    sort = args.get("sort") or "relevance"
    if sort not in SORTS:
        raise InvalidSearch("sort")
    slugs = {}
    for name in ("consultation", "organization"):
        slug = args.get(name, "")
        if slug and not valid_slug(slug):
            raise InvalidSearch(name)
        slugs[name] = slug
    year = args.get("year", "")
    return SearchParams(
        q=(args.get("q") or "")[: MAX_QUERY_LENGTH * 5],
        kind=kind,
        year=_int(year, 1900, 2200) if year else None,
        sort=sort,
        page=_int(args.get("page") or "1", 1, MAX_PAGE),
        include_open=args.get("open") == "1",
        **slugs,
    )


@dataclass
class ResultItem:
    kind: str
    url: str
    consultation: Consultation
    number: str | None  # paragraph number
    author: str | None  # organization (or person) of a comment
    date: datetime
    snippet: list[tuple[str, bool]]

    @property
    def kind_label(self):
        return _l("Draft paragraph") if self.kind == "paragraph" else _l("Comment")


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchPage:
    params: SearchParams
    message: str | None = None
    total: int = 0
    items: list[ResultItem] = field(default_factory=list)
    facets: dict[str, list[FacetOption]] = field(default_factory=dict)
    searched: bool = False
    ranked_only: int | None = None  # relevance ranked only the newest this many matches

    @property
    def pages(self) -> int:
        return min(MAX_PAGE, max(1, -(-self.total // PER_PAGE)))


def _resolve(model, slug: str) -> int | None:
    if not slug:
        return None
    query = select(model.id).where(model.slug == slug)
    if model is Consultation:
        query = query.where(Consultation.published.is_(True))
    found = db.session.scalar(query)
    return found if found is not None else -1  # an unknown slug matches nothing


def search_archive(params: SearchParams, url_for_hit, now: datetime | None = None) -> SearchPage:
    """`url_for_hit(kind, obj)` builds the link of a hit (views know the URLs)."""
    page = SearchPage(params=params)
    if not params.q.strip():
        return page
    try:
        parsed = parse_query(params.q)
    except QueryError as error:
        page.message = QUERY_MESSAGES[error.reason]
        return page
    request = SearchRequest(
        query=parsed, now=now or utcnow(), include_open=params.include_open, kind=params.kind or None,
        consultation_id=_resolve(Consultation, params.consultation),
        organization_id=_resolve(Organization, params.organization),
        year=params.year, sort=params.sort, offset=(params.page - 1) * PER_PAGE, limit=PER_PAGE,
    )
    results = current_engine().search(request)
    page.searched = True
    page.total = results.total
    page.ranked_only = results.ranked_only
    page.items = _load_items(results.hits, parsed, url_for_hit)
    page.facets = _facet_options(results.facets, params)
    return page


def _load_items(hits, parsed: ParsedQuery, url_for_hit) -> list[ResultItem]:
    paragraph_ids = [h.object_id for h in hits if h.kind == "paragraph"]
    comment_ids = [h.object_id for h in hits if h.kind == "comment"]
    paragraphs = {
        p.id: p for p in db.session.scalars(
            select(Paragraph)
            .join(DocumentVersion, DocumentVersion.id == Paragraph.version_id)
            .join(Document, Document.id == DocumentVersion.document_id)
            .join(Consultation, Consultation.id == Document.consultation_id)
            .where(Paragraph.id.in_(paragraph_ids), Consultation.published.is_(True),
                   Paragraph.version_id.in_(DocumentVersion.latest_published_ids()))
            .options(selectinload(Paragraph.version).selectinload(DocumentVersion.document)
                     .selectinload(Document.consultation))
        )
    } if paragraph_ids else {}
    comments = {
        c.id: c for c in db.session.scalars(
            select(Comment)
            .join(Consultation, Consultation.id == Comment.consultation_id)
            .where(Comment.id.in_(comment_ids), Comment.visible(), Consultation.published.is_(True))
            .options(selectinload(Comment.organization), selectinload(Comment.author),
                     selectinload(Comment.consultation))
        )
    } if comment_ids else {}
    items = []
    for hit in hits:  # the engine's order
        if hit.kind == "paragraph" and hit.object_id in paragraphs:
            paragraph = paragraphs[hit.object_id]
            consultation = paragraph.version.document.consultation
            items.append(ResultItem(
                kind="paragraph", url=url_for_hit("paragraph", paragraph), consultation=consultation,
                number=paragraph.number, author=None, date=paragraph.version.published_at,
                snippet=highlight(paragraph.text, consultation.language, parsed.matcher),
            ))
        elif hit.kind == "comment" and hit.object_id in comments:
            comment = comments[hit.object_id]
            text = comment_text(comment.body_html)
            language = detect_language(text, comment.consultation.language)
            author = comment.organization.name if comment.organization else comment.author.display_name
            items.append(ResultItem(
                kind="comment", url=url_for_hit("comment", comment), consultation=comment.consultation,
                number=None, author=author, date=comment.created_at,
                snippet=highlight(text, language, parsed.matcher),
            ))
    return items


def _top(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:FACET_SIZE]


def _facet_options(facets: dict[str, dict[str, int]], params: SearchParams) -> dict[str, list[FacetOption]]:
    options: dict[str, list[FacetOption]] = {}
    options["type"] = [
        FacetOption(kind, str(KIND_LABELS[kind]), facets.get("kind", {}).get(kind, 0), params.kind == kind)
        for kind in KINDS if facets.get("kind", {}).get(kind)
    ]
    for name, model, label_of in (
        ("consultation", Consultation, lambda c: c.title),
        ("organization", Organization, lambda o: o.name),
    ):
        top = _top(facets.get(name, {}))
        ids = [int(value) for value, _count in top]
        query = select(model).where(model.id.in_(ids))
        if model is Consultation:
            query = query.where(Consultation.published.is_(True))
        found = {obj.id: obj for obj in db.session.scalars(query)} if ids else {}
        selected = getattr(params, name)
        options[name] = [
            FacetOption(found[int(v)].slug, label_of(found[int(v)]), count, found[int(v)].slug == selected)
            for v, count in top if int(v) in found
        ]
    years = sorted(facets.get("year", {}).items(), key=lambda item: item[0], reverse=True)
    options["year"] = [FacetOption(y, y, count, str(params.year) == y) for y, count in years]
    return options
