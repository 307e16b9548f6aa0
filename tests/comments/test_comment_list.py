"""The comment list /consultations/<slug>/comments/ (issue 15 §8): sorted newest first,
oldest first or in the order of the draft, paged by a cursor that holds the sort key in
every order, narrowed by paragraph and organization from a form that names only what has
visible comments, an "edited" mark, and long reply threads collapsed behind "show all N".
Bad values answer 400, never 500. One world for the module: the requests only read."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from app.extensions import db
from app.models import Membership
from app.organizations import create_organization
from comments.models import Comment
from comments.queries import LONG_THREAD, PAGE_SIZE, REPLIES_SHOWN
from comments.services import edit_comment
from tests.apps import close_app, copy_schema, new_app, session_schema
from tests.world import build_world, comment_on

COMMENT_ID = re.compile(r'<article class="comment[^"]*" id="comment-(\d+)"')
ROOT_ID = re.compile(r'<div class="thread">\s*<article class="comment[^"]*" id="comment-(\d+)"')
MORE = re.compile(r'<p class="more-comments"><a href="([^"]+)"')
EXTRA_ROOTS = PAGE_SIZE + 25  # three pages in every order


@pytest.fixture(scope="module")
def listed(tmp_path_factory):
    """The open world plus EXTRA_ROOTS comments posted on the paragraphs in reverse draft
    order (so that id order is not draft order), a long and a short reply thread, an
    edited comment, and an organization whose only comment is hidden."""
    database = copy_schema(session_schema(tmp_path_factory), tmp_path_factory.mktemp("list") / "db.sqlite")
    application = new_app(database)
    with application.app_context():
        world = build_world(status="open")
        consultation, users, orgs = world.consultation, world.users, world.orgs
        anchors = [p.anchor for p in world.paragraphs]
        for n in range(EXTRA_ROOTS):
            anchor = list(reversed(anchors))[n % len(anchors)] if n % 5 else ""
            comment_on(consultation, users["member_b"], orgs["b"], f"Lisäkommentti {n}.", anchor)
        long_root, short_root = world.comments[1], world.comments[2]
        for n in range(LONG_THREAD + 2):
            comment_on(consultation, users["member_b"], orgs["b"], f"Pitkän ketjun vastaus {n}.", parent=long_root)
        for n in range(LONG_THREAD):
            comment_on(consultation, users["member"], orgs["a"], f"Lyhyen ketjun vastaus {n}.", parent=short_root)
        edit_comment(world.comments[0], users["member"], "Yleinen huomio, täydennetty.")
        silent = create_organization("Vaiennettu yhdistys", "vaiennettu", kind="association")
        db.session.add(Membership(user=users["member"], organization=silent))
        db.session.commit()
        hidden = comment_on(consultation, users["member"], silent, "Asiaton.", anchors[0])
        hidden.visibility, hidden.hide_reason, hidden.hidden_at = "hidden", "offensive", hidden.created_at
        db.session.commit()
        roots = db.session.scalars(
            db.select(Comment).where(Comment.consultation_id == consultation.id, Comment.parent_id.is_(None))
        ).all()
        data = {
            "slug": consultation.slug, "anchors": anchors,
            "roots": [(c.id, c.paragraph_anchor) for c in roots],
            "long_root": long_root.id, "short_root": short_root.id, "edited": world.comments[0].id,
            "hidden": hidden.id,
        }
    yield application, data
    close_app(application)


def _list(slug: str, query: str = "") -> str:
    return f"/consultations/{slug}/comments/{query}"


def _walk(client, url: str) -> tuple[list[int], int, list[str]]:
    """The roots of every page, following the "more" links; the page count; the links."""
    roots, pages, links = [], 0, []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        pages += 1
        roots += [int(n) for n in ROOT_ID.findall(html)]
        more = MORE.search(html)
        url = more.group(1).replace("&amp;", "&") if more else None
        if url:
            links.append(url)
    return roots, pages, links


def _expected(data, sort: str) -> list[int]:
    position = {anchor: n + 1 for n, anchor in enumerate(data["anchors"])}
    roots = data["roots"]
    if sort == "newest":
        return sorted((i for i, _ in roots), reverse=True)
    if sort == "oldest":
        return sorted(i for i, _ in roots)
    return [i for i, _ in sorted(roots, key=lambda r: (position[r[1]] if r[1] else 0, r[0]))]


@pytest.mark.parametrize("sort", ["newest", "oldest", "draft"])
def test_every_order_pages_through_every_visible_thread_once(listed, sort):
    application, data = listed
    client = application.test_client()
    roots, pages, links = _walk(client, _list(data["slug"], f"?sort={sort}"))
    visible = [i for i in _expected(data, sort) if i != data["hidden"]]
    shown = [i for i in roots if i != data["hidden"]]
    assert shown == visible
    assert pages == 3
    for link in links:  # the cursor carries the order's key and the order itself
        query = parse_qs(urlsplit(link).query)
        assert query.get("sort", ["newest"]) == [sort]
        if sort == "draft":
            assert re.fullmatch(r"\d+\.\d+", query["after"][0])


def test_newest_is_the_default_and_the_older_cursor_name_still_works(listed):
    application, data = listed
    client = application.test_client()
    default, _, links = _walk(client, _list(data["slug"]))
    assert default == _walk(client, _list(data["slug"], "?sort=newest"))[0]
    after = parse_qs(urlsplit(links[0]).query)["after"][0]
    html = client.get(_list(data["slug"], f"?before={after}")).get_data(as_text=True)
    assert [int(n) for n in ROOT_ID.findall(html)][:3] == default[PAGE_SIZE:PAGE_SIZE + 3]


def test_draft_order_within_one_paragraph_and_with_an_organization(listed):
    application, data = listed
    client = application.test_client()
    anchor = data["anchors"][1]
    roots, _, _ = _walk(client, _list(data["slug"], f"?sort=draft&paragraph={anchor}"))
    assert roots == sorted(i for i, a in data["roots"] if a == anchor and i != data["hidden"])
    html = client.get(_list(data["slug"], "?sort=oldest&organization=org-a")).get_data(as_text=True)
    assert "Lisäkommentti" not in html  # those are org-b's
    assert "Yleinen huomio" in html


@pytest.mark.parametrize("query", [
    "?sort=random", "?sort=id;DROP TABLE comment", "?sort=NEWEST", "?after=abc", "?after=-5", "?before=0",
    "?after=99999999999999999999", "?after=" + "9" * 5000, "?sort=draft&after=12", "?sort=draft&after=a.b",
    "?sort=draft&after=-1.5", "?sort=draft&after=1.99999999999", "?sort=oldest&after=1.2",
    "?sort=draft&after=1.x&fragment=1", "?sort=x&fragment=1",
])
def test_a_bad_order_or_cursor_is_a_translated_400(listed, query):
    application, data = listed
    response = application.test_client().get(_list(data["slug"], query), headers={"Accept-Language": "fi"})
    assert response.status_code == 400, query
    assert "Pyyntö oli virheellinen" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["?organization=" + "x" * 5000, "?organization=ei-ole", "?sort=draft&after=0.1"])
def test_an_unknown_organization_or_a_cursor_past_the_end_lists_nothing(listed, query):
    application, data = listed
    response = application.test_client().get(_list(data["slug"], query))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    if "organization" in query:
        assert not ROOT_ID.findall(html)


def test_the_filter_form_names_only_what_has_visible_comments(listed):
    application, data = listed
    client = application.test_client()
    html = client.get(_list(data["slug"], f"?sort=oldest&paragraph={data['anchors'][1]}&organization=org-b"),
                      headers={"Accept-Language": "fi"}).get_data(as_text=True)
    form = html[html.index('<form class="list-filters"'):]
    form = form[:form.index("</form>")]
    assert 'method="get"' in form
    assert re.search(r'<option value="oldest" selected>', form)
    assert re.search(rf'<option value="{data["anchors"][1]}" selected>', form)
    assert re.search(r'<option value="org-b" selected>Säätiö Öljy</option>', form)
    assert "org-a" in form
    assert "vaiennettu" not in form and "Vaiennettu" not in form  # its only comment is hidden
    for label in ("Järjestys", "Kappale", "Organisaatio"):
        assert f">{label}</label>" in form


def test_edited_comment_is_marked_on_the_list(listed):
    application, data = listed
    html = application.test_client().get(_list(data["slug"], "?sort=oldest"), headers={"Accept-Language": "fi"}
                                         ).get_data(as_text=True)
    card = html[html.index(f'id="comment-{data["edited"]}"'):]
    card = card[:card.index("</article>")]
    assert 'class="edited-mark"' in card and "muokattu" in card
    other = html[html.index(f'id="comment-{data["short_root"]}"'):]
    assert 'class="edited-mark"' not in other[:other.index("</article>")]


def test_a_long_reply_thread_is_collapsed_behind_show_all(listed):
    application, data = listed
    client = application.test_client()
    html = client.get(_list(data["slug"], "?sort=oldest"), headers={"Accept-Language": "fi"}).get_data(as_text=True)
    long_thread = html[html.index(f'id="comment-{data["long_root"]}"'):]
    long_thread = long_thread[:long_thread.index('<div class="thread">')]
    assert long_thread.count("Pitkän ketjun vastaus") == REPLIES_SHOWN
    link = re.search(r'<p class="all-replies"><a href="([^"]+)">Näytä kaikki (\d+) vastausta', long_thread)
    assert link and int(link.group(2)) == LONG_THREAD + 2
    assert link.group(1) == f"/comments/{data['long_root']}#replies-{data['long_root']}"
    whole = client.get(link.group(1)).get_data(as_text=True)
    assert whole.count("Pitkän ketjun vastaus") == LONG_THREAD + 2
    assert f'id="replies-{data["long_root"]}"' in whole
    assert 'class="all-replies"' not in whole
    short_thread = html[html.index(f'id="comment-{data["short_root"]}"'):]
    short_thread = short_thread[:short_thread.index('<div class="thread">')]
    assert short_thread.count("Lyhyen ketjun vastaus") == LONG_THREAD
    assert "all-replies" not in short_thread


def test_the_consultation_page_collapses_long_threads_too(listed):
    application, data = listed
    html = application.test_client().get(f"/consultations/{data['slug']}/?open={data['anchors'][1]}"
                                         ).get_data(as_text=True)
    assert html.count("Pitkän ketjun vastaus") == REPLIES_SHOWN
    assert f'href="/comments/{data["long_root"]}#replies-{data["long_root"]}"' in html
