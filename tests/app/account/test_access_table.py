"""Access of the account routes as a table: role × (method, URL) → status, on the world
of tests/test_access_table.py. Posts carry a valid CSRF token; without one they are 400."""
from __future__ import annotations

import pytest

from tests.conftest import csrf_from
from tests.test_access_table import ROLES, World, client_for, shared  # noqa: F401  (fixture)

EVERYONE = dict.fromkeys(ROLES, 200)
SIGNED_IN = {"anonymous": 302, **dict.fromkeys(ROLES[1:], 200)}
NOT_ALLOWED = dict.fromkeys(ROLES, 405)
BROKEN_LINK = dict.fromkeys(ROLES, 400)
SITE_ADMIN = {"anonymous": 302, "member": 403, "member_b": 403, "official": 403, "official_b": 403, "admin": 200}

ACCOUNT_GETS = [
    ("/account/", SIGNED_IN),
    ("/account/profile", NOT_ALLOWED),
    ("/account/email", NOT_ALLOWED),
    ("/account/password", NOT_ALLOWED),
    ("/account/email/forged", BROKEN_LINK),
    ("/auth/reset-password", EVERYONE),
    ("/auth/reset-password/sent", EVERYONE),
    ("/auth/reset-password/forged", BROKEN_LINK),
    ("/account/organizations/", SIGNED_IN),
    ("/account/comments", SIGNED_IN),
    ("/account/export.json", SIGNED_IN),
    ("/account/delete", SIGNED_IN),
    ("/account/follows", SIGNED_IN),
    ("/admin/organizations", SITE_ADMIN),
    ("/admin/log", SITE_ADMIN),
    ("/admin/users?q=member", SITE_ADMIN),
    ("/admin/organizations/999999", {**SITE_ADMIN, "admin": 404}),
    ("/admin/users/role", NOT_ALLOWED),
    ("/feeds/consultations.atom", EVERYONE),
    ("/feeds/consultations.atom?organizer=authority", EVERYONE),
    ("/consultations/{slug}/comments.atom", EVERYONE),
    ("/consultations/{draft}/comments.atom", dict.fromkeys(ROLES, 404)),
    ("/follows/unsubscribe/forged", BROKEN_LINK),
    ("/consultations/{slug}/follow", NOT_ALLOWED),
    ("/account/comments?page=2", SIGNED_IN),
    ("/account/organizations/?q=Yhdistys", SIGNED_IN),
    ("/account/organizations/register", SIGNED_IN),
    ("/account/organizations/requests", SITE_ADMIN),
    ("/account/organizations/join", NOT_ALLOWED),
]

# Empty forms: signed-in users get the form back with errors (400), the anonymous the login.
ACCOUNT_POSTS = [
    ("/account/profile", {"anonymous": 302, **dict.fromkeys(ROLES[1:], 400)}),
    ("/account/email", {"anonymous": 302, **dict.fromkeys(ROLES[1:], 400)}),
    ("/account/password", {"anonymous": 302, **dict.fromkeys(ROLES[1:], 400)}),
    ("/auth/reset-password", dict.fromkeys(ROLES, 400)),
    ("/auth/reset-password/forged", BROKEN_LINK),
    ("/account/email/forged", BROKEN_LINK),
    ("/account/organizations/join", {"anonymous": 302, **dict.fromkeys(ROLES[1:], 400)}),
    ("/account/delete", {"anonymous": 302, **dict.fromkeys(ROLES[1:], 400)}),
    ("/consultations/{slug}/follow", {"anonymous": 302, **dict.fromkeys(ROLES[1:], 303)}),
    ("/consultations/{draft}/follow", {"anonymous": 302, "member": 404, "member_b": 404, "official": 303,
                                       "official_b": 404, "admin": 303}),
    ("/follows/unsubscribe/forged", BROKEN_LINK),
    ("/account/organizations/register", {"anonymous": 302, **dict.fromkeys(ROLES[1:], 400)}),
    ("/account/organizations/requests/999999", {"anonymous": 302, **dict.fromkeys(ROLES[1:], 404)}),
]


def _cases(table):
    for url, expected in table:
        for role in ROLES:
            yield pytest.param(role, url, expected[role], id=f"{role}-{url}")


@pytest.mark.parametrize("role, url, expected", list(_cases(ACCOUNT_GETS)))
def test_get(shared, role, url, expected):  # noqa: F811
    _, _world, clients = shared
    response = clients[role].get(_world.url(url))
    assert response.status_code == expected
    if expected == 302:
        assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("role, url, expected", list(_cases(ACCOUNT_POSTS)))
def test_post(shared, role, url, expected):  # noqa: F811
    _, _world, clients = shared
    client = clients[role]
    response = client.post(_world.url(url), data={"csrf_token": csrf_from(client, "/auth/login")})
    assert response.status_code == expected


@pytest.mark.parametrize("url", [url for url, _ in ACCOUNT_POSTS])
def test_post_without_csrf_is_refused(shared, url):  # noqa: F811
    _, _world, clients = shared
    assert clients["member"].post(_world.url(url), data={}).status_code == 400


def test_account_page_is_not_cached(shared):  # noqa: F811
    _, _world, clients = shared
    assert clients["member"].get("/account/").headers["Cache-Control"] == "no-store"
