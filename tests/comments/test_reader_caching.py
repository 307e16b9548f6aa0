"""Readers' pages can be cached (issue 15 §5): an anonymous GET sets no cookie, the
consultation pages carry an ETag from the content stamp and answer If-None-Match with
304, closed consultations may be kept by shared caches for a short time, and a signed-in
person's page is never cacheable by anyone else. Posting, hiding or switching the
language changes the ETag, so a 304 never brings back what moderation hid."""
from __future__ import annotations

import pytest

from app.extensions import db
from comments.moderation.services import hide_comment
from comments.responses.summary import publish_summary
from tests.conftest import counting_queries, csrf_from, login
from tests.world import HIDDEN_TEXT, build_world, comment_on

SAME_ORIGIN = {"Origin": "http://localhost"}


@pytest.fixture
def closed(app):
    world = build_world(status="closed")
    return world


@pytest.fixture
def summarized(closed):
    publish_summary(closed.consultation, closed.users["official"], "Yhteenveto lausunnoista.", 0)
    db.session.commit()
    return closed


def reader_pages(world) -> list[str]:
    """Every public page type a reader opens, with the consultation's parts."""
    slug, anchor = world.slug, world.paragraphs[1].anchor
    return [
        "/", "/consultations/", "/consultations/?status=closed", "/accessibility", "/privacy",
        f"/consultations/{slug}/", f"/consultations/{slug}/?open={anchor}",
        f"/consultations/{slug}/comments/", f"/consultations/{slug}/comments/?paragraph={anchor}",
        f"/consultations/{slug}/comments/?paragraph=whole", f"/consultations/{slug}/comments/?organization=org-a",
        f"/consultations/{slug}/comments/?paragraph={anchor}&fragment=1",
        f"/comments/{world.comment_id}", f"/consultations/{slug}/summary",
        "/search?q=yhteisty%C3%B6", "/feeds/consultations.atom", f"/consultations/{slug}/comments.atom",
        f"/api/v1/consultations/{slug}", f"/consultations/{slug}/export.csv", "/no-such-page",
    ]


def test_anonymous_reader_gets_no_cookie_on_any_public_page(summarized, client):
    for url in reader_pages(summarized):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert response.headers.getlist("Set-Cookie") == [], url
    assert client.get_cookie("session") is None


def test_language_switch_still_gives_the_reader_a_session(closed, client):
    page = f"/consultations/{closed.slug}/"
    assert 'name="csrf_token"' not in client.get(page).get_data(as_text=True)
    response = client.post("/language", data={"lang": "sv", "next": page}, headers=SAME_ORIGIN)
    assert response.status_code == 302 and response.headers["Location"].endswith(page)
    assert client.get_cookie("session") is not None
    html = client.get(page).get_data(as_text=True)
    assert '<html lang="sv">' in html


@pytest.mark.parametrize("headers", [{}, {"Origin": "https://evil.example"},
                                     {"Referer": "https://evil.example/consultations/"}, {"Origin": "null"}])
def test_language_switch_from_another_site_is_refused(closed, client, headers):
    response = client.post("/language", data={"lang": "sv", "next": "/"}, headers=headers)
    assert response.status_code == 400
    assert client.get_cookie("session") is None


def test_language_switch_by_referer_when_the_browser_sends_no_origin(closed, client):
    response = client.post("/language", data={"lang": "en", "next": "/"},
                           headers={"Referer": "http://localhost/consultations/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def etag_pages(world) -> list[str]:
    slug, anchor = world.slug, world.paragraphs[1].anchor
    return [f"/consultations/{slug}/", f"/consultations/{slug}/?open={anchor}", f"/consultations/{slug}/comments/",
            f"/consultations/{slug}/comments/?paragraph={anchor}", f"/consultations/{slug}/comments/?organization=org-b",
            f"/consultations/{slug}/comments/?paragraph={anchor}&fragment=1", f"/consultations/{slug}/summary"]


def test_consultation_pages_answer_if_none_match_with_304(summarized, client):
    for url in etag_pages(summarized):
        first = client.get(url)
        etag = first.headers.get("ETag")
        assert first.status_code == 200 and etag, url
        assert "Cookie" in first.headers["Vary"], url
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.get_data() == b"" and again.headers["ETag"] == etag, url
        # A proxy that compressed the page weakens the ETag; it still matches.
        assert client.get(url, headers={"If-None-Match": f"W/{etag}"}).status_code == 304, url
        assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200, url


def test_each_page_and_language_has_its_own_etag(closed, client):
    etags = {client.get(url).headers["ETag"] for url in etag_pages(closed)[:-1]}
    assert len(etags) == len(etag_pages(closed)) - 1
    page = f"/consultations/{closed.slug}/"
    finnish = client.get(page).headers["ETag"]
    client.post("/language", data={"lang": "sv", "next": page}, headers=SAME_ORIGIN)
    swedish = client.get(page, headers={"If-None-Match": finnish})
    assert swedish.status_code == 200 and swedish.headers["ETag"] != finnish


def test_closed_consultation_may_be_kept_by_shared_caches_for_a_short_time(summarized, client):
    response = client.get(f"/consultations/{summarized.slug}/")
    assert response.cache_control.public and 0 < response.cache_control.max_age <= 300
    assert client.get(f"/consultations/{summarized.slug}/summary").cache_control.public


def test_open_consultation_is_revalidated_every_time(app, client):
    world = build_world(status="open")
    response = client.get(f"/consultations/{world.slug}/")
    assert response.headers["ETag"]
    assert response.cache_control.no_cache and not response.cache_control.public


def test_new_comment_changes_the_etag(app, client):
    world = build_world(status="open")
    url = f"/consultations/{world.slug}/"
    etag = client.get(url).headers["ETag"]
    comment_on(world.consultation, world.users["member_b"], world.orgs["b"], "Uusi kommentti tuli.")
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and "Uusi kommentti tuli." in response.get_data(as_text=True)
    assert response.headers["ETag"] != etag


def test_posting_through_the_form_changes_the_etag(app, client):
    world = build_world(status="open")
    url = f"/consultations/{world.slug}/comments/"
    etag = client.get(url).headers["ETag"]
    login(client, world.users["member"])
    token = csrf_from(client, url)
    posted = client.post(url, data={"csrf_token": token, "body": "Lomakkeella lähetetty.", "organization": "org-a",
                                    "paragraph": ""})
    assert posted.status_code == 302
    client.post("/auth/logout", data={"csrf_token": token})
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_hiding_a_comment_changes_the_etag_so_no_304_keeps_it(closed, client):
    anchor = closed.paragraphs[2].anchor
    urls = [f"/consultations/{closed.slug}/", f"/consultations/{closed.slug}/comments/?paragraph={anchor}",
            f"/consultations/{closed.slug}/comments/"]
    etags = {url: client.get(url).headers["ETag"] for url in urls}
    shown = closed.comments[2]
    hide_comment(shown, closed.users["official"], "offensive")
    db.session.commit()
    for url in urls:
        response = client.get(url, headers={"If-None-Match": etags[url]})
        assert response.status_code == 200, url
        assert "Tavoitteet ovat hyvät." not in response.get_data(as_text=True), url
        assert HIDDEN_TEXT not in response.get_data(as_text=True), url


@pytest.mark.parametrize("role", ["member", "official"])
def test_signed_in_person_never_gets_a_cacheable_page(summarized, client, role):
    login(client, summarized.users[role])
    for url in etag_pages(summarized):
        anonymous_etag = None
        response = client.get(url)
        assert response.status_code == 200, url
        assert "ETag" not in response.headers, url
        assert response.cache_control.no_store and not response.cache_control.public, url
        assert "Cookie" in response.headers["Vary"], url
        # An ETag a reader's cache holds never answers a signed-in person with 304.
        with client.application.test_client() as reader:
            anonymous_etag = reader.get(url).headers["ETag"]
        assert client.get(url, headers={"If-None-Match": anonymous_etag}).status_code == 200, url


def test_304_is_answered_without_rendering_the_page(closed, client):
    url = f"/consultations/{closed.slug}/comments/?paragraph={closed.paragraphs[1].anchor}"
    etag = client.get(url).headers["ETag"]
    with counting_queries() as statements:
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    # The consultation, its paragraph and the content stamp: nothing of the comments.
    assert len(statements) <= 4, statements


def test_language_switch_behind_a_proxy_that_ends_tls(closed, client):
    """The browser's Origin says https, the app (no TRUSTED_PROXIES) sees http: same host."""
    response = client.post("/language", data={"lang": "sv", "next": "/"}, headers={"Origin": "https://localhost"})
    assert response.status_code == 302
    refused = client.post("/language", data={"lang": "en", "next": "/"}, headers={"Origin": "https://localhost.evil.example"})
    assert refused.status_code == 400
