"""Following a consultation, and the followers' mails: the window of each run is exactly
(previous cut-off, this cut-off] — an event one second before a cut-off is in that run's
mail, one second after it in the next one, none twice; unpublished consultations never;
a one-click unsubscribe link in every mail; a fixed number of queries per run."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.extensions import db
from app.outbox import OutboxMessage
from app.timeutil import utcnow
from consultations.following.models import Follow, NotificationRun
from consultations.following.notifications import build_notifications
from consultations.following.services import follow
from consultations.importer import parse_markdown_source
from consultations.services import add_version
from tests.conftest import counting_queries, csrf_from

CUT = datetime(2026, 12, 1, 5, 0, 0, tzinfo=timezone.utc)
SECOND = timedelta(seconds=1)
DAY = timedelta(hours=24)


def mails(kind=None):
    db.session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


@pytest.fixture
def follower(make_user):
    return make_user(email="seuraaja@example.org")


def opening_at(make_consultation, moment, title):
    consultation = make_consultation(status="upcoming", title=title)
    consultation.opens_at, consultation.closes_at = moment, moment + timedelta(days=30)
    db.session.commit()
    return consultation


def test_digest_window_boundaries_one_second_either_side(app, make_consultation, follower):
    before = opening_at(make_consultation, CUT - SECOND, "Avautuu sekuntia ennen")
    exactly = opening_at(make_consultation, CUT, "Avautuu täsmälleen rajalla")
    after = opening_at(make_consultation, CUT + SECOND, "Avautuu sekuntia jälkeen")
    for consultation in (before, exactly, after):
        follow(follower, consultation)
    db.session.commit()

    assert build_notifications("daily", CUT) == 1
    db.session.commit()
    [first] = mails("follow_daily")
    assert "Avautuu sekuntia ennen" in first.body and "Avautuu täsmälleen rajalla" in first.body
    assert "Avautuu sekuntia jälkeen" not in first.body

    assert build_notifications("daily", CUT + DAY - SECOND) == 0  # not due yet
    db.session.commit()
    assert build_notifications("daily", CUT + DAY) == 1
    db.session.commit()
    second = mails("follow_daily")[-1]
    assert "Avautuu sekuntia jälkeen" in second.body
    assert "Avautuu sekuntia ennen" not in second.body and "Avautuu täsmälleen rajalla" not in second.body
    runs = db.session.execute(select(NotificationRun.window_start, NotificationRun.window_end)
                              .order_by(NotificationRun.id)).all()
    assert runs == [(CUT - DAY, CUT), (CUT, CUT + DAY)]  # each starts where the last ended


def test_a_late_digest_covers_everything_since_the_previous(app, make_consultation, follower):
    """Decidim's digests covered the wrong window or stopped after a week: a run missed
    for days still tells every event since the previous run, once."""
    build_notifications("daily", CUT)
    consultations = [opening_at(make_consultation, CUT + timedelta(days=d, hours=3), f"Päivä {d}") for d in range(9)]
    for consultation in consultations:
        follow(follower, consultation)
    db.session.commit()
    assert build_notifications("daily", CUT + timedelta(days=9, hours=4)) == 1
    body = mails("follow_daily")[-1].body
    assert all(f"Päivä {d}" in body for d in range(9))
    assert build_notifications("daily", CUT + timedelta(days=10, hours=4)) == 0


def test_every_kind_of_news(app, make_consultation, make_user, follower):
    consultation = make_consultation(status="open", title="Kaikki uutiset")
    consultation.opens_at = CUT - timedelta(hours=2)
    consultation.closes_at = CUT + timedelta(days=3) - timedelta(hours=1)  # the reminder falls in the window
    follow(follower, consultation)
    official = make_user(role="official", orgs=[consultation.organizer])
    source = "# Uusi\n\nUusi teksti."
    version = add_version(consultation.documents[0], parse_markdown_source(source), source, "markdown", "Muutettu", official)
    version.published_at = CUT - timedelta(hours=1)
    db.session.commit()
    build_notifications("daily", CUT)
    body = mails("follow_daily")[-1].body
    assert "Kaikki uutiset" in body
    assert body.count("  - ") == 3, body  # opened, version 2, closing soon
    assert "/consultations/" in body


def test_immediate_and_daily_followers_get_their_own_runs(app, make_consultation, make_user, follower):
    eager = make_user(email="heti@example.org")
    eager.notification_mode = "immediate"
    consultation = opening_at(make_consultation, CUT - SECOND, "Kahdelle seuraajalle")
    follow(follower, consultation)
    follow(eager, consultation)
    db.session.commit()
    assert build_notifications("immediate", CUT) == 1
    assert build_notifications("daily", CUT) == 1
    db.session.commit()
    assert [m.to_email for m in mails("follow_immediate")] == ["heti@example.org"]
    assert [m.to_email for m in mails("follow_daily")] == ["seuraaja@example.org"]
    assert build_notifications("immediate", CUT + SECOND) == 0  # nothing new


def test_unpublished_consultation_is_never_told(app, make_consultation, follower):
    consultation = opening_at(make_consultation, CUT - SECOND, "Salainen luonnos")
    follow(follower, consultation)
    consultation.published = False
    db.session.commit()
    assert build_notifications("daily", CUT) == 0
    assert "Salainen luonnos" not in "".join(m.body for m in mails())


def test_every_mail_has_a_one_click_unsubscribe(app, client, make_consultation, follower):
    consultation = opening_at(make_consultation, CUT - SECOND, "Peruttava")
    follow(follower, consultation)
    db.session.commit()
    build_notifications("daily", CUT)
    db.session.commit()
    body = mails("follow_daily")[-1].body
    path = re.search(r"https?://[^/\s]+(/follows/unsubscribe/\S+)", body).group(1)
    assert client.get(path).status_code == 200  # a GET changes nothing (mail scanners open links)
    assert db.session.scalar(select(Follow.id)) is not None
    response = client.post(path, data={"csrf_token": csrf_from(client, path)})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(Follow.id)) is None
    assert client.get("/follows/unsubscribe/forged").status_code == 400


def test_outbox_send_builds_and_sends_digests(app, make_consultation, follower):
    consultation = make_consultation(status="open", title="Komennolla lähetettävä")
    consultation.opens_at = utcnow() - timedelta(hours=1)
    follow(follower, consultation)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "Komennolla lähetettävä" in result.output
    [mail] = mails("follow_daily")
    assert mail.sent_at is not None and mail.to_email == "seuraaja@example.org"


def test_queries_do_not_grow_with_followers(app, make_consultation, make_user):
    counts = []
    for round_, followers in enumerate((3, 30)):
        start = CUT + timedelta(days=round_)
        consultations = [opening_at(make_consultation, start - SECOND, f"K{round_}-{n}") for n in range(4)]
        for _ in range(followers):
            user = make_user()
            for consultation in consultations:
                follow(user, consultation)
        db.session.commit()
        with counting_queries() as statements:
            assert build_notifications("daily", start) == (followers if round_ else followers)
        counts.append(len(statements))
        db.session.commit()
    assert counts[0] == counts[1], counts


def test_follow_button_and_unfollow(app, client, login_as, make_consultation, follower):
    consultation = make_consultation(status="open")
    page = client.get(f"/consultations/{consultation.slug}/").get_data(as_text=True)
    assert "/auth/login?next=" in page  # the anonymous are asked to log in
    login_as(follower)
    url = f"/consultations/{consultation.slug}/follow"
    token = csrf_from(client, f"/consultations/{consultation.slug}/")
    assert client.post(url, data={"action": "follow", "csrf_token": token}).status_code == 303
    assert client.post(url, data={"action": "follow", "csrf_token": token}).status_code == 303
    assert db.session.scalar(select(db.func.count(Follow.id))) == 1
    assert consultation.title in client.get("/account/follows").get_data(as_text=True)
    assert client.post(url, data={"action": "unfollow", "csrf_token": token}).status_code == 303
    assert db.session.scalar(select(db.func.count(Follow.id))) == 0
    assert client.post(url, data={"action": "follow"}).status_code == 400  # no CSRF token


def test_cannot_follow_what_one_cannot_see(app, client, login_as, make_consultation, follower):
    draft = make_consultation(status="open", published=False)
    login_as(follower)
    token = csrf_from(client, "/account/")
    assert client.post(f"/consultations/{draft.slug}/follow", data={"csrf_token": token}).status_code == 404
    assert client.post("/consultations/no-such/follow", data={"csrf_token": token}).status_code == 404


def test_account_page_chooses_the_mode(app, client, login_as, follower):
    login_as(follower)
    response = client.post("/account/profile", data={
        "profile-display_name": follower.display_name, "profile-locale": "fi",
        "profile-notification_mode": "immediate", "csrf_token": csrf_from(client, "/account/")})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(type(follower), follower.id).notification_mode == "immediate"
    response = client.post("/account/profile", data={
        "profile-display_name": follower.display_name, "profile-locale": "fi",
        "profile-notification_mode": "hourly", "csrf_token": csrf_from(client, "/account/")})
    assert response.status_code == 400


def test_members_of_an_invited_organization_follow_automatically(app, make_consultation, make_org, make_user,
                                                                  follower):
    from consultations.authoring.invitations import invite

    invited = make_org(name="Kutsuttu ry")
    members = [make_user(orgs=[invited]) for _ in range(2)]
    consultation = make_consultation(status="upcoming")
    follow(members[0], consultation)  # already following: not twice
    db.session.commit()
    invite(consultation, invited, make_user(role="official", orgs=[consultation.organizer]))
    db.session.commit()
    followers = set(db.session.scalars(select(Follow.user_id).where(Follow.consultation_id == consultation.id)))
    assert followers == {m.id for m in members}
    assert follower.id not in followers
