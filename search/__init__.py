"""Archive search: one analyzer, an engine behind a small interface, after-commit sync."""
from __future__ import annotations

import os

from flask import Flask


def create_engine_for(app: Flask):
    backend = app.config.get("SEARCH_BACKEND", "whoosh")
    if backend == "postgres":
        from app.extensions import db
        from search.postgres_engine import PostgresEngine

        return PostgresEngine(lambda: db.engine)
    if backend != "whoosh":
        raise RuntimeError(f"unknown SEARCH_BACKEND: {backend!r} (use whoosh or postgres)")
    from search.whoosh_engine import WhooshEngine

    directory = app.config.get("SEARCH_INDEX_DIR")
    if directory == ":memory:":
        directory = None
    elif not directory:
        directory = os.path.join(app.instance_path, "search")
    return WhooshEngine(directory)


def init_app(app: Flask) -> None:
    from search import models  # noqa: F401  (the search_document table joins the metadata)
    from search import outbox, sync
    from search.cli import register as register_cli
    from search.views import bp

    app.extensions["kuulo_search"] = create_engine_for(app)
    sync.install()
    app.before_request(outbox.retry_if_due)
    app.register_blueprint(bp)
    register_cli(app)
