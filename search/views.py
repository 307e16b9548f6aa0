"""GET /search: the archive search page. Every problem is a message on the page, never a 500."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from app.extensions import limiter
from search.services import InvalidSearch, SearchPage, SearchParams, parse_params, search_archive

log = logging.getLogger(__name__)

bp = Blueprint("search", __name__)


def _rate_limit() -> str:
    return current_app.config.get("SEARCH_RATE_LIMIT", "60 per minute")


def _url_for_hit(kind: str, obj) -> str:
    if kind == "paragraph":
        return url_for("comments.consultation", slug=obj.version.document.consultation.slug, _anchor=obj.anchor)
    return url_for("comments.permalink", comment_id=obj.id)


@bp.get("/search")
@limiter.limit(_rate_limit)
def search():
    try:
        params = parse_params(request.args)
    except InvalidSearch:
        page = SearchPage(params=SearchParams(q=(request.args.get("q") or "")[:1000]),
                          message=_l("The search filters were not valid. Try again from the form."))
        return render_template("search/results.html", page=page), 400
    status = 200
    try:
        page = search_archive(params, _url_for_hit)
    except Exception:
        log.exception("search failed for %r", params)
        page = SearchPage(params=params, message=_l("Search is not available at the moment. Please try again later."))
        status = 503
    else:
        if page.message:
            status = 400
    return render_template("search/results.html", page=page), status
