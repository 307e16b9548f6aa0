"""Conditional GETs of the public consultation pages (the discussion page, paragraph pages,
the comment list and the summary): an ETag made from the content stamp the render cache
already computes, 304 without rendering, and what caches may keep.

Only a reader's page is the same for everyone who reads it: an anonymous visitor with no
flash message waiting. A signed-in person's page is their own (edit links, their forms and
tokens) and gets no ETag: app/security.py marks it `no-store`, `Vary: Cookie`.

The ETag covers the stamp, the page's path and query, the language, the templates and
catalogs this process serves, and the render cache's lifetime window (what the stamp
cannot see, a renamed organization, is refreshed by then, as in the render cache). So a
reader's page is also kept whole in the render cache under its ETag: the next reader gets
the stored bytes without a template rendered (issue 15 §4: within 3x of a file).
"""
from __future__ import annotations

import hashlib
import time
from functools import lru_cache
from pathlib import Path
from typing import Callable

from flask import Response, current_app, make_response, request, session
from flask_login import current_user

from app.i18n import current_locale
from app.render_cache import render_cache
from consultations.models import Consultation

ROOT = Path(__file__).resolve().parent.parent
# A session holding these shows something once (a flash, the just-posted highlight).
ONE_TIME_KEYS = ("_flashes", "posted_comment")
SETTLED = ("closed", "summarized")


@lru_cache(maxsize=1)
def served_release() -> str:
    """A digest of the templates and compiled catalogs: a new release never answers 304
    for a page it would render differently."""
    digest = hashlib.sha256()
    for folder in (ROOT / "templates", ROOT / "app" / "translations"):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".html", ".mo"):
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def reader_etag(stamp: tuple) -> str | None:
    """The ETag of this request's page for a reader, or None when the page is the
    visitor's own."""
    if current_user.is_authenticated or any(key in session for key in ONE_TIME_KEYS):
        return None
    window = int(time.time() // max(current_app.config["RENDER_CACHE_SECONDS"], 1))
    material = repr((served_release(), request.full_path, current_locale(), stamp, window))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


def conditional(consultation: Consultation, stamp: tuple, respond: Callable[[], object]) -> Response:
    """`respond()`'s page, or 304 when the reader's cache holds it already. A settled
    (closed) consultation may be kept by shared caches for PUBLIC_CACHE_SECONDS; an open
    one is revalidated on every view, as comments arrive."""
    etag = reader_etag(stamp)
    if etag is None:
        return make_response(respond())
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        response = _reader_page(etag, respond)
        if response.status_code != 200:
            return response
    response.set_etag(etag)
    response.vary.add("Cookie")
    cache_control = response.cache_control
    if consultation.status in SETTLED and not request.cookies:
        cache_control.public = True
        cache_control.max_age = current_app.config["PUBLIC_CACHE_SECONDS"]
    else:
        cache_control.no_cache = True
        if request.cookies:
            cache_control.private = True
    return response


def _reader_page(etag: str, respond: Callable[[], object]) -> Response:
    """The page every reader with this ETag gets: built once, then sent from the render
    cache (body and content type; the caching headers are added per request)."""
    key = ("reader-page", etag)
    cache = render_cache()
    stored = cache.get(key)
    if stored is not None:
        body, content_type = stored
        return Response(body, content_type=content_type)
    response = make_response(respond())
    if response.status_code == 200 and not response.is_streamed:
        body = response.get_data()
        cache.put(key, (body, response.content_type), len(body))
    return response
