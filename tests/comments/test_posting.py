"""Posting, replying and editing comments through HTTP, with the real form and CSRF."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from app.extensions import db
from comments.models import Comment, CommentRevision
from tests.conftest import comment_count, csrf_from, login, paragraphs_of
from tests.conftest import in_finnish as t

FINNISH_MOMENT = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4} klo \d{1,2}\.\d{2}")
HELSINKI = ZoneInfo("Europe/Helsinki")
# A new thread lands on the consultation page (its paragraph opened), a reply in its thread.
LOCATION = re.compile(
    r"(?:/consultations/(?P<slug>[a-z0-9-]+)/(?:\?open=(?P<open>[\w-]+))?|/comments/(?P<root>\d+))#comment-(?P<id>\d+)$"
)


def fresh(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def finnish_moment(value: datetime) -> str:
    local = value.astimezone(HELSINKI)
    return f"{local.day}.{local.month}.{local.year} klo {local.hour}.{local.minute:02d}"


def textarea_holds(html: str, text: str) -> bool:
    pattern = r'<textarea[^>]*name="body"[^>]*>\s*' + re.escape(str(escape(text))) + r"\s*</textarea>"
    return re.search(pattern, html) is not None


def post_comment(client, consultation, body, paragraph="", organization="", parent=None, url=None):
    token = csrf_from(client, f"/consultations/{consultation.slug}/")
    data = {"body": body, "paragraph": paragraph, "organization": organization, "csrf_token": token}
    if parent is not None:
        data["parent"] = str(parent)
    return client.post(url or f"/consultations/{consultation.slug}/comments/", data=data)


def posted_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    match = LOCATION.search(response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group("id"))


@pytest.fixture
def setting(make_org, make_user, make_consultation):
    """An open consultation, an association and its representative."""
    org = make_org(name="Rantakylän Kyläyhdistys ry", slug="rantakyla")
    user = make_user(orgs=[org], name="Riikka Rantala")
    consultation = make_consultation(status="open")
    return consultation, org, user


# --- posting ----------------------------------------------------------------------------


def test_comment_on_the_whole_draft(client, login_as, setting):
    consultation, org, user = setting
    login_as(user)
    before = comment_count()
    response = post_comment(client, consultation, "Luonnos on **selkeä**.", "", org.slug)
    comment_id = posted_id(response)
    assert LOCATION.search(response.headers["Location"]).group("open") is None
    assert comment_count() == before + 1

    comment = fresh(Comment, comment_id)
    assert comment.paragraph_anchor is None and comment.version_id is None
    assert comment.organization_id == org.id and comment.author_id == user.id
    assert comment.body_source == "Luonnos on **selkeä**."

    html = client.get(f"/consultations/{consultation.slug}/").get_data(as_text=True)
    # Just posted: highlighted, with the success message in the card.
    card = re.search(rf'<article class="comment just-posted" id="comment-{comment_id}">(.*?)</article>', html, re.S)
    assert card, "comment card with its anchor"
    card = card.group(1)
    assert "Rantakylän Kyläyhdistys ry" in card
    assert "Riikka Rantala" in card
    assert t("On the whole draft") in card
    assert "<strong>selkeä</strong>" in card
    assert FINNISH_MOMENT.search(card)
    assert finnish_moment(comment.created_at) in card
    assert f'href="/comments/{comment_id}"' in card

    permalink = client.get(f"/comments/{comment_id}")
    assert permalink.status_code == 200
    page = permalink.get_data(as_text=True)
    assert f'id="comment-{comment_id}"' in page
    assert "Rantakylän Kyläyhdistys ry" in page and "<strong>selkeä</strong>" in page


def test_comment_on_a_paragraph(client, login_as, setting):
    consultation, org, user = setting
    paragraph = paragraphs_of(consultation)[2]  # 1.2 "Toinen kappale ..."
    assert paragraph.number == "1.2"
    login_as(user)
    response = post_comment(client, consultation, "Tavoitteisiin lisäys.", paragraph.anchor, org.slug)
    comment_id = posted_id(response)
    assert LOCATION.search(response.headers["Location"]).group("open") == paragraph.anchor

    comment = fresh(Comment, comment_id)
    assert comment.paragraph_anchor == paragraph.anchor
    assert comment.version_id == paragraph.version_id

    html = client.get(f"/consultations/{consultation.slug}/?open={paragraph.anchor}").get_data(as_text=True)
    # The comment sits inside the paragraph's element, which is opened.
    start = html.index(f'id="{paragraph.anchor}"')
    end = html.index('class="para ', start)
    block = html[start:end]
    assert f'id="comment-{comment_id}"' in block
    assert "<details class=\"para-comments\" open" in block
    assert t("On paragraph") in block
    assert f">{paragraph.number}</a>" in block
    assert "Rantakylän Kyläyhdistys ry" in block and "Riikka Rantala" in block
    assert finnish_moment(comment.created_at) in block
    # Not among the comments on the whole draft.
    general = html[html.index('id="general-heading"'):]
    assert f'id="comment-{comment_id}"' not in general

    listing = client.get(f"/consultations/{consultation.slug}/comments/?paragraph={paragraph.anchor}")
    assert listing.status_code == 200
    assert f'id="comment-{comment_id}"' in listing.get_data(as_text=True)
    permalink = client.get(f"/comments/{comment_id}").get_data(as_text=True)
    assert f'id="comment-{comment_id}"' in permalink
    assert f">{paragraph.number}</a>" in permalink


def test_finnish_timestamp_in_summer_and_winter(client, make_comment, setting):
    consultation, org, user = setting
    summer = make_comment(consultation, user, org, body="Kesällä.")
    winter = make_comment(consultation, user, org, body="Talvella.")
    summer.created_at = datetime(2022, 10, 18, 13, 29, 16, tzinfo=timezone.utc)  # UTC+3
    winter.created_at = datetime(2022, 12, 1, 10, 5, tzinfo=timezone.utc)  # UTC+2
    db.session.commit()
    html = client.get(f"/comments/{summer.id}").get_data(as_text=True)
    assert "18.10.2022 klo 16.29" in html
    html = client.get(f"/comments/{winter.id}").get_data(as_text=True)
    assert "1.12.2022 klo 12.05" in html


def test_markdown_is_rendered_safely(client, login_as, setting):
    consultation, org, user = setting
    login_as(user)
    body = (
        "**Lihava** ja *kursiivi*.\n\n- kohta\n\n<script>alert('x')</script>\n\n"
        "[linkki](https://example.org) [paha](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    comment_id = posted_id(post_comment(client, consultation, body, "", org.slug))
    html = client.get(f"/comments/{comment_id}").get_data(as_text=True)
    assert "<strong>Lihava</strong>" in html
    assert "<em>kursiivi</em>" in html
    assert "<li>kohta</li>" in html
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert "<img" not in html
    assert re.search(r'<a href="https://example.org" rel="nofollow ugc noopener">linkki</a>', html)


def test_anonymous_post_goes_to_login_and_stores_nothing(client, setting):
    consultation, org, _ = setting
    before = comment_count()
    response = post_comment(client, consultation, "Kirjautumatta.", "", org.slug)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    assert comment_count() == before


def test_post_without_csrf_token_is_refused(client, login_as, setting):
    consultation, org, user = setting
    login_as(user)
    before = comment_count()
    response = client.post(
        f"/consultations/{consultation.slug}/comments/",
        data={"body": "Ilman tunnistetta.", "paragraph": "", "organization": org.slug},
    )
    assert response.status_code == 400
    assert comment_count() == before


# --- refused input ---------------------------------------------------------------------


def test_forged_organization_is_refused(client, make_org, login_as, setting):
    consultation, org, user = setting
    other = make_org(name="Vieras Yhdistys ry", slug="vieras")
    login_as(user)
    before = comment_count()
    typed = "Kirjoitan toisen yhdistyksen nimissä & <toivon> ettei huomata."
    response = post_comment(client, consultation, typed, "", other.slug)
    assert response.status_code in (403, 422)
    html = response.get_data(as_text=True)
    assert t("You can comment only on behalf of your own organizations.") in html
    assert textarea_holds(html, typed)
    assert comment_count() == before


@pytest.mark.parametrize("forged", ["ei-ole-olemassa", "RANTAKYLA", " rantakyla"])
def test_unknown_or_mangled_organization_is_refused(client, login_as, setting, forged):
    consultation, _, user = setting
    login_as(user)
    before = comment_count()
    response = post_comment(client, consultation, "Teksti.", "", forged)
    assert response.status_code in (403, 422)
    assert comment_count() == before


def test_organization_is_required_when_only_organizations_comment(client, login_as, setting):
    consultation, _, user = setting
    login_as(user)
    before = comment_count()
    response = post_comment(client, consultation, "Ilman organisaatiota.", "", "")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert t("Choose the organization on whose behalf you comment.") in html
    assert textarea_holds(html, "Ilman organisaatiota.")
    assert comment_count() == before


def test_member_without_organizations_cannot_comment_for_one(client, make_user, make_org, login_as, setting):
    consultation, org, _ = setting
    loner = make_user()
    login_as(loner)
    before = comment_count()
    response = post_comment(client, consultation, "Yritän silti.", "", org.slug)
    assert response.status_code in (403, 422)
    assert comment_count() == before


def test_individual_comment_where_registered_users_may_comment(
    client, make_user, make_consultation, login_as
):
    consultation = make_consultation(status="open", commenters="registered")
    person = make_user(name="Yksityinen Ihminen")
    login_as(person)
    comment_id = posted_id(post_comment(client, consultation, "Omissa nimissäni.", "", ""))
    comment = fresh(Comment, comment_id)
    assert comment.organization_id is None
    html = client.get(f"/comments/{comment_id}").get_data(as_text=True)
    assert t("Individual") in html and "Yksityinen Ihminen" in html


def test_unknown_paragraph_anchor_is_refused(client, login_as, setting):
    consultation, org, user = setting
    login_as(user)
    before = comment_count()
    response = post_comment(client, consultation, "Olematon kohta.", "p-00000000", org.slug)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert t("The chosen paragraph does not exist.") in html
    assert textarea_holds(html, "Olematon kohta.")
    assert comment_count() == before


def test_paragraph_of_another_consultation_is_refused(client, make_consultation, login_as, setting):
    consultation, org, user = setting
    other = make_consultation(status="open", source="# Muu\n\nToisen kuulemisen kappale.\n")
    foreign = paragraphs_of(other)[1].anchor
    assert foreign not in {p.anchor for p in paragraphs_of(consultation)}
    login_as(user)
    before = comment_count()
    response = post_comment(client, consultation, "Väärä kuuleminen.", foreign, org.slug)
    assert response.status_code == 422
    assert comment_count() == before


@pytest.mark.parametrize("body", ["", "   ", "\n\t\n"])
def test_empty_body_is_refused(client, login_as, setting, body):
    consultation, org, user = setting
    login_as(user)
    before = comment_count()
    response = post_comment(client, consultation, body, "", org.slug)
    assert response.status_code == 422
    assert t("Write a comment before sending.") in response.get_data(as_text=True)
    assert comment_count() == before


def test_too_long_body_is_refused_and_the_limit_itself_accepted(app, client, login_as, setting):
    consultation, org, user = setting
    limit = app.config["COMMENT_MAX_LENGTH"]
    login_as(user)
    before = comment_count()
    too_long = "a" * (limit + 1)
    response = post_comment(client, consultation, too_long, "", org.slug)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert limit == 10000
    # The limit is written the Finnish way, 10 000 with a no-break space, not "10000".
    assert t("The comment can be at most %(n)s characters long.", n="10\u00a0000") in html
    assert textarea_holds(html, too_long)
    assert comment_count() == before
    # Exactly at the limit is fine (surrounding whitespace does not count).
    posted_id(post_comment(client, consultation, "  " + "b" * limit + "\n", "", org.slug))
    assert comment_count() == before + 1


def test_failed_post_keeps_the_chosen_paragraph_and_organization(client, make_org, make_user, login_as, setting):
    consultation, org, _ = setting
    second = make_org(name="Toinen Yhdistys ry", slug="toinen")
    user = make_user(orgs=[org, second])
    paragraph = paragraphs_of(consultation)[3]
    login_as(user)
    response = post_comment(client, consultation, "", paragraph.anchor, second.slug)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(rf'<option selected value="{paragraph.anchor}"|<option value="{paragraph.anchor}" selected', html)
    assert re.search(r'<option selected value="toinen"|<option value="toinen" selected', html)


# --- replies ---------------------------------------------------------------------------


def test_reply_is_shown_under_its_comment(client, make_org, make_user, make_comment, login_as, setting):
    consultation, org, user = setting
    paragraph = paragraphs_of(consultation)[1]
    root = make_comment(consultation, user, org, body="Alkuperäinen huomio.", anchor=paragraph.anchor)
    other_org = make_org(name="Vastaajat ry", slug="vastaajat")
    replier = make_user(orgs=[other_org], name="Vesa Vastaaja")
    login_as(replier)
    reply_id = posted_id(post_comment(client, consultation, "Samaa mieltä.", "", other_org.slug, parent=root.id))

    reply = fresh(Comment, reply_id)
    assert reply.parent_id == root.id
    assert reply.paragraph_anchor == paragraph.anchor  # a reply belongs to its thread's paragraph

    for url in (f"/comments/{root.id}", f"/consultations/{consultation.slug}/"):
        html = client.get(url).get_data(as_text=True)
        root_at = html.index(f'id="comment-{root.id}"')
        replies_at = html.index('<div class="replies"', root_at)
        reply_at = html.index(f'id="comment-{reply_id}"', replies_at)
        assert root_at < replies_at < reply_at
        assert "Vesa Vastaaja" in html and "Samaa mieltä." in html

    # The reply's own permalink shows the whole thread.
    html = client.get(f"/comments/{reply_id}").get_data(as_text=True)
    assert f'id="comment-{root.id}"' in html and f'id="comment-{reply_id}"' in html


def test_reply_to_a_reply_attaches_to_the_root(client, make_comment, login_as, setting):
    consultation, org, user = setting
    root = make_comment(consultation, user, org, body="Juuri.")
    first = make_comment(consultation, user, org, body="Ensimmäinen vastaus.", parent=root)
    login_as(user)
    second_id = posted_id(post_comment(client, consultation, "Vastaus vastaukseen.", "", org.slug, parent=first.id))
    second = fresh(Comment, second_id)
    assert second.parent_id == root.id
    assert db.session.scalar(select(func.count()).where(Comment.parent_id == first.id)) == 0
    html = client.get(f"/comments/{root.id}").get_data(as_text=True)
    replies = html[html.index('<div class="replies"'):]
    assert f'id="comment-{first.id}"' in replies and f'id="comment-{second_id}"' in replies


@pytest.mark.parametrize("hidden, replied_to", [
    ("root", "reply"),  # a visible reply of a hidden comment: the reply would join the hidden thread
    ("root", "root"),
    ("reply", "reply"),  # a hidden reply in a visible thread
])
def test_reply_into_a_hidden_comment_is_refused(client, make_comment, login_as, setting, hidden, replied_to):
    consultation, org, user = setting
    thread = {"root": make_comment(consultation, user, org, body="Juuri.")}
    thread["reply"] = make_comment(consultation, user, org, body="Vastaus.", parent=thread["root"])
    target = thread[hidden]
    target.visibility, target.hide_reason, target.hidden_at = "hidden", "offensive", target.created_at
    db.session.commit()
    login_as(user)
    before = comment_count()
    typed = "Vastaan piilotettuun ketjuun & <toivon> ettei huomata."
    response = post_comment(client, consultation, typed, "", org.slug, parent=thread[replied_to].id)
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert t("You cannot reply to this comment.") in html
    assert textarea_holds(html, typed)
    assert comment_count() == before


def test_reply_to_a_comment_of_another_consultation_is_refused(
    client, make_consultation, make_comment, login_as, setting
):
    consultation, org, user = setting
    elsewhere = make_consultation(status="open")
    foreign = make_comment(elsewhere, user, org, body="Muualla.")
    login_as(user)
    before = comment_count()
    response = post_comment(client, consultation, "Ristiin.", "", org.slug, parent=foreign.id)
    assert response.status_code in (400, 403, 422)
    assert comment_count() == before


@pytest.mark.parametrize("parent", ["999999", "abc"])
def test_reply_to_missing_comment_is_refused(client, login_as, setting, parent):
    consultation, org, user = setting
    login_as(user)
    before = comment_count()
    response = post_comment(client, consultation, "Kenelle?", "", org.slug, parent=parent)
    assert response.status_code == 400
    assert comment_count() == before


# --- editing ---------------------------------------------------------------------------


def edit(client, comment_id, body):
    token = csrf_from(client, f"/comments/{comment_id}/edit")
    return client.post(f"/comments/{comment_id}/edit", data={"body": body, "csrf_token": token})


def test_author_edits_while_open_and_the_old_text_is_kept(client, make_comment, login_as, setting):
    consultation, org, user = setting
    comment = make_comment(consultation, user, org, body="Ensimmäinen **versio**.")
    login_as(user)
    form = client.get(f"/comments/{comment.id}/edit")
    assert form.status_code == 200
    assert textarea_holds(form.get_data(as_text=True), "Ensimmäinen **versio**.")

    response = edit(client, comment.id, "Korjattu *versio*.")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#comment-{comment.id}")

    edited = fresh(Comment, comment.id)
    assert edited.body_source == "Korjattu *versio*."
    assert "<em>versio</em>" in edited.body_html
    assert edited.edited_at is not None
    revisions = db.session.scalars(select(CommentRevision).where(CommentRevision.comment_id == comment.id)).all()
    assert len(revisions) == 1
    assert revisions[0].body_source == "Ensimmäinen **versio**."
    assert "<strong>versio</strong>" in revisions[0].body_html

    html = client.get(f"/comments/{comment.id}").get_data(as_text=True)
    card = html[html.index(f'id="comment-{comment.id}"'):html.index("</article>")]
    assert "Korjattu <em>versio</em>." in card
    assert "Ensimmäinen" not in card
    assert "Ensimmäinen <strong>versio</strong>." in html  # among the earlier versions

    # A second edit keeps both earlier texts.
    assert edit(client, comment.id, "Kolmas versio.").status_code == 302
    assert db.session.scalar(
        select(func.count()).select_from(CommentRevision).where(CommentRevision.comment_id == comment.id)
    ) == 2


def test_edit_with_empty_body_is_refused(client, make_comment, login_as, setting):
    consultation, org, user = setting
    comment = make_comment(consultation, user, org, body="Alkuperäinen.")
    login_as(user)
    response = edit(client, comment.id, "   ")
    assert response.status_code == 422
    assert t("Write a comment before sending.") in response.get_data(as_text=True)
    assert fresh(Comment, comment.id).body_source == "Alkuperäinen."


def test_edit_after_close_is_refused(client, make_comment, login_as, setting):
    consultation, org, user = setting
    comment = make_comment(consultation, user, org, body="Ennen sulkeutumista.")
    consultation.closes_at = datetime.now(timezone.utc) - timedelta(minutes=1)
    db.session.commit()
    login_as(user)
    token = csrf_from(client, f"/consultations/{consultation.slug}/")
    response = client.post(f"/comments/{comment.id}/edit", data={"body": "Myöhässä.", "csrf_token": token})
    assert response.status_code == 403
    assert t("This comment can no longer be edited.") in response.get_data(as_text=True)
    comment = fresh(Comment, comment.id)
    assert comment.body_source == "Ennen sulkeutumista."
    assert comment.edited_at is None
    assert db.session.scalar(select(func.count()).select_from(CommentRevision)) == 0


def test_edit_by_another_user_is_forbidden(client, make_user, make_comment, login_as, setting):
    consultation, org, user = setting
    comment = make_comment(consultation, user, org, body="Minun tekstini.")
    colleague = make_user(orgs=[org])  # even a member of the same organization
    login_as(colleague)
    assert client.get(f"/comments/{comment.id}/edit").status_code == 403
    token = csrf_from(client, f"/consultations/{consultation.slug}/")
    response = client.post(f"/comments/{comment.id}/edit", data={"body": "Muutettu.", "csrf_token": token})
    assert response.status_code == 403
    assert fresh(Comment, comment.id).body_source == "Minun tekstini."
    assert db.session.scalar(select(func.count()).select_from(CommentRevision)) == 0


def test_edit_link_only_for_the_author(client, make_user, make_comment, setting):
    consultation, org, user = setting
    comment = make_comment(consultation, user, org, body="Teksti.")
    edit_url = f"/comments/{comment.id}/edit"
    assert edit_url not in client.get(f"/comments/{comment.id}").get_data(as_text=True)
    login(client, user)
    assert edit_url in client.get(f"/comments/{comment.id}").get_data(as_text=True)
    other = make_user(orgs=[org])
    login(client, other)
    assert edit_url not in client.get(f"/comments/{comment.id}").get_data(as_text=True)
