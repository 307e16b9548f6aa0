"""Publishing the summary with the responses: status, public page, notifications."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.outbox import OutboxMessage
from comments.responses.official import OfficialResponse
from comments.responses.summary import Summary
from consultations.models import Consultation
from tests.comments.responses.conftest import answer, publish, token
from tests.world import HIDDEN_TEXT


def _outbox(kind="summary_published"):
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)).all()


def test_publishing_makes_the_consultation_summarized_and_the_responses_public(world, client_as):
    client = client_as(world, "official")
    assert answer(client, world, world.comments[1], "partly", "Lisäämme taustaa.").status_code == 303
    assert answer(client, world, world.comments[2], "accepted", "Hyvä.").status_code == 303
    response = publish(client, world)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/consultations/{world.slug}/summary")
    db.session.expire_all()
    consultation = db.session.get(Consultation, world.consultation.id)
    assert consultation.status == "summarized"
    summary = db.session.scalar(select(Summary))
    assert summary.published_at == consultation.summary_published_at
    assert "<strong>kiitos</strong>" in summary.published_html
    assert all(r.published_at is not None for r in db.session.scalars(select(OfficialResponse)))

    page = client_as(world, "anonymous").get(f"/consultations/{world.slug}/summary")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<strong>kiitos</strong>" in html
    assert "Lisäämme taustaa." in html and "Partly accepted" in html
    assert "Taustaa pitää täydentää" in html and "Yhdistys Ääni ry" in html
    assert world.paragraphs[1].number in html
    assert HIDDEN_TEXT not in html
    assert "1 comment was hidden by moderation and is not included." in html
    assert "No response" in html  # the general comment was not answered
    # Key figures, charts with table alternatives, no inline styles (CSP).
    assert "Key figures" in html and "<svg" in html and "Show the figures as a table" in html
    assert "style=" not in html and "<script" not in html
    # The consultation page links to it.
    assert f"/consultations/{world.slug}/summary" in client_as(world, "anonymous").get(
        f"/consultations/{world.slug}/").get_data(as_text=True)


def test_commenters_are_notified_once_in_their_language(world, client_as):
    world.users["member_b"].locale = "en"
    db.session.commit()
    client = client_as(world, "official")
    assert publish(client, world).status_code == 303
    messages = _outbox()
    # member (two visible comments) once; member_b has a visible comment too; nobody else.
    assert sorted(m.to_email for m in messages) == ["member-b@example.org", "member@example.org"]
    english = next(m for m in messages if m.to_email == "member-b@example.org")
    assert english.subject == "Summary published: Yhteistyön periaatteet"
    assert f"/consultations/{world.slug}/summary" in english.body
    # Publishing corrections again does not notify again.
    html = client.get(f"/consultations/{world.slug}/responses").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html[html.index("/responses/summary"):]).group(1)
    assert publish(client, world, "Korjattu yhteenveto.", version).status_code == 303
    assert len(_outbox()) == 2
    assert "Korjattu yhteenveto." in client_as(world, "anonymous").get(
        f"/consultations/{world.slug}/summary").get_data(as_text=True)


def test_author_of_only_hidden_comments_is_not_notified(world, client_as, make_user, make_comment):
    from app.timeutil import utcnow

    loner = make_user(orgs=[world.orgs["b"]], email="loner@example.org")
    hidden = make_comment(world.consultation, loner, world.orgs["b"], "Vain piilossa.")
    hidden.visibility, hidden.hidden_at = "hidden", utcnow()
    db.session.commit()
    assert publish(client_as(world, "official"), world).status_code == 303
    assert "loner@example.org" not in [m.to_email for m in _outbox()]


def test_response_edited_after_publication_stays_draft_until_published_again(world, client_as):
    client = client_as(world, "official")
    comment = world.comments[1]
    assert answer(client, world, comment, "noted", "Julkaistu vastaus.").status_code == 303
    assert publish(client, world).status_code == 303
    assert answer(client, world, comment, "accepted", "Luonnos korjauksesta.").status_code == 303
    public = client_as(world, "anonymous").get(f"/consultations/{world.slug}/summary").get_data(as_text=True)
    assert "Julkaistu vastaus." in public and "Luonnos korjauksesta." not in public
    official_view = client.get(f"/consultations/{world.slug}/responses?paragraph={comment.paragraph_anchor}")
    assert "Changes not published yet." in official_view.get_data(as_text=True)


def test_empty_summary_cannot_be_published(world, client_as):
    client = client_as(world, "official")
    response = publish(client, world, "   ")
    assert response.status_code == 422
    assert "Write the summary before publishing it." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Consultation, world.consultation.id).summary_published_at is None
    assert _outbox() == []


def test_summary_draft_is_saved_without_publishing(world, client_as):
    client = client_as(world, "official")
    response = client.post(
        f"/consultations/{world.slug}/responses/summary",
        data={"body": "Luonnos yhteenvedosta.", "version": "0", "action": "save", "csrf_token": token(client)},
    )
    assert response.status_code == 303
    assert client_as(world, "anonymous").get(f"/consultations/{world.slug}/summary").status_code == 404
    assert client_as(world, "anonymous").get(f"/api/v1/consultations/{world.slug}/summary").status_code == 404
    assert "Luonnos yhteenvedosta." in client.get(f"/consultations/{world.slug}/responses").get_data(as_text=True)
    # A second official with the old version gets a conflict, and the text back.
    other = client_as(world, "official_2")
    conflict = other.post(
        f"/consultations/{world.slug}/responses/summary",
        data={"body": "Toinen versio.", "version": "0", "action": "save", "csrf_token": token(other)},
    )
    assert conflict.status_code == 409
    assert "Toinen versio." in conflict.get_data(as_text=True)


def test_unpublished_consultation_summary_is_404(world, client_as):
    client = client_as(world, "official")
    assert publish(client, world).status_code == 303
    world.consultation.published = False
    db.session.commit()
    for role in ("anonymous", "member", "official_b", "official", "admin"):
        viewer = client_as(world, role)
        assert viewer.get(f"/consultations/{world.slug}/summary").status_code == 404, role
        assert viewer.get(f"/api/v1/consultations/{world.slug}/summary").status_code == 404, role


def test_unknown_action_is_400(world, client_as):
    client = client_as(world, "official")
    response = client.post(
        f"/consultations/{world.slug}/responses/summary",
        data={"body": "x", "version": "0", "action": "delete", "csrf_token": token(client)},
    )
    assert response.status_code == 400


def test_listing_filters_summarized_consultations(world, client_as, make_consultation):
    make_consultation(status="closed", slug="vain-suljettu")
    official = client_as(world, "official")
    anonymous = client_as(world, "anonymous")
    assert f"/consultations/{world.slug}/" not in anonymous.get("/consultations/?status=summarized").get_data(as_text=True)
    assert publish(official, world).status_code == 303
    summarized = anonymous.get("/consultations/?status=summarized").get_data(as_text=True)
    closed = anonymous.get("/consultations/?status=closed").get_data(as_text=True)
    assert f"/consultations/{world.slug}/" in summarized
    assert "/consultations/vain-suljettu/" not in summarized
    assert f"/consultations/{world.slug}/" in closed and "/consultations/vain-suljettu/" in closed
