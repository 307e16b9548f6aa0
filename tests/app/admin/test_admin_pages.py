"""Site admins: roles, lock / unlock, memberships and their roles, organizations (create,
edit, verify, merge keeping comments, consultations, memberships and roles); every action
in the log; nobody else can do any of it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.admin.models import AdminAction
from app.extensions import db
from app.models import Membership, Organization, User
from comments.models import Comment
from tests.conftest import csrf_from, login


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def post(client, url, **data):
    return client.post(url, data={**data, "csrf_token": csrf_from(client, "/account/")})


def actions():
    db.session.expire_all()
    return [a.action for a in db.session.scalars(select(AdminAction).order_by(AdminAction.id))]


@pytest.fixture
def admin(make_user):
    return make_user(role="admin", email="admin@example.org")


def test_role_change_lock_and_unlock_are_logged(app, admin, make_user):
    client = signed_in(app, admin)
    user = make_user()
    user_device = signed_in(app, user)
    assert post(client, "/admin/users/role", user_id=user.id, role="official").status_code == 303
    assert post(client, "/admin/users/lock", user_id=user.id, locked="1").status_code == 303
    assert user_device.get("/account/").status_code == 302  # locked out at once
    assert login(app.test_client(), user).status_code == 401
    assert post(client, "/admin/users/lock", user_id=user.id, locked="0").status_code == 303
    assert login(app.test_client(), user).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).role == "official"
    assert actions() == ["user_role", "user_lock", "user_unlock"]
    log = client.get("/admin/log").get_data(as_text=True)
    assert "member -&gt; official" in log


def test_admin_cannot_lock_or_demote_self(app, admin):
    client = signed_in(app, admin)
    post(client, "/admin/users/role", user_id=admin.id, role="member")
    post(client, "/admin/users/lock", user_id=admin.id, locked="1")
    db.session.expire_all()
    assert db.session.get(User, admin.id).role == "admin" and db.session.get(User, admin.id).active
    assert actions() == []


def test_memberships_and_their_roles(app, admin, make_user, make_org):
    org = make_org()
    user = make_user()
    client = signed_in(app, admin)
    post(client, "/admin/memberships", user_id=user.id, organization=org.slug, membership_role="admin")
    membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
    assert membership.role == "admin"
    post(client, "/admin/memberships/role", membership_id=membership.id, membership_role="member")
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).role == "member"
    assert post(client, "/admin/memberships/role", membership_id=membership.id,
                membership_role="owner").status_code == 303  # refused with a message
    post(client, "/admin/memberships/remove", membership_id=membership.id)
    assert db.session.scalar(select(Membership.id).where(Membership.user_id == user.id)) is None
    assert actions() == ["membership_add", "membership_role", "membership_remove"]


def test_create_edit_and_verify_organization(app, admin):
    client = signed_in(app, admin)
    response = post(client, "/admin/organizations", name="Uusi Säätiö", slug="uusi-saatio", business_id="1234567-1",
                    kind="foundation", verified="1")
    assert response.status_code == 303
    organization = db.session.scalar(select(Organization).where(Organization.slug == "uusi-saatio"))
    assert (organization.kind, organization.verified, organization.business_id) == ("foundation", True, "1234567-1")
    bad = post(client, "/admin/organizations", name="Huono", slug="huono", business_id="1234567-2", kind="other")
    assert bad.status_code == 400 and 'value="Huono"' in bad.get_data(as_text=True)
    response = post(client, f"/admin/organizations/{organization.id}", name="Uudempi Säätiö", slug="uusi-saatio",
                    business_id="1234567-1", kind="foundation")
    assert response.status_code == 303
    db.session.expire_all()
    organization = db.session.get(Organization, organization.id)
    assert organization.name == "Uudempi Säätiö" and organization.verified is False
    assert actions() == ["org_create", "org_edit", "org_unverify"]


def test_merge_keeps_comments_memberships_and_roles(app, admin, make_user, make_org, make_consultation, make_comment):
    keeper, duplicate = make_org(name="Oikea ry"), make_org(name="Kaksoiskappale ry")
    duplicate.business_id = "1234567-1"
    in_both, only_dup = make_user(orgs=[keeper, duplicate]), make_user(orgs=[duplicate])
    db.session.scalar(select(Membership).where(Membership.user_id == in_both.id,
                                               Membership.organization_id == duplicate.id)).role = "admin"
    db.session.commit()
    consultation = make_consultation(status="open")
    comment = make_comment(consultation, only_dup, duplicate, body="Kaksoiskappaleen lausunto.")
    client = signed_in(app, admin)
    duplicate_id = duplicate.id  # the request deletes the row, in a session of its own
    response = post(client, f"/admin/organizations/{duplicate_id}/merge", into=keeper.slug)
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Organization, duplicate_id) is None
    assert db.session.get(Comment, comment.id).organization_id == keeper.id
    roles = dict(db.session.execute(select(Membership.user_id, Membership.role)
                                    .where(Membership.organization_id == keeper.id)).all())
    assert roles == {in_both.id: "admin", only_dup.id: "member"}
    assert db.session.get(Organization, keeper.id).business_id == "1234567-1"
    page = app.test_client().get(f"/consultations/{consultation.slug}/").get_data(as_text=True)
    assert "Kaksoiskappaleen lausunto." in page and "Oikea ry" in page
    assert actions() == ["org_merge"]


@pytest.mark.parametrize("url", ["/admin/users/role", "/admin/users/lock", "/admin/memberships/role",
                                 "/admin/memberships/remove", "/admin/organizations", "/admin/organizations/1",
                                 "/admin/organizations/1/merge"])
def test_nobody_else_can(app, make_user, make_org, url):
    make_org()
    for user in (make_user(), make_user(role="official")):
        assert post(signed_in(app, user), url, user_id=user.id, role="admin", name="x", slug="x",
                    kind="other", into="x").status_code == 403
    assert actions() == []


def test_admin_posts_need_csrf(app, admin, make_user):
    user = make_user()
    client = signed_in(app, admin)
    assert client.post("/admin/users/role", data={"user_id": user.id, "role": "admin"}).status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).role == "member"
