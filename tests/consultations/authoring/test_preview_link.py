"""The secret preview link (issue 16 §4) reveals the draft to whoever holds it and nothing
else anywhere: not in the lists, the front page, the API, search, feeds, exports, the
summary or a sitemap, for the link holder or anyone; never indexed, cached or referred."""
from __future__ import annotations

import pytest

from tests.consultations.authoring.test_lifecycle import preview_link

TITLE = "Salainen valmisteluluonnos"
SLUG = "salainen"

# Pages that list consultations: the draft's slug and title appear in none, a published one in each.
LISTS = ["/", "/consultations/", "/consultations/?status=open", "/api/v1/consultations", "/feeds/consultations.atom",
         "/search?q=kappale&open=1"]
PUBLIC_TITLE = "Julkinen kuuleminen"
# The draft's own addresses elsewhere than its preview: not found.
OWN = [f"/consultations/{SLUG}/", f"/consultations/{SLUG}/comments/", f"/consultations/{SLUG}/summary",
       f"/consultations/{SLUG}/comments.atom", f"/consultations/{SLUG}/export.csv",
       f"/consultations/{SLUG}/export.json", f"/consultations/{SLUG}/export.xlsx",
       f"/api/v1/consultations/{SLUG}", f"/api/v1/consultations/{SLUG}/paragraphs",
       f"/api/v1/consultations/{SLUG}/comments", f"/api/v1/consultations/{SLUG}/summary",
       "/sitemap.xml"]


@pytest.fixture
def shared_draft(client, app, official, make_consultation, authority):
    # Unpublished, with dates that would make it open: only `published` keeps it hidden.
    make_consultation(status="open", organizer=authority, published=False, slug=SLUG, title=TITLE)
    make_consultation(status="open", organizer=authority, slug="julkinen", title=PUBLIC_TITLE)  # the control
    return preview_link(client, SLUG)


def test_the_link_shows_the_draft_read_only_and_is_never_indexed_cached_or_referred(app, shared_draft):
    response = app.test_client().get(shared_draft)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and TITLE in html and "preview-banner" in html
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response.headers["Cache-Control"] == "no-store" and "ETag" not in response.headers
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("url", LISTS)
def test_the_draft_is_in_no_list_feed_api_or_search_result(app, shared_draft, url):
    holder = app.test_client()
    assert holder.get(shared_draft).status_code == 200  # having read the preview changes nothing
    response = holder.get(url)
    body = response.get_data(as_text=True)
    assert response.status_code == 200, url
    assert SLUG not in body and TITLE not in body, url
    assert "julkinen" in body, f"{url} does not list even the published consultation"


@pytest.mark.parametrize("url", OWN)
def test_the_drafts_other_addresses_are_not_found(app, shared_draft, url):
    holder = app.test_client()
    assert holder.get(shared_draft).status_code == 200
    assert holder.get(url).status_code == 404, url
