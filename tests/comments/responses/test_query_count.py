"""Pages and exports of issue 8 make a fixed number of SQL queries, however many rows."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.timeutil import utcnow
from comments.responses.official import save_response
from comments.responses.summary import publish_summary
from tests.comments.responses.conftest import new_client
from tests.conftest import counting_queries
from tests.world import comment_on

PUBLIC_URLS = [
    "/consultations/{slug}/",
    "/consultations/{slug}/summary",
    "/consultations/{slug}/export.csv",
    "/consultations/{slug}/export.xlsx",
    "/consultations/{slug}/export.json",
    "/api/v1/consultations/{slug}/comments",
    "/api/v1/consultations/{slug}/responses",
    "/api/v1/consultations/{slug}/paragraphs",
]
OFFICIAL_URLS = [
    "/consultations/{slug}/responses",
    "/consultations/{slug}/responses?paragraph={anchor}",
]


def _grow(world, make_org, make_user, count: int):
    """More organizations, authors, comments (some hidden) and responses."""
    official = world.users["official"]
    for n in range(count):
        org = make_org(kind=("association", "foundation", "company")[n % 3])
        author = make_user(orgs=[org])
        anchor = world.paragraphs[n % len(world.paragraphs)].anchor
        comment = comment_on(world.consultation, author, org, f"Kommentti numero {n}.", anchor)
        if n % 5 == 0:
            comment.visibility, comment.hidden_at = "hidden", utcnow()
        elif n % 2 == 0:
            save_response(comment, official, "noted", f"Vastine {n}.", 0)
        db.session.commit()


def _count(client, url):
    client.get(url)  # warm-up: templates, connection pool
    with counting_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


@pytest.mark.parametrize("url", PUBLIC_URLS + OFFICIAL_URLS)
def test_constant_query_count(app, world, make_org, make_user, url):
    # Every kind of row exists before counting, so only the number of rows changes.
    save_response(world.comments[1], world.users["official"], "partly", "Vastine.", 0)
    publish_summary(world.consultation, world.users["official"], "Yhteenveto.", 0)
    db.session.commit()
    client = new_client(app, world.users["official"].email if url in OFFICIAL_URLS else None)
    target = url.format(slug=world.slug, anchor=world.paragraphs[1].anchor)
    before = _count(client, target)
    _grow(world, make_org, make_user, 12)
    after = _count(client, target)
    assert after == before, f"{url}: {before} queries with 4 comments, {after} with 16"
