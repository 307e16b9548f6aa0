"""Officials answer comments paragraph by paragraph, save drafts, and do not overwrite
each other (optimistic locking)."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app.extensions import db
from comments.responses.drafted_text import ResponseConflict
from comments.responses.official import OfficialResponse, progress, save_response
from tests.comments.responses.conftest import answer, token, version_in
from tests.world import HIDDEN_TEXT


def _responses():
    db.session.expire_all()
    return {r.comment_id: r for r in db.session.scalars(select(OfficialResponse))}


def test_overview_shows_progress_and_paragraph_groups(world, client_as):
    client = client_as(world, "official")
    html = client.get(f"/consultations/{world.slug}/responses").get_data(as_text=True)
    assert "0 / 3" in html
    assert world.paragraphs[1].number in html and world.paragraphs[2].number in html
    assert "?paragraph=general" in html
    assert "1 comment hidden by moderation is not answered." in html


def test_paragraph_page_lists_only_its_visible_comments(world, client_as):
    client = client_as(world, "official")
    html = client.get(f"/consultations/{world.slug}/responses?paragraph={world.paragraphs[1].anchor}").get_data(as_text=True)
    assert "Taustaa pitää täydentää" in html
    assert "Tavoitteet ovat hyvät." not in html
    assert HIDDEN_TEXT not in html
    assert client.get(f"/consultations/{world.slug}/responses?paragraph=p-nonexistent").status_code == 404


def test_saving_a_response_keeps_it_a_draft(world, client_as):
    client = client_as(world, "official")
    comment = world.comments[1]
    response = answer(client, world, comment, "partly", "Täydennämme *taustaa*. <script>alert(1)</script>")
    assert response.status_code == 303
    saved = _responses()[comment.id]
    assert (saved.decision, saved.version_id, saved.published_at) == ("partly", 1, None)
    assert saved.author_id == world.users["official"].id
    assert "<em>taustaa</em>" in saved.body_html and "<script" not in saved.body_html
    assert progress(world.consultation) == (1, 3)
    html = client.get(f"/consultations/{world.slug}/responses").get_data(as_text=True)
    assert "1 / 3" in html
    # Not public: no summary page, nothing in the exports or the API.
    public = client_as(world, "anonymous")
    assert public.get(f"/consultations/{world.slug}/summary").status_code == 404
    assert "Täydennämme" not in public.get(f"/consultations/{world.slug}/export.csv").get_data(as_text=True)
    assert "Täydennämme" not in public.get(f"/api/v1/consultations/{world.slug}/comments").get_data(as_text=True)
    assert public.get(f"/api/v1/consultations/{world.slug}/responses").get_json()["total"] == 0


def test_second_save_updates_and_bumps_version(world, client_as):
    client = client_as(world, "official")
    comment = world.comments[0]
    assert answer(client, world, comment, "noted", "Ensimmäinen.").status_code == 303
    assert answer(client, world, comment, "accepted", "Toinen.").status_code == 303
    saved = _responses()[comment.id]
    assert (saved.decision, saved.body_source, saved.version_id) == ("accepted", "Toinen.", 2)


def test_two_officials_editing_get_a_conflict_and_nothing_is_lost(world, client_as):
    first, second = client_as(world, "official"), client_as(world, "official_2")
    comment = world.comments[1]
    url = f"/consultations/{world.slug}/responses?paragraph={comment.paragraph_anchor}"
    assert answer(first, world, comment, "noted", "Alkuperäinen.").status_code == 303
    # Both open the form at version 1.
    version_first = version_in(first.get(url).get_data(as_text=True), comment.id)
    version_second = version_in(second.get(url).get_data(as_text=True), comment.id)
    assert version_first == version_second == "1"
    assert answer(second, world, comment, "accepted", "Toisen virkailijan teksti.", version_second).status_code == 303
    conflict = answer(first, world, comment, "not_accepted", "Ensimmäisen virkailijan teksti.", version_first)
    assert conflict.status_code == 409
    html = conflict.get_data(as_text=True)
    assert "Another official saved this response while you were editing it." in html
    assert "Ensimmäisen virkailijan teksti." in html  # the loser's text is given back
    assert "Toisen virkailijan teksti." in html  # next to what was saved
    assert version_in(html, comment.id) == "2"  # saving again is a knowing overwrite
    saved = _responses()[comment.id]
    assert (saved.decision, saved.body_source, saved.version_id) == ("accepted", "Toisen virkailijan teksti.", 2)
    again = answer(first, world, comment, "not_accepted", "Ensimmäisen virkailijan teksti.", "2")
    assert again.status_code == 303
    assert _responses()[comment.id].body_source == "Ensimmäisen virkailijan teksti."


def test_stale_update_between_check_and_flush_is_a_conflict(world):
    """The version_id_col guard: the row changed after we read it."""
    comment = world.comments[2]
    official = world.users["official"]
    response = save_response(comment, official, "noted", "Eka.", 0)
    db.session.commit()
    db.session.execute(update(OfficialResponse).where(OfficialResponse.id == response.id).values(version_id=5).execution_options(synchronize_session=False))
    with pytest.raises(ResponseConflict):
        save_response(comment, official, "accepted", "Toka.", 1)
    db.session.rollback()


def test_parallel_first_saves_conflict(world, client_as):
    first, second = client_as(world, "official"), client_as(world, "official_2")
    comment = world.comments[2]
    assert answer(first, world, comment, "noted", "A", "0").status_code == 303
    assert answer(second, world, comment, "accepted", "B", "0").status_code == 409
    assert _responses()[comment.id].body_source == "A"


def test_decision_is_required_and_text_kept(world, client_as):
    client = client_as(world, "official")
    comment = world.comments[0]
    response = answer(client, world, comment, "", "Teksti ilman päätöstä.", "0")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Choose a decision." in html and "Teksti ilman päätöstä." in html
    response = answer(client, world, comment, "maybe", "x", "0")
    assert response.status_code == 422
    assert _responses() == {}


def test_hidden_comment_cannot_be_answered(world, client_as):
    client = client_as(world, "official")
    response = client.post(
        f"/consultations/{world.slug}/responses/{world.hidden.id}",
        data={"decision": "noted", "body": "x", "version": "0", "csrf_token": token(client)},
    )
    assert response.status_code == 409
    assert _responses() == {}


def test_responses_only_after_closing(make_consultation, make_user, world, client_as):
    open_one = make_consultation(status="open", organizer=world.orgs["authority"], slug="avoin-yhteistyo")
    client = client_as(world, "official")
    html = client.get(f"/consultations/{open_one.slug}/responses").get_data(as_text=True)
    assert "can be written after the consultation has closed" in html
    assert 'action="/consultations/avoin-yhteistyo/responses/summary"' not in html


def test_response_for_comment_of_another_consultation_is_404(world, client_as, make_consultation, make_comment):
    other = make_consultation(status="closed", organizer=world.orgs["authority"], slug="toinen")
    foreign = make_comment(other, world.users["member"], world.orgs["a"], "Muualla.")
    client = client_as(world, "official")
    response = client.post(
        f"/consultations/{world.slug}/responses/{foreign.id}",
        data={"decision": "noted", "body": "x", "version": "0", "csrf_token": token(client)},
    )
    assert response.status_code == 404


@pytest.mark.parametrize("version", ["abc", "-1", "99999999999"])
def test_bad_version_is_400(world, client_as, version):
    client = client_as(world, "official")
    response = answer(client, world, world.comments[0], "noted", "x", version)
    assert response.status_code == 400


def test_post_without_csrf_token_is_refused(world, client_as):
    client = client_as(world, "official")
    response = client.post(
        f"/consultations/{world.slug}/responses/{world.comments[0].id}",
        data={"decision": "noted", "body": "x", "version": "0"},
    )
    assert response.status_code == 400
    assert _responses() == {}
