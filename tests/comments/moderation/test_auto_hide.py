"""Issue 12: who can hide a comment by reporting it. Anonymous reports reach the
moderators (queue and outbox) but never hide anything by themselves; the auto-hide
counts distinct signed-in accounts only, and only while the consultation is open. The
moderators are told of every new report, in their own language."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from flask_babel import force_locale, ngettext

from app.extensions import db
from comments.responses.summary import publish_summary
from tests.comments.moderation.helpers import (
    anonymous,
    events_of,
    fresh_comment,
    outbox,
    post_report,
    reports_of,
    signed_in,
    t,
    text_of,
)
from tests.conftest import paragraphs_of

BODY = "Lausuntomme kaavaluonnoksesta."



def open_reports(app, num: int) -> str:
    """'<num> open reports' as the moderation queue shows it."""
    with app.test_request_context(), force_locale(app.config["BABEL_DEFAULT_LOCALE"]):
        return ngettext("%(num)d open report", "%(num)d open reports", num)


@pytest.fixture
def make_world(make_org, make_user, make_consultation, make_comment):
    """An organization's statement in a consultation of the given status, the organizer's
    two officials (one reads Swedish), people who must not be told, and five accounts
    that may report."""

    def factory(status="open"):
        authority = make_org(name="Testikaupunki", kind="authority")
        moderators = [make_user(role="official", orgs=[authority]) for _ in range(2)]
        moderators[1].locale = "sv"
        bystanders = [
            make_user(role="official", orgs=[make_org(kind="authority")]),  # another authority's
            make_user(role="member", orgs=[authority]),  # the organizer's staff, not an official
        ]
        association = make_org(name="Kotiseutuyhdistys ry")
        author = make_user(orgs=[association])
        consultation = make_consultation(
            status="open" if status == "open" else "closed", organizer=authority, title="Kaavaluonnos",
        )
        anchor = next(p.anchor for p in paragraphs_of(consultation) if p.kind == "paragraph")
        comment = make_comment(consultation, author, association, body=BODY, anchor=anchor)
        if status == "summarized":
            publish_summary(consultation, moderators[0], "Kiitos lausunnoista.", 0)
        db.session.commit()
        return SimpleNamespace(
            consultation=consultation, comment=comment, author=author, moderators=moderators,
            bystanders=bystanders, accounts=[make_user(orgs=[make_org()]) for _ in range(5)],
        )

    return factory


@pytest.fixture
def world(make_world):
    return make_world("open")


def report_by_accounts(app, world, n=3, reason="offensive"):
    return [
        post_report(signed_in(app, account), world.comment.id, reason, f"Raportti {i}")
        for i, account in enumerate(world.accounts[:n])
    ]


def content(response) -> str:
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False)
    return text_of(response)


def queue_item(app, world) -> str:
    """The comment's entry in the first moderator's queue ('' when it is not there)."""
    page = text_of(signed_in(app, world.moderators[0]).get("/moderation/"))
    marker = f'id="queue-{world.comment.id}"'
    return page[page.index(marker):] if marker in page else ""


def assert_not_hidden(world):
    comment = fresh_comment(world.comment.id)
    assert comment.is_visible and not comment.pending_review
    assert events_of(world.comment.id, "auto_hide") == []
    assert outbox("comment_hidden") == []


# --- anonymous reports -------------------------------------------------------------------


def test_anonymous_reports_with_many_user_agents_are_one_reporter_and_hide_nothing(app, world):
    responses = [
        post_report(anonymous(app, f"Mozilla/5.0 (Bot {i}) Firefox/128.{i}", ip="203.0.113.66"), world.comment.id)
        for i in range(3)
    ]
    assert [r.status_code for r in responses] == [200] * 3
    assert t(app, "Thank you for your report") in text_of(responses[0])
    assert all(t(app, "Already reported") in text_of(r) for r in responses[1:])

    assert_not_hidden(world)
    assert len(reports_of(world.comment.id)) == 1
    item = queue_item(app, world)
    assert open_reports(app, 1) in item
    assert BODY in item


def test_anonymous_reports_from_many_addresses_reach_the_queue_but_hide_nothing(app, world):
    responses = [
        post_report(anonymous(app, f"Browser/{i}", ip=f"203.0.113.{i + 1}"), world.comment.id, "spam", f"Roskaa {i}")
        for i in range(5)
    ]
    assert all(t(app, "Thank you for your report") in text_of(r) for r in responses)

    assert_not_hidden(world)
    assert [r.status for r in reports_of(world.comment.id)] == ["open"] * 5
    item = queue_item(app, world)
    assert open_reports(app, 5) in item
    assert "Roskaa 0" in item and "Roskaa 4" in item
    assert t(app, "Hidden automatically") not in item
    assert BODY in text_of(anonymous(app).get(f"/consultations/{world.consultation.slug}/"))


def test_anonymous_reports_count_as_zero_towards_the_threshold(app, world):
    for i in range(4):
        post_report(anonymous(app, ip=f"203.0.113.{i + 1}"), world.comment.id)
    report_by_accounts(app, world, n=2)
    assert_not_hidden(world)
    assert len(reports_of(world.comment.id)) == 6
    # The third account is the third signed-in reporter: now it is hidden.
    post_report(signed_in(app, world.accounts[2]), world.comment.id)
    assert fresh_comment(world.comment.id).pending_review


# --- signed-in accounts ----------------------------------------------------------------------


def test_three_accounts_hide_the_comment_once_and_tell_the_author(app, world):
    assert app.config["REPORT_AUTO_HIDE_THRESHOLD"] == 3
    responses = report_by_accounts(app, world)
    assert [r.status_code for r in responses] == [200] * 3

    comment = fresh_comment(world.comment.id)
    assert not comment.is_visible
    assert comment.pending_review
    assert comment.hidden_at is not None
    assert comment.hide_reason is None
    assert len(events_of(world.comment.id, "auto_hide")) == 1
    assert len(events_of(world.comment.id, "report")) == 3
    assert [r.status for r in reports_of(world.comment.id)] == ["open"] * 3

    messages = outbox("comment_hidden")
    assert [m.to_email for m in messages] == [world.author.email]
    assert f"/comments/{world.comment.id}" in messages[0].body  # where to ask for a review

    # The public page shows the pending-review placeholder, not the text.
    page = text_of(anonymous(app, "Reader/1").get(f"/consultations/{world.consultation.slug}/"))
    assert t(app, "This comment has been hidden until a moderator has reviewed it.") in page
    assert BODY not in page
    assert t(app, "Hidden automatically") in queue_item(app, world)


def test_two_accounts_do_not_hide(app, world):
    report_by_accounts(app, world, n=2)
    assert_not_hidden(world)


def test_further_reports_on_an_auto_hidden_comment_are_refused(app, world):
    report_by_accounts(app, world)
    response = post_report(anonymous(app, "Browser/late"), world.comment.id, "spam")
    assert response.status_code == 403
    assert t(app, "This comment cannot be reported") in text_of(response)
    response = post_report(signed_in(app, world.accounts[3]), world.comment.id, "spam")
    assert response.status_code == 403
    assert len(reports_of(world.comment.id)) == 3
    assert len(events_of(world.comment.id, "auto_hide")) == 1


@pytest.mark.parametrize("threshold", [2, 5])
def test_custom_threshold_from_config(app, world, threshold):
    app.config["REPORT_AUTO_HIDE_THRESHOLD"] = threshold
    report_by_accounts(app, world, n=threshold - 1)
    assert fresh_comment(world.comment.id).is_visible
    last = post_report(signed_in(app, world.accounts[threshold - 1]), world.comment.id, "spam")
    assert last.status_code == 200
    comment = fresh_comment(world.comment.id)
    assert not comment.is_visible and comment.pending_review
    assert len(events_of(world.comment.id, "auto_hide")) == 1
    assert len(reports_of(world.comment.id)) == threshold


def test_only_open_reports_count_towards_the_threshold(app, world):
    from comments.moderation.services import dismiss_reports

    report_by_accounts(app, world, n=2)
    dismiss_reports(fresh_comment(world.comment.id), world.moderators[0], "")
    db.session.commit()
    # The two dismissed reports and one new one are not three open reports.
    post_report(signed_in(app, world.accounts[2]), world.comment.id, "spam")
    assert_not_hidden(world)


# --- a consultation that is no longer open ------------------------------------------------


@pytest.mark.parametrize("status", ["closed", "summarized"])
def test_statements_of_a_finished_consultation_are_never_auto_hidden(app, make_world, status):
    world = make_world(status)
    assert world.consultation.status == status
    responses = report_by_accounts(app, world, n=5)
    assert all(t(app, "Thank you for your report") in text_of(r) for r in responses)

    assert_not_hidden(world)
    item = queue_item(app, world)
    assert open_reports(app, 5) in item
    assert t(app, "Hidden automatically") not in item
    # The statement stays in the public record until a moderator decides.
    slug, reader = world.consultation.slug, anonymous(app, "Reader/1")
    pages = [f"/consultations/{slug}/", f"/api/v1/consultations/{slug}/comments", f"/consultations/{slug}/export.json"]
    if status == "summarized":
        pages.append(f"/consultations/{slug}/summary")
    for url in pages:
        response = reader.get(url)
        assert response.status_code == 200, url
        assert BODY in content(response), url


# --- the moderators are told of every report --------------------------------------------------


def test_every_new_report_is_sent_to_each_moderator_in_their_language(app, world):
    fi, sv = world.moderators
    post_report(anonymous(app, ip="203.0.113.1"), world.comment.id, "spam", "Mainos.")
    messages = outbox("report_received")
    assert sorted(m.to_email for m in messages) == sorted([fi.email, sv.email])
    by_address = {m.to_email: m for m in messages}
    subject = "New report: %(title)s"
    assert by_address[fi.email].subject == t(app, subject, "fi", title="Kaavaluonnos")
    assert by_address[sv.email].subject == t(app, subject, "sv", title="Kaavaluonnos")
    assert by_address[fi.email].subject != by_address[sv.email].subject  # really translated
    for message in messages:
        assert "/moderation/" in message.body
        assert f"/comments/{world.comment.id}" in message.body
        assert "Mainos." not in message.body  # the reporter's free text stays in the queue

    # Later reports of a comment that already has an open one, anonymous or signed in, are
    # in the queue but mailed to no one (a hundred reports are not a hundred messages)...
    post_report(anonymous(app, ip="203.0.113.2"), world.comment.id, "offensive")
    post_report(signed_in(app, world.accounts[0]), world.comment.id, "offensive")
    assert len(outbox("report_received")) == 1 * 2
    assert [r.status for r in reports_of(world.comment.id)] == ["open"] * 3
    # ...nor a repeated report, or one refused for bad input.
    post_report(anonymous(app, "Another/1.0", ip="203.0.113.2"), world.comment.id, "spam")
    post_report(signed_in(app, world.accounts[0]), world.comment.id, "spam")
    assert post_report(anonymous(app, ip="203.0.113.3"), world.comment.id, "nonsense").status_code in (400, 422)
    messages = outbox("report_received")
    assert len(messages) == 1 * 2
    told = {m.to_email for m in messages}
    assert told == {fi.email, sv.email}
    for person in (*world.bystanders, world.author, world.accounts[0]):
        assert person.email not in told


def test_the_report_that_hides_the_comment_says_so_to_the_moderators(app, world):
    report_by_accounts(app, world)
    messages = outbox("report_received")
    assert len(messages) == 2 * 2  # the first report, and the third, which hid the comment
    hidden = t(app, "The comment has been hidden automatically until a moderator reviews it.")
    assert [hidden in m.body for m in messages if m.to_email == world.moderators[0].email] == [False, True]
