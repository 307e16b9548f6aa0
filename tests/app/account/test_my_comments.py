"""/account/comments: the person's own comments with status and published responses,
nobody else's, nothing of unpublished consultations, in a fixed number of queries."""
from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.timeutil import utcnow
from comments.moderation.services import hide_comment
from comments.responses.official import save_response
from comments.responses.summary import publish_summary
from tests.conftest import counting_queries


def test_lists_own_comments_with_status_and_published_response(app, client, login_as, make_user, make_org,
                                                               make_consultation, make_comment):
    org = make_org(name="Oma Yhdistys ry")
    me = make_user(orgs=[org])
    other = make_user(orgs=[org])
    official = make_user(role="official")
    consultation = make_consultation(status="open", title="Avoin kuuleminen", commenters="registered")
    visible = make_comment(consultation, me, org, body="Näkyvä kommenttini.")
    hidden = make_comment(consultation, me, None, body="Piilotettu kommenttini.")
    make_comment(consultation, other, org, body="Jonkun toisen kommentti.")
    hide_comment(hidden, official, "offensive")
    closed = make_consultation(status="closed", title="Päättynyt kuuleminen")
    answered = make_comment(closed, me, org, body="Vastattu kommenttini.")
    drafted = make_comment(closed, me, org, body="Luonnosvastauksen kommentti.")
    organizer_official = make_user(role="official", orgs=[closed.organizer])
    save_response(answered, organizer_official, "accepted", "Otamme huomioon.", 0)
    publish_summary(closed, organizer_official, "Yhteenveto.", 0)
    save_response(drafted, organizer_official, "noted", "Keskeneräinen vastaus.", 0)
    db.session.commit()

    login_as(me)
    html = client.get("/account/comments").get_data(as_text=True)
    assert "Näkyvä kommenttini." in html and "Vastattu kommenttini." in html
    assert "Jonkun toisen kommentti." not in html
    assert "Piilotettu kommenttini." not in html  # a hidden text is not handed out
    assert "offensive or hateful" in html or "loukkaava" in html.lower()
    assert "Otamme huomioon." in html
    assert "Keskeneräinen vastaus." not in html  # a draft response is not published
    assert "Avoin kuuleminen" in html and "Päättynyt kuuleminen" in html
    assert f"my-comment-{visible.id}" in html


def test_unpublished_consultation_is_not_named(app, client, login_as, make_user, make_org, make_consultation,
                                               make_comment):
    org = make_org()
    me = make_user(orgs=[org])
    consultation = make_consultation(status="open", title="Salainen luonnos")
    make_comment(consultation, me, org, body="Kommentti luonnokseen.")
    consultation.published = False
    db.session.commit()
    login_as(me)
    html = client.get("/account/comments").get_data(as_text=True)
    assert "Salainen luonnos" not in html and "Kommentti luonnokseen." not in html


def test_query_count_does_not_grow_with_comments(app, client, login_as, make_user, make_org, make_consultation,
                                                 make_comment):
    org = make_org()
    me = make_user(orgs=[org])
    consultations = [make_consultation(status="open", commenters="registered") for _ in range(3)]
    login_as(me)
    counts = []
    for round_ in range(2):
        for consultation in consultations:
            for n in range(3):
                make_comment(consultation, me, org if n % 2 else None, body=f"Kommentti {round_} {n}.")
        with counting_queries() as statements:
            assert client.get("/account/comments").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_pages_and_bad_page_numbers(app, client, login_as, make_user, make_org, make_consultation, make_comment):
    me = make_user()
    login_as(me)
    for page in ("0", "-1", "abc", "99999999999999999999", "2"):
        assert client.get(f"/account/comments?page={page}").status_code == 200
