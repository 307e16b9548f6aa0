"""The discussion pages of `make bench-pages` (issue 15): the consultation page, a
paragraph's thread page and a comment POST on an open consultation with 300 paragraphs and
2,000 comments. The POST is compared with the same POST on an empty consultation (target:
at most 1.5x); the pages with serving the same bytes from a file, requested in turn with
the page (target: at most 3x), at most 12 queries and 300 KB of HTML.
"""
from __future__ import annotations

import random
import re
import statistics
import time
from datetime import timedelta

from sqlalchemy import func, insert, select
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.markup import render_comment
from app.models import Membership, Organization, User
from app.timeutil import utcnow
from bench.queries import counted_queries
from comments.models import Comment
from consultations.services import add_document, create_consultation

MAX_QUERIES = 12
MAX_BYTES = 300 * 1024
POST_RATIO = 1.5
PASSWORD = "bench-password-1234"
EMAIL = "poster@example.org"


def build_open(rng: random.Random, sentence, paragraphs: int, comments: int) -> None:
    """`bench-open` (the comments) and `bench-empty` (none), same draft, both open."""
    now = utcnow()
    organizations = db.session.scalars(select(Organization).where(Organization.kind != "authority")).all()
    authors = db.session.scalars(select(User).where(User.role == "member")).all()
    poster = User(email=EMAIL, display_name="Kirjoittaja", role="member",
                  password_hash=generate_password_hash(PASSWORD, method="scrypt:1024:8:1"))
    db.session.add(poster)
    db.session.add(Membership(user=poster, organization=organizations[0]))
    source = "\n\n".join(sentence(rng, 12, 40) for _ in range(paragraphs))
    for slug in ("bench-open", "bench-empty"):
        consultation = create_consultation(slug=slug, title="Bench", organizer_slug="bench-alue",
                                           opens_at=now - timedelta(days=40), closes_at=now + timedelta(days=10))
        document = add_document(consultation, "Luonnos", source, "markdown")
        drafted = document.versions[0].paragraphs
        db.session.commit()
        if slug == "bench-empty":
            continue
        rows = []
        for n in range(comments):
            body = "\n\n".join(sentence(rng, 10, 60) for _ in range(rng.randint(1, 3)))
            paragraph = rng.choice(drafted) if rng.random() < 0.85 else None
            rows.append({
                "consultation_id": consultation.id, "author_id": rng.choice(authors).id,
                "organization_id": rng.choice(organizations).id,
                "paragraph_anchor": paragraph.anchor if paragraph else None,
                "version_id": paragraph.version_id if paragraph else None,
                "body_source": body, "body_html": render_comment(body),
                "created_at": now - timedelta(days=40) + timedelta(minutes=n * 20),
                "visibility": "hidden" if n % 10 == 0 else "visible",
            })
        db.session.execute(insert(Comment), rows)
        db.session.commit()


def busiest_anchor(slug: str) -> str:
    from consultations.models import Consultation

    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    return db.session.execute(
        select(Comment.paragraph_anchor, func.count()).where(Comment.consultation_id == consultation.id,
                                                             Comment.paragraph_anchor.is_not(None))
        .group_by(Comment.paragraph_anchor).order_by(func.count().desc())
    ).first()[0]


def _login(client) -> None:
    html = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post("/auth/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.status_code


def _post_times(client, slug: str, anchor: str, token: str, rounds: int) -> tuple[list[float], int]:
    url = f"/consultations/{slug}/comments/"
    data = {"body": "Lisähuomio kappaleeseen.", "paragraph": anchor, "organization": "yhdistys-0",
            "csrf_token": token}
    assert client.post(url, data=data).status_code == 302  # warm-up
    times = []
    for n in range(rounds):
        with counted_queries(n == 0) as statements:
            start = time.perf_counter()
            response = client.post(url, data=data)
            times.append(time.perf_counter() - start)
        if n == 0:
            queries = len(statements)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return times, queries


def _alternating(client, url: str, file_url: str, rounds: int) -> tuple[list[float], list[float]]:
    """The page and the same bytes from a file, one request of each in turn: on a machine
    shared with other work, a burst of load then slows both alike instead of one."""
    times, file_times = [], []
    for _ in range(rounds):
        for target, into in ((url, times), (file_url, file_times)):
            start = time.perf_counter()
            response = client.get(target)
            response.get_data()
            into.append(time.perf_counter() - start)
            assert response.status_code == 200, target
    return times, file_times


def measure(app, client, tmp, timed, rounds: int) -> dict:
    """The page figures (like bench/pages.py's) and the POST comparison."""
    with app.app_context():
        anchor = busiest_anchor("bench-open")
    results = {}
    urls = ("/consultations/bench-open/", f"/consultations/bench-open/comments/?paragraph={anchor}",
            "/consultations/bench/")
    for n, url in enumerate(urls):
        with app.app_context():
            _, queries, size, cold = timed(client, url, 1)
        name = f"discussion-{n}.html"
        (tmp / name).write_bytes(client.get(url).get_data())
        times, file_times = _alternating(client, url, f"/_bench/file/{name}", rounds)
        median, yardstick = statistics.median(times), statistics.median(file_times)
        results[url] = {
            "bytes": size, "queries": queries, "median_ms": round(median * 1000, 2),
            "first_render_ms": round(cold * 1000, 1),
            "same_bytes_from_file_ms": round(yardstick * 1000, 2), "ratio": round(median / yardstick, 1),
            "meets_target": median <= 3.0 * yardstick and queries <= MAX_QUERIES and size <= MAX_BYTES,
        }
        print(f"{url}: {results[url]}")
    poster = app.test_client()
    _login(poster)
    html = poster.get("/auth/login").get_data(as_text=True)  # a signed-in page with a token
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    with app.app_context():
        full, full_queries = _post_times(poster, "bench-open", anchor, token, rounds)
        empty, empty_queries = _post_times(poster, "bench-empty", anchor, token, rounds)
    full_median, empty_median = statistics.median(full), statistics.median(empty)
    results["POST /consultations/bench-open/comments/"] = {
        "queries": full_queries, "median_ms": round(full_median * 1000, 2),
        "same_post_on_empty_consultation_ms": round(empty_median * 1000, 2),
        "empty_queries": empty_queries, "ratio": round(full_median / empty_median, 2),
        "meets_target": full_median <= POST_RATIO * empty_median,
    }
    print(f"POST: {results['POST /consultations/bench-open/comments/']}")
    return results
