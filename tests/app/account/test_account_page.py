"""/account/: name and language, password change (other sessions end), email change by a
link mailed to the new address that never tells whether that address has an account."""
from __future__ import annotations

from app.extensions import db
from app.models import User
from tests.app.account.mail import link_in, mails_to
from tests.conftest import PASSWORD, csrf_from, login

NEW_PASSWORD = "toinen-vahva-salasana-8"


def test_profile_saves_name_and_language_only(app, client, make_user, login_as):
    user = make_user(name="Vanha Nimi")
    login_as(user)
    token = csrf_from(client, "/account/")
    response = client.post("/account/profile", data={
        "profile-display_name": "Uusi Nimi", "profile-locale": "sv", "profile-notification_mode": "daily",
        "csrf_token": token,
        "role": "admin", "profile-role": "admin", "email": "hijack@example.org"})
    assert response.status_code == 303
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert (user.display_name, user.locale, user.role, user.email) == ("Uusi Nimi", "sv", "member", user.email)
    assert "hijack" not in user.email


def test_profile_refuses_unknown_language_and_keeps_typed_name(app, client, make_user, login_as):
    login_as(make_user())
    response = client.post("/account/profile", data={
        "profile-display_name": "Kirjoitettu Nimi", "profile-locale": "de", "csrf_token": csrf_from(client, "/account/")})
    assert response.status_code == 400
    assert 'value="Kirjoitettu Nimi"' in response.get_data(as_text=True)


def change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post("/account/password", data={
        "password-current_password": current, "password-new_password": new,
        "password-new_password_confirm": confirm or new, "csrf_token": csrf_from(client, "/account/")})


def test_password_change_ends_other_sessions_but_not_this_one(app, client, make_user, login_as):
    user = make_user()
    other = app.test_client()
    assert login(other, user).status_code == 302
    login_as(user)
    assert change_password(client).status_code == 303
    assert client.get("/account/").status_code == 200
    assert other.get("/account/").status_code == 302
    assert login(app.test_client(), user, NEW_PASSWORD).status_code == 302


def test_password_change_needs_the_current_password(app, client, make_user, login_as):
    user = make_user()
    login_as(user)
    response = change_password(client, current="väärä-salasana-123")
    assert response.status_code == 400
    assert NEW_PASSWORD not in response.get_data(as_text=True)
    assert login(app.test_client(), user, PASSWORD).status_code == 302


def test_password_change_refuses_weak_password(app, client, make_user, login_as):
    login_as(make_user())
    assert change_password(client, new="salasana1234").status_code == 400


def ask_email_change(client, new_email, password=PASSWORD):
    return client.post("/account/email", data={
        "email-new_email": new_email, "email-current_password": password,
        "csrf_token": csrf_from(client, "/account/")})


def test_email_change_confirmed_by_link_to_new_address(app, client, make_user, login_as):
    user = make_user(email="vanha@example.org")
    login_as(user)
    assert ask_email_change(client, "uusi@example.org").status_code == 303
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "vanha@example.org"  # not before the link
    [mail] = mails_to("uusi@example.org", "email_change")
    path = link_in(mail, "/account/email/")
    assert client.get(path).status_code == 200  # the link only shows a button
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "vanha@example.org"
    response = client.post(path, data={"csrf_token": csrf_from(client, path)})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "uusi@example.org"
    assert mails_to("vanha@example.org", "email_changed")  # the old address is told
    # Used once: the link no longer works.
    assert client.get(path).status_code == 400
    assert login(app.test_client(), "uusi@example.org").status_code == 302


def test_email_change_to_taken_address_looks_the_same(app, client, make_user, login_as):
    make_user(email="varattu@example.org")
    login_as(make_user(email="oma@example.org"))
    free = ask_email_change(client, "vapaa@example.org")
    taken = ask_email_change(client, "VARATTU@example.org")
    assert (free.status_code, free.headers["Location"]) == (taken.status_code, taken.headers["Location"])
    assert client.get(free.headers["Location"]).get_data(as_text=True).count("varattu") == 0
    assert mails_to("varattu@example.org", "email_change") == []
    assert len(mails_to("varattu@example.org", "email_change_taken")) == 1


def test_email_change_needs_password_and_csrf(app, client, make_user, login_as):
    user = make_user(email="suojattu@example.org")
    login_as(user)
    assert ask_email_change(client, "x@example.org", password="väärä-salasana-99").status_code == 400
    assert client.post("/account/email", data={"email-new_email": "y@example.org",
                                               "email-current_password": PASSWORD}).status_code == 400
    assert mails_to("x@example.org") == [] and mails_to("y@example.org") == []


def test_forged_email_link_is_refused(app, client, make_user):
    assert client.get("/account/email/forged.token").status_code == 400
