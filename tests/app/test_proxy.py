"""Behind a reverse proxy every request comes from the proxy's address. With
TRUSTED_PROXIES=1 the client address comes from X-Forwarded-For, so login throttling,
rate limits and anonymous report keys count each client apart; without it (the default)
X-Forwarded-For is never believed, so a forged one escapes nothing."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select

from app.extensions import db
from comments.moderation.models import Report
from tests.conftest import csrf_from, login

PROXY = "10.0.0.2"
ATTACKER, VISITOR = "203.0.113.7", "198.51.100.20"


@pytest.fixture
def app_settings(request):
    return getattr(request, "param", {})


def settings(**values):
    """Run the test on an app with these settings."""
    return pytest.mark.parametrize("app_settings", [values], indirect=True, ids=["settings"])


def through_proxy(app, forwarded_for=None, remote_addr=PROXY, user_agent="Firefox/128.0"):
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=remote_addr, HTTP_USER_AGENT=user_agent)
    if forwarded_for:
        client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client


def attempt_ips(app) -> set[str]:
    with sqlite3.connect(db.engine.url.database) as connection:
        return {ip for (ip,) in connection.execute("SELECT ip FROM login_attempt")}


def spray_failed_logins(app, client_for):
    """As many failed logins as one address may make, each on another account."""
    for i in range(app.config["LOGIN_MAX_FAILURES_PER_IP"]):
        response = login(client_for(i), f"victim{i}@example.org", "Password-Spray-1")
        assert response.status_code == 401


# --- login throttling ------------------------------------------------------------------


@settings(TRUSTED_PROXIES=1)
def test_one_forwarded_client_does_not_lock_out_the_others(app, make_user):
    user = make_user()
    # The attacker's own X-Forwarded-For values come first; the proxy appends the real one.
    spray_failed_logins(app, lambda i: through_proxy(app, f"192.0.2.{i}, {ATTACKER}"))
    assert attempt_ips(app) == {ATTACKER}

    assert login(through_proxy(app, ATTACKER), user).status_code == 429
    assert login(through_proxy(app, VISITOR), user).status_code == 302


def test_forged_forwarded_for_is_ignored_without_trusted_proxies(app, make_user):
    assert app.config["TRUSTED_PROXIES"] == 0
    user = make_user()
    spray_failed_logins(app, lambda i: through_proxy(app, f"192.0.2.{i}", remote_addr=ATTACKER))
    assert attempt_ips(app) == {ATTACKER}

    response = login(through_proxy(app, VISITOR, remote_addr=ATTACKER), user)
    assert response.status_code == 429


# --- scheme and host ------------------------------------------------------------------------


def api_link(client) -> str:
    return client.get("/api/v1/").get_json()["consultations"]


@settings(TRUSTED_PROXIES=1)
def test_scheme_comes_from_the_trusted_proxy_but_host_does_not(app):
    client = through_proxy(app, VISITOR)
    client.environ_base.update(HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_HOST="evil.example")
    assert api_link(client) == "https://localhost/api/v1/consultations"


def test_forged_scheme_is_ignored_without_trusted_proxies(app):
    client = through_proxy(app, VISITOR, remote_addr=ATTACKER)
    client.environ_base["HTTP_X_FORWARDED_PROTO"] = "https"
    assert api_link(client) == "http://localhost/api/v1/consultations"


# --- rate limits -------------------------------------------------------------------------


@settings(TRUSTED_PROXIES=1, RATELIMIT_ENABLED=True, SEARCH_RATE_LIMIT="3 per minute")
def test_rate_limits_count_each_forwarded_client(app):
    attacker = through_proxy(app, ATTACKER)
    statuses = [attacker.get("/search?q=kunta").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert through_proxy(app, VISITOR).get("/search?q=kunta").status_code == 200
    assert through_proxy(app, f"{VISITOR}, {ATTACKER}").get("/search?q=kunta").status_code == 429


@settings(RATELIMIT_ENABLED=True, SEARCH_RATE_LIMIT="3 per minute")
def test_forged_forwarded_for_does_not_escape_rate_limits(app):
    statuses = [
        through_proxy(app, f"192.0.2.{i}", remote_addr=ATTACKER).get("/search?q=kunta").status_code
        for i in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


# --- anonymous reports -------------------------------------------------------------------


@settings(TRUSTED_PROXIES=1)
def test_anonymous_reporters_behind_one_proxy_are_told_apart(app, make_org, make_user, make_consultation, make_comment):
    org = make_org()
    comment = make_comment(make_consultation(), make_user(orgs=[org]), org)
    url = f"/comments/{comment.id}/report"
    for address in (ATTACKER, VISITOR):
        client = through_proxy(app, address)
        response = client.post(url, data={"reason": "spam", "details": "", "csrf_token": csrf_from(client, url)})
        assert response.status_code == 200
    db.session.expire_all()
    reports = db.session.scalars(select(Report).where(Report.comment_id == comment.id)).all()
    assert len({report.reporter_key for report in reports}) == 2
