"""A real threaded server on 127.0.0.1 for the tests that need real concurrent HTTP, and
a small cookie-keeping HTTP client. Every request has a timeout; the server stops in the
fixture's teardown."""
from __future__ import annotations

import http.cookiejar
import logging
import re
import sqlite3
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from werkzeug.serving import WSGIRequestHandler, make_server

from app.extensions import db
from tests.conftest import PASSWORD

TIMEOUT = 20  # seconds, for every request, barrier and join
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HIDDEN_INPUT = re.compile(r'<input\b[^>]*\btype="hidden"[^>]*>')
ATTRIBUTE = re.compile(r'\b(name|value)="([^"]*)"')


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


class _ErrorRecorder(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[str] = []

    def emit(self, record):
        self.records.append(record.getMessage())


@dataclass
class LiveServer:
    url: str
    errors: list = field(default_factory=list)


def serve(app):
    """Context manager body of the `threaded_server` fixture (a generator)."""
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")  # a file, shared by threads
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    recorder = _ErrorRecorder()
    app.logger.addHandler(recorder)
    thread = threading.Thread(target=server.serve_forever, name="kuulo-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", errors=recorder.records)
    finally:
        server.shutdown()
        thread.join(timeout=TIMEOUT)
        server.server_close()
        app.logger.removeHandler(recorder)
        assert not thread.is_alive(), "the server thread did not stop"


def rows(app, sql, params=()):
    """Read what is committed in the database file, through a separate connection."""
    with sqlite3.connect(db.engine.url.database, timeout=TIMEOUT) as connection:
        return connection.execute(sql, params).fetchall()


def hidden_fields(page: str, marker: str = 'id="comment-form"') -> dict[str, str]:
    """The hidden inputs (CSRF and one-time tokens) of the form whose tag holds `marker`,
    as the browser would send them."""
    start = page.index(marker)
    form = page[start:page.index("</form>", start)]
    fields = {}
    for tag in HIDDEN_INPUT.findall(form):
        attributes = dict(ATTRIBUTE.findall(tag))
        fields[attributes["name"]] = attributes.get("value", "")
    return fields


class Browser:
    """One visitor: its own cookies (or shared ones) and User-Agent, over real HTTP."""

    def __init__(self, base: str, user_agent: str = "Mozilla/5.0 (Kuulo tests)",
                 jar: http.cookiejar.CookieJar | None = None):
        self.base = base
        self.user_agent = user_agent
        self.jar = jar if jar is not None else http.cookiejar.CookieJar()

    def _open(self, path: str, data: dict | None = None) -> tuple[int, str]:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={"User-Agent": self.user_agent})
        try:
            with opener.open(request, timeout=TIMEOUT) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode("utf-8", "replace")

    def get(self, path):
        return self._open(path)

    def post(self, path, data):
        return self._open(path, data)

    def token(self, path) -> str:
        status, page = self.get(path)
        assert status == 200, (path, status)
        match = CSRF_RE.search(page)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, email, password=PASSWORD):
        token = self.token("/auth/login")
        status, _ = self.post("/auth/login", {"email": email, "password": password, "csrf_token": token})
        assert status == 200  # the redirect after login was followed


def burst(jobs) -> list:
    """Run the callables at the same moment (after a barrier); their results in order."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=TIMEOUT)
            results[index] = job()
        except BaseException as error:  # reported below, never swallowed
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, job), daemon=True) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 3)
    assert not any(t.is_alive() for t in threads), "a client did not finish in time"
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results
