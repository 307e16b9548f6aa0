"""Accounts and sessions against SECURITY.md: password storage and policy, login that
does not reveal accounts, throttling kept in the database, session cookies, logout that
really ends the session, local-only `next=` redirects and CSRF on the auth forms."""
from __future__ import annotations

import re
import sqlite3
import statistics
import time

import pytest

from app.extensions import db
from tests.conftest import PASSWORD, csrf_from, login, register_by_email, registration_path

CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*(")')
FLASH = re.compile(r'class="flash flash-(\w+)">(.*?)</p>', re.S)


# --- helpers -----------------------------------------------------------------



def db_rows(app, sql, params=()):
    """Read committed rows through a separate connection: what is really in the file."""
    path = db.engine.url.database
    with sqlite3.connect(path) as connection:
        return connection.execute(sql, params).fetchall()


def set_language(client, lang="en"):
    token = csrf_from(client, "/")
    response = client.post("/language", data={"lang": lang, "csrf_token": token, "next": "/"})
    assert response.status_code == 302


def post_login(client, email, password, **extra):
    token = csrf_from(client, "/auth/login")
    return client.post(
        "/auth/login", data={"email": email, "password": password, "csrf_token": token, **extra}
    )


def post_register(client, **fields):
    data = {
        "display_name": "Maija Meikäläinen",
        "email": "maija@example.org",
        "password": "Tuulinen-Syyspäivä-42",
        "password_confirm": None,
    }
    data.update(fields)
    return register_by_email(client, **data)


def is_logged_in(client, user) -> bool:
    html = client.get("/consultations/").get_data(as_text=True)
    return 'action="/auth/logout"' in html and user.display_name in html


def normalized(html: str, email: str) -> str:
    return CSRF_VALUE.sub(r"\1TOKEN\2", html).replace(email, "EMAIL")


# --- passwords ---------------------------------------------------------------


def test_registration_stores_scrypt_hash_and_starts_session(app, client):
    response = post_register(client, email="Maija@Example.org")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    [(password_hash, role, version)] = db_rows(
        app, "SELECT password_hash, role, session_version FROM user WHERE lower(email) = ?",
        ("maija@example.org",),
    )
    assert password_hash.startswith("scrypt:")
    assert "Tuulinen-Syyspäivä-42" not in password_hash
    assert role == "member"
    assert version == 1
    html = client.get("/consultations/").get_data(as_text=True)
    assert "Maija Meikäläinen" in html and 'action="/auth/logout"' in html


def test_production_hash_is_scrypt_with_full_cost():
    from config import Config, ProductionConfig

    for settings in (Config, ProductionConfig):
        method, n, r, p = settings.PASSWORD_HASH_METHOD.split(":")
        assert method == "scrypt"
        assert int(n) >= 2**15 and int(r) >= 8 and int(p) >= 1


def test_factory_users_are_hashed_with_scrypt(app, make_user):
    user = make_user()
    [(password_hash,)] = db_rows(app, "SELECT password_hash FROM user WHERE id = ?", (user.id,))
    assert password_hash.startswith("scrypt:")
    assert PASSWORD not in password_hash


@pytest.mark.parametrize(
    "password",
    [
        "Kt7#vq2Lmz9P",  # exactly 12 characters
        ("Xy7!kQ2m" * 16),  # exactly 128 characters
    ],
    ids=["12-chars", "128-chars"],
)
def test_password_length_boundaries_accepted(app, client, password):
    response = post_register(client, password=password)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    assert db_rows(app, "SELECT count(*) FROM user") == [(1,)]


@pytest.mark.parametrize(
    "password, message",
    [
        ("Kt7#vq2Lmz9", "at least 12 characters"),  # 11 characters
        ("Xy7!kQ2m" * 16 + "z", "128"),  # 129 characters
        ("password1234", "too common"),
        ("Password1234", "too common"),
        ("salasana1234", "too common"),
        ("aaaaaaaaaaaaaaaa", "too common"),  # trivially repetitive
        ("maija.meikalainen@example.org", "email"),  # the email address itself
    ],
    ids=["11-chars", "129-chars", "common", "common-capitalized", "common-finnish",
         "repetitive", "same-as-email"],
)
def test_bad_passwords_refused_with_message_and_form_kept(app, client, password, message):
    set_language(client, "en")
    response = post_register(
        client, email="maija.meikalainen@example.org", display_name="Maija <Meikäläinen>",
        password=password,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    # A visible error tied to the password field.
    assert 'id="password-error"' in html
    error = html.split('id="password-error"', 1)[1].split("</p>", 1)[0]
    assert message in error
    # Name and email are kept (escaped), the password is never echoed back.
    assert 'value="Maija &lt;Meikäläinen&gt;"' in html
    assert 'value="maija.meikalainen@example.org"' in html
    for name in ("password", "password_confirm"):
        [tag] = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
        assert "value=" not in tag or 'value=""' in tag, tag
    if password != "maija.meikalainen@example.org":
        assert password not in html
    assert db_rows(app, "SELECT count(*) FROM user") == [(0,)]


def test_mismatched_confirmation_refused(app, client):
    set_language(client, "en")
    response = post_register(client, password="Tuulinen-Syyspäivä-42", password_confirm="Tuulinen-Syyspäivä-43")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The passwords do not match." in html
    assert 'value="maija@example.org"' in html
    assert "Tuulinen-Syyspäivä-4" not in html
    assert db_rows(app, "SELECT count(*) FROM user") == [(0,)]


def test_registration_ignores_extra_fields(app, client):
    response = post_register(
        client, role="admin", session_version="99", active="0", id="777", locale="xx"
    )
    assert response.status_code == 302
    [(uid, role, version, active)] = db_rows(app, "SELECT id, role, session_version, active FROM user")
    assert (role, version, active) == ("member", 1, 1)
    assert uid != 777


# --- registration does not reveal accounts --------------------------------------


def _outbox(app, email):
    return db_rows(app, "SELECT kind, body FROM outbox_message WHERE to_email = ? ORDER BY id", (email,))


def test_registration_answers_the_same_for_known_and_unknown_addresses(app, client, make_user):
    set_language(client, "en")
    make_user(email="known@example.org")
    answers = []
    for email in ("known@example.org", "new@example.org"):
        other = app.test_client()
        response = other.post("/auth/register", data={
            "display_name": "Joku", "email": email, "csrf_token": csrf_from(other, "/auth/register")})
        answers.append((response.status_code, response.headers["Location"]))
        page = other.get(response.headers["Location"])
        answers.append(normalized(page.get_data(as_text=True), email))
    assert answers[0] == answers[2] == (302, "/auth/register/sent")
    assert answers[1] == answers[3]
    # Only the mailbox learns the difference: a reminder to log in, or a link to finish.
    [(kind, body)] = _outbox(app, "known@example.org")
    assert kind == "registration_existing" and "/auth/login" in body and "/auth/register/" not in body
    [(kind, body)] = _outbox(app, "new@example.org")
    assert kind == "registration" and "/auth/register/" in body
    assert db_rows(app, "SELECT count(*) FROM user") == [(1,)]


def test_registration_link_creates_the_account_once(app, client):
    assert post_register(client).status_code == 302
    path = registration_path("maija@example.org")
    again = app.test_client()
    set_language(again, "en")
    response = again.post(path, data={
        "display_name": "Toinen", "password": "Tuulinen-Syyspäivä-42",
        "password_confirm": "Tuulinen-Syyspäivä-42", "csrf_token": csrf_from(again, path)})
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)
    assert db_rows(app, "SELECT count(*) FROM user") == [(1,)]


@pytest.mark.parametrize("damage", ["forged", "truncated", "expired"])
def test_broken_or_expired_registration_link_is_refused(app, client, damage):
    set_language(client, "en")
    client.post("/auth/register", data={
        "display_name": "Maija", "email": "maija@example.org", "csrf_token": csrf_from(client, "/auth/register")})
    path = registration_path("maija@example.org")
    if damage == "forged":
        path = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    elif damage == "truncated":
        path = path[: len(path) // 2]
    else:
        app.config["REGISTRATION_LINK_HOURS"] = -1
    posted = client.post(path, data={
        "display_name": "Maija", "password": "Tuulinen-Syyspäivä-42", "password_confirm": "Tuulinen-Syyspäivä-42",
        "csrf_token": csrf_from(client, "/auth/register")})
    for response in (client.get(path), posted):
        assert response.status_code == 400
        assert "The registration link is broken or has expired." in response.get_data(as_text=True)
    assert db_rows(app, "SELECT count(*) FROM user") == [(0,)]


# --- login does not reveal accounts ---------------------------------------------


def test_login_same_answer_for_unknown_email_wrong_password_and_inactive(app, make_user):
    known = make_user(email="known@example.org")
    inactive = make_user(email="inactive@example.org")
    inactive.active = False
    db.session.commit()
    answers = []
    for email, password in [
        ("nobody@example.org", PASSWORD),
        (known.email, "wrong-password-123"),
        (inactive.email, PASSWORD),
    ]:
        client = app.test_client()
        set_language(client, "en")
        response = post_login(client, email, password)
        answers.append((response.status_code, normalized(response.get_data(as_text=True), email)))
    statuses = {status for status, _ in answers}
    assert statuses == {401}
    assert answers[0][1] == answers[1][1] == answers[2][1]
    assert FLASH.findall(answers[0][1]) == [("error", "The email address or password is incorrect.")]


def test_unknown_email_costs_a_password_check(app, make_user, monkeypatch):
    """Similar time: an unknown email and an inactive account each run one full password
    hash check, as a known one with a wrong password does (counted, not timed, so a busy
    machine cannot flake it)."""
    import app.auth.services as services
    import app.models as models

    checks = []
    real_check = services.check_password_hash

    def counting_check(pwhash, password):
        checks.append(pwhash.split("$", 1)[0])
        return real_check(pwhash, password)

    for module in (services, models):
        monkeypatch.setattr(module, "check_password_hash", counting_check)
    known = make_user()
    inactive = make_user()
    inactive.active = False
    db.session.commit()
    client = app.test_client()
    for email in ("ghost@example.org", known.email, inactive.email):
        before = len(checks)
        token = csrf_from(client)
        response = client.post("/auth/login", data={"email": email, "password": "wrong-password-123", "csrf_token": token})
        assert response.status_code == 401
        assert len(checks) == before + 1, email
    # Both checks use the configured scrypt cost, not a cheap stand-in.
    assert checks[0] == checks[1] == checks[2] == app.config["PASSWORD_HASH_METHOD"]


def test_login_error_keeps_email_not_password(app, client, make_user):
    user = make_user()
    response = post_login(client, user.email, "wrong-password-123")
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert f'value="{user.email}"' in html
    assert "wrong-password-123" not in html


# --- throttling ------------------------------------------------------------------


def test_account_throttled_after_failures_even_with_right_password(app, make_app, make_user):
    user = make_user(email="target@example.org")
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    assert limit == 5
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "198.51.100.1"
    for i in range(limit):
        # Case and surrounding space do not make a new account.
        email = user.email.upper() if i % 2 else f" {user.email} "
        assert post_login(attacker, email, f"guess-number-{i:04d}").status_code == 401

    rows = db_rows(app, "SELECT email, ip FROM login_attempt")
    assert rows == [("target@example.org", "198.51.100.1")] * limit

    # The right password from the same IP is refused...
    response = post_login(attacker, user.email, PASSWORD)
    assert response.status_code == 429
    assert not is_logged_in(attacker, user)
    # ...and from another IP too: the limit is per account.
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "192.0.2.50"
    assert post_login(owner, user.email, PASSWORD).status_code == 429
    assert not is_logged_in(owner, user)

    # Other accounts are not affected.
    other = make_user()
    assert post_login(app.test_client(), other.email, PASSWORD).status_code == 302

    # A new application instance (a restart, another worker) on the same database file
    # still refuses the throttled account.
    second = make_app(database=app.config["SQLALCHEMY_DATABASE_URI"])
    fresh = second.test_client()
    fresh.environ_base["REMOTE_ADDR"] = "192.0.2.99"
    response = post_login(fresh, user.email, PASSWORD)
    assert response.status_code == 429
    assert post_login(second.test_client(), other.email, PASSWORD).status_code == 302


def test_ip_throttled_after_failures_across_accounts(app, make_user):
    user = make_user()
    limit = app.config["LOGIN_MAX_FAILURES_PER_IP"]
    assert limit > app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    sprayer = app.test_client()
    sprayer.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    for i in range(limit):
        # Different account each time: no single account reaches its own limit.
        assert post_login(sprayer, f"victim{i}@example.org", "Password-Spray-1").status_code == 401
    assert db_rows(app, "SELECT count(*) FROM login_attempt WHERE ip = ?", ("203.0.113.7",)) == [(limit,)]

    response = post_login(sprayer, user.email, PASSWORD)
    assert response.status_code == 429
    assert not is_logged_in(sprayer, user)

    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "203.0.113.8"
    assert post_login(elsewhere, user.email, PASSWORD).status_code == 302
    assert is_logged_in(elsewhere, user)


def test_throttled_message_is_shown(app, make_user):
    user = make_user()
    client = app.test_client()
    set_language(client, "en")
    for i in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        post_login(client, user.email, f"guess-number-{i:04d}")
    html = post_login(client, user.email, PASSWORD).get_data(as_text=True)
    assert ("error", "Too many failed login attempts. Please try again in a few minutes.") in FLASH.findall(html)


# --- session -------------------------------------------------------------------


def _session_set_cookie(response):
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


def test_session_cookie_is_httponly_and_samesite_lax(app, client, make_user):
    user = make_user()
    anonymous = client.get("/auth/login")
    for response in (anonymous, login(client, user)):
        cookie = _session_set_cookie(response).lower()
        assert "httponly" in cookie
        assert "samesite=lax" in cookie


def test_production_needs_the_public_address(monkeypatch):
    from config import ProductionConfig

    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    with pytest.raises(RuntimeError, match="PUBLIC_URL"):
        ProductionConfig()
    monkeypatch.setenv("PUBLIC_URL", "https://kuulo.example.fi")
    assert ProductionConfig().SECRET_KEY == "x" * 32


def test_production_cookie_is_secure(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("PUBLIC_URL", "https://kuulo.example.fi")
    if "SESSION_COOKIE_SECURE" in __import__("os").environ:
        pytest.skip("SESSION_COOKIE_SECURE overridden in the environment")
    from config import ProductionConfig

    settings = ProductionConfig()
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_session_is_renewed_at_login(app, client, make_user):
    user = make_user()
    client.get("/auth/login")
    with client.session_transaction() as sess:
        sess["planted"] = "fixated-by-attacker"
        sess["lang"] = "sv"
        csrf_before = sess["csrf_token"]
    cookie_before = client.get_cookie("session").value
    response = login(client, user)
    assert response.status_code == 302
    assert client.get_cookie("session").value != cookie_before
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess.get("csrf_token") != csrf_before
        assert sess["_user_id"] == f"{user.id}:{user.session_version}"
        assert sess["lang"] == "sv"  # the language choice is not a secret; it survives


def test_logout_is_post_only(app, client, login_as, make_user):
    user = make_user()
    login_as(user)
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert is_logged_in(client, user)


def test_logout_really_ends_the_session(app, client, login_as, make_user):
    user = make_user()
    login_as(user)
    old_cookie = client.get_cookie("session").value
    [(version_before,)] = db_rows(app, "SELECT session_version FROM user WHERE id = ?", (user.id,))

    # The copied cookie works before logout (so the replay below proves something).
    before = app.test_client()
    before.set_cookie("session", old_cookie)
    assert before.get("/admin/users").status_code == 403  # logged in, just not an admin
    assert is_logged_in(before, user)

    token = csrf_from(client, "/consultations/")
    response = client.post("/auth/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert not is_logged_in(client, user)
    assert db_rows(app, "SELECT session_version FROM user WHERE id = ?", (user.id,)) == [(version_before + 1,)]

    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    response = replay.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    assert not is_logged_in(replay, user)


def test_logout_ends_sessions_on_other_devices(app, make_user):
    user = make_user()
    phone, laptop = app.test_client(), app.test_client()
    assert login(phone, user).status_code == 302
    assert login(laptop, user).status_code == 302
    token = csrf_from(laptop, "/consultations/")
    assert laptop.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert not is_logged_in(phone, user)


BAD_NEXT = ["//evil.example", "https://evil.example", "/\\evil", "javascript:alert(1)",
            "///evil.example", "http:/evil.example", " //evil.example", "/\t/evil.example"]


@pytest.mark.parametrize("target", BAD_NEXT)
def test_login_ignores_non_local_next(app, client, make_user, target):
    user = make_user()
    response = post_login(client, user.email, PASSWORD, next=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil" not in location and "javascript" not in location
    assert location.startswith("/") and not location.startswith("//")


@pytest.mark.parametrize("target", BAD_NEXT)
def test_language_switch_ignores_non_local_next(app, client, target):
    token = csrf_from(client, "/")
    response = client.post("/language", data={"lang": "sv", "next": target, "csrf_token": token})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil" not in location and "javascript" not in location
    assert location.startswith("/") and not location.startswith("//")


def test_login_follows_local_next(app, client, make_user):
    user = make_user()
    response = post_login(client, user.email, PASSWORD, next="/consultations/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/consultations/"


def test_login_page_carries_next_from_query(app, client, make_user):
    user = make_user()
    html = client.get("/auth/login?next=/consultations/%3Fstatus%3Dopen").get_data(as_text=True)
    assert 'name="next"' in html and 'value="/consultations/?status=open"' in html
    response = post_login(client, user.email, PASSWORD, next="/consultations/?status=open")
    assert response.headers["Location"] == "/consultations/?status=open"


# --- CSRF on auth forms ---------------------------------------------------------


def test_login_without_csrf_token_is_400(app, client, make_user):
    user = make_user()
    client.get("/auth/login")
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert not is_logged_in(client, user)


def test_login_with_token_of_another_session_is_400(app, client, make_user):
    user = make_user()
    foreign_token = csrf_from(app.test_client(), "/auth/login")
    client.get("/auth/login")
    response = client.post(
        "/auth/login", data={"email": user.email, "password": PASSWORD, "csrf_token": foreign_token}
    )
    assert response.status_code == 400
    assert not is_logged_in(client, user)


def test_register_without_csrf_token_is_400(app, client):
    client.get("/auth/register")
    response = client.post(
        "/auth/register",
        data={"display_name": "Ville", "email": "ville@example.org",
              "password": "Tuulinen-Syyspäivä-42", "password_confirm": "Tuulinen-Syyspäivä-42"},
    )
    assert response.status_code == 400
    assert db_rows(app, "SELECT count(*) FROM user") == [(0,)]


def test_logout_without_csrf_token_is_400(app, client, login_as, make_user):
    user = make_user()
    login_as(user)
    response = client.post("/auth/logout")
    assert response.status_code == 400
    assert is_logged_in(client, user)
    assert db_rows(app, "SELECT session_version FROM user WHERE id = ?", (user.id,)) == [(user.session_version,)]


def test_language_switch_without_csrf_token_is_400(app, client):
    client.get("/")
    response = client.post("/language", data={"lang": "sv", "next": "/"})
    assert response.status_code == 400
    with client.session_transaction() as sess:
        assert "lang" not in sess
    assert '<html lang="fi">' in client.get("/").get_data(as_text=True)


def test_an_address_with_non_ascii_capitals_finds_its_account(app, client, make_user):
    """SQLite's lower() folds ASCII only: an account registered as Äijä@… was never found
    again, by login or by password reset, however the address was typed."""
    from app.models import User

    user = make_user(email="Äijälä@Esimerkki.fi")
    for typed in ("Äijälä@Esimerkki.fi", "äijälä@esimerkki.fi", "ÄIJÄLÄ@ESIMERKKI.FI"):
        assert User.by_email(typed) is not None and User.by_email(typed).id == user.id, typed
    assert login(client, "äijälä@esimerkki.fi").status_code == 302
