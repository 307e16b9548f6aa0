"""Invited organizations: found by name or Y-tunnus, listed on the public page, told when
the consultation opens and reminded before it closes, once each, by `flask outbox send`;
the officials see who answered."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.organizations import create_organization
from app.outbox import OutboxMessage
from app.timeutil import utcnow
from consultations.authoring.models import Invitation
from tests.consultations.authoring.helpers import use_language
from tests.conftest import csrf_from


def messages(kind: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)).all()


def test_official_finds_by_name_or_business_id_invites_and_the_public_page_lists_them(
        client, app, official, make_consultation, authority):
    create_organization("Liikuntaseura Kipinä ry", "kipina", business_id="1572860-0")
    create_organization("Eläkeläiset ry", "elakelaiset")
    db.session.commit()
    consultation = make_consultation(status="upcoming", organizer=authority, slug="kuuleminen")
    url = "/consultations/kuuleminen/manage/invitations/"
    assert "Liikuntaseura Kipinä ry" in client.get(url + "?q=1572860").get_data(as_text=True)
    html = client.get(url + "?q=eläke").get_data(as_text=True)
    assert "Eläkeläiset ry" in html and "Liikuntaseura" not in html
    csrf = csrf_from(client, url)
    for slug in ("kipina", "elakelaiset"):
        assert client.post(url, data={"csrf_token": csrf, "organization": slug}).status_code == 303
    client.post(url, data={"csrf_token": csrf, "organization": "kipina"})  # twice is once
    assert len(db.session.scalars(select(Invitation)).all()) == 2
    page = app.test_client().get("/consultations/kuuleminen/").get_data(as_text=True)
    assert "Eläkeläiset ry" in page and "Liikuntaseura Kipinä ry" in page
    assert "0 / 2 answered" in client.get(url).get_data(as_text=True)
    assert consultation.id


def test_notices_and_reminders_are_queued_once_each_and_skip_those_who_answered(
        app, make_consultation, make_org, make_user, make_comment, authority):
    consultation = make_consultation(status="open", organizer=authority)
    answered, silent = make_org(slug="vastasi"), make_org(slug="hiljainen")
    answering_member = make_user(orgs=[answered])
    silent_members = [make_user(orgs=[silent]) for _ in range(2)]
    for org in (answered, silent):
        db.session.add(Invitation(consultation_id=consultation.id, organization_id=org.id))
    db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["outbox", "send"]).exit_code == 0
    assert sorted(m.to_email for m in messages("invitation_opened")) == sorted(
        u.email for u in [answering_member, *silent_members])
    make_comment(consultation, answering_member, answered)
    consultation.closes_at = utcnow() + timedelta(days=2)  # within the reminder window (3 days)
    db.session.commit()
    for _ in range(2):
        assert runner.invoke(args=["outbox", "send"]).exit_code == 0
    assert sorted(m.to_email for m in messages("invitation_reminder")) == sorted(u.email for u in silent_members)
    assert len(messages("invitation_opened")) == 3  # not again


def test_after_the_deadline_the_official_sees_who_answered(client, official, make_consultation, make_org,
                                                           make_user, make_comment, authority):
    consultation = make_consultation(status="closed", organizer=authority, slug="paattynyt")
    answered, silent = make_org(name="Vastannut ry"), make_org(name="Hiljainen ry")
    for org in (answered, silent):
        db.session.add(Invitation(consultation_id=consultation.id, organization_id=org.id))
    db.session.commit()
    make_comment(consultation, make_user(orgs=[answered]), answered)
    html = client.get("/consultations/paattynyt/manage/invitations/").get_data(as_text=True)
    assert "1 / 2 answered" in html
    assert "1 / 2 invited organizations answered" in client.get("/manage/").get_data(as_text=True)


def test_the_public_summary_shows_who_answered_and_who_did_not(app, client):
    from tests.comments.responses.conftest import publish
    from tests.world import build_world

    world = build_world()
    silent = create_organization("Hiljainen seura ry", "hiljainen")
    for org in (world.orgs["a"], silent):
        db.session.add(Invitation(consultation_id=world.consultation.id, organization_id=org.id))
    db.session.commit()
    from tests.conftest import login

    login(client, world.users["official"])
    use_language(client, "en")
    assert publish(client, world).status_code == 303
    html = app.test_client().get(f"/consultations/{world.slug}/summary").get_data(as_text=True)
    section = html.split('id="invited-heading"')[1].split("</section>")[0]
    assert "1 / 2" in section
    assert "Yhdistys Ääni ry" in section and "Hiljainen seura ry" in section
    assert "Säätiö Öljy" not in section  # commented, but was not invited
    figures = html.split('id="figures-heading"')[1].split("</section>")[0]
    assert "Lausuntopyynnön saaneista vastasi</dt><dd>1 / 2<" in figures  # the anonymous reader: Finnish


@pytest.mark.parametrize("app_settings, reminded", [({"INVITATION_REMINDER_DAYS": 10}, 1), ({}, 0)])
def test_the_reminder_comes_the_configured_number_of_days_before_closing(app, make_consultation, make_org,
                                                                          make_user, authority, reminded):
    consultation = make_consultation(status="open", organizer=authority)
    consultation.closes_at = utcnow() + timedelta(days=7)  # inside 10 days, outside the default 3
    silent = make_org(slug="hiljainen")
    make_user(orgs=[silent])
    db.session.add(Invitation(consultation_id=consultation.id, organization_id=silent.id))
    db.session.commit()
    for _ in range(2):
        assert app.test_cli_runner().invoke(args=["outbox", "send"]).exit_code == 0
    assert len(messages("invitation_reminder")) == reminded
    assert len(messages("invitation_opened")) == 1


def test_an_organization_that_was_not_invited_may_still_comment(client, login_as, make_consultation, make_org,
                                                                make_user, authority):
    consultation = make_consultation(status="open", organizer=authority, slug="avoin")
    invited, other = make_org(slug="kutsuttu"), make_org(slug="muu")
    db.session.add(Invitation(consultation_id=consultation.id, organization_id=invited.id))
    db.session.commit()
    login_as(make_user(orgs=[other]))
    url = "/consultations/avoin/comments/"
    response = client.post(url, data={"csrf_token": csrf_from(client, "/consultations/avoin/"), "body": "Lausuntomme.",
                                      "organization": "muu", "paragraph": ""})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    from comments.models import Comment
    assert [c.organization_id for c in db.session.scalars(select(Comment))] == [other.id]
