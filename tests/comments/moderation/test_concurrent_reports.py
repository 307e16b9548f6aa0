"""Concurrent reports against a REAL server (werkzeug, threaded, on a SQLite file):
one open report per reporter even when the same one arrives several times at once, and
the auto-hide fires exactly once when reports of distinct signed-in accounts arrive at the
same moment (Decidim CVE-2023-47634 was such a race). A burst of anonymous reports from
one address with many User-Agents is one report and hides nothing (issue 12). No request
may fail with a 5xx.

Every client first signs in (or not) and loads the report form (session cookie + CSRF
token), then all clients wait at a barrier and post together. Every request has a timeout
and the server is shut down in the fixture's teardown."""
from __future__ import annotations

import http.cookiejar
import re
from types import SimpleNamespace

import pytest
from flask_babel import force_locale, gettext

from tests.conftest import paragraphs_of
from tests.live import Browser, burst, rows


def t(app, message, **variables):
    with app.test_request_context(), force_locale(app.config["BABEL_DEFAULT_LOCALE"]):
        return gettext(message, **variables)


ACCOUNTS = 8


@pytest.fixture
def world(make_org, make_user, make_consultation, make_comment):
    authority = make_org(kind="authority")
    association = make_org()
    author = make_user(orgs=[association])
    reporter = make_user(orgs=[make_org()])
    accounts = [make_user(orgs=[make_org()]) for _ in range(ACCOUNTS)]
    consultation = make_consultation(organizer=authority)
    anchor = next(p.anchor for p in paragraphs_of(consultation) if p.kind == "paragraph")
    comments = [
        make_comment(consultation, author, association, body=f"Samanaikaisesti ilmiannettu {i}.", anchor=anchor)
        for i in range(3)
    ]
    return SimpleNamespace(
        author=author, reporter=reporter, accounts=accounts, consultation=consultation, comments=comments,
    )


def _report_form(comment_id):
    return f"/comments/{comment_id}/report"


def _signed_in_reporters(live_server, comment_id, accounts):
    """One browser per account, signed in, with the report form's token."""
    browsers = []
    for i, account in enumerate(accounts):
        browser = Browser(live_server.url, f"Mozilla/5.0 (Concurrent test client {i}) Firefox/128.{i}")
        browser.login(account.email)
        browsers.append((browser, browser.token(_report_form(comment_id))))
    return browsers


def _anonymous_reporters(live_server, comment_id, n):
    """Browsers on one address (127.0.0.1), each with its own cookies and User-Agent."""
    browsers = []
    for i in range(n):
        browser = Browser(live_server.url, f"Mozilla/5.0 (Spoofed client {i}) Firefox/128.{i}")
        browsers.append((browser, browser.token(_report_form(comment_id))))
    return browsers


def _post_all(browsers, comment_id, reason="spam"):
    return burst([
        (lambda b=browser, tok=token: b.post(
            _report_form(comment_id), {"reason": reason, "details": "", "csrf_token": tok}
        ))
        for browser, token in browsers
    ])


def _auto_hides(app, comment_id) -> int:
    return rows(app, "SELECT count(*) FROM moderation_event WHERE comment_id = ? AND action = 'auto_hide'",
                (comment_id,))[0][0]


def test_eight_accounts_at_once_all_counted_and_auto_hide_fires_once(app, world, live_server):
    """Threshold = N: every report must be accepted (none can see the comment hidden before
    its own report is in), and the last ones race to hide it."""
    n = ACCOUNTS
    app.config["REPORT_AUTO_HIDE_THRESHOLD"] = n
    comment = world.comments[0]
    browsers = _signed_in_reporters(live_server, comment.id, world.accounts)
    results = _post_all(browsers, comment.id)

    statuses = [status for status, _ in results]
    assert statuses == [200] * n, statuses
    thanks = t(app, "Thank you for your report")
    assert all(thanks in page for _, page in results)
    assert rows(app, "SELECT count(*) FROM report WHERE comment_id = ?", (comment.id,)) == [(n,)]
    assert rows(app, "SELECT count(DISTINCT reporter_id) FROM report WHERE comment_id = ?", (comment.id,)) == [(n,)]
    assert rows(app, "SELECT count(*) FROM moderation_event WHERE comment_id = ? AND action = 'report'",
                (comment.id,)) == [(n,)]
    assert _auto_hides(app, comment.id) == 1
    assert rows(app, "SELECT visibility, pending_review FROM comment WHERE id = ?", (comment.id,)) == [("hidden", 1)]
    assert rows(app, "SELECT count(*) FROM outbox_message WHERE kind = 'comment_hidden'") == [(1,)]
    assert live_server.errors == []


def test_reports_racing_past_the_default_threshold_hide_once(app, world, live_server):
    """Threshold 3 with 8 accounts at once, three times over: the comment is hidden exactly
    once each time. A report that arrives after the hide is refused with the clear 403
    page (hidden comments cannot be reported); none fails, none is lost."""
    assert app.config["REPORT_AUTO_HIDE_THRESHOLD"] == 3
    thanks = t(app, "Thank you for your report")
    refused = t(app, "This comment cannot be reported")
    for comment in world.comments:
        browsers = _signed_in_reporters(live_server, comment.id, world.accounts)
        results = _post_all(browsers, comment.id)
        statuses = [status for status, _ in results]
        assert all(status in (200, 403) for status in statuses), statuses
        accepted = [page for status, page in results if status == 200]
        assert all(thanks in page for page in accepted)
        assert all(refused in page for status, page in results if status == 403)
        stored = rows(app, "SELECT count(*) FROM report WHERE comment_id = ?", (comment.id,))[0][0]
        assert stored == len(accepted) >= 3
        assert _auto_hides(app, comment.id) == 1, comment.id
        assert rows(app, "SELECT visibility FROM comment WHERE id = ?", (comment.id,)) == [("hidden",)]
    assert rows(app, "SELECT count(*) FROM outbox_message WHERE kind = 'comment_hidden'") == [(len(world.comments),)]
    assert live_server.errors == []


@pytest.mark.parametrize("who", ["anonymous", "signed_in"])
def test_same_reporter_five_times_at_once_is_one_report(app, world, live_server, who):
    comment = world.comments[0]
    jar = http.cookiejar.CookieJar()  # one browser, five clicks
    first = Browser(live_server.url, "Mozilla/5.0 (Double clicker) Firefox/128.0", jar)
    if who == "signed_in":
        first.login(world.reporter.email)
    token = first.token(_report_form(comment.id))
    browsers = [(Browser(live_server.url, first.user_agent, jar), token) for _ in range(5)]
    results = _post_all(browsers, comment.id, reason="offensive")

    statuses = [status for status, _ in results]
    assert statuses == [200] * 5, statuses
    thanks, already = t(app, "Thank you for your report"), t(app, "Already reported")
    assert sum(thanks in page for _, page in results) == 1
    assert sum(already in page for _, page in results) == 4
    assert rows(app, "SELECT count(*), min(status) FROM report WHERE comment_id = ?", (comment.id,)) == [(1, "open")]
    assert rows(app, "SELECT count(*) FROM moderation_event WHERE comment_id = ?", (comment.id,)) == [(1,)]
    key = rows(app, "SELECT reporter_key FROM report WHERE comment_id = ?", (comment.id,))[0][0]
    if who == "signed_in":
        assert key == f"u:{world.reporter.id}"
    else:
        assert re.fullmatch(r"a:[0-9a-f]{64}", key)
    assert _auto_hides(app, comment.id) == 0
    assert live_server.errors == []


def test_anonymous_burst_with_many_user_agents_is_one_report_and_hides_nothing(app, world, live_server):
    """Eight anonymous clients on one address, each with its own cookies and User-Agent,
    all at once: one reporter, so one report (the others are told it is already reported),
    and anonymous reports never hide anything."""
    comment = world.comments[0]
    browsers = _anonymous_reporters(live_server, comment.id, ACCOUNTS)
    results = _post_all(browsers, comment.id)

    statuses = [status for status, _ in results]
    assert statuses == [200] * ACCOUNTS, statuses
    thanks, already = t(app, "Thank you for your report"), t(app, "Already reported")
    assert sum(thanks in page for _, page in results) == 1
    assert sum(already in page for _, page in results) == ACCOUNTS - 1
    assert rows(app, "SELECT count(*), min(status) FROM report WHERE comment_id = ?", (comment.id,)) == [(1, "open")]
    assert _auto_hides(app, comment.id) == 0
    assert rows(app, "SELECT visibility, pending_review FROM comment WHERE id = ?", (comment.id,)) == [("visible", 0)]
    assert live_server.errors == []
