"""Ids beyond the database's integer range answer 404 on every route that takes an id,
and ids in forms are refused like unknown ones, never a 500 (issue 12, defect 7)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from comments.models import Comment
from tests.apps import new_app
from tests.conftest import csrf_from

OUT_OF_RANGE = ("2147483648", "99999999999999999999")  # 2**31 (PostgreSQL integer) and beyond 64 bits
_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _routes_with_ids() -> list[tuple[str, str]]:
    rules = new_app("sqlite://").url_map.iter_rules()
    return sorted(
        (rule.rule, method)
        for rule in rules
        if "<int:" in rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


ROUTES = _routes_with_ids()


@pytest.fixture
def admin_client(client, make_org, make_user, make_consultation, make_comment, login_as):
    """An administrator, who may open every page; a consultation with a comment, so that
    each route gets as far as looking the id up."""
    organizer = make_org(kind="authority")
    org = make_org()
    consultation = make_consultation(organizer=organizer)
    make_comment(consultation, make_user(orgs=[org]), org)
    login_as(make_user(role="admin"))
    return client, consultation.slug


def test_the_table_finds_the_routes():
    assert len(ROUTES) >= 10, ROUTES


@pytest.mark.parametrize("rule, method", ROUTES)
def test_out_of_range_id_is_404(admin_client, rule, method):
    client, slug = admin_client
    fill = {"slug": slug, "action": "hide"}
    for value in OUT_OF_RANGE:  # one world for both values: a refused id changes nothing
        url = _ARGUMENT.sub(lambda m: value if m.group(1) == "int" else fill[m.group(2)], rule)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": csrf_from(client, "/")})
        assert response.status_code == 404, (url, response.status_code)


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_reply_to_out_of_range_parent_is_refused_like_an_unknown_one(admin_client, make_user, make_org, login_as, value):
    client, slug = admin_client
    org = make_org()
    login_as(make_user(orgs=[org]))
    response = client.post(f"/consultations/{slug}/comments/", data={
        "body": "Kenelle?", "organization": org.slug, "parent": value,
        "csrf_token": csrf_from(client, f"/consultations/{slug}/"),
    })
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Comment.id))) == 1


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_membership_for_out_of_range_user_is_refused_like_an_unknown_one(admin_client, make_org, value):
    client, _ = admin_client
    org = make_org()
    response = client.post("/admin/memberships", data={
        "user_id": value, "organization": org.slug, "csrf_token": csrf_from(client, "/admin/users"),
    })
    assert response.status_code == 400
