"""Reporting a comment (ilmianto) through HTTP, as an anonymous visitor and signed in:
confirmation, one open report per reporter (unique index), anonymous reporters told
apart by a salted hash of their IP address alone (a new User-Agent is not a new
reporter), refusals with a clear page, bad input kept in the form, the audit event and
the rate limit. The auto-hide threshold is in test_auto_hide.py."""
from __future__ import annotations

import re
import sqlite3
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.extensions import db
from comments.moderation.models import Report
from tests.comments.moderation.helpers import (
    anonymous,
    events_of,
    fresh_comment,
    post_report,
    reports_of,
    signed_in,
    t,
    text_of,
)
from tests.conftest import csrf_from, paragraphs_of



@pytest.fixture
def world(make_org, make_user, make_consultation, make_comment):
    authority = make_org(name="Testikaupunki", kind="authority")
    official = make_user(role="official", orgs=[authority])
    association = make_org(name="Kotiseutuyhdistys ry")
    author = make_user(orgs=[association], name="Kirjoittaja")
    reporter = make_user(orgs=[make_org()], name="Ilmiantaja")
    consultation = make_consultation(organizer=authority)
    anchor = next(p.anchor for p in paragraphs_of(consultation) if p.kind == "paragraph")
    comment = make_comment(consultation, author, association, body="Kommentti jota ilmiannetaan.", anchor=anchor)
    return SimpleNamespace(
        authority=authority, official=official, association=association, author=author,
        reporter=reporter, consultation=consultation, comment=comment, anchor=anchor,
    )


# --- reporting -----------------------------------------------------------------------


def test_report_form_is_public_and_shows_the_reasons(app, world):
    response = anonymous(app).get(f"/comments/{world.comment.id}/report")
    assert response.status_code == 200
    page = text_of(response)
    assert t(app, "Report a comment") in page
    assert "Kommentti jota ilmiannetaan." in page
    for key in ("spam", "offensive", "personal_data", "off_topic", "other"):
        assert f'value="{key}"' in page


def test_consultation_page_links_to_the_report_form_but_not_for_the_author(app, world):
    link = f'href="/comments/{world.comment.id}/report"'
    assert link in anonymous(app).get(f"/consultations/{world.consultation.slug}/").get_data(as_text=True)
    own = signed_in(app, world.author).get(f"/consultations/{world.consultation.slug}/")
    assert link not in own.get_data(as_text=True)


def test_anonymous_report_is_stored_with_a_hashed_reporter_key(app, world):
    client = anonymous(app, ip="203.0.113.77")
    response = post_report(client, world.comment.id, "offensive", "  Loukkaava sävy.  ")
    assert response.status_code == 200
    page = text_of(response)
    assert t(app, "Thank you for your report") in page
    # The anonymous reporter is not promised a message: there is no address to send it to.
    assert t(app, "You will get a message when the report has been handled.") not in page
    # Nor told that their report can hide the comment: only signed-in reporters count.
    assert "kirjautunut käyttäjä ilmiantaa" in page

    [report] = reports_of(world.comment.id)
    assert report.status == "open"
    assert report.reason == "offensive"
    assert report.details == "Loukkaava sävy."
    assert report.reporter_id is None
    assert re.fullmatch(r"a:[0-9a-f]{64}", report.reporter_key)
    assert "203.0.113.77" not in report.reporter_key  # the IP itself is not stored

    [event] = events_of(world.comment.id)
    assert (event.action, event.reason, event.note, event.actor_id) == ("report", "offensive", "Loukkaava sävy.", None)
    assert event.consultation_id == world.consultation.id
    assert fresh_comment(world.comment.id).is_visible  # one report does not hide


def test_signed_in_report_is_keyed_by_account(app, world):
    client = signed_in(app, world.reporter)
    response = post_report(client, world.comment.id, "personal_data", "Puhelinnumero näkyy.")
    assert response.status_code == 200
    page = text_of(response)
    assert t(app, "Thank you for your report") in page
    assert t(app, "You will get a message when the report has been handled.") in page

    [report] = reports_of(world.comment.id)
    assert (report.status, report.reporter_key, report.reporter_id) == ("open", f"u:{world.reporter.id}", world.reporter.id)
    [event] = events_of(world.comment.id, "report")
    assert event.actor_id == world.reporter.id


def test_second_report_by_the_same_account_says_already_reported(app, world):
    client = signed_in(app, world.reporter)
    assert post_report(client, world.comment.id, "spam").status_code == 200
    response = post_report(client, world.comment.id, "offensive", "Toinen yritys.")
    assert response.status_code == 200
    page = text_of(response)
    assert t(app, "Already reported") in page
    assert t(app, "You have already reported this comment. A moderator will review it.") in page
    # From another device (a new session) the account is still the same reporter.
    other_device = signed_in(app, world.reporter, ip="192.0.2.99")
    response = post_report(other_device, world.comment.id, "other")
    assert response.status_code == 200
    assert t(app, "Already reported") in text_of(response)

    assert len(reports_of(world.comment.id)) == 1
    assert len(events_of(world.comment.id, "report")) == 1


def test_second_anonymous_report_from_same_ip_and_browser_says_already_reported(app, world):
    ua = "Mozilla/5.0 (Windows NT 10.0) Chrome/126.0"
    assert post_report(anonymous(app, ua), world.comment.id).status_code == 200
    # A new session (cookies cleared) from the same IP and browser is the same reporter.
    response = post_report(anonymous(app, ua), world.comment.id, "off_topic")
    assert response.status_code == 200
    assert t(app, "Already reported") in text_of(response)
    assert len(reports_of(world.comment.id)) == 1


def test_another_user_agent_from_the_same_ip_is_the_same_reporter(app, world):
    """Issue 12: a User-Agent is whatever the client says it is, so changing it does not
    make a new reporter."""
    first = post_report(anonymous(app, "Firefox/128.0", ip="203.0.113.5"), world.comment.id)
    second = post_report(anonymous(app, "Safari/17.5", ip="203.0.113.5"), world.comment.id, "offensive")
    assert first.status_code == second.status_code == 200
    assert t(app, "Thank you for your report") in text_of(first)
    assert t(app, "Already reported") in text_of(second)
    assert t(app, "You have already reported this comment. A moderator will review it.") in text_of(second)
    [report] = reports_of(world.comment.id)
    assert report.reason == "spam"
    assert len(events_of(world.comment.id, "report")) == 1


def test_same_user_agent_from_another_ip_is_a_different_reporter(app, world):
    post_report(anonymous(app, "Firefox/128.0", ip="203.0.113.5"), world.comment.id)
    post_report(anonymous(app, "Firefox/128.0", ip="203.0.113.6"), world.comment.id)
    assert len(reports_of(world.comment.id)) == 2


def test_reporting_again_after_the_report_was_handled_is_allowed(app, world):
    """The unique index covers only open reports: a dismissed report does not block a new one."""
    from comments.moderation.services import dismiss_reports

    client = signed_in(app, world.reporter)
    assert post_report(client, world.comment.id).status_code == 200
    comment = fresh_comment(world.comment.id)
    dismiss_reports(comment, world.official, "Ei aihetta.")
    db.session.commit()
    response = post_report(client, world.comment.id, "other", "Uusi asia.")
    assert response.status_code == 200
    assert t(app, "Thank you for your report") in text_of(response)
    assert [r.status for r in reports_of(world.comment.id)] == ["dismissed", "open"]


def test_own_comment_cannot_be_reported(app, world):
    client = signed_in(app, world.author)
    response = client.get(f"/comments/{world.comment.id}/report")
    assert response.status_code == 403
    page = text_of(response)
    assert t(app, "This comment cannot be reported") in page
    assert t(app, "Hidden comments and your own comments cannot be reported.") in page

    response = post_report(client, world.comment.id)
    assert response.status_code == 403
    assert t(app, "This comment cannot be reported") in text_of(response)
    assert reports_of(world.comment.id) == []


def test_hidden_comment_cannot_be_reported(app, world):
    from comments.moderation.services import hide_comment

    hide_comment(fresh_comment(world.comment.id), world.official, "spam", "")
    db.session.commit()
    for client in (anonymous(app), signed_in(app, world.reporter)):
        response = client.get(f"/comments/{world.comment.id}/report")
        assert response.status_code == 403
        page = text_of(response)
        assert t(app, "This comment cannot be reported") in page
        assert "Kommentti jota ilmiannetaan." not in page
        response = post_report(client, world.comment.id)
        assert response.status_code == 403
        assert t(app, "This comment cannot be reported") in text_of(response)
    assert reports_of(world.comment.id) == []


def test_report_of_missing_comment_or_unpublished_consultation_is_404(app, world, make_consultation, make_comment):
    client = anonymous(app)
    assert client.get("/comments/999999/report").status_code == 404
    draft = make_consultation(organizer=world.authority)
    hidden_draft_comment = make_comment(draft, world.author, world.association, body="Luonnoksen kommentti")
    draft.published = False  # withdrawn from public view after the comment was written
    db.session.commit()
    assert client.get(f"/comments/{hidden_draft_comment.id}/report").status_code == 404
    token = csrf_from(client, "/")
    response = client.post(
        f"/comments/{hidden_draft_comment.id}/report", data={"reason": "spam", "csrf_token": token}
    )
    assert response.status_code == 404
    assert reports_of(hidden_draft_comment.id) == []


@pytest.mark.parametrize("reason", ["nonsense", "", None, "SPAM", "spam' OR '1'='1"])
def test_invalid_reason_is_refused_and_details_kept(app, world, reason):
    details = "Tässä on <perustelu> jota en halua kirjoittaa uudelleen & kiitos."
    response = post_report(anonymous(app), world.comment.id, reason, details)
    assert 400 <= response.status_code < 500
    page = text_of(response)
    assert t(app, "Choose a reason for the report.") in page
    assert details in page  # the typed text is given back in the form
    assert "<perustelu>" not in response.get_data(as_text=True)  # ...escaped
    assert reports_of(world.comment.id) == []
    assert events_of(world.comment.id) == []


def test_too_long_details_are_refused_and_kept(app, world):
    details = ("Pitkä selitys siitä, miksi tämä on ongelma. " * 30)[:1001]
    assert len(details) == 1001
    response = post_report(anonymous(app), world.comment.id, "offensive", details)
    assert 400 <= response.status_code < 500
    page = text_of(response)
    assert t(app, "The details can be at most %(n)d characters long.", n=1000) in page
    textarea = re.search(r'<textarea[^>]*name="details"[^>]*>(.*?)</textarea>', page, re.S)
    assert textarea and textarea.group(1).strip() == details.strip()
    assert 'value="offensive" checked' in page or re.search(r'checked[^>]*value="offensive"', page)
    assert reports_of(world.comment.id) == []


def test_details_of_exactly_1000_characters_are_accepted(app, world):
    details = ("x" * 999) + "!"
    response = post_report(anonymous(app), world.comment.id, "other", details)
    assert response.status_code == 200
    [report] = reports_of(world.comment.id)
    assert report.details == details


def test_report_without_csrf_token_is_refused(app, world):
    response = post_report(anonymous(app), world.comment.id, "spam", with_token=False)
    assert response.status_code == 400
    assert reports_of(world.comment.id) == []


def test_report_by_get_changes_nothing(app, world):
    client = anonymous(app)
    client.get(f"/comments/{world.comment.id}/report?reason=spam&details=x")
    assert reports_of(world.comment.id) == []


# --- rate limit ------------------------------------------------------------------------


def test_reports_are_rate_limited_per_ip(app, make_app, world):
    """Ten reports a minute from one address; the eleventh is refused with 429. A new
    User-Agent on each request changes nothing: one address is one anonymous reporter."""
    limited = make_app(database=app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED=True,
                       REPORT_AUTO_HIDE_THRESHOLD=100)
    statuses = []
    for i in range(11):
        client = limited.test_client()
        client.environ_base.update(REMOTE_ADDR="203.0.113.200", HTTP_USER_AGENT=f"Bot/{i}")
        statuses.append(post_report(client, world.comment.id, "spam").status_code)
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    # Another address is not affected.
    client = limited.test_client()
    client.environ_base.update(REMOTE_ADDR="203.0.113.201", HTTP_USER_AGENT="Bot/x")
    assert post_report(client, world.comment.id, "spam").status_code == 200
    assert db.session.scalar(select(func.count(Report.id))) == 2  # one per address


# --- one transaction -------------------------------------------------------------------


def _committed(app, sql, params=()):
    """What is really in the database file, through a separate connection."""
    with sqlite3.connect(db.engine.url.database) as connection:
        return connection.execute(sql, params).fetchall()


def test_report_is_not_committed_behind_the_callers_back(app, world):
    """Services flush, never commit: the report, its audit event and the auto-hide belong
    to the request's transaction, so a request that fails after reporting stores none of
    them (and never a report without its 'report' event)."""
    from comments.moderation.services import report_comment

    report_comment(fresh_comment(world.comment.id), None, "203.0.113.1", "spam", "")
    assert _committed(app, "SELECT count(*) FROM report") == [(0,)]
    assert _committed(app, "SELECT count(*) FROM outbox_message") == [(0,)]
    db.session.rollback()
    assert _committed(app, "SELECT count(*) FROM report") == [(0,)]
    assert _committed(app, "SELECT count(*) FROM moderation_event") == [(0,)]
    assert _committed(app, "SELECT count(*) FROM outbox_message") == [(0,)]  # nor the moderators' notice


def test_failed_request_at_the_threshold_neither_stores_the_report_nor_hides(app, world, make_user):
    from comments.moderation.services import report_comment

    accounts = [world.reporter, make_user(), make_user()]
    for account in accounts[:2]:
        report_comment(fresh_comment(world.comment.id), account, "203.0.113.1", "spam", "")
        db.session.commit()
    report_comment(fresh_comment(world.comment.id), accounts[2], "203.0.113.9", "spam", "")
    db.session.rollback()
    assert _committed(app, "SELECT count(*) FROM report") == [(2,)]
    assert _committed(app, "SELECT visibility FROM comment WHERE id = ?", (world.comment.id,)) == [("visible",)]
    assert _committed(app, "SELECT count(*) FROM moderation_event WHERE action = 'auto_hide'") == [(0,)]
    # The official was told of the first stored report (the second joined it), of nothing else.
    assert _committed(app, "SELECT kind, to_email FROM outbox_message") == [("report_received", world.official.email)]


def test_duplicate_report_through_the_service_raises_already_reported(app, world):
    from comments.moderation.services import AlreadyReported, report_comment

    report_comment(fresh_comment(world.comment.id), world.reporter, "203.0.113.1", "spam", "")
    db.session.commit()
    with pytest.raises(AlreadyReported):
        report_comment(fresh_comment(world.comment.id), world.reporter, "198.51.100.1", "other", "")
    db.session.rollback()
    assert _committed(app, "SELECT count(*) FROM report") == [(1,)]
    assert _committed(app, "SELECT count(*) FROM moderation_event") == [(1,)]
