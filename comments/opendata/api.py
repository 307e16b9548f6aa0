"""Read-only open data API /api/v1/: published consultations, their paragraphs, visible
comments, published responses and summaries; paginated; described by /api/v1/openapi.json.

Only GET routes, so CSRF protection never applies and nothing needs exempting. The API
answers the same for everyone: who is logged in does not change what it returns.
"""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import HTTPException

from app.extensions import db, limiter
from app.timeutil import utcnow
from comments.models import Comment
from comments.opendata.openapi import openapi_document
from comments.responses.official import OfficialResponse, responses_by_comment
from comments.responses.table import paragraph_lookup
from comments.opendata.serializers import (
    comment_dict,
    consultation_dict,
    iso,
    paragraph_dict,
    published_response_dict,
    summary_dict,
)
from comments.responses.summary import published_summary_of
from consultations.models import Consultation

bp = Blueprint("api", __name__, url_prefix="/api/v1")
limiter.limit("300 per minute")(bp)

PER_PAGE_DEFAULT, PER_PAGE_MAX, PAGE_MAX = 50, 100, 100000
STATUS_FILTERS = ("upcoming", "open", "closed", "summarized")
FILTER_ARGS = ("status", "paragraph")  # carried over into the `next` link


@bp.after_request
def _open_data_headers(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.errorhandler(HTTPException)
def _json_error(error: HTTPException):
    return jsonify({"error": {"status": error.code, "message": error.name}}), error.code


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    # isdigit() alone also takes "¹" and "٣", which int() refuses (a 500 schemathesis found).
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 7 or not low <= int(raw) <= high:
        abort(400)
    return int(raw)


def _paging() -> tuple[int, int]:
    return _int_arg("page", 1, 1, PAGE_MAX), _int_arg("per_page", PER_PAGE_DEFAULT, 1, PER_PAGE_MAX)


def _envelope(items: list, page: int, per_page: int, total: int):
    filters = {k: v for k, v in request.args.items() if k in FILTER_ARGS}
    args = {**filters, **request.view_args, "per_page": per_page, "page": page + 1}
    return jsonify(
        {
            "items": items,
            "page": page,
            "per_page": per_page,
            "total": total,
            "next": url_for(request.endpoint, **args, _external=True) if page * per_page < total else None,
        }
    )


def _page(query, serialize):
    """Run a select() one page at a time; `serialize` gets the page's list of objects."""
    page, per_page = _paging()
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return _envelope(serialize(items), page, per_page, total)


def _published(slug: str) -> Consultation:
    consultation = Consultation.with_draft(slug)
    if consultation is None or not consultation.published:
        abort(404)
    return consultation


def _status_filter(query, status: str):
    now = utcnow()
    if status == "upcoming":
        return query.where(Consultation.opens_at > now)
    if status == "open":
        return query.where(Consultation.opens_at <= now, Consultation.closes_at > now)
    summarized = Consultation.summary_published_at.is_not(None) & (Consultation.summary_published_at <= now)
    query = query.where(Consultation.closes_at <= now)
    return query.where(summarized) if status == "summarized" else query.where(~summarized)


@bp.get("/")
def index():
    return jsonify(
        {
            "consultations": url_for("api.consultations", _external=True),
            "openapi": url_for("api.openapi", _external=True),
        }
    )


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/consultations")
def consultations():
    status = request.args.get("status")
    if status is not None and status not in STATUS_FILTERS:
        abort(400)
    query = Consultation.public().options(selectinload(Consultation.organizer))
    if status:
        query = _status_filter(query, status)
    return _page(query.order_by(Consultation.opens_at.desc(), Consultation.id.desc()),
                 lambda items: [consultation_dict(c) for c in items])


@bp.get("/consultations/<slug>")
def consultation(slug: str):
    consultation = _published(slug)
    data = consultation_dict(consultation)
    data["documents"] = [
        {
            "ordinal": d.ordinal,
            "title": d.title,
            "version": d.latest_version.number if d.latest_version else None,
            "version_published_at": iso(d.latest_version.published_at) if d.latest_version else None,
        }
        for d in consultation.documents
    ]
    data["links"] = {
        name: url_for(f"api.{name}", slug=slug, _external=True)
        for name in ("paragraphs", "comments", "responses", "summary")
    }
    return jsonify(data)


@bp.get("/consultations/<slug>/paragraphs")
def paragraphs(slug: str):
    consultation = _published(slug)
    latest, _ = paragraph_lookup(consultation)
    page, per_page = _paging()
    everything = list(latest.values())  # already loaded, in document order
    chunk = everything[(page - 1) * per_page : page * per_page]
    return _envelope([paragraph_dict(p) for p in chunk], page, per_page, len(everything))


@bp.get("/consultations/<slug>/comments")
def comments(slug: str):
    consultation = _published(slug)
    latest, by_version = paragraph_lookup(consultation)
    query = select(Comment).where(Comment.consultation_id == consultation.id, Comment.visible())
    anchor = request.args.get("paragraph")
    if anchor is not None:
        if len(anchor) > 40:
            abort(400)
        query = query.where(Comment.paragraph_anchor == anchor)
    query = query.options(selectinload(Comment.author), selectinload(Comment.organization)).order_by(Comment.id)

    def serialize(items):
        responses = responses_by_comment(c.id for c in items)
        return [
            comment_dict(
                c,
                latest.get(c.paragraph_anchor) or by_version.get((c.version_id, c.paragraph_anchor or "")),
                responses.get(c.id),
            )
            for c in items
        ]

    return _page(query, serialize)


@bp.get("/consultations/<slug>/responses")
def responses(slug: str):
    consultation = _published(slug)
    query = (
        select(OfficialResponse)
        .join(Comment, Comment.id == OfficialResponse.comment_id)
        .where(Comment.consultation_id == consultation.id, Comment.visible(), OfficialResponse.published_at.is_not(None))
        .order_by(OfficialResponse.comment_id)
    )
    return _page(query, lambda items: [{"comment_id": r.comment_id, **published_response_dict(r)} for r in items])


@bp.get("/consultations/<slug>/summary")
def summary(slug: str):
    consultation = _published(slug)
    summary = published_summary_of(consultation)
    if summary is None:
        abort(404)
    return jsonify({"consultation": consultation.slug, **summary_dict(summary)})
