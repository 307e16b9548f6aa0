"""`make bench-caching`: what a reader's conditional GET costs (issue 15 §5) on the
consultations of `make bench-pages` (300 paragraphs, 2,000 comments; one closed with its
summary published, one open).

For each consultation page: the median of a full anonymous GET with the render cache warm
(bytes, queries) against the median of the same GET answered 304 from its ETag (queries),
taken in turns, the bytes each sends (what a 304 saves is the transfer: a reader's page
is kept whole in the render cache), and the headers a cache sees (Set-Cookie must be
absent, Cache-Control).
Then the content stamp behind every ETag with and without its indexes. Writes
bench/results/caching.json.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from app.extensions import db  # noqa: E402
from bench.queries import counted_queries  # noqa: E402
from comments.models import Comment  # noqa: E402
from comments.page_parts import discussion_stamp  # noqa: E402
from consultations.models import Consultation  # noqa: E402
from pages import PARAGRAPHS, COMMENTS, bench_site  # noqa: E402  (bench/pages.py)

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "31"))
STAMP_INDEXES = ("ix_comment_consultation_hidden", "ix_comment_consultation_visibility")
RESULTS = Path(__file__).resolve().parent / "results" / "caching.json"


def timed_pair(client, url: str, etag: str) -> tuple[float, float]:
    """Medians of a full GET and of the same GET answered 304, taken in turns so that the
    load of a shared machine weighs on both alike."""
    full, not_modified = [], []
    for _ in range(ROUNDS):
        for headers, times, status in (({}, full, 200), ({"If-None-Match": etag}, not_modified, 304)):
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            response.get_data()
            times.append(time.perf_counter() - started)
            assert response.status_code == status, (url, response.status_code)
    return statistics.median(full), statistics.median(not_modified)


def queries_of(client, url: str, headers: dict) -> int:
    with counted_queries() as statements:
        client.get(url, headers=headers).get_data()
    return len(statements)


def stamp_ms(app) -> dict:
    """The discussion's content stamp, read on every view and every 304, with the indexes
    of comments/models.py and without them (dropped, then made again)."""
    with app.app_context():
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == "bench-open"))

        def median() -> float:
            times = []
            for _ in range(ROUNDS * 3):
                started = time.perf_counter()
                discussion_stamp(consultation)
                times.append(time.perf_counter() - started)
            return round(statistics.median(times) * 1000, 2)

        indexed = median()
        indexes = [index for index in Comment.__table__.indexes if index.name in STAMP_INDEXES]
        for index in indexes:
            index.drop(db.engine)
        without = median()
        for index in indexes:
            index.create(db.engine)
        assert indexed and len(indexes) == len(STAMP_INDEXES)
    return {"with_indexes_ms": indexed, "without_indexes_ms": without}


def urls(app) -> list[str]:
    with app.app_context():
        opened = db.session.scalar(select(Consultation).where(Consultation.slug == "bench-open"))
        anchor = opened.documents[0].versions[0].paragraphs[5].anchor
    return ["/consultations/bench/", "/consultations/bench/summary", "/consultations/bench/comments/",
            "/consultations/bench-open/", f"/consultations/bench-open/comments/?paragraph={anchor}",
            "/consultations/bench-open/comments/"]


def main() -> None:
    app, _ = bench_site()
    client = app.test_client(use_cookies=False)
    results = {"paragraphs": PARAGRAPHS, "comments": COMMENTS, "rounds": ROUNDS, "pages": {}}
    for url in urls(app):
        with app.app_context():
            first = client.get(url)  # renders and fills the render cache
            etag = first.headers["ETag"]
            full, not_modified = timed_pair(client, url, etag)
            results["pages"][url] = {
                "bytes": len(first.get_data()),
                "full_median_ms": round(full * 1000, 2),
                "full_queries": queries_of(client, url, {}),
                "not_modified_median_ms": round(not_modified * 1000, 2),
                "not_modified_queries": queries_of(client, url, {"If-None-Match": etag}),
                "not_modified_bytes": len(client.get(url, headers={"If-None-Match": etag}).get_data()),
                "ratio_304_to_full": round(not_modified / full, 3),
                "set_cookie_headers": len(first.headers.getlist("Set-Cookie")),
                "cache_control": first.headers.get("Cache-Control"),
                "vary": first.headers.get("Vary"),
            }
        print(f"{url}: {results['pages'][url]}")
    results["discussion_stamp"] = stamp_ms(app)
    print(f"discussion stamp: {results['discussion_stamp']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {RESULTS}")


if __name__ == "__main__":
    main()
