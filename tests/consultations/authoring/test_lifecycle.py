"""Editing by status with a change log, preview links, publishing now or on schedule,
closing early and extending with a public note, copying."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.timeutil import utcnow
from consultations.authoring.forms import helsinki_local
from consultations.authoring.models import ConsultationChange, ContactPerson, Invitation
from consultations.models import Consultation
from consultations.services import add_document
from tests.conftest import csrf_from


def local(moment) -> str:
    return helsinki_local(moment).strftime("%Y-%m-%dT%H:%M")


def edit_data(client, consultation, **overrides) -> dict:
    url = f"/consultations/{consultation.slug}/manage/edit"
    data = {"csrf_token": csrf_from(client, url), "title": consultation.title, "slug": consultation.slug,
            "description": consultation.description, "language": consultation.language,
            "opens_at": local(consultation.opens_at), "closes_at": local(consultation.closes_at),
            "commenters": consultation.commenters, "diary_number": consultation.diary_number}
    data.update(overrides)
    return data


def changes_of(consultation) -> list[tuple[str, str]]:
    return [(c.field, c.new_value) for c in db.session.scalars(
        select(ConsultationChange).where(ConsultationChange.consultation_id == consultation.id)
        .order_by(ConsultationChange.id))]


def test_a_draft_is_edited_entirely_and_each_change_is_logged(client, official, make_consultation, authority):
    consultation = make_consultation(status="upcoming", organizer=authority, published=False, slug="luonnos")
    url = "/consultations/luonnos/manage/edit"
    response = client.post(url, data=edit_data(client, consultation, title="Uusi otsikko", slug="uusi",
                                               closes_at="2030-02-10T16:00", **{"contacts-0-name": "Matti"}))
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    db.session.expire_all()
    consultation = Consultation.by_slug("uusi")
    assert consultation.title == "Uusi otsikko"
    assert ("title", "Uusi otsikko") in changes_of(consultation) and ("slug", "uusi") in changes_of(consultation)
    html = client.get("/consultations/uusi/manage/edit").get_data(as_text=True)
    assert "Change log" in html and "Uusi otsikko" in html
    assert "10.2.2030 at 16:00" in html and "+00:00" not in html  # times as the official typed them


def test_an_open_consultation_may_only_be_extended_and_its_description_edited(client, official, make_consultation, authority):
    consultation = make_consultation(status="open", organizer=authority, slug="auki")
    closes, opens = consultation.closes_at, consultation.opens_at
    later = closes + timedelta(days=3)
    response = client.post("/consultations/auki/manage/edit", data=edit_data(
        client, consultation, title="Ei muutu", description="Uusi kuvaus", opens_at=local(opens - timedelta(days=5)),
        closes_at=local(later)))
    assert response.status_code == 303
    db.session.expire_all()
    consultation = Consultation.by_slug("auki")
    assert (consultation.title, consultation.description) == ("Testikuuleminen", "Uusi kuvaus")
    assert consultation.opens_at == opens and consultation.closes_at == later.replace(second=0, microsecond=0)
    # Never shortened below now.
    response = client.post("/consultations/auki/manage/edit", data=edit_data(
        client, consultation, closes_at=local(utcnow() - timedelta(hours=1))))
    assert response.status_code == 422
    assert "The closing time cannot be earlier than now." in response.get_data(as_text=True)


def test_close_early_and_extend_with_a_public_note(client, official, make_consultation, authority):
    make_consultation(status="open", organizer=authority, slug="auki")
    csrf = csrf_from(client, "/consultations/auki/manage/")
    response = client.post("/consultations/auki/manage/close", data={"csrf_token": csrf, "note": ""})
    assert response.status_code == 303
    assert Consultation.by_slug("auki").status == "open"  # a note is required
    client.post("/consultations/auki/manage/close", data={"csrf_token": csrf, "note": "Asia ratkesi."})
    db.session.expire_all()
    assert Consultation.by_slug("auki").status == "closed"
    assert "Asia ratkesi." in client.get("/consultations/auki/").get_data(as_text=True)
    later = utcnow() + timedelta(days=7)
    client.post("/consultations/auki/manage/extend",
                data={"csrf_token": csrf, "note": "Lisäaikaa pyydettiin.", "closes_at": local(later)})
    db.session.expire_all()
    consultation = Consultation.by_slug("auki")
    assert consultation.status == "open" and consultation.public_note == "Lisäaikaa pyydettiin."


def preview_link(client, slug) -> str:
    csrf = csrf_from(client, f"/consultations/{slug}/manage/")
    client.post(f"/consultations/{slug}/manage/preview-link", data={"csrf_token": csrf})
    html = client.get(f"/consultations/{slug}/manage/").get_data(as_text=True)
    return re.search(r'id="preview-link"[^>]*value="http://localhost(/[^"]+)"', html).group(1)


def test_preview_link_is_read_only_noindex_and_revocable(client, app, official, make_consultation, authority):
    make_consultation(status="upcoming", organizer=authority, published=False, slug="luonnos")
    path = preview_link(client, "luonnos")
    anonymous = app.test_client()
    response = anonymous.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "Ensimmäinen kappale kertoo taustan." in html and "preview-banner" in html
    assert "<form" not in html.split("</header>")[1]  # read-only: no form in the page body
    assert anonymous.get("/consultations/luonnos/").status_code == 404
    assert anonymous.get(path[:-2] + "xx").status_code == 404  # tampered
    # A new link revokes the old one; revoking leaves none.
    second = preview_link(client, "luonnos")
    assert anonymous.get(path).status_code == 404 and anonymous.get(second).status_code == 200
    client.post("/consultations/luonnos/manage/preview-link/revoke",
                data={"csrf_token": csrf_from(client, "/consultations/luonnos/manage/")})
    assert anonymous.get(second).status_code == 404
    # Never in lists, search or the API.
    for url in ("/consultations/", "/", "/api/v1/consultations", "/search?q=Ensimmäinen"):
        assert "luonnos" not in anonymous.get(url).get_data(as_text=True), url


def test_publish_now_and_scheduled_publishing_by_outbox_send(client, app, official, make_consultation, authority):
    make_consultation(status="upcoming", organizer=authority, published=False, slug="heti")
    make_consultation(status="upcoming", organizer=authority, published=False, slug="myohemmin")
    csrf = csrf_from(client, "/consultations/heti/manage/")
    client.post("/consultations/heti/manage/publish", data={"csrf_token": csrf})
    moment = utcnow() + timedelta(hours=2)
    client.post("/consultations/myohemmin/manage/schedule", data={"csrf_token": csrf, "publish_at": local(moment)})
    db.session.expire_all()
    assert Consultation.by_slug("heti").published is True
    later = Consultation.by_slug("myohemmin")
    assert later.published is False and later.publish_at is not None
    later.publish_at = utcnow() - timedelta(minutes=1)  # the time has come
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert Consultation.by_slug("myohemmin").published is True


def test_copy_takes_texts_parts_contacts_and_invitees_not_comments(
        client, official, make_consultation, authority, make_org, make_user, make_comment):
    source = make_consultation(status="open", organizer=authority, slug="alkuperainen")
    association = make_org(name="Yhdistys ry", slug="yhdistys")
    db.session.add(Invitation(consultation_id=source.id, organization_id=association.id))
    add_document(source, "Liite", "# Liite\n\nLiitteen teksti.\n", "markdown")
    db.session.add(ContactPerson(consultation_id=source.id, name="Maija", title="suunnittelija", email="m@example.org"))
    source.diary_number = "HVA/1/2026"
    db.session.commit()
    make_comment(source, make_user(orgs=[association]), association)
    url = "/consultations/alkuperainen/manage/copy"
    response = client.post(url, data={"csrf_token": csrf_from(client, url), "title": "Kopio", "slug": "kopio"})
    assert response.status_code == 303
    copy = Consultation.by_slug("kopio")
    assert copy.published is False
    assert [p.text for p in copy.documents[0].latest_version.paragraphs] == \
        [p.text for p in source.documents[0].latest_version.paragraphs]
    assert [d.title for d in copy.documents] == ["Luonnos", "Liite"]
    assert [p.number for p in copy.documents[1].latest_version.paragraphs] == \
        [p.number for p in source.documents[1].latest_version.paragraphs]
    assert [(c.name, c.title, c.email) for c in copy.contact_persons] == [("Maija", "suunnittelija", "m@example.org")]
    assert copy.diary_number == "HVA/1/2026"
    assert [i.organization_id for i in copy.invitations] == [association.id]
    from comments.models import Comment
    assert db.session.scalars(select(Comment).where(Comment.consultation_id == copy.id)).all() == []
