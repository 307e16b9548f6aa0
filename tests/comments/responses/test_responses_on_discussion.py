"""Published responses appear under the comments they answer, on the consultation page,
the comment list and the permalink; drafts of responses never do."""
from __future__ import annotations

from tests.comments.responses.conftest import answer, publish


def _pages(client, world, comment):
    return {
        "consultation": client.get(f"/consultations/{world.slug}/").get_data(as_text=True),
        "list": client.get(f"/consultations/{world.slug}/comments/").get_data(as_text=True),
        "permalink": client.get(f"/comments/{comment.id}").get_data(as_text=True),
    }


def test_draft_response_stays_off_the_public_pages(world, client_as):
    official = client_as(world, "official")
    comment = world.comments[1]
    assert answer(official, world, comment, "partly", "Luonnosvastaus, ei vielä julkinen.").status_code == 303
    for name, html in _pages(client_as(world, "anonymous"), world, comment).items():
        assert "Luonnosvastaus" not in html, name
        assert "authority-response" not in html, name


def test_published_response_shows_under_its_comment_with_the_decision(world, client_as):
    official = client_as(world, "official")
    comment = world.comments[1]
    assert answer(official, world, comment, "partly", "Täydennämme **taustaa**.").status_code == 303
    assert publish(official, world).status_code == 303
    for name, html in _pages(client_as(world, "anonymous"), world, comment).items():
        card = html[html.index(f'id="{comment.anchor_id}"'):]
        card = card[:card.index("</article>")]
        assert "Response of Hyvinvointialue" in card, name
        assert "Partly accepted" in card, name
        assert "Täydennämme <strong>taustaa</strong>." in card, name
        assert html.count("authority-response") == 1, name  # the other comments have no answer


def test_response_in_finnish_is_labelled_in_finnish(world, client_as):
    official = client_as(world, "official")
    assert answer(official, world, world.comments[0], "noted", "Kiitos.").status_code == 303
    assert publish(official, world).status_code == 303
    html = client_as(world, "anonymous", lang="fi").get(f"/comments/{world.comments[0].id}").get_data(as_text=True)
    assert "Vastine – Hyvinvointialue" in html
    assert "Päätös" in html
