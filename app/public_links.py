"""Absolute links that outlive the request: in mails, and in what is cached for every
reader (the JSON export). They point to PUBLIC_URL.

Never to the Host header of the request that happened to build them: with a forged Host,
anyone could have someone else's password reset link mailed pointing at their own server,
or put their server's address into the cached export everyone downloads. The same links
come out of a request and of the command line."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    public = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        public.netloc, script_name=public.path.rstrip("/") or "/", url_scheme=public.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)
