"""`make bench-pages`: the summary page and the exports of a consultation with 300
paragraphs and 2,000 comments (a tenth hidden, half answered, summary published), and the
discussion pages and a comment POST of an open one of the same size (bench/discussion.py).

For each URL: the time of the first request (which renders the output and caches it,
comments/responses/render_cache.py), then the median and p95 over BENCH_ROUNDS requests through the WSGI app,
the SQL query count (it must not depend on the number of rows), and the yardstick the
issue names: serving the same bytes from a file through the same app. The target is at
most 3x the yardstick. Then the officials' pages of issue 16 (bench/authoring.py).
Writes bench/results/pages.json.
"""
from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import send_file  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.markup import render_comment  # noqa: E402
from app.models import Organization, User  # noqa: E402
from app.timeutil import utcnow  # noqa: E402
from bench import discussion  # noqa: E402
from bench.queries import counted_queries  # noqa: E402
from comments.models import Comment  # noqa: E402
from comments.responses.official import DECISIONS, OfficialResponse  # noqa: E402
from comments.responses.summary import publish_summary  # noqa: E402
from config import TestConfig  # noqa: E402
from authoring import run as run_authoring  # noqa: E402  (bench/authoring.py, issue 16)
from consultations.services import add_document, create_consultation  # noqa: E402

PARAGRAPHS = int(os.environ.get("BENCH_PARAGRAPHS", "300"))
COMMENTS = int(os.environ.get("BENCH_COMMENTS", "2000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
TARGET_RATIO = 3.0
RESULTS = Path(__file__).resolve().parent / "results" / "pages.json"
WORDS = ("järjestö avustus alue kunta palvelu yhteistyö asukas neuvosto tila haku päätös raportti "
         "kehittäminen osallisuus vapaaehtoinen hyvinvointi toiminta tavoite arviointi kumppanuus").split()
URLS = ("/consultations/bench/summary", "/consultations/bench/summary?page=9", "/consultations/bench/export.csv",
        "/consultations/bench/export.xlsx", "/consultations/bench/export.json")


def sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize() + "."


def build(rng: random.Random) -> None:
    now = utcnow()
    authority = Organization(name="Bench-alue", slug="bench-alue", kind="authority")
    organizations = [Organization(name=f"Yhdistys {n} ry", slug=f"yhdistys-{n}", kind=rng.choice(
        ("association", "foundation", "company"))) for n in range(150)]
    official = User(email="official@example.org", display_name="Virkailija", password_hash="-", role="official")
    authors = [User(email=f"u{n}@example.org", display_name=f"Kirjoittaja {n}", password_hash="-") for n in range(300)]
    db.session.add_all([authority, official, *organizations, *authors])
    db.session.flush()
    consultation = create_consultation(slug="bench", title="Bench", organizer_slug="bench-alue",
                                       opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=1))
    source = "\n\n".join(sentence(rng, 12, 40) for _ in range(PARAGRAPHS))
    document = add_document(consultation, "Luonnos", source, "markdown")
    paragraphs = document.versions[0].paragraphs
    db.session.commit()
    rows = []
    for n in range(COMMENTS):
        body = "\n\n".join(sentence(rng, 10, 60) for _ in range(rng.randint(1, 3)))
        paragraph = rng.choice(paragraphs) if rng.random() < 0.85 else None
        rows.append({
            "consultation_id": consultation.id, "author_id": rng.choice(authors).id,
            "organization_id": rng.choice(organizations).id,
            "paragraph_anchor": paragraph.anchor if paragraph else None,
            "version_id": paragraph.version_id if paragraph else None,
            "body_source": body, "body_html": render_comment(body),
            "created_at": now - timedelta(days=40) + timedelta(minutes=rng.randint(0, 39 * 24 * 60)),
            "visibility": "hidden" if n % 10 == 0 else "visible",
        })
    db.session.execute(insert(Comment), rows)  # bulk: the search index is not the subject here
    ids = db.session.scalars(select(Comment.id).where(Comment.visibility == "visible")).all()
    responses = []
    for comment_id in ids[::2]:
        text = sentence(rng, 10, 40)
        responses.append({"comment_id": comment_id, "decision": rng.choice(list(DECISIONS)), "body_source": text,
                          "body_html": render_comment(text), "author_id": official.id, "version_id": 1})
    db.session.execute(insert(OfficialResponse), responses)
    publish_summary(consultation, official, sentence(rng, 50, 120), 0)
    db.session.commit()


def timed(client, url: str, rounds: int) -> tuple[list[float], int, int, float]:
    """Round times after a first request that renders and caches the output (its time is
    returned as `cold`), the query count of a cached request and the body size."""
    start = time.perf_counter()
    client.get(url).get_data()
    cold = time.perf_counter() - start
    times = []
    for n in range(rounds):
        with counted_queries(n == 0) as statements:
            start = time.perf_counter()
            response = client.get(url)
            body = response.get_data()
            times.append(time.perf_counter() - start)
        if n == 0:
            queries = len(statements)
        assert response.status_code == 200, url
    return times, queries, len(body), cold


def bench_site() -> tuple:
    """The app on a fresh SQLite file in a temporary folder, with the closed consultation
    of build() and the open one of bench/discussion.py: (app, folder)."""
    rng = random.Random(2026)
    tmp = Path(tempfile.mkdtemp())
    settings = TestConfig()
    settings.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp}/bench.sqlite"
    app = create_app(settings)
    with app.app_context():
        db.create_all()
        build(rng)
        discussion.build_open(rng, sentence, PARAGRAPHS, COMMENTS)
    return app, tmp


def main() -> None:
    app, tmp = bench_site()

    @app.get("/_bench/file/<name>")
    def _file(name):
        return send_file(tmp / name, as_attachment=True, download_name=name)

    results = {"paragraphs": PARAGRAPHS, "comments": COMMENTS, "rounds": ROUNDS, "pages": {}}
    client = app.test_client()
    for url in URLS:
        with app.app_context():
            times, queries, size, cold = timed(client, url, ROUNDS)
        name = url.rsplit("/", 1)[-1].replace("?", "-").replace("=", "-")  # summary?page=9: summary-page-9
        (tmp / name).write_bytes(client.get(url).get_data())
        with app.app_context():
            file_times, _, _, _ = timed(client, f"/_bench/file/{name}", ROUNDS)
        median, yardstick = statistics.median(times), statistics.median(file_times)
        results["pages"][url] = {
            "bytes": size,
            "queries": queries,
            "median_ms": round(median * 1000, 1),
            "first_render_ms": round(cold * 1000, 1),
            "p95_ms": round(sorted(times)[min(len(times) - 1, round(0.95 * (len(times) - 1)))] * 1000, 1),
            "same_bytes_from_file_ms": round(yardstick * 1000, 2),
            "ratio": round(median / yardstick, 1),
            "meets_target": median <= TARGET_RATIO * yardstick,
        }
        print(f"{url}: {results['pages'][url]}")
    results["discussion"] = discussion.measure(app, client, tmp, timed, ROUNDS)
    results["target_ratio"] = TARGET_RATIO
    results["authoring"] = run_authoring(app, ROUNDS)  # the officials' dashboard, preview, reminders
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {RESULTS}")


if __name__ == "__main__":
    main()
