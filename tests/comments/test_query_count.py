"""The discussion pages make a fixed number of SQL queries, however many comments there are."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Membership, Organization, User
from app.timeutil import utcnow
from comments.queries import PAGE_SIZE
from comments.services import post_comment
from tests.conftest import counting_queries, csrf_from, login, paragraphs_of



def queries_for(client, url: str) -> list[str]:
    client.get(url)  # warm-up: connection pool, template compilation
    with counting_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return statements


@pytest.fixture
def people(make_org, make_user):
    """Two representatives (to log in as) and a crowd of commenters, each in an
    organization of their own, so that an N+1 on authors or organizations would show."""
    orgs = [make_org(slug=f"yhdistys-{i}") for i in range(2)]
    users = [make_user(orgs=orgs) for _ in range(2)]
    crowd_orgs = [Organization(name=f"Joukko {i} ry", slug=f"joukko-{i}") for i in range(CROWD)]
    crowd = [
        User(email=f"joukko{i}@example.org", display_name=f"Joukkolainen {i}",
             password_hash=users[0].password_hash, role="member")
        for i in range(CROWD)
    ]
    db.session.add_all(crowd_orgs + crowd)
    db.session.add_all(Membership(user=u, organization=o) for u, o in zip(crowd, crowd_orgs))
    db.session.commit()
    return users, crowd


CROWD = 60


def fill(consultation, people, total: int, hidden_every: int = 7) -> list:
    """`total` comments through the real service, one commit: on paragraphs and on the whole
    draft, every fourth a reply, some hidden by a moderator. The number of distinct authors
    and organizations grows with `total` (up to the crowd's size)."""
    users, crowd = people
    authors = users + crowd
    anchors = [p.anchor for p in paragraphs_of(consultation)] + [""]
    roots, comments = [], []
    for i in range(total):
        user = authors[i % len(authors)]
        org = user.organizations[i % len(user.organizations)]
        parent = roots[(i // 4) % min(len(roots), 3)] if roots and i % 4 == 3 else None
        comment = post_comment(consultation, user, f"Kommentti {i} **tärkeä**.", anchors[i % len(anchors)],
                               org.slug, parent)
        if i % hidden_every == 5:
            comment.visibility, comment.hidden_at, comment.hide_reason = "hidden", utcnow(), "other"
        elif parent is None:
            roots.append(comment)
        comments.append(comment)
    db.session.commit()
    assert len(comments) == total
    return comments


@pytest.fixture
def small_and_large(make_consultation, people):
    small = make_consultation(status="open", slug="pieni")
    large = make_consultation(status="open", slug="suuri")
    small_comments = fill(small, people, 10)
    large_comments = fill(large, people, 500)
    assert len({c.author_id for c in small_comments}) == 10
    assert len({c.author_id for c in large_comments}) == len(people[0]) + CROWD
    return small, small_comments, large, large_comments


PAGES = [
    "/consultations/{slug}/",
    "/consultations/{slug}/?open={anchor}",
    "/consultations/{slug}/comments/",
    "/consultations/{slug}/comments/?paragraph={anchor}",
    "/consultations/{slug}/comments/?organization=yhdistys-1",
    "/consultations/{slug}/comments/?organization=joukko-3",
    "/consultations/{slug}/comments/?sort=oldest",
    "/consultations/{slug}/comments/?sort=draft",
    "/consultations/{slug}/comments/?sort=draft&organization=joukko-3&after=1.3",
]


def test_same_query_count_with_10_and_500_comments_anonymous(client, small_and_large):
    small, _, large, _ = small_and_large
    anchor = paragraphs_of(small)[1].anchor
    assert anchor == paragraphs_of(large)[1].anchor  # same draft, same anchors
    for page in PAGES:
        small_queries = queries_for(client, page.format(slug=small.slug, anchor=anchor))
        large_queries = queries_for(client, page.format(slug=large.slug, anchor=anchor))
        assert len(small_queries) == len(large_queries), (page, "\n".join(large_queries))
        assert len(large_queries) <= 15, (page, "\n".join(large_queries))


def test_same_query_count_with_10_and_500_comments_logged_in(client, small_and_large, people):
    """Logged in as an author: edit links and the comment form are rendered too."""
    small, _, large, _ = small_and_large
    _, users = people
    login(client, users[0])
    anchor = paragraphs_of(small)[1].anchor
    small_html = client.get(f"/consultations/{small.slug}/").get_data(as_text=True)
    assert 'name="body"' in small_html
    assert "/edit" in client.get(f"/consultations/{small.slug}/comments/").get_data(as_text=True)
    for page in PAGES:
        small_queries = queries_for(client, page.format(slug=small.slug, anchor=anchor))
        large_queries = queries_for(client, page.format(slug=large.slug, anchor=anchor))
        assert len(small_queries) == len(large_queries), (page, "\n".join(large_queries))


@pytest.mark.parametrize("sort", ["newest", "oldest", "draft"])
def test_large_page_really_shows_the_comments(client, small_and_large, sort):
    """Guard against a fixed query count that comes from not showing comments at all: the
    consultation page shows the newest threads, and the comment list's pages in each order,
    followed through their "more" links, show every thread once, at most PAGE_SIZE each;
    a long thread's "show all" link leads to the rest of its replies."""
    _, _, large, large_comments = small_and_large
    html = client.get(f"/consultations/{large.slug}/").get_data(as_text=True)
    newest_roots = sorted((c for c in large_comments if c.parent_id is None), key=lambda c: c.id)[-3:]
    for comment in newest_roots:
        assert f'id="comment-{comment.id}"' in html
    seen, whole_threads, url, pages = [], [], f"/consultations/{large.slug}/comments/?sort={sort}", 0
    while url:
        page = client.get(url).get_data(as_text=True)
        pages += 1
        assert page.count('<div class="thread">') <= PAGE_SIZE
        seen += [int(n) for n in re.findall(r'<article class="comment[^"]*" id="comment-(\d+)"', page)]
        whole_threads += re.findall(r'<p class="all-replies"><a href="([^"]+)"', page)
        older = re.search(r'<p class="more-comments"><a href="([^"]+)"', page)
        url = older.group(1).replace("&amp;", "&") if older else None
    assert len(seen) == len(set(seen))
    assert whole_threads
    for link in whole_threads:
        seen += [int(n) for n in re.findall(r'<article class="comment[^"]*" id="comment-(\d+)"',
                                            client.get(link).get_data(as_text=True))]
    assert sorted(set(seen)) == sorted(c.id for c in large_comments)
    assert pages > 1


def test_permalink_query_count_does_not_grow_with_replies(client, small_and_large):
    small, small_comments, large, large_comments = small_and_large
    small_root = small_comments[0]
    large_root = max((c for c in large_comments if c.parent_id is None), key=lambda c: len(c.replies))
    assert len(large_root.replies) > len(small_root.replies) > 0
    small_queries = queries_for(client, f"/comments/{small_root.id}")
    large_queries = queries_for(client, f"/comments/{large_root.id}")
    assert len(small_queries) == len(large_queries), "\n".join(large_queries)


def test_same_query_count_with_short_and_long_draft(client, make_consultation, people):
    """Paragraph count does not add queries either (no per-paragraph loading)."""
    short = make_consultation(status="open", slug="lyhyt", source="# Otsikko\n\nYksi kappale.\n")
    long_source = "\n\n".join(
        f"# Luku {i}\n\n" + "\n\n".join(f"Kappale {i}.{j} kertoo asiasta." for j in range(1, 10))
        for i in range(1, 11)
    )
    long = make_consultation(status="open", slug="pitka", source=long_source)
    assert len(paragraphs_of(long)) == 100
    fill(short, people, 10)
    fill(long, people, 10)
    for page in ("/consultations/{slug}/", "/consultations/{slug}/comments/"):
        short_queries = queries_for(client, page.format(slug=short.slug))
        long_queries = queries_for(client, page.format(slug=long.slug))
        assert len(short_queries) == len(long_queries), "\n".join(long_queries)


def test_multi_part_draft_query_count(client, make_consultation, people):
    """A consultation with several documents and versions: still a fixed number."""
    from consultations.services import add_document

    one = make_consultation(status="open", slug="yksiosainen")
    many = make_consultation(status="open", slug="moniosainen")
    for n in range(2, 6):
        add_document(many, f"Osa {n}", f"# Osa {n}\n\nOsan {n} kappale.\n\n- kohta {n}\n", "markdown")
    db.session.commit()
    fill(one, people, 10)
    fill(many, people, 10)
    one_queries = queries_for(client, f"/consultations/{one.slug}/")
    many_queries = queries_for(client, f"/consultations/{many.slug}/")
    assert len(one_queries) == len(many_queries), "\n".join(many_queries)


def test_closed_consultation_with_500_comments(client, small_and_large):
    """The archive view of the same discussion: the count does not depend on size either."""
    small, _, large, _ = small_and_large
    past = utcnow() - timedelta(days=1)
    for consultation in (small, large):
        consultation.opens_at, consultation.closes_at = past - timedelta(days=30), past
    db.session.commit()
    small_queries = queries_for(client, f"/consultations/{small.slug}/")
    large_queries = queries_for(client, f"/consultations/{large.slug}/")
    assert len(small_queries) == len(large_queries), "\n".join(large_queries)


def _post_queries(client, consultation, org_slug: str, csrf_token: str) -> list[str]:
    url = f"/consultations/{consultation.slug}/comments/"
    data = {"body": "Lisähuomio.", "paragraph": paragraphs_of(consultation)[1].anchor,
            "organization": org_slug, "csrf_token": csrf_token}
    assert client.post(url, data=data).status_code == 302  # warm-up
    with counting_queries() as statements:
        response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return statements


def test_posting_does_not_load_the_whole_discussion(client, make_consultation, people):
    """A successful POST runs the same SQL on a consultation with 5 comments as on one with
    60. The whole discussion is loaded in a fixed number of queries too, but its IN lists of
    authors and organizations grow with it: the statements themselves must not."""
    users, _ = people
    few = make_consultation(status="open", slug="vahan")
    many = make_consultation(status="open", slug="paljon")
    fill(few, people, 5)
    fill(many, people, 60)
    login(client, users[0])
    token = csrf_from(client, f"/consultations/{few.slug}/")
    org_slug = users[0].organizations[0].slug
    few_queries = _post_queries(client, few, org_slug, token)
    many_queries = _post_queries(client, many, org_slug, token)
    assert len(few_queries) == len(many_queries), "\n".join(many_queries)
    assert few_queries == many_queries, "\n".join(many_queries)
