"""Atom feeds: new and open consultations (optionally one organizer's) and a
consultation's visible comments; never hidden or unpublished content; the newest 50;
an ETag that answers 304 while nothing changed."""
from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree

from app.extensions import db
from comments.moderation.services import hide_comment

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response):
    assert response.status_code == 200
    assert response.content_type == "application/atom+xml; charset=utf-8"
    root = ElementTree.fromstring(response.get_data())
    return [entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")], root


def test_consultation_feed_has_new_and_open_only(app, client, make_consultation, make_org):
    authority = make_org(name="Alue", kind="authority")
    make_consultation(status="open", title="Avoin <script>x</script>", organizer=authority)
    make_consultation(status="upcoming", title="Tuleva")
    make_consultation(status="closed", title="Päättynyt")
    make_consultation(status="open", title="Julkaisematon", published=False)
    titles, root = entries(client.get("/feeds/consultations.atom"))
    assert sorted(titles) == ["Avoin <script>x</script>", "Tuleva"]
    assert "<script>" not in client.get("/feeds/consultations.atom").get_data(as_text=True)  # escaped
    titles, _ = entries(client.get(f"/feeds/consultations.atom?organizer={authority.slug}"))
    assert titles == ["Avoin <script>x</script>"]
    assert client.get("/feeds/consultations.atom?organizer=no-such").status_code == 404


def test_comment_feed_never_has_hidden_comments(app, client, make_consultation, make_org, make_user, make_comment):
    org = make_org(name="Kommentoiva ry")
    author = make_user(orgs=[org])
    consultation = make_consultation(status="open")
    make_comment(consultation, author, org, body="Näkyvä **lausunto**.")
    hidden = make_comment(consultation, author, org, body="Piilotettava salaisuus.")
    hide_comment(hidden, make_user(role="official"), "offensive")
    db.session.commit()
    response = client.get(f"/consultations/{consultation.slug}/comments.atom")
    titles, root = entries(response)
    text = response.get_data(as_text=True)
    assert len(titles) == 1 and "Kommentoiva ry" in titles[0]
    assert "Piilotettava salaisuus." not in text
    content = root.find(f"{ATOM}entry/{ATOM}content")
    assert content.get("type") == "html" and "<strong>lausunto</strong>" in content.text


def test_comment_feed_of_unpublished_consultation_is_404_for_everyone(app, client, login_as, make_consultation,
                                                                     make_user):
    consultation = make_consultation(status="open", published=False)
    official = make_user(role="official", orgs=[consultation.organizer])
    assert client.get(f"/consultations/{consultation.slug}/comments.atom").status_code == 404
    login_as(official)
    assert client.get(f"/consultations/{consultation.slug}/comments.atom").status_code == 404
    assert client.get("/consultations/no-such/comments.atom").status_code == 404


def test_newest_fifty_and_etag(app, client, make_consultation, make_org, make_user, make_comment):
    org = make_org()
    author = make_user(orgs=[org])
    consultation = make_consultation(status="open")
    for n in range(55):
        comment = make_comment(consultation, author, org, body=f"Kommentti numero {n}.")
        comment.created_at = comment.created_at + timedelta(seconds=n)
    db.session.commit()
    url = f"/consultations/{consultation.slug}/comments.atom"
    response = client.get(url)
    titles, root = entries(response)
    text = response.get_data(as_text=True)
    assert len(titles) == 50
    assert "Kommentti numero 54." in text and "Kommentti numero 4." not in text
    etag = response.headers["ETag"]
    assert "public" in response.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    newest = make_comment(consultation, author, org, body="Uusi kommentti.")
    newest.created_at = newest.created_at + timedelta(minutes=5)  # after the ones moved ahead above
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_feeds_are_linked(app, client, make_consultation):
    consultation = make_consultation(status="open")
    assert "/feeds/consultations.atom" in client.get("/consultations/").get_data(as_text=True)
    assert f"/consultations/{consultation.slug}/comments.atom" in client.get(
        f"/consultations/{consultation.slug}/").get_data(as_text=True)
