"""Real-browser fixtures: the app served on 127.0.0.1 by werkzeug in a thread, and
Debian's Chromium driven by Playwright (never `playwright install`).

The browser is started once per session; every test gets its own database (the `app`
fixture of tests/conftest.py on a SQLite file in tmp_path), its own server and its own
browser context, so cookies and data never leak between tests.

Without Chromium or Playwright the tests skip with a reason, unless
KUULO_REQUIRE_BROWSER=1 (set by .ci/run): then they fail.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

import pytest
from flask import Flask, got_request_exception
from flask_babel import force_locale, gettext, ngettext
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
TIMEOUT_MS = 10_000  # generous: other suites may load the machine


def _browser_unavailable(reason: str):
    if os.environ.get("KUULO_REQUIRE_BROWSER") == "1":
        pytest.fail(f"KUULO_REQUIRE_BROWSER=1 but the browser is unavailable: {reason}", pytrace=False)
    pytest.skip(f"browser unavailable: {reason}")


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # keep the test output readable
        pass


@dataclass
class LiveServer:
    app: Flask
    url: str
    errors: list = field(default_factory=list)

    def t(self, message: str, **variables) -> str:
        """A message as the default (Finnish) interface shows it, from the same catalog."""
        with self.app.test_request_context(), force_locale(self.app.config["BABEL_DEFAULT_LOCALE"]):
            return gettext(message, **variables)

    def nt(self, singular: str, plural: str, num: int, **variables) -> str:
        with self.app.test_request_context(), force_locale(self.app.config["BABEL_DEFAULT_LOCALE"]):
            return ngettext(singular, plural, num, **variables)


@pytest.fixture
def live_server(app):
    """The real app of this test (own SQLite file) on 127.0.0.1 and a free port."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    live = LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")

    def record(sender, exception, **extra):
        live.errors.append(repr(exception))

    got_request_exception.connect(record, app)
    thread = threading.Thread(target=server.serve_forever, name="kuulo-live-server", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        got_request_exception.disconnect(record, app)
    assert not live.errors, f"the server raised: {live.errors}"


# One Playwright and one Chromium per process, shared by every `browser` fixture: other
# test modules import these fixtures, and each import is a fixture of its own, while the
# sync API allows only one Playwright at a time in a thread.
_shared: dict = {"users": 0, "playwright": None, "browser": None}


def _acquire_browser():
    if _shared["browser"] is None:
        try:
            from playwright.sync_api import Error as PlaywrightError
            from playwright.sync_api import expect, sync_playwright
            import axe_playwright_python.sync_playwright  # noqa: F401
        except ImportError as error:
            _browser_unavailable(f"playwright or axe-playwright-python is not installed ({error})")
        if not os.access(CHROMIUM, os.X_OK):
            _browser_unavailable(f"{CHROMIUM} not found (apt-get install -y chromium)")
        playwright = sync_playwright().start()
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except PlaywrightError as error:
            playwright.stop()
            _browser_unavailable(f"Chromium did not start: {str(error).splitlines()[0]}")
        expect.set_options(timeout=TIMEOUT_MS)
        _shared.update(playwright=playwright, browser=chromium)
    _shared["users"] += 1
    return _shared["browser"]


def _release_browser() -> None:
    _shared["users"] -= 1
    if _shared["users"] == 0:
        browser, playwright = _shared["browser"], _shared["playwright"]
        _shared.update(browser=None, playwright=None)
        try:
            browser.close()
        finally:
            playwright.stop()


@pytest.fixture(scope="session")
def browser():
    chromium = _acquire_browser()
    try:
        yield chromium
    finally:
        _release_browser()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) pointed at this test's server."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    yield page
    context.close()
    assert not page_errors, f"JavaScript errors in the page: {page_errors}"
