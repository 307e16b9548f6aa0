"""A hidden comment's text never leaves the server except to the moderators: not on any
public page, not to its author, not in counts, not through search (Decidim
CVE-2026-40870, adhocracy4's blocked comments in search results).

Every check is done both after an official's decision and after the automatic hide by
reports, as an anonymous visitor, as another member, as the author and as the
organizer's official (who sees the text only in the moderation queue).

The JSON API, the exports and the summary page are checked too, each first shown to
carry the comment (and the official's response to it) before it is hidden.
"""
from __future__ import annotations

import html
import io
import re
import zipfile
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask_babel import force_locale, ngettext
from sqlalchemy import select

from app.extensions import db
from app.timeutil import utcnow
from comments.models import Comment
from comments.moderation.services import hide_comment, report_comment
from comments.responses.official import save_response
from comments.responses.summary import publish_summary
from comments.services import edit_comment
from tests.conftest import csrf_from, login, paragraphs_of

MARKER = "Salaisuussana"            # in the hidden comment's current text
OLD_MARKER = "Vanhaversiosana"      # in the hidden comment's earlier revision
REPLY_MARKER = "Vastauksensana"     # in a visible reply to it
QUOTE_MARKER = "Lainaussana"



def fresh(comment_id) -> Comment:
    db.session.expire_all()
    return db.session.get(Comment, comment_id)


def body_text(response) -> str:
    """Everything the response carries, as text (an XLSX is a zip of XML)."""
    data = response.get_data()
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return html.unescape(data.decode("utf-8", "replace"))


@pytest.fixture
def world(app, make_org, make_user, make_consultation, make_comment):
    authority = make_org(name="Testikaupunki", kind="authority")
    official = make_user(role="official", orgs=[authority])
    association = make_org(name="Kotiseutuyhdistys ry", slug="kotiseutu")
    author = make_user(orgs=[association])
    other_org = make_org(name="Toinen yhdistys ry", slug="toinen")
    replier = make_user(orgs=[other_org])
    consultation = make_consultation(organizer=authority, title="Kaavaluonnos")
    anchor = next(p.anchor for p in paragraphs_of(consultation) if p.kind == "paragraph")
    comment = make_comment(consultation, author, association, body=f"{OLD_MARKER} ensin.", anchor=anchor)
    edit_comment(comment, author, f"{MARKER} ja **lihavoitu** {QUOTE_MARKER}.")
    db.session.commit()
    reply = make_comment(consultation, replier, other_org, body=f"{REPLY_MARKER} vastaa.", parent=comment)
    # A second visible comment on the same paragraph, so the counts are not just 0/1.
    make_comment(consultation, replier, other_org, body="Näkyvä kommentti.", anchor=anchor)
    return SimpleNamespace(
        authority=authority, official=official, association=association, author=author,
        other_org=other_org, replier=replier, consultation=consultation, anchor=anchor,
        comment=comment, reply=reply, reporters=[make_user() for _ in range(3)],
    )


def hide_by_official(world):
    hide_comment(fresh(world.comment.id), world.official, "offensive", "")
    db.session.commit()


def hide_by_reports(world):
    """Three signed-in accounts report it (anonymous reports never hide anything). Reports
    hide a comment only while the consultation is open, so a closed one is reopened for the
    reports and closed again: the comment was hidden before the deadline."""
    consultation = world.consultation
    dates = consultation.opens_at, consultation.closes_at
    now = utcnow()
    consultation.opens_at, consultation.closes_at = now - timedelta(days=30), now + timedelta(days=1)
    db.session.commit()
    for i, account in enumerate(world.reporters):
        report_comment(fresh(world.comment.id), account, f"203.0.113.{i}", "spam", "")
        db.session.commit()
    consultation.opens_at, consultation.closes_at = dates
    db.session.commit()
    assert fresh(world.comment.id).pending_review


HIDERS = {"official": hide_by_official, "reports": hide_by_reports}


def public_urls(world) -> dict[str, str]:
    """Every page that shows the comment's text while it is visible (the edit page to its
    author only), and the appeal page, which its author gets once it is hidden. Pages
    that never show a comment's text (the front page, the consultation lists) have no
    case: they would pass before hiding too."""
    slug, cid = world.consultation.slug, world.comment.id
    return {
        "consultation page": f"/consultations/{slug}/",
        "consultation page opened": f"/consultations/{slug}/?open={world.anchor}",
        "comment list": f"/consultations/{slug}/comments/",
        "comment list by paragraph": f"/consultations/{slug}/comments/?paragraph={world.anchor}",
        "comment list by organization": f"/consultations/{slug}/comments/?organization={world.association.slug}",
        "permalink": f"/comments/{cid}",
        "permalink of the reply": f"/comments/{world.reply.id}",
        "report page": f"/comments/{cid}/report",
        "edit page": f"/comments/{cid}/edit",
        "appeal page": f"/comments/{cid}/appeal",
    }


SHOWN_ONLY_ONCE_HIDDEN = {"appeal page"}


def clients(app, world):
    anonymous = app.test_client()
    result = {"anonymous": anonymous}
    for name, user in (("member", world.replier), ("author", world.author), ("official", world.official)):
        client = app.test_client()
        assert login(client, user).status_code == 302
        result[name] = client
    return result


def info_box_count(page: str, slug: str) -> int:
    return int(re.search(rf'href="/consultations/{slug}/comments/">(\d+)</a>', page).group(1))


def paragraph_count(page: str, slug: str, anchor: str) -> int:
    # The draft links relatively (the page is /consultations/<slug>/).
    return int(re.search(rf'href="(?:/consultations/{slug}/)?comments/\?paragraph={anchor}">\s*(\d+)', page).group(1))


# --- the pages -----------------------------------------------------------------------------


@pytest.mark.parametrize("hider", sorted(HIDERS))
def test_hidden_text_is_on_no_public_page(app, world, hider):
    seen = {name: set() for name in public_urls(world)}
    for client in clients(app, world).values():
        for name, url in public_urls(world).items():
            page = body_text(client.get(url))
            seen[name].update(marker for marker in (MARKER, OLD_MARKER, QUOTE_MARKER) if marker in page)
    for name, markers in seen.items():
        if name not in SHOWN_ONLY_ONCE_HIDDEN:
            assert {MARKER, QUOTE_MARKER} <= markers, f"{name} does not show the comment while it is visible"
    assert OLD_MARKER in seen["permalink"]  # the earlier revision is public while the comment is

    HIDERS[hider](world)
    for who, client in clients(app, world).items():
        for name, url in public_urls(world).items():
            response = client.get(url)
            assert response.status_code < 500, (who, name, response.status_code)
            page = body_text(response)
            for marker in (MARKER, OLD_MARKER, QUOTE_MARKER):
                assert marker not in page, f"{marker} leaked to {who} on {name} ({url})"
            if name in ("consultation page", "comment list", "permalink", "permalink of the reply",
                        "comment list by paragraph"):
                assert REPLY_MARKER in page, f"the visible reply vanished for {who} on {name}"


@pytest.mark.parametrize("hider", sorted(HIDERS))
def test_edit_report_and_appeal_pages_refuse_without_the_text(app, world, hider):
    HIDERS[hider](world)
    all_clients = clients(app, world)
    author = all_clients["author"]
    response = author.get(f"/comments/{world.comment.id}/edit")
    assert response.status_code == 403
    # Saving an edit is refused too, and the text stays as it was.
    token = csrf_from(author, "/")
    response = author.post(f"/comments/{world.comment.id}/edit", data={"body": "Uusi teksti", "csrf_token": token})
    assert response.status_code == 403
    assert fresh(world.comment.id).body_source.startswith(MARKER)
    for who, client in all_clients.items():
        assert client.get(f"/comments/{world.comment.id}/report").status_code == 403, who
    assert author.get(f"/comments/{world.comment.id}/appeal").status_code == 200


@pytest.mark.parametrize("hider", sorted(HIDERS))
def test_counts_leave_out_the_hidden_comment(app, world, hider):
    slug = world.consultation.slug
    before = body_text(app.test_client().get(f"/consultations/{slug}/"))
    total, on_paragraph = info_box_count(before, slug), paragraph_count(before, slug, world.anchor)
    assert (total, on_paragraph) == (3, 3)  # the comment, its reply and one more

    HIDERS[hider](world)
    after = body_text(app.test_client().get(f"/consultations/{slug}/"))
    assert info_box_count(after, slug) == total - 1
    assert paragraph_count(after, slug, world.anchor) == on_paragraph - 1

    # The comment list's own count counts visible threads only (two roots, one hidden).
    listing = body_text(app.test_client().get(f"/consultations/{slug}/comments/"))
    with app.test_request_context(), force_locale(app.config["BABEL_DEFAULT_LOCALE"]):
        one, two = (ngettext("%(num)d comment", "%(num)d comments", n) for n in (1, 2))
    assert re.search(rf">\s*{re.escape(one)}\s*<", listing)
    assert not re.search(rf">\s*{re.escape(two)}\s*<", listing)


def test_hidden_reply_is_a_placeholder_on_its_roots_pages(app, world, make_comment):
    hidden_reply = make_comment(
        world.consultation, world.replier, world.other_org, body="Piilotettavavastaus", parent=world.comment
    )
    hide_comment(fresh(hidden_reply.id), world.official, "spam", "")
    db.session.commit()
    for url in (f"/consultations/{world.consultation.slug}/", f"/comments/{world.comment.id}",
                f"/comments/{hidden_reply.id}", f"/consultations/{world.consultation.slug}/comments/"):
        page = body_text(app.test_client().get(url))
        assert "Piilotettavavastaus" not in page, url
        assert MARKER in page, url  # the root is still visible


def test_the_official_still_sees_the_text_in_the_queue(app, world):
    hide_by_reports(world)
    official = clients(app, world)["official"]
    page = body_text(official.get("/moderation/"))
    assert MARKER in page
    # ...but not on the public pages (checked above), and nobody else sees the queue.
    assert clients(app, world)["member"].get("/moderation/").status_code == 403


# --- search ------------------------------------------------------------------------------


def _search(client, word):
    response = client.get(f"/search?q={word}&open=1")
    assert response.status_code == 200, response.status_code
    return response


def _result_count(page: str) -> int:
    match = re.search(r'role="status">\s*(\d+)', page)
    assert match, page[:3000]
    return int(match.group(1))


@pytest.mark.parametrize("hider", sorted(HIDERS))
def test_search_never_finds_the_hidden_comment(app, world, hider):
    assert "search.search" in app.view_functions, "search is not registered"
    client = app.test_client()
    found = body_text(_search(client, MARKER))
    assert _result_count(found) == 1 and f"/comments/{world.comment.id}" in found  # indexed while visible

    HIDERS[hider](world)
    for who, client in clients(app, world).items():
        page = body_text(_search(client, MARKER))
        assert _result_count(page) == 0, f"the hidden comment is still counted in search for {who}"
        assert f'href="/comments/{world.comment.id}"' not in page
        page = body_text(_search(client, QUOTE_MARKER))
        assert _result_count(page) == 0
    # The visible reply is still found.
    assert _result_count(body_text(_search(app.test_client(), REPLY_MARKER))) == 1


# --- JSON API, exports, summary ------------------------------------------------------------

RESPONSE_MARKER = "Vastinesana"  # in the official's published response to the hidden comment

# Every path that shows comments besides the pages, with what it shows of them and in which
# phases: the exports and the comment API while the consultation is open and after it has
# closed; the summary page and the response API once the summary is published (with the
# responses). Each case first sees these markers there, then hides the comment.
SHOWN = {
    "api comments": ("/api/v1/consultations/{slug}/comments", (MARKER, QUOTE_MARKER, REPLY_MARKER)),
    "export csv": ("/consultations/{slug}/export.csv", (MARKER, QUOTE_MARKER, REPLY_MARKER)),
    "export xlsx": ("/consultations/{slug}/export.xlsx", (MARKER, QUOTE_MARKER, REPLY_MARKER)),
    "export json": ("/consultations/{slug}/export.json", (MARKER, QUOTE_MARKER, REPLY_MARKER)),
    "summary page": ("/consultations/{slug}/summary", (MARKER, QUOTE_MARKER, REPLY_MARKER, RESPONSE_MARKER)),
    "api responses": ("/api/v1/consultations/{slug}/responses", (RESPONSE_MARKER,)),
}
PHASES = {
    "api comments": ("open", "closed", "summarized"),
    "export csv": ("open", "closed", "summarized"),
    "export xlsx": ("open", "closed", "summarized"),
    "export json": ("open", "closed", "summarized"),
    "summary page": ("summarized",),
    "api responses": ("summarized",),
}
SECRETS = (MARKER, OLD_MARKER, QUOTE_MARKER, RESPONSE_MARKER)


def close(consultation):
    now = utcnow()
    consultation.opens_at, consultation.closes_at = now - timedelta(days=20), now - timedelta(days=1)
    db.session.commit()


def summarize(world):
    """Closed, the hidden-to-be comment answered, and the summary published with the responses."""
    close(world.consultation)
    save_response(fresh(world.comment.id), world.official, "accepted", f"{RESPONSE_MARKER} kiittää.", 0)
    publish_summary(world.consultation, world.official, "Yhteenveto kommenteista.", 0)
    db.session.commit()


def enter(phase, world):
    if phase == "closed":
        close(world.consultation)
    elif phase == "summarized":
        summarize(world)


def _cases():
    for name in sorted(SHOWN):
        for phase in PHASES[name]:
            for hider in sorted(HIDERS):
                yield pytest.param(name, phase, hider, id=f"{hider}-{name}-{phase}")


@pytest.mark.parametrize("name, phase, hider", list(_cases()))
def test_api_exports_and_summary_leave_out_the_hidden_comment(app, world, name, phase, hider):
    path, shown = SHOWN[name]
    rule = path.replace("{slug}", "<slug>")
    assert rule in {r.rule for r in app.url_map.iter_rules()}, f"{rule} is not registered"
    url = path.format(slug=world.consultation.slug)
    enter(phase, world)
    before = app.test_client().get(url)
    assert before.status_code == 200, (name, phase, before.status_code)
    text = body_text(before)
    for marker in shown:
        assert marker in text, f"{name} does not show {marker} while the comment is visible ({phase})"

    HIDERS[hider](world)
    for who, client in clients(app, world).items():
        if who == "official":
            continue  # an official's export may be a different document; public ones are checked
        response = client.get(url)
        assert response.status_code == 200, (who, name, response.status_code)
        text = body_text(response)
        for marker in SECRETS:
            assert marker not in text, f"{marker} leaked to {who} through {name} ({phase})"
        if REPLY_MARKER in shown:
            assert REPLY_MARKER in text, f"the visible reply vanished from {name} for {who}"


def test_consultation_and_summary_documents_carry_no_comments(app, world):
    """The API's consultation and summary documents hold no comment, so they have no case
    above: their fields are the consultation's and the official's own text. A new field
    here must show that it cannot carry a hidden comment (and get a case above)."""
    summarize(world)
    slug = world.consultation.slug
    client = app.test_client()
    consultation = client.get(f"/api/v1/consultations/{slug}").get_json()
    assert set(consultation) == {
        "slug", "title", "description", "language", "organizer", "status", "opens_at", "closes_at",
        "summary_published_at", "url", "documents", "links",
    }
    summary = client.get(f"/api/v1/consultations/{slug}/summary").get_json()
    assert set(summary) == {"consultation", "text", "html", "published_at"}
    assert summary["text"] == "Yhteenveto kommenteista."


def test_hidden_comment_rows_stay_in_the_database(app, world):
    """Hiding is not deleting: the row, the text and the revision are all kept."""
    hide_by_official(world)
    comment = db.session.scalar(select(Comment).where(Comment.id == world.comment.id))
    assert comment.body_source.startswith(MARKER)
    assert comment.revisions and OLD_MARKER in comment.revisions[0].body_source
