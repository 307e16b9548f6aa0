"""Moderation by officials of the organizing authority, through HTTP: the queue, hiding
with a public reason, restoring, dismissing reports, the public placeholder (translated),
notifications through the outbox, the author's single appeal, the audit log (escaped,
append-only) and `flask outbox send`."""
from __future__ import annotations

import html
import re
import sqlite3
from types import SimpleNamespace

import pytest
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import delete, update

from app.extensions import db
from app.i18n import format_day
from comments.models import REASONS, Comment
from comments.moderation.models import ModerationEvent
from comments.moderation.services import hide_comment, report_comment
from tests.comments.moderation.helpers import (
    anonymous, events_of, outbox, post_report, reports_of, signed_in, t, text_of,
)
from tests.comments.moderation.helpers import fresh_comment as fresh
from tests.conftest import csrf_from, paragraphs_of

MARKER = "Kiusankappaleteksti"
REPLY_MARKER = "Vastauksenteksti"

# --- helpers -------------------------------------------------------------------------


def nt(app, singular: str, plural: str, num: int, **variables) -> str:
    with app.test_request_context(), force_locale(app.config["BABEL_DEFAULT_LOCALE"]):
        return ngettext(singular, plural, num, **variables)


def placeholder(app, comment: Comment, locale: str | None = None) -> str:
    """'The moderator hid the comment on <date>: <reason>' as the interface shows it."""
    with app.test_request_context(), force_locale(locale or app.config["BABEL_DEFAULT_LOCALE"]):
        return gettext(
            "The moderator hid the comment on %(day)s: %(reason)s",
            day=format_day(comment.hidden_at), reason=str(REASONS[comment.hide_reason]),
        )


def set_language(client, lang):
    token = csrf_from(client, "/")
    assert client.post("/language", data={"lang": lang, "csrf_token": token, "next": "/"}).status_code == 302


def hide_by_three_accounts(app, world):
    """Three signed-in accounts report the comment: it is hidden pending review."""
    for account in world.accounts:
        post_report(signed_in(app, account), world.comment.id, "spam")
    assert fresh(world.comment.id).pending_review


def act(client, comment_id, action, reason="offensive", note="", **extra):
    token = csrf_from(client, "/moderation/")
    data = {"reason": reason, "note": note, "csrf_token": token, **extra}
    return client.post(f"/moderation/comments/{comment_id}/{action}", data=data)


@pytest.fixture
def world(make_org, make_user, make_consultation, make_comment):
    authority = make_org(name="Testikaupunki", kind="authority")
    official = make_user(role="official", orgs=[authority], name="Virkailija Vuorinen")
    association = make_org(name="Kotiseutuyhdistys ry")
    author = make_user(orgs=[association], name="Kirjoittaja")
    other_org = make_org(name="Toinen yhdistys ry")
    replier = make_user(orgs=[other_org], name="Vastaaja")
    reporter = make_user(orgs=[make_org()], name="Ilmiantaja")
    accounts = [reporter, make_user(orgs=[make_org()]), make_user(orgs=[make_org()])]
    consultation = make_consultation(organizer=authority, title="Puistosuunnitelma")
    anchor = next(p.anchor for p in paragraphs_of(consultation) if p.kind == "paragraph")
    comment = make_comment(consultation, author, association, body=f"{MARKER} on tässä.", anchor=anchor)
    reply = make_comment(consultation, replier, other_org, body=f"{REPLY_MARKER} vastaa.", parent=comment)
    return SimpleNamespace(
        authority=authority, official=official, association=association, author=author,
        other_org=other_org, replier=replier, reporter=reporter, accounts=accounts, consultation=consultation,
        anchor=anchor, comment=comment, reply=reply,
    )


def public_pages(world):
    slug = world.consultation.slug
    return {
        "consultation": f"/consultations/{slug}/",
        "list": f"/consultations/{slug}/comments/",
        "permalink": f"/comments/{world.comment.id}",
    }


# --- the queue -----------------------------------------------------------------------


def test_queue_shows_reported_comments_oldest_first_with_reasons_counts_and_context(
    app, world, make_comment
):
    later = make_comment(world.consultation, world.replier, world.other_org, body="Myöhempi kommentti.")
    untouched = make_comment(world.consultation, world.replier, world.other_org, body="Kukaan ei ilmianna.")
    # `later` is reported first, so it has waited longest.
    post_report(signed_in(app, world.reporter), later.id, "spam", "Mainos kotisivulle.")
    post_report(anonymous(app, ip="203.0.113.1"), world.comment.id, "offensive", "Solvaa.")
    post_report(anonymous(app, ip="203.0.113.2"), world.comment.id, "personal_data")

    response = signed_in(app, world.official).get("/moderation/")
    assert response.status_code == 200
    page = text_of(response)
    assert page.index(f'id="queue-{later.id}"') < page.index(f'id="queue-{world.comment.id}"')
    assert f'id="queue-{untouched.id}"' not in page
    assert "Kukaan ei ilmianna." not in page

    item = page[page.index(f'id="queue-{world.comment.id}"'):]
    assert nt(app, "%(num)d open report", "%(num)d open reports", 2) in item
    assert t(app, "offensive or hateful") in item and t(app, "personal data") in item
    assert "Solvaa." in item
    assert MARKER in item  # the official sees the text to decide on
    assert "Puistosuunnitelma" in item
    assert f"#{world.anchor}" in item  # the paragraph it comments
    assert f"/comments/{world.comment.id}" in item
    assert "Kotiseutuyhdistys ry" in item
    assert nt(app, "%(num)d comment waiting", "%(num)d comments waiting", 2) in page
    assert t(app, "spam or advertising") in page and "Mainos kotisivulle." in page


def test_auto_hidden_comment_is_in_the_queue_marked(app, world):
    hide_by_three_accounts(app, world)
    page = text_of(signed_in(app, world.official).get("/moderation/"))
    item = page[page.index(f'id="queue-{world.comment.id}"'):]
    assert t(app, "Hidden automatically") in item
    assert nt(app, "%(num)d open report", "%(num)d open reports", 3) in item
    assert MARKER in item


# --- hide ------------------------------------------------------------------------------


def test_hide_shows_placeholder_keeps_replies_upholds_reports_and_notifies(app, world):
    post_report(anonymous(app), world.comment.id, "offensive", "Nimittelyä.")
    post_report(signed_in(app, world.reporter), world.comment.id, "offensive")
    official = signed_in(app, world.official)

    response = act(official, world.comment.id, "hide", reason="offensive", note="Sisäinen muistiinpano")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/moderation/")
    assert t(app, "Done: comment %(id)d.", id=world.comment.id) in text_of(official.get("/moderation/"))

    comment = fresh(world.comment.id)
    assert (comment.visibility, comment.hide_reason, comment.pending_review) == ("hidden", "offensive", False)
    assert comment.hidden_at is not None
    assert comment.body_source.startswith(MARKER)  # kept, not deleted

    expected = placeholder(app, comment)
    assert format_day(comment.hidden_at) in expected
    for name, url in public_pages(world).items():
        page = text_of(anonymous(app, "Reader").get(url))
        assert expected in page, name
        assert MARKER not in page, name
        assert "Sisäinen muistiinpano" not in page, name
        assert REPLY_MARKER in page, f"the reply disappeared from {name}"
    assert REPLY_MARKER in text_of(anonymous(app).get(f"/comments/{world.reply.id}"))

    reports = reports_of(world.comment.id)
    assert [r.status for r in reports] == ["upheld", "upheld"]
    assert {r.resolved_by_id for r in reports} == {world.official.id}
    assert all(r.resolved_at is not None for r in reports)

    [event] = events_of(world.comment.id, "hide")
    assert (event.actor_id, event.reason, event.note) == (world.official.id, "offensive", "Sisäinen muistiinpano")

    hidden = outbox("comment_hidden")
    assert [m.to_email for m in hidden] == [world.author.email]
    assert f"/comments/{world.comment.id}" in hidden[0].body  # how to ask for a review
    assert "Sisäinen muistiinpano" not in hidden[0].body
    outcome = outbox("report_outcome")
    assert [m.to_email for m in outcome] == [world.reporter.email]  # the anonymous one has no address
    assert MARKER not in outcome[0].body


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_placeholder_is_translated(app, world, lang):
    hide_comment(fresh(world.comment.id), world.official, "personal_data", "")
    db.session.commit()
    comment = fresh(world.comment.id)
    client = anonymous(app)
    set_language(client, lang)
    page = text_of(client.get(f"/comments/{world.comment.id}"))
    assert placeholder(app, comment, lang) in page
    if lang == "en":
        assert f"The moderator hid the comment on {format_day(comment.hidden_at)}: personal data" in page
    else:  # really translated, reason label included (needs `pybabel compile`)
        assert placeholder(app, comment, lang) != placeholder(app, comment, "en")
        assert "personal data" not in page
    assert MARKER not in page


def test_official_can_hide_an_unreported_comment_from_its_page(app, world):
    official = signed_in(app, world.official)
    response = act(official, world.comment.id, "hide", reason="off_topic", back="comment")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/comments/{world.comment.id}")
    comment = fresh(world.comment.id)
    assert (comment.visibility, comment.hide_reason) == ("hidden", "off_topic")
    assert reports_of(world.comment.id) == []
    assert [e.action for e in events_of(world.comment.id)] == ["hide"]
    assert [m.to_email for m in outbox("comment_hidden")] == [world.author.email]
    assert placeholder(app, comment) in text_of(anonymous(app).get(f"/comments/{world.comment.id}"))


@pytest.mark.parametrize("reason", ["", "nonsense", "<b>"])
def test_hide_requires_a_public_reason(app, world, reason):
    official = signed_in(app, world.official)
    response = act(official, world.comment.id, "hide", reason=reason)
    assert response.status_code == 422  # bad input: a 4xx with the message, on the queue page
    assert t(app, "Choose a public reason for hiding.") in text_of(response)
    assert fresh(world.comment.id).is_visible
    assert events_of(world.comment.id) == []
    assert outbox() == []


# --- restore and dismiss ----------------------------------------------------------------


def test_restore_makes_the_comment_visible_again(app, world):
    post_report(signed_in(app, world.reporter), world.comment.id, "spam")
    official = signed_in(app, world.official)
    act(official, world.comment.id, "hide", reason="spam")
    was_shown = placeholder(app, fresh(world.comment.id))
    assert was_shown in text_of(anonymous(app).get(f"/consultations/{world.consultation.slug}/"))
    response = act(official, world.comment.id, "restore", note="Virhe, palautetaan.")
    assert response.status_code == 303

    comment = fresh(world.comment.id)
    assert comment.is_visible and comment.hide_reason is None and comment.hidden_at is None
    for url in public_pages(world).values():
        page = text_of(anonymous(app).get(url))
        assert MARKER in page, url
        assert was_shown not in page, url
    assert [e.action for e in events_of(world.comment.id)] == ["report", "hide", "restore"]
    assert events_of(world.comment.id, "restore")[0].note == "Virhe, palautetaan."
    assert [m.to_email for m in outbox("comment_restored")] == [world.author.email]
    # Restoring a visible comment is refused with a message, nothing logged.
    act(official, world.comment.id, "restore")
    assert len(events_of(world.comment.id, "restore")) == 1


def test_dismiss_keeps_the_comment_and_dismisses_reports(app, world):
    post_report(signed_in(app, world.reporter), world.comment.id, "spam")
    post_report(anonymous(app), world.comment.id, "other")
    official = signed_in(app, world.official)
    response = act(official, world.comment.id, "dismiss", note="Asiallinen kommentti.")
    assert response.status_code == 303

    assert fresh(world.comment.id).is_visible
    assert [r.status for r in reports_of(world.comment.id)] == ["dismissed", "dismissed"]
    [event] = events_of(world.comment.id, "dismiss")
    assert (event.actor_id, event.note) == (world.official.id, "Asiallinen kommentti.")
    assert [m.to_email for m in outbox("report_outcome")] == [world.reporter.email]
    assert outbox("comment_hidden") == []
    assert f'id="queue-{world.comment.id}"' not in official.get("/moderation/").get_data(as_text=True)
    # Nothing left to dismiss: a message, no second event.
    response = act(official, world.comment.id, "dismiss")
    assert response.status_code == 422
    assert t(app, "There are no open reports on this comment.") in text_of(response)
    assert len(events_of(world.comment.id, "dismiss")) == 1


def test_dismiss_on_an_auto_hidden_comment_restores_it(app, world):
    hide_by_three_accounts(app, world)
    assert fresh(world.comment.id).pending_review
    official = signed_in(app, world.official)
    assert act(official, world.comment.id, "dismiss").status_code == 303

    comment = fresh(world.comment.id)
    assert comment.is_visible and not comment.pending_review
    assert [r.status for r in reports_of(world.comment.id)] == ["dismissed"] * 3
    assert MARKER in text_of(anonymous(app).get(f"/comments/{world.comment.id}"))
    assert f'id="queue-{world.comment.id}"' not in official.get("/moderation/").get_data(as_text=True)


def test_hiding_an_auto_hidden_comment_keeps_the_original_date(app, world):
    hide_by_three_accounts(app, world)
    hidden_at = fresh(world.comment.id).hidden_at
    act(signed_in(app, world.official), world.comment.id, "hide", reason="spam")
    comment = fresh(world.comment.id)
    assert (comment.hidden_at, comment.pending_review, comment.hide_reason) == (hidden_at, False, "spam")
    assert [r.status for r in reports_of(world.comment.id)] == ["upheld"] * 3


# --- bad requests ------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["delete", "auto_hide", "appeal", "HIDE", "report"])
def test_unknown_action_is_404(app, world, action):
    response = act(signed_in(app, world.official), world.comment.id, action)
    assert response.status_code == 404
    assert fresh(world.comment.id).is_visible
    assert events_of(world.comment.id) == []


def test_missing_comment_is_404(app, world):
    assert act(signed_in(app, world.official), 987654, "hide").status_code == 404


def test_action_without_csrf_token_is_400(app, world):
    official = signed_in(app, world.official)
    response = official.post(f"/moderation/comments/{world.comment.id}/hide", data={"reason": "spam"})
    assert response.status_code == 400
    response = official.post(
        f"/moderation/comments/{world.comment.id}/hide", data={"reason": "spam", "csrf_token": "forged"}
    )
    assert response.status_code == 400
    assert fresh(world.comment.id).is_visible
    assert events_of(world.comment.id) == []


def test_action_by_get_is_not_allowed(app, world):
    response = signed_in(app, world.official).get(f"/moderation/comments/{world.comment.id}/hide")
    assert response.status_code == 405
    assert fresh(world.comment.id).is_visible


# --- appeal ------------------------------------------------------------------------------


def _hidden_by_official(app, world):
    hide_comment(fresh(world.comment.id), world.official, "offensive", "")
    db.session.commit()


def test_author_appeals_once_and_the_queue_shows_the_appeal(app, world):
    _hidden_by_official(app, world)
    author = signed_in(app, world.author)
    permalink = text_of(author.get(f"/comments/{world.comment.id}"))
    assert t(app, "Ask for a review of your hidden comment") in permalink
    assert f'/comments/{world.comment.id}/appeal' in permalink
    assert MARKER not in permalink  # not even the author gets the hidden text back here

    form = author.get(f"/comments/{world.comment.id}/appeal")
    assert form.status_code == 200
    token = csrf_from(author, f"/comments/{world.comment.id}/appeal")
    response = author.post(
        f"/comments/{world.comment.id}/appeal", data={"text": "Kommentti oli asiallinen.", "csrf_token": token}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/comments/{world.comment.id}")
    after = text_of(author.get(f"/comments/{world.comment.id}"))
    assert t(app, "You have asked for a review. A moderator will decide.") in after
    assert t(app, "Ask for a review of your hidden comment") not in after

    [event] = events_of(world.comment.id, "appeal")
    assert (event.actor_id, event.note) == (world.author.id, "Kommentti oli asiallinen.")
    comment = fresh(world.comment.id)
    assert comment.appeal_open and not comment.is_visible

    page = text_of(signed_in(app, world.official).get("/moderation/"))
    item = page[page.index(f'id="queue-{world.comment.id}"'):]
    assert re.search(r'class="badge[^"]*">' + re.escape(t(app, "Appeal")) + "<", item)
    assert "Kommentti oli asiallinen." in item
    assert t(app, "The author asks for a review") in item

    # A second appeal is refused.
    token = csrf_from(author, "/")
    again = author.post(f"/comments/{world.comment.id}/appeal", data={"text": "Uudestaan", "csrf_token": token})
    assert again.status_code == 409
    assert author.get(f"/comments/{world.comment.id}/appeal").status_code == 409
    assert len(events_of(world.comment.id, "appeal")) == 1


def test_others_cannot_appeal(app, world):
    _hidden_by_official(app, world)
    for user in (world.replier, world.reporter, world.official):
        client = signed_in(app, user)
        page = text_of(client.get(f"/comments/{world.comment.id}"))
        assert t(app, "Ask for a review of your hidden comment") not in page
        assert client.get(f"/comments/{world.comment.id}/appeal").status_code == 403
        token = csrf_from(client, "/")
        response = client.post(f"/comments/{world.comment.id}/appeal", data={"text": "x", "csrf_token": token})
        assert response.status_code == 403
    anon = anonymous(app)
    response = anon.get(f"/comments/{world.comment.id}/appeal")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert events_of(world.comment.id, "appeal") == []


def test_visible_comment_cannot_be_appealed(app, world):
    author = signed_in(app, world.author)
    assert t(app, "Ask for a review of your hidden comment") not in text_of(author.get(f"/comments/{world.comment.id}"))
    assert author.get(f"/comments/{world.comment.id}/appeal").status_code == 409
    token = csrf_from(author, "/")
    assert author.post(f"/comments/{world.comment.id}/appeal", data={"csrf_token": token}).status_code == 409
    assert events_of(world.comment.id) == []


def test_appeal_decided_by_restore_leaves_the_queue(app, world):
    _hidden_by_official(app, world)
    author = signed_in(app, world.author)
    token = csrf_from(author, f"/comments/{world.comment.id}/appeal")
    author.post(f"/comments/{world.comment.id}/appeal", data={"text": "", "csrf_token": token})
    official = signed_in(app, world.official)
    assert act(official, world.comment.id, "restore").status_code == 303
    comment = fresh(world.comment.id)
    assert comment.is_visible and comment.appeal_decided_at is not None
    assert f'id="queue-{world.comment.id}"' not in official.get("/moderation/").get_data(as_text=True)


def test_appeal_decided_by_hiding_again_is_final(app, world):
    _hidden_by_official(app, world)
    author = signed_in(app, world.author)
    token = csrf_from(author, f"/comments/{world.comment.id}/appeal")
    author.post(f"/comments/{world.comment.id}/appeal", data={"text": "Tarkistakaa.", "csrf_token": token})
    official = signed_in(app, world.official)
    assert act(official, world.comment.id, "hide", reason="offensive").status_code == 303
    comment = fresh(world.comment.id)
    assert not comment.is_visible and comment.appeal_decided_at is not None
    assert f'id="queue-{world.comment.id}"' not in official.get("/moderation/").get_data(as_text=True)
    first, final = outbox("comment_hidden")
    assert f"/comments/{world.comment.id}" in first.body
    assert f"/comments/{world.comment.id}" not in final.body  # no second review offered
    assert author.get(f"/comments/{world.comment.id}/appeal").status_code == 409


# --- XSS in the queue and the log ----------------------------------------------------------

PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_report_details_render_escaped_in_queue_and_log(app, world, payload):
    assert post_report(anonymous(app), world.comment.id, "other", f"Katso {payload} tätä").status_code == 200
    official = signed_in(app, world.official)
    for url in ("/moderation/", "/moderation/log"):
        raw = official.get(url).get_data(as_text=True)
        assert payload not in raw, url
        assert html.escape(payload, quote=False) in raw, url


@pytest.mark.parametrize("payload", PAYLOADS)
def test_moderation_note_and_appeal_render_escaped(app, world, payload):
    official = signed_in(app, world.official)
    assert act(official, world.comment.id, "hide", reason="spam", note=f"Huom {payload}").status_code == 303
    author = signed_in(app, world.author)
    token = csrf_from(author, f"/comments/{world.comment.id}/appeal")
    author.post(f"/comments/{world.comment.id}/appeal", data={"text": f"Valitus {payload}", "csrf_token": token})
    for url in ("/moderation/", "/moderation/log", "/moderation/log?action=hide", "/moderation/log?action=appeal"):
        raw = official.get(url).get_data(as_text=True)
        assert payload not in raw, url
        assert html.escape(payload, quote=False) in raw, url


def test_comment_body_with_markup_renders_inert_in_the_queue(app, world, make_comment):
    evil = make_comment(
        world.consultation, world.replier, world.other_org,
        body='<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))',
    )
    post_report(anonymous(app), evil.id, "spam")
    raw = signed_in(app, world.official).get("/moderation/").get_data(as_text=True)
    item = raw[raw.index(f'id="queue-{evil.id}"'):]
    assert "<script>alert(1)" not in item
    assert "<img src=x" not in item
    assert 'href="javascript:' not in item


# --- the log ----------------------------------------------------------------------------


def test_log_lists_every_kind_of_event_and_filters(app, world, make_consultation, make_comment):
    post_report(anonymous(app), world.comment.id, "spam", "Raportti yksi")
    official = signed_in(app, world.official)
    act(official, world.comment.id, "hide", reason="spam", note="Piilotettu")
    act(official, world.comment.id, "restore", note="Palautettu")
    other = make_consultation(organizer=world.authority, title="Toinen kuuleminen")
    second = make_comment(other, world.replier, world.other_org, body="Toisen kuulemisen kommentti")
    post_report(anonymous(app), second.id, "off_topic", "Toisen raportti")

    page = text_of(official.get("/moderation/log"))
    assert nt(app, "%(num)d event", "%(num)d events", 4) in page
    for note in ("Raportti yksi", "Piilotettu", "Palautettu", "Toisen raportti"):
        assert note in page
    assert world.official.display_name in page
    assert t(app, "anonymous or automatic") in page

    only_hide = text_of(official.get("/moderation/log?action=hide"))
    assert "Piilotettu" in only_hide and "Palautettu" not in only_hide and "Raportti yksi" not in only_hide

    only_other = text_of(official.get(f"/moderation/log?consultation={other.slug}"))
    assert "Toisen raportti" in only_other and "Piilotettu" not in only_other

    assert official.get("/moderation/log?action=drop").status_code == 400
    assert official.get("/moderation/log?page=0").status_code == 400
    assert official.get("/moderation/log?page=abc").status_code in (200, 400)  # page 1 or refused, never 500
    assert official.get("/moderation/log?page=99999999999").status_code == 400
    assert official.get("/moderation/log?page=2").status_code == 200
    assert official.get("/moderation/log?consultation=' OR 1=1 --").status_code == 200


# --- append-only --------------------------------------------------------------------------


def _an_event(world) -> ModerationEvent:
    report_comment(fresh(world.comment.id), None, "203.0.113.1", "spam", "Alkuperäinen")
    db.session.commit()
    return events_of(world.comment.id)[0]


def _raw_events(app):
    with sqlite3.connect(db.engine.url.database) as connection:
        return connection.execute("SELECT id, action, note FROM moderation_event ORDER BY id").fetchall()


def test_moderation_event_cannot_be_updated_through_the_orm(app, world):
    event = _an_event(world)
    before = _raw_events(app)
    event.note = "Muokattu jälkikäteen"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert _raw_events(app) == before


def test_moderation_event_cannot_be_deleted_through_the_orm(app, world):
    event = _an_event(world)
    before = _raw_events(app)
    db.session.delete(event)
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert _raw_events(app) == before


@pytest.mark.parametrize(
    "statement",
    [
        lambda: update(ModerationEvent).values(note="Muokattu"),
        lambda: delete(ModerationEvent),
        lambda: update(ModerationEvent.__table__).values(note="Muokattu"),
        lambda: delete(ModerationEvent.__table__),
    ],
    ids=["bulk-update", "bulk-delete", "table-update", "table-delete"],
)
def test_moderation_events_cannot_be_changed_by_orm_bulk_statements(app, world, statement):
    _an_event(world)
    before = _raw_events(app)
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.execute(statement())
    db.session.rollback()
    assert _raw_events(app) == before


# --- outbox ------------------------------------------------------------------------------


def test_outbox_send_prints_messages_and_marks_them_sent(app, world):
    app.config["MAIL_SERVER"] = ""
    post_report(signed_in(app, world.reporter), world.comment.id, "spam")
    act(signed_in(app, world.official), world.comment.id, "hide", reason="spam")
    messages = outbox()
    assert {m.kind for m in messages} == {"report_received", "comment_hidden", "report_outcome"}
    assert all(m.sent_at is None for m in messages)

    runner = app.test_cli_runner()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    for message in messages:
        assert f"[{message.kind}] to {message.to_email}: {message.subject}" in result.output
    assert "Sent 3 message(s)." in result.output
    assert all(m.sent_at is not None for m in outbox())

    again = runner.invoke(args=["outbox", "send"])
    assert again.exit_code == 0, again.output
    assert "Sent 0 message(s)." in again.output
    assert world.author.email not in again.output


def test_notifications_are_in_the_recipients_language(app, world):
    world.author.locale = "en"
    db.session.commit()
    act(signed_in(app, world.official), world.comment.id, "hide", reason="spam")
    [message] = outbox("comment_hidden")
    assert message.subject == t(app, "Your comment was hidden", locale="en") == "Your comment was hidden"
    assert "spam or advertising" in message.body
