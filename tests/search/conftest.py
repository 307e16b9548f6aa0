"""Search fixtures: every test that asks for `app` runs on Whoosh and on PostgreSQL.

PostgreSQL tests skip with a reason when no server answers, and fail instead when
KUULO_REQUIRE_POSTGRES=1 (CI). The server is KUULO_TEST_POSTGRES_URL.
"""
from __future__ import annotations

import itertools
import os
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from functools import lru_cache

import pytest
from sqlalchemy import create_engine, text

from app.extensions import db
from app.timeutil import utcnow
from config import TestConfig
from consultations.services import add_document, create_consultation
from search import analysis
from tests.apps import copy_schema

POSTGRES_URL = os.environ.get(
    "KUULO_TEST_POSTGRES_URL", "postgresql+psycopg://kuulo:kuulo@127.0.0.1:5432/kuulo_test"
)
_counter = itertools.count(1)


@lru_cache(maxsize=1)
def postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can."""
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # driver missing, server down, wrong password
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {type(error).__name__}: {str(error)[:200]}"
    return None


def schema_url(schema: str) -> str:
    """The server's URL with `schema` as the search path."""
    return f"{POSTGRES_URL}{'&' if '?' in POSTGRES_URL else '?'}options=-csearch_path%3D{schema}"


@contextmanager
def own_postgres_schema(name: str):
    """A schema `name_<pid>` made empty, dropped afterwards: runs on one machine (other
    checkouts, other sessions) never meet in it. Yields the URL that works in it."""
    require_postgres()
    schema = f"{name}_{os.getpid()}"
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema_url(schema)
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


# Each test session works in a schema of its own.
POSTGRES_SCHEMA = f"kuulo_test_{os.getpid()}"
POSTGRES_SESSION_URL = schema_url(POSTGRES_SCHEMA)


_session_schema = ExitStack()
_session_schema_holders = 0


@pytest.fixture(scope="session")
def postgres_schema():
    """The session's schema, made by the first holder and dropped after the last.

    tests/input/conftest.py imports this fixture, so pytest keeps two session fixtures of
    this name; made by each, the second emptied the schema under the first (its tests then
    failed with "relation ... does not exist")."""
    global _session_schema_holders
    if _session_schema_holders == 0:
        _session_schema.enter_context(own_postgres_schema("kuulo_test"))
    _session_schema_holders += 1
    try:
        yield POSTGRES_SCHEMA
    finally:
        _session_schema_holders -= 1
        if _session_schema_holders == 0:
            _session_schema.close()


def require_postgres() -> None:
    problem = postgres_problem()
    if problem is None:
        return
    if os.environ.get("KUULO_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"KUULO_REQUIRE_POSTGRES=1 but {problem}")
    pytest.skip(problem)


@pytest.fixture(scope="session", autouse=True)
def _dictionaries_loaded_once():
    """Voikko and the Swedish dictionary load once for the whole session."""
    analysis.preload()


def search_settings(backend: str, tmp_path):
    settings = TestConfig()
    settings.SEARCH_BACKEND = backend
    if backend == "postgres":
        settings.SQLALCHEMY_DATABASE_URI = POSTGRES_SESSION_URL
    else:
        settings.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'test.sqlite'}"
        settings.SEARCH_INDEX_DIR = str(tmp_path / "index")
    return settings


@pytest.fixture(params=["whoosh", "postgres"])
def backend(request):
    if request.param == "postgres":
        request.getfixturevalue("postgres_schema")
    return request.param


@pytest.fixture
def settings(backend, tmp_path):
    return search_settings(backend, tmp_path)


_postgres_schema_ready = False


def _fresh_postgres_database() -> None:
    """The schema is created once per session; each test then starts from empty tables."""
    global _postgres_schema_ready
    if not _postgres_schema_ready:
        db.drop_all()
        db.create_all()
        _postgres_schema_ready = True
        return
    names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def search_app(make_app, schema_file, settings):
    """An app of `settings` (a TestConfig whose own attributes are the overrides) on a fresh
    database: a copy of the session's schema for SQLite, empty tables on PostgreSQL."""
    overrides = vars(settings)
    if settings.SEARCH_BACKEND == "postgres":
        application = make_app(database=settings.SQLALCHEMY_DATABASE_URI, **overrides)
        with application.app_context():
            _fresh_postgres_database()
        return application
    copy_schema(schema_file, settings.SQLALCHEMY_DATABASE_URI.removeprefix("sqlite:///"))
    return make_app(database=settings.SQLALCHEMY_DATABASE_URI, **overrides)


@pytest.fixture
def app(make_app, schema_file, settings):
    application = search_app(make_app, schema_file, settings)
    with application.app_context():
        yield application
        db.session.remove()


@pytest.fixture
def engine(app):
    return app.extensions["kuulo_search"]


WINDOWS = {
    "upcoming": (timedelta(days=1), timedelta(days=10)),
    "open": (timedelta(days=-1), timedelta(days=10)),
    "closed": (timedelta(days=-10), timedelta(days=-1)),
}


@pytest.fixture
def make_archive(app, make_org):
    """A consultation whose draft has one paragraph per given text."""

    def factory(paragraphs, language="fi", status="closed", published=True, title=None, organizer=None):
        n = next(_counter)
        start, end = WINDOWS[status]
        now = utcnow()
        consultation = create_consultation(
            slug=f"arkisto-{n}", title=title or f"Arkisto {n}", organizer_slug=(organizer or make_org(kind="authority")).slug,
            opens_at=now + start, closes_at=now + end, language=language, published=published,
        )
        add_document(consultation, "Luonnos", "\n\n".join(paragraphs) + "\n", "text")
        db.session.commit()
        return consultation

    return factory


def anchors_by_text(consultation) -> dict[str, str]:
    paragraphs = consultation.documents[0].latest_version.paragraphs
    return {p.text: p.anchor for p in paragraphs}


def search_html(client, **params) -> str:
    response = client.get("/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)
