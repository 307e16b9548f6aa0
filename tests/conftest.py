"""Shared fixtures: a real app on a real SQLite file (tests/apps.py), factories, and login
helpers; the data builder for whole worlds is tests/world.py."""
from __future__ import annotations

import itertools
import os
import re
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import event, func, select

from app.auth.services import create_user
from app.extensions import db
from app.organizations import create_organization
from app.outbox import OutboxMessage
from app.timeutil import utcnow
from comments.models import Comment
from comments.services import post_comment
from consultations.services import add_document, create_consultation
from tests.apps import (  # noqa: F401  (FreshContextClient, TestSettings: imported from here too)
    FreshContextClient, ReusableApp, TestSettings, _fresh_request_globals, close_app, copy_schema, new_app,
    session_schema,
)

PASSWORD = "correct-horse-battery-9"
DRAFT = """# Ensimmäinen luku

Ensimmäinen kappale kertoo taustan.

Toinen kappale kertoo tavoitteet.

- Ensimmäinen luettelon kohta
- Toinen luettelon kohta

# Toinen luku

Kolmas kappale kertoo seurannasta.
"""
_counter = itertools.count(1)


@pytest.fixture
def app_settings():
    """Overrides of TestSettings for the `app` fixture; a test module overrides this fixture
    to run its tests on another configuration (rate limits on, a trusted proxy...)."""
    return {}


@pytest.fixture(scope="session")
def schema_file(tmp_path_factory) -> Path:
    """The schema, made once per session; every test's database is a copy of it."""
    return session_schema(tmp_path_factory)


@pytest.fixture(scope="session")
def _reusable_app(schema_file, tmp_path_factory):
    reusable = ReusableApp(schema_file, tmp_path_factory.mktemp("app"))
    yield reusable
    reusable.close()


@pytest.fixture
def make_app(tmp_path, schema_file):
    """make_app(**config): a new app with TestSettings and `config` on top, on a database
    of its own (a copy of the schema), or on another app's with
    `database=app.config["SQLALCHEMY_DATABASE_URI"]` (a second worker, a restart).
    Closed after the test."""
    made: list = []

    def factory(database: str | None = None, **config):
        if database is None:
            database = copy_schema(schema_file, tmp_path / f"app-{len(made) + 1}.sqlite")
        application = new_app(database, **config)
        made.append(application)
        return application

    yield factory
    for application in made:
        close_app(application)


@pytest.fixture
def app(app_settings, request):
    """The app of this test, its context pushed: the session's app on a fresh database
    when `app_settings` is empty, else a new app with those settings."""
    if app_settings:
        application = request.getfixturevalue("make_app")(**app_settings)
    else:
        application = request.getfixturevalue("_reusable_app").fresh()
    with application.app_context():
        yield application
        db.session.remove()


REDIS_URL = os.environ.get("KUULO_TEST_REDIS_URL", "redis://127.0.0.1:6390/0")


@pytest.fixture(scope="session")
def redis_url():
    """The test Redis server, KUULO_TEST_REDIS_URL. Tests that need it skip with a reason
    when none answers, and fail instead when KUULO_REQUIRE_REDIS=1 (CI)."""
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except Exception as error:  # client missing, server down
        problem = f"Redis not reachable at {REDIS_URL}: {type(error).__name__}: {str(error)[:200]}"
        if os.environ.get("KUULO_REQUIRE_REDIS") == "1":
            pytest.fail(f"KUULO_REQUIRE_REDIS=1 but {problem}")
        pytest.skip(problem)
    return REDIS_URL


@pytest.fixture
def redis_limits(redis_url):
    """Settings that keep rate limits in the test Redis, under a prefix of this test's own
    (runs on one machine never meet). The test must really have counted there; its keys
    are removed afterwards."""
    import redis

    prefix = f"kuulo-test-{uuid.uuid4().hex}"
    yield {"RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": prefix}}
    server = redis.Redis.from_url(redis_url)
    keys = server.keys(f"{prefix}:*")
    if keys:
        server.delete(*keys)
    server.close()
    assert keys, f"no rate-limit counter reached Redis under {prefix}"


@pytest.fixture
def live_server(app):
    """The app of this test (its own SQLite file) served by real threads on 127.0.0.1."""
    from tests.live import serve  # tests.live imports this module

    yield from serve(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_org(app):
    def factory(name=None, slug=None, kind="association"):
        n = next(_counter)
        org = create_organization(name or f"Yhdistys {n} ry", slug or f"org-{n}", kind=kind)
        db.session.commit()
        return org

    return factory


@pytest.fixture
def make_user(app):
    def factory(role="member", orgs=(), email=None, name=None, password=PASSWORD):
        n = next(_counter)
        user = create_user(
            email or f"user{n}@example.org", password, name or f"Käyttäjä {n}", role,
            [o.slug for o in orgs],
        )
        db.session.commit()
        return user

    return factory


@pytest.fixture
def make_consultation(app, make_org):
    def factory(status="open", organizer=None, source=DRAFT, source_format="markdown", slug=None,
                commenters="organizations", published=True, title="Testikuuleminen"):
        now = utcnow()
        windows = {
            "upcoming": (now + timedelta(days=1), now + timedelta(days=10)),
            "open": (now - timedelta(days=1), now + timedelta(days=10)),
            "closed": (now - timedelta(days=10), now - timedelta(days=1)),
        }
        opens_at, closes_at = windows[status]
        organizer = organizer or make_org(kind="authority")
        consultation = create_consultation(
            slug=slug or f"kuuleminen-{next(_counter)}", title=title, organizer_slug=organizer.slug,
            opens_at=opens_at, closes_at=closes_at, commenters=commenters, published=published,
        )
        add_document(consultation, "Luonnos", source, source_format)
        db.session.commit()
        return consultation

    return factory


def post_while_open(consultation, author, organization=None, body="Hyvä luonnos.", anchor="", parent=None):
    """Posted through the real service, not committed. A consultation that is not open now
    is opened for the moment and its dates put back (a comment on a closed consultation was
    written before the deadline); an open one is left untouched, so that the commit indexes
    the comment alone, not the whole consultation again."""
    org_slug = organization.slug if organization else ""
    if consultation.is_open:
        return post_comment(consultation, author, body, anchor, org_slug, parent)
    opens, closes = consultation.opens_at, consultation.closes_at
    now = utcnow()
    consultation.opens_at, consultation.closes_at = now - timedelta(days=1), now + timedelta(days=1)
    comment = post_comment(consultation, author, body, anchor, org_slug, parent)
    consultation.opens_at, consultation.closes_at = opens, closes
    return comment


@pytest.fixture
def make_comment(app):
    """Posts through the real service (see post_while_open) and commits."""

    def factory(consultation, author, organization=None, body="Hyvä luonnos.", anchor="", parent=None):
        comment = post_while_open(consultation, author, organization, body, anchor, parent)
        db.session.commit()
        return comment

    return factory


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(client, url="/auth/login") -> str:
    """The session's CSRF token from a form on `url`. A reader's page carries none (it sets
    no cookie, issue 15 §5); a reader gets a session where a form is, as at the login."""
    html = client.get(url).get_data(as_text=True)
    match = CSRF_RE.search(html)
    if match is None and url != "/auth/login" and 'action="/auth/logout"' not in html:
        return csrf_from(client, "/auth/login")
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def login(client, user_or_email, password=PASSWORD):
    email = getattr(user_or_email, "email", user_or_email)
    token = csrf_from(client, "/auth/login")
    return client.post("/auth/login", data={"email": email, "password": password, "csrf_token": token})


def paragraphs_of(consultation):
    return consultation.documents[0].latest_version.paragraphs


def in_finnish(msgid: str, **params) -> str:
    """A message as a page shows it: in Finnish (the default) and HTML-escaped."""
    with force_locale("fi"):
        return str(escape(gettext(msgid, **params)))


def comment_count() -> int:
    """The comments stored, read on a connection of its own (what the next request sees)."""
    with db.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(Comment.__table__)).scalar_one()


@pytest.fixture
def login_as(client):
    def do(user):
        response = login(client, user)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do


@contextmanager
def counting_queries():
    """The SQL statements run inside the block, for the tests that pages make a fixed
    number of queries whatever their row count."""
    statements: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before_cursor_execute)


def registration_path(email: str) -> str:
    """The path of the newest registration link mailed to `email` (from the outbox)."""
    db.session.expire_all()
    message = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_email == email, OutboxMessage.kind == "registration")
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, f"no registration link was mailed to {email}"
    return re.search(r"https?://[^/\s]+(/auth/register/[^\s]+)", message.body).group(1)


def register_by_email(client, display_name: str, email: str, password: str, password_confirm=None, **extra):
    """Both steps of registration: the form, then the mailed link. Returns the last response."""
    first = client.post("/auth/register", data={
        "display_name": display_name, "email": email, "csrf_token": csrf_from(client, "/auth/register"), **extra,
    })
    if first.status_code != 302:
        return first
    path = registration_path(email)
    return client.post(path, data={
        "display_name": display_name, "password": password,
        "password_confirm": password if password_confirm is None else password_confirm,
        "csrf_token": csrf_from(client, path), **extra,
    })


# Skips that mean this machine lacks a service, by how their reason starts (the reasons are
# written in tests/search/conftest.py, tests/browser/conftest.py and `redis_url` above), and
# how to run them.
SERVICE_SKIPS = {
    "PostgreSQL not reachable": ("PostgreSQL", "run them with `make test-postgres`"),
    "browser unavailable": ("browser", "install Chromium (apt-get install chromium), then `make test`"),
    "Redis not reachable": ("Redis", "start `redis-server --port 6390` (or set KUULO_TEST_REDIS_URL), then `make test`"),
}


def missing_services_line(skipped_reports) -> str | None:
    """How to run the tests that skipped for want of PostgreSQL or Chromium, in one line;
    None when none did."""
    counts: Counter[tuple[str, str]] = Counter()
    for report in skipped_reports:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        counts.update(service for start, service in SERVICE_SKIPS.items() if reason.startswith(start))
    if not counts:
        return None
    return "; ".join(
        f"{n} {what} test{'' if n == 1 else 's'} skipped: {how}" for (what, how), n in counts.items()
    ) + "."


# Skips that CI allows, by how their reason starts: they depend on what the machine lets a
# test do (mount a tmpfs), not on anything a change to Kuulo could break or fix.
ALLOWED_IN_CI = (
    "running as root without mount",
    "a full disk needs a small tmpfs",
)


def skip_forbidden(reason: str) -> bool:
    """With KUULO_REQUIRE_NO_SKIPS=1 (CI), a skip for any other reason is a failure: a test
    that skips for a missing route, package, file or service has tested nothing."""
    if os.environ.get("KUULO_REQUIRE_NO_SKIPS") != "1":
        return False
    return not reason.removeprefix("Skipped: ").startswith(ALLOWED_IN_CI)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.skipped and isinstance(report.longrepr, tuple) and skip_forbidden(report.longrepr[2]):
        report.outcome = "failed"
        report.longrepr = f"KUULO_REQUIRE_NO_SKIPS=1 but the test skipped: {report.longrepr[2]}"
    return report


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter):
    """Written last, after the short summary of skip reasons, just above the counts."""
    result = yield
    line = missing_services_line(terminalreporter.stats.get("skipped", []))
    if line:
        terminalreporter.write_line(line, yellow=True, bold=True)
    return result
