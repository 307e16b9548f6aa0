"""The read-only open data API: published consultations only, visible comments only,
published responses and summaries only, paginated."""
from __future__ import annotations

import pytest

from app.extensions import db
from comments.opendata.openapi import openapi_document
from tests.comments.responses.conftest import answer, publish
from tests.world import HIDDEN_TEXT

API = "/api/v1"


def test_openapi_document(client_as, world):
    response = client_as(world, "anonymous").get(f"{API}/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {
        "/api/v1/consultations", "/api/v1/consultations/{slug}", "/api/v1/consultations/{slug}/paragraphs",
        "/api/v1/consultations/{slug}/comments", "/api/v1/consultations/{slug}/responses",
        "/api/v1/consultations/{slug}/summary",
    }
    assert all(set(item) == {"get"} for item in document["paths"].values())  # read-only


def test_api_has_only_safe_methods(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


def test_consultations_list_only_published(world, client_as, make_consultation):
    make_consultation(status="open", organizer=world.orgs["authority"], slug="salainen", published=False)
    for role in ("anonymous", "official", "admin"):
        data = client_as(world, role).get(f"{API}/consultations").get_json()
        assert [c["slug"] for c in data["items"]] == [world.slug], role
    assert client_as(world, "official").get(f"{API}/consultations/salainen").status_code == 404
    assert client_as(world, "anonymous").get(f"{API}/consultations/salainen/comments").status_code == 404


def test_consultation_detail(world, client_as):
    response = client_as(world, "anonymous").get(f"{API}/consultations/{world.slug}")
    data = response.get_json()
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert data["title"] == "Yhteistyön periaatteet" and data["status"] == "closed"
    assert data["organizer"] == {"name": "Hyvinvointialue", "slug": "authority"}
    assert data["documents"][0]["version"] == 1
    assert data["opens_at"].endswith(("+02:00", "+03:00"))  # Helsinki time


def test_status_filter(world, client_as, make_consultation):
    make_consultation(status="open", organizer=world.orgs["authority"], slug="auki")
    client = client_as(world, "anonymous")
    assert [c["slug"] for c in client.get(f"{API}/consultations?status=open").get_json()["items"]] == ["auki"]
    assert [c["slug"] for c in client.get(f"{API}/consultations?status=closed").get_json()["items"]] == [world.slug]
    assert client.get(f"{API}/consultations?status=summarized").get_json()["items"] == []
    assert client.get(f"{API}/consultations?status=drop").status_code == 400


def test_paragraphs_paginated(world, client_as):
    client = client_as(world, "anonymous")
    first = client.get(f"{API}/consultations/{world.slug}/paragraphs?per_page=2").get_json()
    assert first["total"] == len(world.paragraphs) and len(first["items"]) == 2
    assert [p["anchor"] for p in first["items"]] == [p.anchor for p in world.paragraphs[:2]]
    assert "page=2" in first["next"]
    last_page = (len(world.paragraphs) + 1) // 2
    last = client.get(f"{API}/consultations/{world.slug}/paragraphs?per_page=2&page={last_page}").get_json()
    assert last["next"] is None


@pytest.mark.parametrize("query", ["page=0", "page=abc", "per_page=0", "per_page=101", "page=-1", "page=1e3",
                                   "page=%C2%B9", "per_page=%D9%A3"])
def test_bad_paging_is_400_json(world, client_as, query):
    response = client_as(world, "anonymous").get(f"{API}/consultations/{world.slug}/comments?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["status"] == 400


def test_comments_are_visible_only_with_published_responses(world, client_as):
    client = client_as(world, "anonymous")
    data = client.get(f"{API}/consultations/{world.slug}/comments").get_json()
    assert data["total"] == 3
    assert HIDDEN_TEXT not in str(data)
    assert world.hidden.id not in [c["id"] for c in data["items"]]
    by_paragraph = client.get(f"{API}/consultations/{world.slug}/comments?paragraph={world.paragraphs[1].anchor}").get_json()
    assert [c["id"] for c in by_paragraph["items"]] == [world.comments[1].id]
    assert by_paragraph["items"][0]["paragraph"] == {"anchor": world.paragraphs[1].anchor, "number": world.paragraphs[1].number}
    assert by_paragraph["items"][0]["organization"]["name"] == "Yhdistys Ääni ry"

    official = client_as(world, "official")
    answer(official, world, world.comments[1], "not_accepted", "Ei muuteta.")
    answer(official, world, world.comments[2], "noted")
    assert client.get(f"{API}/consultations/{world.slug}/responses").get_json()["total"] == 0
    assert client.get(f"{API}/consultations/{world.slug}/summary").status_code == 404
    publish(official, world, "Yhteenveto julkaistu.")
    responses = client.get(f"{API}/consultations/{world.slug}/responses").get_json()
    assert {r["comment_id"] for r in responses["items"]} == {world.comments[1].id, world.comments[2].id}
    comment = client.get(f"{API}/consultations/{world.slug}/comments?paragraph={world.paragraphs[1].anchor}").get_json()["items"][0]
    assert comment["response"]["decision"] == "not_accepted" and comment["response"]["text"] == "Ei muuteta."
    summary = client.get(f"{API}/consultations/{world.slug}/summary").get_json()
    assert summary["text"] == "Yhteenveto julkaistu." and summary["consultation"] == world.slug


def test_response_to_a_comment_hidden_later_disappears(world, client_as):
    official = client_as(world, "official")
    answer(official, world, world.comments[2], "accepted", "Vastine piiloon.")
    publish(official, world)
    comment = world.comments[2]
    comment.visibility, comment.hide_reason = "hidden", "spam"
    from app.timeutil import utcnow

    comment.hidden_at = utcnow()
    db.session.commit()
    client = client_as(world, "anonymous")
    for url in (f"{API}/consultations/{world.slug}/responses", f"{API}/consultations/{world.slug}/comments",
                f"/consultations/{world.slug}/summary", f"/consultations/{world.slug}/export.csv",
                f"/consultations/{world.slug}/export.json"):
        body = client.get(url).get_data(as_text=True)
        assert "Vastine piiloon." not in body and "Tavoitteet ovat hyvät." not in body, url


def test_api_index(world, client_as):
    data = client_as(world, "anonymous").get(f"{API}/").get_json()
    assert data["openapi"].endswith("/api/v1/openapi.json")


def test_unknown_consultation_is_json_404(world, client_as):
    response = client_as(world, "anonymous").get(f"{API}/consultations/ei-ole/summary")
    assert response.status_code == 404 and response.get_json()["error"]["status"] == 404


def test_post_is_not_allowed(world, client_as):
    assert client_as(world, "anonymous").post(f"{API}/consultations").status_code == 405


def test_document_matches_module(world, client_as):
    assert client_as(world, "anonymous").get(f"{API}/openapi.json").get_json() == openapi_document()
