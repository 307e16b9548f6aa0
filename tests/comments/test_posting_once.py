"""Posting is idempotent: every comment form carries a one-time token, and the same form
sent twice (a double click, a retried request) stores one comment and answers both
requests with the redirect to it — also when the copies arrive at the same moment at a
real threaded server (the unique index decides, not a check in Python)."""
from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import func, select

from app.extensions import db
from comments.models import Comment
from tests.live import TIMEOUT, Browser, burst, hidden_fields, rows
from tests.conftest import paragraphs_of



def comment_count(**where) -> int:
    query = select(func.count()).select_from(Comment.__table__)
    for column, value in where.items():
        query = query.where(getattr(Comment.__table__.c, column) == value)
    with db.engine.connect() as connection:
        return connection.execute(query).scalar_one()


@pytest.fixture
def setting(make_org, make_user, make_consultation, make_comment):
    org = make_org(slug="kaksoisklikkaajat")
    user = make_user(orgs=[org])
    consultation = make_consultation(status="open")
    neighbour = make_org()
    root = make_comment(consultation, make_user(orgs=[neighbour]), neighbour, body="Juuri.")
    return consultation, org, user, root


def _form_pages(consultation, root):
    anchor = paragraphs_of(consultation)[1].anchor
    return {
        "whole draft": f"/consultations/{consultation.slug}/",
        "paragraph": f"/consultations/{consultation.slug}/comments/?paragraph={anchor}",
        "reply": f"/comments/{root.id}",
    }


def _action(html: str) -> str:
    start = html.index('id="comment-form"')
    form_tag = html[html.rindex("<form", 0, start):start]
    return escape(re.search(r'action="([^"]*)"', form_tag).group(1)).unescape()


@pytest.mark.parametrize("form_page", ["whole draft", "paragraph", "reply"])
def test_the_same_form_sent_twice_stores_one_comment(client, login_as, setting, form_page):
    consultation, org, user, root = setting
    login_as(user)
    html = client.get(_form_pages(consultation, root)[form_page]).get_data(as_text=True)
    fields = hidden_fields(html)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,64}", fields["submission_token"]), fields
    data = {**fields, "organization": org.slug, "body": "Kaksoisklikkaus."}
    if form_page == "whole draft":
        data["paragraph"] = ""  # the select's first choice
    before = comment_count()

    first = client.post(_action(html), data=data)
    second = client.post(_action(html), data=data)

    assert first.status_code == second.status_code == 302, second.get_data(as_text=True)[:2000]
    assert first.headers["Location"] == second.headers["Location"]
    assert comment_count() == before + 1
    comment_id = int(re.search(r"#comment-(\d+)$", first.headers["Location"]).group(1))
    comment = db.session.get(Comment, comment_id)
    assert comment.body_source == "Kaksoisklikkaus." and comment.author_id == user.id
    if form_page == "reply":
        assert comment.parent_id == root.id


def test_every_rendering_of_the_form_has_a_new_token(client, login_as, setting):
    consultation, org, user, _ = setting
    login_as(user)
    url = f"/consultations/{consultation.slug}/"
    tokens = {hidden_fields(client.get(url).get_data(as_text=True))["submission_token"] for _ in range(3)}
    assert len(tokens) == 3
    for n, token in enumerate(sorted(tokens)):
        data = {"csrf_token": hidden_fields(client.get(url).get_data(as_text=True))["csrf_token"],
                "submission_token": token, "organization": org.slug, "paragraph": "", "body": f"Eri {n}."}
        assert client.post(f"/consultations/{consultation.slug}/comments/", data=data).status_code == 302
    assert comment_count(author_id=user.id) == 3


def test_a_form_shown_again_after_an_error_keeps_its_token_and_still_posts_once(client, login_as, setting):
    consultation, org, user, _ = setting
    login_as(user)
    fields = hidden_fields(client.get(f"/consultations/{consultation.slug}/").get_data(as_text=True))
    url = f"/consultations/{consultation.slug}/comments/"
    refused = client.post(url, data={**fields, "organization": org.slug, "paragraph": "", "body": "  "})
    assert refused.status_code == 422
    again = hidden_fields(refused.get_data(as_text=True))
    assert again["submission_token"] == fields["submission_token"]  # nothing was stored with it
    data = {**again, "organization": org.slug, "paragraph": "", "body": "Nyt kirjoitin."}
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data=data).status_code == 302
    assert comment_count(author_id=user.id) == 1


def test_a_used_form_sent_with_another_text_is_not_lost(client, login_as, setting):
    """Back in the browser, the used form is still there with its token; a new text
    written into it is neither dropped nor stored silently: the form comes back with the
    text and a fresh token, and sending that publishes it."""
    consultation, org, user, _ = setting
    login_as(user)
    fields = hidden_fields(client.get(f"/consultations/{consultation.slug}/").get_data(as_text=True))
    url = f"/consultations/{consultation.slug}/comments/"
    first = client.post(url, data={**fields, "organization": org.slug, "paragraph": "", "body": "Ensimmäinen."})
    assert first.status_code == 302
    typed = "Toinen & <eri> teksti."
    again = client.post(url, data={**fields, "organization": org.slug, "paragraph": "", "body": typed})
    assert again.status_code == 409
    html = again.get_data(as_text=True)
    with force_locale("fi"):
        assert str(escape(gettext("You already sent this form. Send it again to publish this text as a new comment."))) in html
    assert str(escape(typed)) in html
    assert comment_count(author_id=user.id) == 1
    renewed = hidden_fields(html)
    assert renewed["submission_token"] != fields["submission_token"]
    second = client.post(url, data={**renewed, "organization": org.slug, "paragraph": "", "body": typed})
    assert second.status_code == 302 and second.headers["Location"] != first.headers["Location"]
    assert comment_count(author_id=user.id) == 2


def test_another_authors_token_is_never_answered_with_their_comment(client, make_user, login_as, setting):
    """The token belongs to its author: someone sending the same value posts their own
    comment and is not redirected to another person's."""
    consultation, org, user, _ = setting
    other = make_user(orgs=[org])
    url = f"/consultations/{consultation.slug}/comments/"
    login_as(user)
    fields = hidden_fields(client.get(f"/consultations/{consultation.slug}/").get_data(as_text=True))
    mine = client.post(url, data={**fields, "organization": org.slug, "paragraph": "", "body": "Minun."})
    login_as(other)
    csrf = hidden_fields(client.get(f"/consultations/{consultation.slug}/").get_data(as_text=True))["csrf_token"]
    theirs = client.post(url, data={"csrf_token": csrf, "submission_token": fields["submission_token"],
                                    "organization": org.slug, "paragraph": "", "body": "Toisen."})
    assert mine.status_code == theirs.status_code == 302
    assert mine.headers["Location"] != theirs.headers["Location"]
    assert comment_count(author_id=other.id, body_source="Toisen.") == 1


@pytest.mark.parametrize("token", ["x" * 65, "ei kelpaa", "<script>", "abc\n"])
def test_a_damaged_token_is_refused_with_a_message_and_the_text_kept(client, login_as, setting, token):
    consultation, org, user, _ = setting
    login_as(user)
    fields = hidden_fields(client.get(f"/consultations/{consultation.slug}/").get_data(as_text=True))
    typed = "Tämä teksti & <kaikki> säilyy."
    response = client.post(f"/consultations/{consultation.slug}/comments/", data={
        **fields, "submission_token": token, "organization": org.slug, "paragraph": "", "body": typed,
    })
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    with force_locale("fi"):
        assert str(escape(gettext("The form was damaged. Please send it again."))) in html
    assert str(escape(typed)) in html
    fresh_token = hidden_fields(html)["submission_token"]
    assert fresh_token != token and re.fullmatch(r"[A-Za-z0-9_-]{32,64}", fresh_token)
    assert comment_count(author_id=user.id) == 0


# --- at the same moment, against a real server ----------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 itself is the answer to look at


def post_without_following(browser: Browser, path: str, data: dict) -> tuple[int, str]:
    """Status and Location of a POST, with the browser's cookies."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(browser.jar), _NoRedirects)
    request = urllib.request.Request(browser.base + path, data=urllib.parse.urlencode(data).encode(),
                                     headers={"User-Agent": browser.user_agent})
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers.get("Location", "")


def test_six_copies_at_once_store_one_comment(app, live_server, setting):
    consultation, org, user, root = setting
    browser = Browser(live_server.url, "Mozilla/5.0 (Impatient clicker) Firefox/128.0")
    browser.login(user.email)
    for page, path in _form_pages(consultation, root).items():
        status, html = browser.get(path)
        assert status == 200
        fields = hidden_fields(html)
        body = f"Samaan aikaan: {page}."
        data = {**fields, "organization": org.slug, "body": body}
        data.setdefault("paragraph", "")
        results = burst([lambda: post_without_following(browser, _action(html), data)] * 6)

        assert [status for status, _ in results] == [302] * 6, results
        assert len({location for _, location in results}) == 1, results
        assert rows(app, "SELECT count(*) FROM comment WHERE body_source = ?", (body,)) == [(1,)]
    assert live_server.errors == []
