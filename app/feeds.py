"""Atom responses shared by the feeds: the newest FEED_ENTRIES entries, an ETag from the
content so that readers polling the feed get 304 Not Modified, and a short public cache."""
from __future__ import annotations

from flask import Response, render_template, request

FEED_ENTRIES = 50
FEED_MAX_AGE = 300


def atom_response(template: str, **context) -> Response:
    body = render_template(template, **context)
    response = Response(body, content_type="application/atom+xml; charset=utf-8")
    response.add_etag()
    response.cache_control.public = True
    response.cache_control.max_age = FEED_MAX_AGE
    return response.make_conditional(request)


def tag_uri(kind: str, identifier) -> str:
    """A stable entry id that does not change with the site's address (RFC 4151)."""
    return f"tag:kuulo,2026:{kind}:{identifier}"
