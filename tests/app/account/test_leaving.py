"""Leaving with one's data: the JSON export, and erasure by the exact rules of issue 17 §7 —
the statement stays with its organization, a personal comment's text goes, reports lose
their reporter, and the person's name and address are nowhere: not in pages, API, exports,
search or any database row (the erasure log holds neither)."""
from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import LoginAttempt, User
from app.personal_data import ERASED_NAME
from comments.models import Comment
from comments.moderation.models import Report
from comments.moderation.services import report_comment
from comments.moderation.personal_data import PLACEHOLDER
from comments.services import edit_comment
from tests.conftest import PASSWORD, csrf_from, login

NAME, EMAIL = "Eija Erotettava", "eija.erotettava@example.org"
STATEMENT = "Yhdistyksen lausunto pysyy arkistossa."
PERSONAL = "Henkilökohtainen mielipiteeni, joka poistuu."


@pytest.fixture
def person(app, make_user, make_org, make_consultation, make_comment):
    org = make_org(name="Pysyvä Yhdistys ry")
    user = make_user(email=EMAIL, name=NAME, orgs=[org])
    other = make_user(orgs=[org])
    consultation = make_consultation(status="open", commenters="registered")
    statement = make_comment(consultation, user, org, body="Ensimmäinen versio lausunnosta.")
    edit_comment(statement, user, STATEMENT)
    personal = make_comment(consultation, user, None, body="Ensimmäinen mielipide.")
    edit_comment(personal, user, PERSONAL)
    target = make_comment(consultation, other, org, body="Toisen kommentti, jonka hän ilmiantoi.")
    report_comment(target, user, "192.0.2.1", "off_topic", "Ilmiannon lisätieto.")
    db.session.commit()
    return {"user": user, "org": org, "consultation": consultation, "statement": statement.id,
            "personal": personal.id, "target": target.id}


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def test_export_holds_account_memberships_comments_revisions_and_reports(app, person):
    client = signed_in(app, person["user"])
    response = client.get("/account/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["account"]["email"] == EMAIL
    assert data["account"]["memberships"][0]["organization"] == "Pysyvä Yhdistys ry"
    bodies = {c["body"]: c for c in data["comments"]["comments"]}
    assert set(bodies) == {STATEMENT, PERSONAL}
    assert bodies[STATEMENT]["revisions"][0]["body"] == "Ensimmäinen versio lausunnosta."
    assert data["comments"]["reports"][0]["details"] == "Ilmiannon lisätieto."
    # Nobody else's data.
    assert "Toisen kommentti" not in json.dumps(data, ensure_ascii=False)


def delete(client, password=PASSWORD, token=True):
    data = {"password": password}
    if token:
        data["csrf_token"] = csrf_from(client, "/account/delete")
    return client.post("/account/delete", data=data)


def test_wrong_password_or_missing_token_erases_nothing(app, person):
    client = signed_in(app, person["user"])
    assert delete(client, "väärä-salasana-000").status_code == 400
    assert delete(client, token=False).status_code == 400
    db.session.expire_all()
    assert db.session.get(User, person["user"].id).email == EMAIL


def all_text_in_database(app) -> str:
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    chunks = []
    with sqlite3.connect(path) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                chunks.append(f"{table}: " + " | ".join(str(v) for v in row))
    return "\n".join(chunks)


def test_erasure_keeps_statement_and_erases_the_person_everywhere(app, person):
    user_id = person["user"].id
    other_device = signed_in(app, person["user"])
    app.test_client().post("/auth/login", data={  # a failed login: login history
        "email": EMAIL, "password": "väärin-väärin-1", "csrf_token": csrf_from(app.test_client())})
    client = signed_in(app, person["user"])
    assert NAME in all_text_in_database(app)

    response = delete(client)
    assert response.status_code == 303
    assert client.get("/account/").status_code == 302  # logged out
    assert other_device.get("/account/").status_code == 302  # everywhere

    db.session.expire_all()
    statement = db.session.get(Comment, person["statement"])
    personal = db.session.get(Comment, person["personal"])
    assert statement.body_source == STATEMENT and statement.organization_id == person["org"].id
    assert statement.author.display_name == ERASED_NAME
    assert personal.body_source == PLACEHOLDER
    assert all(r.body_source == PLACEHOLDER for r in personal.revisions)
    report = db.session.scalar(select(Report).where(Report.comment_id == person["target"]))
    assert report.reporter_id is None and report.reporter_key == f"erased:{report.id}"
    assert db.session.scalar(select(LoginAttempt.id).where(LoginAttempt.email == EMAIL)) is None

    # Nowhere in the database (the erasure log holds only the account id and the time)...
    everything = all_text_in_database(app)
    assert NAME not in everything and EMAIL not in everything
    assert "Eija" not in everything and "erotettava" not in everything.lower()
    assert PERSONAL not in everything and "Ensimmäinen mielipide." not in everything
    # ...nor in pages, the API, exports or search.
    slug = person["consultation"].slug
    anyone = app.test_client()
    page = anyone.get(f"/consultations/{slug}/").get_data(as_text=True)
    assert STATEMENT in page and "Pysyvä Yhdistys ry" in page and ERASED_NAME in page
    for url in (f"/consultations/{slug}/", f"/consultations/{slug}/comments/", f"/comments/{person['statement']}",
                f"/api/v1/consultations/{slug}/comments", f"/consultations/{slug}/export.csv",
                f"/consultations/{slug}/export.json", "/search?q=lausunto&status=open",
                "/search?q=mielipide&status=open", "/search?q=Eija"):
        text = anyone.get(url).get_data(as_text=True)
        assert NAME not in text and EMAIL not in text and PERSONAL not in text, url
    assert STATEMENT in anyone.get(f"/api/v1/consultations/{slug}/comments").get_data(as_text=True)
    assert login(app.test_client(), EMAIL).status_code == 401


def test_the_address_can_register_again(app, person):
    delete(signed_in(app, person["user"]))
    from tests.conftest import register_by_email

    response = register_by_email(app.test_client(), "Uusi Eija", EMAIL, "uusi-vahva-salasana-5")
    assert response.status_code == 302
    assert db.session.scalar(select(User).where(User.email == EMAIL)).display_name == "Uusi Eija"


@pytest.mark.parametrize("lang, kept, erased", [
    ("fi", "Säilytetään ilman nimeäsi", "Poistetaan"),
    ("sv", "Sparas utan ditt namn", "Raderas"),
    ("en", "Kept, without your name", "Erased"),
])
def test_privacy_notice_says_what_is_kept_and_why(app, client, lang, kept, erased):
    client.post("/language", data={"lang": lang, "csrf_token": csrf_from(client, "/privacy")})
    html = client.get("/privacy").get_data(as_text=True)
    assert kept in html and erased in html and "(henkilö poistanut tilinsä)" in html
    assert "621/1999" in html  # why: statements are public documents
