"""How the tests build apps: one factory (`new_app`), the schema made once per session and
copied per test, and the session's reusable app put back to a clean state per test.

Why it is fast and still honest: every test gets a database file of its own (a copy of a
file on which `db.create_all()` ran once, so commits are real and other connections,
threads and processes see them), a search index of its own and the app's configuration
as built; only the Flask app object and its compiled templates outlive a test, as they
outlive requests in production.
"""
from __future__ import annotations

import copy
import shutil
from pathlib import Path

from flask import Flask, g
from flask.testing import FlaskClient
from jinja2 import BytecodeCache

from app import create_app
from app.extensions import db
from config import TestConfig

SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


class TestSettings(TestConfig):
    pass


class FreshContextClient(FlaskClient):
    """Every request in its own application context, as in production (the `app` fixture
    keeps one context pushed, and Flask would reuse it: `g` with Flask-Login's user and
    Flask-WTF's token would leak from one client to the next)."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _fresh_request_globals() -> None:
    for name in list(vars(g)):
        delattr(g, name)


class _CompiledTemplates(BytecodeCache):
    """Jinja's bytecode cache, in memory, shared by every app of the session: a template
    is compiled once, not once per app (Jinja checks the source's checksum, so an edited
    template is compiled again)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplates()


def new_app(database_uri: str, **config) -> Flask:
    """The real application on `database_uri`, with TestSettings and `config` on top."""
    settings = TestSettings()
    settings.SQLALCHEMY_DATABASE_URI = database_uri
    for name, value in config.items():
        setattr(settings, name, value)
    application = create_app(settings)
    application.test_client_class = FreshContextClient
    application.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    # Tests keep one app context open (to use db.session between requests), and Flask
    # reuses it for every request; give each request a fresh `g`, as in production, so
    # nothing (the CSRF token, the logged-in user) leaks from one request to the next.
    application.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_globals)
    return application


def close_app(application: Flask) -> None:
    """Release the database connections and the search index of an app."""
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    search = application.extensions.get("kuulo_search")
    if search is not None:
        search.close()


def make_schema(path: Path) -> Path:
    """A SQLite file with every table of the models, to be copied for each test."""
    application = new_app(f"sqlite:///{path}")
    with application.app_context():
        db.create_all()
    close_app(application)
    leftovers = [suffix for suffix in SQLITE_SIDE_FILES if Path(f"{path}{suffix}").exists()]
    assert not leftovers, f"the schema file is not complete without {leftovers}"
    return path


def session_schema(tmp_path_factory) -> Path:
    """The session's schema file, made by the first caller (the `schema_file` fixture, or a
    module-scoped fixture that cannot ask for it)."""
    path = tmp_path_factory.getbasetemp() / "schema.sqlite"
    return path if path.exists() else make_schema(path)


def copy_schema(schema: Path, target: Path) -> str:
    """A fresh database at `target` (any old one and its WAL files removed); its URI."""
    for suffix in ("", *SQLITE_SIDE_FILES):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(schema, target)
    return f"sqlite:///{target}"


class ReusableApp:
    """One app of the default settings for the whole session, on a fixed database path
    that gets a fresh copy of the schema before each test."""

    def __init__(self, schema: Path, directory: Path) -> None:
        self.schema = schema
        self.path = directory / "test.sqlite"
        self.app = new_app(copy_schema(schema, self.path))
        self._config = copy.deepcopy(dict(self.app.config))
        self._extensions = set(self.app.extensions)

    def fresh(self) -> Flask:
        """The app as built, on an empty database and an empty search index."""
        from app.extensions import limiter
        from search import create_engine_for

        application = self.app
        close_app(application)
        copy_schema(self.schema, self.path)
        application.config.clear()
        application.config.update(copy.deepcopy(self._config))
        # The one Limiter of the process is configured by the last init_app (another test's
        # app may have turned it on); configure it for this app again, with empty counters.
        # It adds no second set of hooks to an app it knows.
        limiter.init_app(application)
        for name in set(application.extensions) - self._extensions:
            del application.extensions[name]  # per-app caches: rendered pages, search backlog
        application.extensions["kuulo_search"] = create_engine_for(application)
        application.test_client_class = FreshContextClient
        return application

    def close(self) -> None:
        close_app(self.app)
