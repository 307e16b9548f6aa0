"""Security headers on every response, request ids, and safe redirect targets."""
from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from flask import Flask, Response, g, request
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

STATIC_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def is_safe_next(target: str | None) -> bool:
    """Only local absolute paths: no scheme, no host, no protocol-relative tricks."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def sent_from_this_site() -> bool:
    """A POST from one of this site's own pages, told by the browser: the Origin header
    (every current browser sends it with a form POST), else the Referer when a privacy
    setting left Origin out. Neither can be set by another site's page or script. The
    host is compared, not the scheme: behind a proxy that ends TLS without TRUSTED_PROXIES
    the app sees http while the browser says https, and no other site serves our host."""
    origin = request.headers.get("Origin")
    if origin is None:
        origin = request.headers.get("Referer", "")
    sent_from = urlsplit(origin)
    return sent_from.scheme in ("http", "https") and sent_from.netloc == request.host


def _assign_request_id() -> None:
    g.request_id = uuid.uuid4().hex[:16]


def _set_headers(response: Response) -> Response:
    for name, value in STATIC_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype and response.mimetype.startswith("text/") and "charset" not in (
        response.content_type or ""
    ):
        response.content_type = f"{response.mimetype}; charset=utf-8"
    response.headers["X-Request-ID"] = g.get("request_id", "-")
    private = request.path.startswith(("/auth/", "/admin/")) or (
        current_user and current_user.is_authenticated
    )
    if private:
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    # First of all before_request hooks: errors raised by earlier hooks (CSRFProtect)
    # must also carry the request id.
    app.before_request_funcs.setdefault(None, []).insert(0, _assign_request_id)
    app.after_request(_set_headers)
