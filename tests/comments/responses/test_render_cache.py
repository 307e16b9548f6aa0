"""The summary page and the exports are rendered once and kept (comments/responses/render_cache.py):
every change to what they show must still reach the next visitor at once."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.markup import render_comment
from app.timeutil import utcnow
from comments.models import Comment
from comments.moderation.services import hide_comment, restore_comment
from tests.comments.responses.conftest import answer, publish, token

OUTPUTS = ("summary", "export.csv", "export.json")


def fetch(client, world, output: str) -> str:
    response = client.get(f"/consultations/{world.slug}/{output}")
    assert response.status_code == 200, output
    return response.get_data().decode("utf-8-sig")


@pytest.fixture
def summarized(world, client_as):
    official = client_as(world, "official")
    assert answer(official, world, world.comments[1], "partly", "Ensimmäinen vastaus.").status_code == 303
    assert publish(official, world).status_code == 303
    return official


def _comment(comment_id) -> Comment:
    db.session.expire_all()
    return db.session.scalar(select(Comment).where(Comment.id == comment_id))


@pytest.mark.parametrize("output", OUTPUTS)
def test_hiding_and_restoring_reach_the_cached_output_at_once(world, summarized, client_as, output):
    anonymous = client_as(world, "anonymous")
    text = world.comments[2].body_source
    assert text in fetch(anonymous, world, output)
    # Kept, not rendered again: the same bytes (export.json's "exported_at" included).
    assert fetch(anonymous, world, output) == fetch(anonymous, world, output)

    hide_comment(_comment(world.comments[2].id), world.users["official"], "offensive")
    db.session.commit()
    assert text not in fetch(anonymous, world, output)

    restore_comment(_comment(world.comments[2].id), world.users["official"])
    db.session.commit()
    assert text in fetch(anonymous, world, output)


@pytest.mark.parametrize("output", OUTPUTS)
def test_republished_response_replaces_the_cached_one(world, summarized, client_as, output):
    anonymous = client_as(world, "anonymous")
    assert "Ensimmäinen vastaus." in fetch(anonymous, world, output)
    assert answer(summarized, world, world.comments[1], "accepted", "Korjattu vastaus.").status_code == 303
    assert "Korjattu vastaus." not in fetch(anonymous, world, output)  # a draft until published
    assert publish(summarized, world).status_code == 303
    page = fetch(anonymous, world, output)
    assert "Korjattu vastaus." in page and "Ensimmäinen vastaus." not in page


@pytest.mark.parametrize("output", OUTPUTS)
def test_edited_comment_reaches_the_cached_output(world, summarized, client_as, output):
    anonymous = client_as(world, "anonymous")
    fetch(anonymous, world, output)
    comment = _comment(world.comments[0].id)
    # What edit_comment stores; the service itself refuses edits after the deadline.
    comment.body_source = "Jälkikäteen korjattu teksti."
    comment.body_html = render_comment(comment.body_source)
    comment.edited_at = utcnow()
    db.session.commit()
    assert "Jälkikäteen korjattu teksti." in fetch(anonymous, world, output)


def test_republished_summary_text_reaches_the_summary_page(world, summarized, client_as):
    anonymous = client_as(world, "anonymous")
    fetch(anonymous, world, "summary")
    assert publish(summarized, world, body="Uusi yhteenvedon teksti.").status_code == 303
    assert "Uusi yhteenvedon teksti." in fetch(anonymous, world, "summary")


def test_each_language_gets_its_own_rendering(world, summarized, client_as):
    english = fetch(client_as(world, "anonymous"), world, "summary")
    finnish = fetch(client_as(world, "anonymous", lang="fi"), world, "summary")
    assert "Responses to the comments" in english and "Responses to the comments" not in finnish
    assert "Responses to the comments" in fetch(client_as(world, "anonymous"), world, "summary")


def test_the_page_around_the_cached_part_follows_the_visitor(world, summarized, client_as):
    anonymous_page = fetch(client_as(world, "anonymous"), world, "summary")
    member_page = fetch(client_as(world, "member"), world, "summary")
    assert 'action="/auth/logout"' in member_page and 'action="/auth/logout"' not in anonymous_page


def test_an_invitation_reaches_the_cached_summary_page(world, summarized, client_as):
    """The summary lists who was asked for a statement; inviting one more organization
    (while the consultation is open) after the summary was cached shows on the next visit."""
    from app.organizations import create_organization

    from datetime import timedelta

    create_organization("Myöhään kutsuttu ry", "myohaan")
    world.consultation.closes_at = utcnow() + timedelta(days=3)  # an interim summary of an open one
    db.session.commit()
    anonymous = client_as(world, "anonymous")
    assert "Myöhään kutsuttu ry" not in fetch(anonymous, world, "summary")
    url = f"/consultations/{world.slug}/manage/invitations/"
    response = summarized.post(url, data={"organization": "myohaan", "csrf_token": token(summarized, url)})
    assert response.status_code == 303
    assert "Myöhään kutsuttu ry" in fetch(anonymous, world, "summary")
