"""Every rate-limited endpoint, as a table: with limits on, one client gets exactly the
configured number of requests and the next one answers 429 with a clean translated page
(the API: a JSON error), never a 500. Run once on per-process memory and once on Redis."""
from __future__ import annotations

import pytest
from flask_babel import force_locale

from app.errors import MESSAGES
from tests.conftest import csrf_from

# (endpoint, method, path, requests allowed per client and window)
LIMITED = [
    ("login", "POST", "/auth/login", 20),
    ("register", "POST", "/auth/register", 10),
    ("register_confirm", "POST", "/auth/register/no-such-link", 20),
    ("password_reset", "POST", "/auth/reset-password", 10),
    ("password_reset_confirm", "POST", "/auth/reset-password/no-such-link", 20),
    ("email_change", "POST", "/account/email", 10),
    ("email_change_confirm", "POST", "/account/email/no-such-link", 20),
    ("join_organization", "POST", "/account/organizations/join", 20),
    ("register_organization", "POST", "/account/organizations/register", 20),
    ("comment", "POST", "/consultations/{slug}/comments/", 30),
    ("report", "POST", "/comments/{comment}/report", 10),
    ("search", "GET", "/search?q=kunta", 60),
    ("export_csv", "GET", "/consultations/{slug}/export.csv", 30),
    ("export_xlsx", "GET", "/consultations/{slug}/export.xlsx", 30),
    ("export_json", "GET", "/consultations/{slug}/export.json", 30),
    ("api", "GET", "/api/v1/consultations/{slug}/comments", 300),
]


@pytest.fixture(params=["memory", "redis"])
def app_settings(request):
    if request.param == "redis":
        return {"RATELIMIT_ENABLED": True, **request.getfixturevalue("redis_limits")}
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}


@pytest.fixture
def world(make_user, make_org, make_consultation, make_comment):
    org = make_org()
    consultation = make_consultation(status="open")
    comment = make_comment(consultation, make_user(orgs=[org]), org, body="Ilmiannettava kommentti.")
    return {"slug": consultation.slug, "comment": comment.id}


def too_many_requests_message(app) -> str:
    with app.test_request_context(), force_locale(app.config["BABEL_DEFAULT_LOCALE"]):
        return str(MESSAGES[429])


@pytest.mark.parametrize("endpoint, method, path, allowed", LIMITED, ids=[row[0] for row in LIMITED])
def test_limit_answers_429_after_exactly_the_allowed_requests(app, world, endpoint, method, path, allowed):
    client = app.test_client()
    url = path.format(**world)
    # A valid CSRF token, so that forms reach the limiter (the token check comes first);
    # the forms themselves are left empty: refused requests count as well.
    data = {"csrf_token": csrf_from(client, "/auth/login")} if method == "POST" else None

    statuses = [client.open(url, method=method, data=data).status_code for _ in range(allowed)]
    assert 429 not in statuses and 500 not in statuses, statuses
    if method == "GET":
        assert set(statuses) == {200}

    refused = client.open(url, method=method, data=data)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    if endpoint == "api":
        assert refused.get_json() == {"error": {"status": 429, "message": "Too Many Requests"}}
    else:
        message = too_many_requests_message(app)
        assert message != "Too many requests. Please wait a moment and try again."  # translated
        assert refused.mimetype == "text/html"
        assert message in refused.get_data(as_text=True)

    # Another client is not affected.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.77"
    data = {"csrf_token": csrf_from(other, "/auth/login")} if method == "POST" else None
    assert other.open(url, method=method, data=data).status_code != 429
