"""Who may moderate what, as a table: anonymous, member, member of the organizing
authority without the official role, official of ANOTHER authority, official of the
organizer and admin × the queue, the log and each moderation action."""
from __future__ import annotations

import html
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.extensions import db
from comments.models import Comment
from comments.moderation.models import ModerationEvent, Report
from comments.moderation.services import hide_comment, report_comment
from tests.conftest import csrf_from, login

MARKER = "Valvottavakommentti"
REPORT_DETAILS = "Ilmiannon perustelu"



ROLES = ("anonymous", "member", "organizer_member", "other_official", "organizer_official", "admin")
ALLOWED = {"organizer_official", "admin"}


@pytest.fixture
def world(make_org, make_user, make_consultation, make_comment):
    organizer = make_org(name="Järjestäjäkaupunki", kind="authority")
    elsewhere = make_org(name="Naapurikunta", kind="authority")
    association = make_org(name="Asukasyhdistys ry")
    author = make_user(orgs=[association])
    users = {
        "anonymous": None,
        "member": make_user(orgs=[make_org()]),
        "organizer_member": make_user(role="member", orgs=[organizer]),
        "other_official": make_user(role="official", orgs=[elsewhere]),
        "organizer_official": make_user(role="official", orgs=[organizer]),
        "admin": make_user(role="admin"),
    }
    consultation = make_consultation(organizer=organizer)
    comment = make_comment(consultation, author, association, body=f"{MARKER} on tässä.")
    # The other authority has its own consultation and reported comment: its official's
    # queue is not empty, it just must not contain ours.
    own = make_consultation(organizer=elsewhere, title="Naapurin kuuleminen")
    own_comment = make_comment(own, author, association, body="Naapurin oma kommentti.")
    for target in (comment, own_comment):
        report_comment(target, None, "203.0.113.9", "spam", REPORT_DETAILS)
    db.session.commit()
    return SimpleNamespace(
        users=users, consultation=consultation, comment=comment, own_comment=own_comment, author=author,
    )


def client_for(app, user):
    client = app.test_client()
    if user is not None:
        response = login(client, user)
        assert response.status_code == 302
    return client


def fresh(comment_id) -> Comment:
    db.session.expire_all()
    return db.session.get(Comment, comment_id)


def moderation_actions_on(comment_id) -> list[str]:
    db.session.expire_all()
    return db.session.scalars(
        select(ModerationEvent.action).where(
            ModerationEvent.comment_id == comment_id, ModerationEvent.action != "report"
        )
    ).all()


def report_statuses(comment_id) -> list[str]:
    db.session.expire_all()
    return db.session.scalars(select(Report.status).where(Report.comment_id == comment_id).order_by(Report.id)).all()


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("role", ROLES)
def test_queue_access(app, world, role):
    response = client_for(app, world.users[role]).get("/moderation/")
    if role == "anonymous":
        assert_login_redirect(response)
        return
    if role in ("member", "organizer_member"):
        assert response.status_code == 403
        assert MARKER not in response.get_data(as_text=True)
        return
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    if role == "other_official":
        assert MARKER not in page
        assert f'id="queue-{world.comment.id}"' not in page
        assert "Naapurin oma kommentti." in page  # its own authority's comment is there
    else:
        assert MARKER in page
        assert f'id="queue-{world.comment.id}"' in page
        assert REPORT_DETAILS in page
        assert ("Naapurin oma kommentti." in page) == (role == "admin")


@pytest.mark.parametrize("role", ROLES)
def test_log_access(app, world, role):
    # A decision too, so the log has more than the report in it.
    hide_comment(fresh(world.comment.id), world.users["organizer_official"], "spam", "Päätöksen muistiinpano")
    db.session.commit()
    response = client_for(app, world.users[role]).get("/moderation/log")
    if role == "anonymous":
        assert_login_redirect(response)
        return
    if role in ("member", "organizer_member"):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    link = f'href="/comments/{world.comment.id}"'
    if role == "other_official":
        assert "Päätöksen muistiinpano" not in page
        assert link not in page
        # ...not even when asking for the consultation by name.
        filtered = client_for(app, world.users[role]).get(f"/moderation/log?consultation={world.consultation.slug}")
        assert filtered.status_code == 200
        assert link not in filtered.get_data(as_text=True)
    else:
        assert "Päätöksen muistiinpano" in page
        assert link in page


def _prepare(world, action):
    """Put the comment in a state where the action is meaningful."""
    if action == "restore":
        hide_comment(fresh(world.comment.id), world.users["organizer_official"], "spam", "")
        db.session.commit()
    return {
        "hide": lambda c: c.visibility == "hidden" and c.hide_reason == "offensive",
        "restore": lambda c: c.visibility == "visible",
        "dismiss": lambda c: all(r.status == "dismissed" for r in c.reports),
    }[action]


@pytest.mark.parametrize("action", ["hide", "restore", "dismiss"])
@pytest.mark.parametrize("role", ROLES)
def test_action_access(app, world, role, action):
    done = _prepare(world, action)
    before = moderation_actions_on(world.comment.id)
    statuses_before = report_statuses(world.comment.id)
    client = client_for(app, world.users[role])
    # A valid CSRF token of the client's own session, so the answer is about access.
    token = csrf_from(client, "/")
    response = client.post(
        f"/moderation/comments/{world.comment.id}/{action}",
        data={"reason": "offensive", "note": "", "csrf_token": token},
    )
    if role == "anonymous":
        assert_login_redirect(response)
    elif role in ALLOWED:
        assert response.status_code == 303
    else:
        assert response.status_code == 403
    comment = fresh(world.comment.id)
    if role in ALLOWED:
        assert done(comment)
        assert moderation_actions_on(world.comment.id) == [*before, action]
    else:
        assert not done(comment)
        assert moderation_actions_on(world.comment.id) == before
        assert report_statuses(world.comment.id) == statuses_before


@pytest.mark.parametrize("action", ["hide", "restore", "dismiss"])
def test_other_authoritys_official_cannot_act_even_via_back_link(app, world, action):
    """The organizer's official acting on the other authority's comment is refused too."""
    _prepare(world, action)
    client = client_for(app, world.users["organizer_official"])
    token = csrf_from(client, "/")
    response = client.post(
        f"/moderation/comments/{world.own_comment.id}/{action}",
        data={"reason": "spam", "csrf_token": token, "back": "comment"},
    )
    assert response.status_code == 403
    assert fresh(world.own_comment.id).is_visible
    assert moderation_actions_on(world.own_comment.id) == []


def test_moderation_link_in_the_header_only_for_officials(app, world):
    for role in ROLES:
        page = client_for(app, world.users[role]).get("/").get_data(as_text=True)
        assert ('href="/moderation/"' in page) == (role in ("other_official", "organizer_official", "admin")), role
