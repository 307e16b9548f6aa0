"""NUL characters, which PostgreSQL cannot store: typed into a form they are dropped and
the rest of the text is kept; in an address they answer 404 (path) or 422 (query), on
SQLite and PostgreSQL alike (issue 12, defect 7)."""
from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.extensions import db
from comments.models import Comment
from tests.conftest import PASSWORD, csrf_from

REFUSED_QUERY = "The request contained something that cannot be processed. Check what you entered and try again."


@pytest.fixture
def open_consultation(make_consultation, make_org, make_user):
    organizer = make_org(kind="authority")
    org = make_org()
    return make_consultation(organizer=organizer), org, make_user(orgs=[org]), organizer


def test_comment_with_nul_is_published_without_it(client, login_as, open_consultation):
    consultation, org, member, _ = open_consultation
    login_as(member)
    response = client.post(f"/consultations/{consultation.slug}/comments/", data={
        "body": "Hyvä\x00 luonnos,\x00 kiitos.", "organization": org.slug,
        "csrf_token": csrf_from(client, f"/consultations/{consultation.slug}/"),
    })
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert db.session.scalars(select(Comment.body_source)).all() == ["Hyvä luonnos, kiitos."]


def test_login_with_nul_in_the_email_address(client, open_consultation):
    _, _, member, _ = open_consultation
    response = client.post("/auth/login", data={
        "email": member.email + "\x00", "password": PASSWORD, "csrf_token": csrf_from(client, "/auth/login"),
    })
    assert response.status_code == 302


@pytest.mark.parametrize("url", [
    "/consultations/kuuleminen%00x/",
    "/consultations/kuuleminen%00x/comments/",
    "/consultations/kuuleminen%00x/export.csv",
    "/api/v1/consultations/kuuleminen%00x",
])
def test_nul_in_a_slug_is_404(client, open_consultation, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("query", [
    "/api/v1/consultations/{slug}/comments?paragraph=%00",
    "/consultations/{slug}/comments/?organization=org%00",
    "/search?q=kuuleminen%00",
])
def test_nul_in_a_filter_is_422(client, open_consultation, query):
    consultation = open_consultation[0]
    assert client.get(query.format(slug=consultation.slug)).status_code == 422


def test_nul_in_the_moderation_log_filter_is_a_translated_422(client, login_as, make_user, open_consultation):
    organizer = open_consultation[3]
    login_as(make_user(role="official", orgs=[organizer]))
    response = client.get("/moderation/log?consultation=kuuleminen%00")
    assert response.status_code == 422
    with force_locale("fi"):
        expected = gettext(REFUSED_QUERY)
    assert expected != REFUSED_QUERY and expected in response.get_data(as_text=True)
