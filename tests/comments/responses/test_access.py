"""Every route of issue 8 as a table: role × (method, URL) → status."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from comments.responses.official import OfficialResponse
from comments.responses.summary import Summary
from tests.comments.responses.conftest import ROLES, publish, token

ORGANIZER = {"anonymous": 302, "member": 403, "official_b": 403, "official": 200, "admin": 200}
ORGANIZER_POST = {"anonymous": 302, "member": 403, "official_b": 403, "official": 303, "admin": 303}
EVERYONE = dict.fromkeys(ROLES, 200)
NOBODY = dict.fromkeys(ROLES, 404)

GET_TABLE = [
    ("/consultations/{slug}/responses", ORGANIZER),
    ("/consultations/{slug}/responses?paragraph=general", ORGANIZER),
    ("/consultations/{slug}/summary", NOBODY),  # not published yet
    ("/consultations/{slug}/export.csv", EVERYONE),
    ("/consultations/{slug}/export.csv?sep=;", EVERYONE),
    ("/consultations/{slug}/export.xlsx", EVERYONE),
    ("/consultations/{slug}/export.json", EVERYONE),
    ("/api/v1/", EVERYONE),
    ("/api/v1/openapi.json", EVERYONE),
    ("/api/v1/consultations", EVERYONE),
    ("/api/v1/consultations/{slug}", EVERYONE),
    ("/api/v1/consultations/{slug}/paragraphs", EVERYONE),
    ("/api/v1/consultations/{slug}/comments", EVERYONE),
    ("/api/v1/consultations/{slug}/responses", EVERYONE),
    ("/api/v1/consultations/{slug}/summary", NOBODY),
    ("/consultations/{slug}/responses/{comment}", dict.fromkeys(ROLES, 405)),
    ("/consultations/{slug}/responses/summary", dict.fromkeys(ROLES, 405)),
    ("/consultations/{slug}/manage/attachments", dict.fromkeys(ROLES, 405)),
    ("/consultations/{slug}/manage/", {"anonymous": 302, "member": 403, "official_b": 403, "official": 200, "admin": 200}),
    ("/consultations/no-such/responses", {**NOBODY, "anonymous": 302}),
    ("/consultations/no-such/summary", NOBODY),
]

# An unpublished consultation does not exist for those who may not manage it.
UNPUBLISHED_TABLE = [
    ("/consultations/{slug}/responses", {"anonymous": 302, "member": 404, "official_b": 404, "official": 200, "admin": 200}),
    ("/consultations/{slug}/manage/", {"anonymous": 302, "member": 404, "official_b": 404, "official": 200, "admin": 200}),
    ("/consultations/{slug}/summary", NOBODY),
    ("/consultations/{slug}/export.csv", NOBODY),
    ("/consultations/{slug}/export.xlsx", NOBODY),
    ("/consultations/{slug}/export.json", NOBODY),
    ("/api/v1/consultations/{slug}", NOBODY),
    ("/api/v1/consultations/{slug}/paragraphs", NOBODY),
    ("/api/v1/consultations/{slug}/comments", NOBODY),
    ("/api/v1/consultations/{slug}/responses", NOBODY),
    ("/api/v1/consultations/{slug}/summary", NOBODY),
]


def _url(template, shared, slug=None):
    return template.format(slug=slug or shared.slug, comment=shared.comment)


def _cases(table):
    for url, expected in table:
        for role in ROLES:
            yield pytest.param(role, url, expected[role], id=f"{role}-{url}")


@pytest.mark.parametrize("role, url, expected", list(_cases(GET_TABLE)))
def test_get_access(shared, role, url, expected):
    response = shared.clients[role].get(_url(url, shared))
    assert response.status_code == expected
    if expected == 302:
        assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("role, url, expected", list(_cases(UNPUBLISHED_TABLE)))
def test_unpublished_access(shared, role, url, expected):
    """Summarized, then unpublished: even the published summary stays hidden."""
    response = shared.clients[role].get(_url(url, shared, shared.unpublished))
    assert response.status_code == expected
    assert "Salainen yhteenveto" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
def test_published_summary_is_public(world, client_as, role):
    assert publish(client_as(world, "official"), world).status_code == 303
    client = client_as(world, role)
    assert client.get(f"/consultations/{world.slug}/summary").status_code == 200
    assert client.get(f"/api/v1/consultations/{world.slug}/summary").status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_post_response_access(world, client_as, role):
    client = client_as(world, role)
    response = client.post(
        f"/consultations/{world.slug}/responses/{world.comments[0].id}",
        data={"decision": "noted", "body": "Merkitään tiedoksi.", "version": "0", "csrf_token": token(client)},
    )
    assert response.status_code == ORGANIZER_POST[role]
    db.session.expire_all()
    stored = db.session.scalars(select(OfficialResponse)).all()
    assert len(stored) == (1 if ORGANIZER_POST[role] == 303 else 0)


@pytest.mark.parametrize("action", ["save", "publish"])
@pytest.mark.parametrize("role", ROLES)
def test_post_summary_access(world, client_as, role, action):
    client = client_as(world, role)
    response = client.post(
        f"/consultations/{world.slug}/responses/summary",
        data={"body": "Yhteenveto.", "version": "0", "action": action, "csrf_token": token(client)},
    )
    assert response.status_code == ORGANIZER_POST[role]
    db.session.expire_all()
    assert len(db.session.scalars(select(Summary)).all()) == (1 if ORGANIZER_POST[role] == 303 else 0)


def test_post_summary_ignores_extra_fields(world, client_as):
    """Mass assignment: published_at, author and the consultation are not taken from the form."""
    client = client_as(world, "official")
    response = client.post(
        f"/consultations/{world.slug}/responses/summary",
        data={"body": "Yhteenveto.", "version": "0", "action": "save", "csrf_token": token(client),
              "published_at": "2000-01-01T00:00:00", "author_id": str(world.users["admin"].id),
              "consultation_id": "999", "published_html": "<script>x</script>"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    summary = db.session.scalar(select(Summary))
    assert (summary.published_at, summary.published_html, summary.author_id, summary.consultation_id) == (
        None, None, world.users["official"].id, world.consultation.id)
