"""Joining and registering organizations: who decides, the mails, Y-tunnus checks, several
organizations and the choice of which speaks for a comment."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.joining.models import MembershipRequest
from app.models import Membership, Organization
from comments.models import Comment
from tests.app.account.mail import mails_to
from tests.conftest import csrf_from, login


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def ask_to_join(client, slug, message=""):
    return client.post("/account/organizations/join", data={
        "organization": slug, "message": message, "csrf_token": csrf_from(client, "/account/organizations/")})


def register_org(client, name, business_id="", kind="association"):
    path = "/account/organizations/register"
    return client.post(path, data={"name": name, "business_id": business_id, "kind": kind, "message": "",
                                   "csrf_token": csrf_from(client, path)})


def decide(client, request_id, decision, note=""):
    path = "/account/organizations/requests"
    return client.post(f"{path}/{request_id}", data={"decision": decision, "note": note,
                                                     "csrf_token": csrf_from(client, path)})


def make_org_admin(user, org):
    membership = db.session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.organization_id == org.id))
    membership.role = "admin"
    db.session.commit()


def latest_request():
    db.session.expire_all()
    return db.session.scalars(select(MembershipRequest).order_by(MembershipRequest.id.desc())).first()


def test_search_by_name_and_business_id(app, make_user, make_org):
    org = make_org(name="Etelä-Savon Omaishoitajat ry")
    org.business_id = "1234567-1"
    db.session.commit()
    client = signed_in(app, make_user())
    for query in ("omaishoitaja", "ETELÄ", "1234567-1"):
        html = client.get("/account/organizations/", query_string={"q": query}).get_data(as_text=True)
        assert "Etelä-Savon Omaishoitajat ry" in html, query
    html = client.get("/account/organizations/", query_string={"q": "%"}).get_data(as_text=True)
    assert "Etelä-Savon Omaishoitajat ry" not in html  # LIKE wildcards are plain text


def test_org_admin_approves_join_and_person_is_told(app, make_user, make_org):
    org = make_org(name="Kylätoimikunta ry")
    admin = make_user(orgs=[org], email="orgadmin@example.org")
    make_org_admin(admin, org)
    site_admin = make_user(role="admin", email="siteadmin@example.org")
    person = make_user(email="liittyja@example.org", name="Liisa Liittyjä")
    client = signed_in(app, person)
    assert ask_to_join(client, org.slug, "Olen hallituksen jäsen.").status_code == 303
    assert ask_to_join(client, org.slug).status_code == 303  # a second click asks once
    assert db.session.scalar(select(db.func.count(MembershipRequest.id))) == 1
    [notice] = mails_to("orgadmin@example.org", "membership_request")
    assert "Liisa Liittyjä" in notice.body and "Kylätoimikunta ry" in notice.body
    assert mails_to(site_admin.email, "membership_request") == []  # the organization has its own admins

    org_admin = signed_in(app, admin)
    page = org_admin.get("/account/organizations/requests").get_data(as_text=True)
    assert "Olen hallituksen jäsen." in page
    assert decide(org_admin, latest_request().id, "approve", "Tervetuloa!").status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(Membership.role).where(
        Membership.user_id == person.id, Membership.organization_id == org.id)) == "member"
    [decision] = mails_to("liittyja@example.org", "membership_decision")
    assert "Tervetuloa!" in decision.body
    # Decided once.
    assert decide(org_admin, latest_request().id, "decline").status_code == 303
    assert latest_request().status == "approved"


def test_site_admins_decide_for_organizations_without_admins(app, make_user, make_org):
    org = make_org()
    site_admin = make_user(role="admin", email="paakayttaja@example.org")
    person = make_user(email="hylatty@example.org")
    ask_to_join(signed_in(app, person), org.slug)
    assert len(mails_to("paakayttaja@example.org", "membership_request")) == 1
    assert decide(signed_in(app, site_admin), latest_request().id, "decline", "Ei tunneta.").status_code == 303
    assert latest_request().status == "declined"
    assert not db.session.scalar(select(Membership.id).where(Membership.user_id == person.id))
    [decision] = mails_to("hylatty@example.org", "membership_decision")
    assert "Ei tunneta." in decision.body


def test_others_cannot_decide(app, make_user, make_org):
    org, other_org = make_org(), make_org()
    other_admin = make_user(orgs=[other_org])
    make_org_admin(other_admin, other_org)
    plain_member = make_user(orgs=[org])
    ask_to_join(signed_in(app, make_user()), org.slug)
    request_id = latest_request().id
    for user in (other_admin, plain_member):
        assert decide(signed_in(app, user), request_id, "approve").status_code == 403
    assert signed_in(app, plain_member).get("/account/organizations/requests").status_code == 403
    assert latest_request().status == "pending"


def test_register_new_organization_site_admin_approves_person_becomes_its_admin(app, make_user):
    site_admin = make_user(role="admin", email="yllapito@example.org")
    person = make_user(email="perustaja@example.org")
    client = signed_in(app, person)
    assert register_org(client, "Uusi Yhdistys ry", "1234567-1").status_code == 303
    assert len(mails_to("yllapito@example.org", "membership_request")) == 1
    # The same Y-tunnus cannot be registered twice while the first waits.
    again = register_org(signed_in(app, make_user()), "Kopio ry", "1234567-1")
    assert again.status_code == 400 and "1234567-1" in again.get_data(as_text=True)
    assert decide(signed_in(app, site_admin), latest_request().id, "approve").status_code == 303
    organization = db.session.scalar(select(Organization).where(Organization.business_id == "1234567-1"))
    assert (organization.name, organization.slug, organization.kind, organization.verified) == (
        "Uusi Yhdistys ry", "uusi-yhdistys-ry", "association", False)
    assert db.session.scalar(select(Membership.role).where(Membership.user_id == person.id)) == "admin"
    again = register_org(signed_in(app, make_user()), "Kopio ry", "1234567-1")
    assert again.status_code == 400


@pytest.mark.parametrize("business_id", ["1234567-2", "123456-1", "12345678", "abcdefg-h", "1234567-1 x"])
def test_register_refuses_bad_business_id_and_keeps_input(app, make_user, business_id):
    client = signed_in(app, make_user())
    response = register_org(client, "Tarkistettava ry", business_id)
    assert response.status_code == 400
    assert 'value="Tarkistettava ry"' in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(MembershipRequest.id))) == 0


def test_register_refuses_unknown_kind(app, make_user):
    response = register_org(signed_in(app, make_user()), "Outo ry", kind="cult")
    assert response.status_code == 400


def test_member_of_several_chooses_which_speaks(app, make_user, make_org, make_consultation):
    first, second = make_org(name="Ensimmäinen ry"), make_org(name="Toinen ry")
    person = make_user(orgs=[first, second])
    consultation = make_consultation(status="open")
    client = signed_in(app, person)
    page = client.get(f"/consultations/{consultation.slug}/").get_data(as_text=True)
    assert "Ensimmäinen ry" in page and "Toinen ry" in page
    response = client.post(f"/consultations/{consultation.slug}/comments/", data={
        "body": "Toisen yhdistyksen lausunto.", "organization": second.slug, "paragraph": "",
        "csrf_token": csrf_from(client, f"/consultations/{consultation.slug}/")})
    assert response.status_code == 302
    comment = db.session.scalar(select(Comment).where(Comment.body_source == "Toisen yhdistyksen lausunto."))
    assert comment.organization_id == second.id


def test_join_unknown_organization_is_404(app, make_user):
    assert ask_to_join(signed_in(app, make_user()), "no-such-org").status_code == 404
