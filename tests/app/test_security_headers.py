"""Security headers, charset and caching on every kind of response, and error pages that
show a request id but never a stack trace or SQL."""
from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import text

from app.extensions import db
from tests.conftest import csrf_from

SECRET_DETAIL = "kaboom-secret-detail-7731"


@pytest.fixture
def failing_app(make_app):
    """An app with routes that fail, registered before its first request; exceptions are
    handled the way production handles them (not propagated to the test)."""
    application = make_app(PROPAGATE_EXCEPTIONS=False)

    @application.get("/_test/boom")
    def boom():
        raise RuntimeError(SECRET_DETAIL)

    @application.get("/_test/sql")
    def bad_sql():
        db.session.execute(text("SELECT secret_column FROM no_such_table_7731"))
        return "unreachable"

    return application


def _csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in policy.split(";"):
        tokens = part.split()
        if tokens:
            directives[tokens[0].lower()] = [t.lower() for t in tokens[1:]]
    return directives


def assert_security_headers(response):
    headers = response.headers
    directives = _csp_directives(response)
    assert directives, f"no Content-Security-Policy on {response.status}"
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src is not None, directives
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "*" not in script_src and "data:" not in script_src
    assert directives.get("object-src") == ["'none'"]
    assert directives.get("frame-ancestors") == ["'none'"] or headers.get("X-Frame-Options") == "DENY"
    assert "base-uri" in directives
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("Referrer-Policy") in {
        "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin",
    }
    assert headers.get("X-Frame-Options") in {"DENY", "SAMEORIGIN"}
    permissions = headers.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions
    assert re.fullmatch(r"[0-9a-f]{8,64}", headers.get("X-Request-ID", "")), headers.get("X-Request-ID")


def assert_utf8_html(response):
    content_type = response.headers.get("Content-Type", "")
    assert content_type.startswith("text/html"), content_type
    assert "charset=utf-8" in content_type.lower(), content_type


@pytest.mark.parametrize(
    "method, url, status",
    [
        ("GET", "/", 200),
        ("GET", "/consultations/", 200),
        ("GET", "/auth/login", 200),
        ("GET", "/accessibility", 200),
        ("GET", "/no-such-page", 404),
        ("GET", "/consultations/no-such-consultation/", 404),
        ("GET", "/consultations/?status=bogus", 400),
        ("GET", "/auth/logout", 405),
        ("POST", "/language", 400),  # no CSRF token
    ],
)
def test_headers_and_charset_on_every_status(client, method, url, status):
    response = client.open(url, method=method)
    assert response.status_code == status
    assert_security_headers(response)
    assert_utf8_html(response)


def test_headers_on_redirect_and_forbidden(app, client, login_as, make_user):
    anonymous = client.get("/admin/users")
    assert anonymous.status_code == 302
    assert_security_headers(anonymous)
    login_as(make_user())
    forbidden = client.get("/admin/users")
    assert forbidden.status_code == 403
    assert_security_headers(forbidden)
    assert_utf8_html(forbidden)


def test_headers_on_consultation_page(client, make_consultation):
    consultation = make_consultation()
    response = client.get(f"/consultations/{consultation.slug}/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert_utf8_html(response)


def test_healthz_has_security_headers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert_security_headers(response)


def test_static_file_has_nosniff(client):
    response = client.get("/static/css/kuulo.css")
    assert response.status_code == 200
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert "charset=utf-8" in response.headers["Content-Type"].lower()
    response.close()


def test_unhandled_exception_gives_500_without_traceback(failing_app, caplog):
    client = failing_app.test_client()
    with caplog.at_level(logging.ERROR):
        response = client.get("/_test/boom")
    assert response.status_code == 500
    assert_security_headers(response)
    assert_utf8_html(response)
    html = response.get_data(as_text=True)
    request_id = response.headers["X-Request-ID"]
    assert request_id in html
    for leak in (SECRET_DETAIL, "Traceback", "RuntimeError", 'File "', ".py", "werkzeug"):
        assert leak not in html, leak
    # The error is logged, with the same request id, for the operators.
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(request_id in r.getMessage() for r in logged), [r.getMessage() for r in logged]
    assert any(r.exc_info for r in logged)


def test_database_error_gives_500_without_sql(failing_app):
    client = failing_app.test_client()
    response = client.get("/_test/sql")
    assert response.status_code == 500
    assert_security_headers(response)
    assert_utf8_html(response)
    html = response.get_data(as_text=True)
    assert response.headers["X-Request-ID"] in html
    for leak in ("no_such_table_7731", "secret_column", "SELECT", "OperationalError", "sqlalchemy", "Traceback"):
        assert leak not in html, leak
    # The app keeps working after the failed transaction.
    assert client.get("/healthz").status_code == 200


def test_request_ids_differ(client):
    first = client.get("/").headers["X-Request-ID"]
    second = client.get("/").headers["X-Request-ID"]
    assert first != second


def test_error_page_does_not_reflect_path(client):
    response = client.get("/<script>alert(1)</script>")
    assert response.status_code == 404
    assert "<script>alert(1)" not in response.get_data(as_text=True)


# --- caching -----------------------------------------------------------------


def _no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_login_and_register_pages_are_not_cached(client):
    for url in ("/auth/login", "/auth/register"):
        response = client.get(url)
        assert response.status_code == 200
        assert _no_store(response), (url, response.headers.get("Cache-Control"))


def test_failed_login_answer_is_not_cached(client, make_user):
    user = make_user()
    token = csrf_from(client)
    response = client.post("/auth/login", data={"email": user.email, "password": "wrong-password-1", "csrf_token": token})
    assert response.status_code == 401
    assert _no_store(response)


@pytest.mark.parametrize("url", ["/", "/consultations/", "/consultations/{slug}/",
                                 "/consultations/{slug}/comments/", "/accessibility"])
def test_pages_of_logged_in_user_are_not_cached(client, login_as, make_user, make_consultation, url):
    consultation = make_consultation()
    login_as(make_user())
    response = client.get(url.format(slug=consultation.slug))
    assert response.status_code == 200
    assert _no_store(response), response.headers.get("Cache-Control")
    assert "Cookie" in response.headers.get("Vary", "")


def test_admin_page_is_not_cached(client, login_as, make_user):
    login_as(make_user(role="admin"))
    response = client.get("/admin/users")
    assert response.status_code == 200
    assert _no_store(response)


def test_logout_redirect_is_not_cached(client, login_as, make_user):
    login_as(make_user())
    token = csrf_from(client, "/consultations/")
    response = client.post("/auth/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert _no_store(response)
