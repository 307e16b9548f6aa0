"""Password reset: one answer for every address, a single-use expiring link stored hashed,
and the new password ends every session."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.account.models import PasswordResetToken
from app.extensions import db
from app.models import User
from app.timeutil import utcnow
from tests.app.account.mail import link_in, mails_to
from tests.conftest import PASSWORD, csrf_from, login

NEW_PASSWORD = "uusi-vahva-salasana-42"


def ask_reset(client, email):
    return client.post("/auth/reset-password", data={"email": email, "csrf_token": csrf_from(client, "/auth/reset-password")})


def choose(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(path, data={"password": password, "password_confirm": confirm or password,
                                   "csrf_token": csrf_from(client, path)})


def test_same_answer_for_known_unknown_and_locked_addresses(app, client, make_user):
    known = make_user(email="tunnettu@example.org")
    locked = make_user(email="lukittu@example.org")
    locked.active = False
    db.session.commit()
    answers = []
    for email in ("tunnettu@example.org", "tuntematon@example.org", "lukittu@example.org", "TUNNETTU@example.org"):
        response = ask_reset(client, email)
        answers.append((response.status_code, response.headers["Location"]))
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert email.lower() not in page.lower()
    assert len(set(answers)) == 1 and answers[0][0] == 303
    assert len(mails_to(known.email, "password_reset")) == 2
    assert mails_to("tuntematon@example.org") == [] and mails_to("lukittu@example.org") == []


def test_link_sets_password_once_and_ends_other_sessions(app, client, make_user):
    user = make_user(email="nollaa@example.org")
    other_device = app.test_client()
    assert login(other_device, user).status_code == 302
    ask_reset(client, user.email)
    path = link_in(mails_to(user.email, "password_reset")[-1], "/auth/reset-password/")
    token = path.rsplit("/", 1)[1]
    # Stored only as a hash.
    stored = db.session.scalars(select(PasswordResetToken.token_hash)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]

    assert client.get(path).status_code == 200
    response = choose(client, path)
    assert response.status_code == 303 and response.headers["Location"].startswith("/auth/login")
    # The other device is logged out; the old password no longer works, the new one does.
    assert other_device.get("/account/").status_code == 302
    assert login(app.test_client(), user, PASSWORD).status_code == 401
    assert login(app.test_client(), user, NEW_PASSWORD).status_code == 302
    # Single use.
    assert client.get(path).status_code == 400
    assert choose(client.application.test_client(), path, "toinen-vahva-salasana-7").status_code == 400
    assert login(app.test_client(), user, NEW_PASSWORD).status_code == 302


def test_new_password_voids_every_other_link(app, client, make_user):
    user = make_user()
    ask_reset(client, user.email)
    ask_reset(client, user.email)
    first, second = (link_in(m, "/auth/reset-password/") for m in mails_to(user.email, "password_reset"))
    assert choose(client, second).status_code == 303
    assert client.get(first).status_code == 400


def test_expired_link_is_refused(app, client, make_user):
    user = make_user()
    ask_reset(client, user.email)
    path = link_in(mails_to(user.email, "password_reset")[-1], "/auth/reset-password/")
    record = db.session.scalar(select(PasswordResetToken))
    record.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(path).status_code == 400
    assert choose(client, path).status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)


@pytest.mark.parametrize("path", ["/auth/reset-password/forged", "/auth/reset-password/" + "x" * 500,
                                  "/auth/reset-password/%00"])
def test_forged_links_are_refused(app, client, path):
    assert client.get(path).status_code in (400, 404)


def test_weak_password_is_refused_and_link_stays_usable(app, client, make_user):
    user = make_user()
    ask_reset(client, user.email)
    path = link_in(mails_to(user.email, "password_reset")[-1], "/auth/reset-password/")
    response = choose(client, path, "lyhyt")
    assert response.status_code == 400
    assert "12" in response.get_data(as_text=True)
    assert choose(client, path).status_code == 303


def test_reset_without_csrf_token_is_400(app, client, make_user):
    user = make_user()
    assert client.post("/auth/reset-password", data={"email": user.email}).status_code == 400
    assert mails_to(user.email, "password_reset") == []


def test_the_reset_link_goes_to_the_public_address_whatever_host_the_request_named(app, make_user):
    """A visitor who asks for someone's reset link with a forged Host header must not get
    the link mailed pointing at their own server (host header poisoning)."""
    app.config["PUBLIC_URL"] = "https://kuulo.example.fi/palvelu"
    user = make_user(email="kohde@example.org")
    forged = {"Host": "hyokkaaja.example.com"}
    client = app.test_client()
    form = client.get("/auth/reset-password", headers=forged).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    response = client.post("/auth/reset-password", headers=forged, data={"email": user.email, "csrf_token": token})
    assert response.status_code == 303
    [message] = mails_to(user.email, "password_reset")
    assert "hyokkaaja" not in message.body
    assert "https://kuulo.example.fi/palvelu/auth/reset-password/" in message.body
