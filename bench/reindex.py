"""`make bench-reindex`: `flask search reindex` end to end on a database of BENCH_DOCS
(default 100000) visible comments of the generated corpus (bench/corpus.py) in 200 closed
consultations of ten paragraphs each: reading the rows, stripping the HTML, detecting each
comment's language, analyzing and writing the index, progress bar included.

Also times reading the documents alone (the database and language detection share of the
rebuild). The target is 90 s for 100,000 documents, on the default engine (Whoosh, SQLite).
Writes bench/results/reindex.json.
"""
from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus import ORGANIZATIONS, generate  # noqa: E402 (bench/ is on the path)
from markupsafe import escape  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Organization, User  # noqa: E402
from comments.models import Comment  # noqa: E402
from config import TestConfig  # noqa: E402
from consultations.services import add_document, create_consultation  # noqa: E402
from search import analysis  # noqa: E402
from search import documents as search_documents  # noqa: E402
from search.engine import current_engine  # noqa: E402

DOCS = int(os.environ.get("BENCH_DOCS", "100000"))
TARGET_S = 90.0
RESULTS = ROOT / "bench" / "results" / "reindex.json"


def settings(directory: Path) -> TestConfig:
    config = TestConfig()
    config.SEARCH_BACKEND = "whoosh"
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{directory}/bench.sqlite"
    config.SEARCH_INDEX_DIR = str(directory / "index")
    return config


def fill(rng: random.Random) -> None:
    corpus = generate(rng, DOCS)
    authority = Organization(name="Bench-alue", slug="bench-alue", kind="authority")
    organizations = [Organization(name=f"Yhdistys {n} ry", slug=f"yhdistys-{n}", kind="association")
                     for n in range(1, ORGANIZATIONS + 1)]
    authors = [User(email=f"u{n}@example.org", display_name=f"Kirjoittaja {n}", password_hash="-")
               for n in range(1, ORGANIZATIONS + 1)]
    db.session.add_all([authority, *organizations, *authors])
    db.session.flush()
    consultation_ids = {}
    for consultation in corpus.consultations:
        created = create_consultation(slug=f"kuuleminen-{consultation.number}", title=f"Kuuleminen {consultation.number}",
                                      organizer_slug="bench-alue", opens_at=consultation.opens_at,
                                      closes_at=consultation.closes_at)
        source = "\n\n".join(comment.text for comment in corpus.comments[consultation.number * 10:][:10])
        add_document(created, "Luonnos", source, "markdown")
        consultation_ids[consultation.number] = created.id
    db.session.commit()
    rows = [{
        "consultation_id": consultation_ids[comment.consultation],
        "author_id": authors[comment.organization - 1].id,
        "organization_id": organizations[comment.organization - 1].id,
        "body_source": comment.text, "body_html": f"<p>{escape(comment.text)}</p>",
        "created_at": comment.date, "visibility": "visible",
    } for comment in corpus.comments]
    for start in range(0, len(rows), 10_000):  # bulk: no search sync, the rebuild is the subject
        db.session.execute(insert(Comment), rows[start:start + 10_000])
    db.session.commit()


def main() -> None:
    analysis.preload()
    directory = Path(tempfile.mkdtemp(prefix="kuulo-bench-reindex-"))
    app = create_app(settings(directory))
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        fill(random.Random(20240601))
        fill_s = time.perf_counter() - started
        print(f"filled the database in {fill_s:.1f} s", flush=True)

        started = time.perf_counter()
        expected = search_documents.count_documents(db.session)
        read = sum(1 for _ in search_documents.all_documents(db.session))
        read_s = time.perf_counter() - started
        assert read == expected, (read, expected)
        print(f"read {read} documents in {read_s:.1f} s", flush=True)
        db.session.rollback()

    runner = app.test_cli_runner()
    started = time.perf_counter()
    result = runner.invoke(args=["search", "reindex"])
    reindex_s = time.perf_counter() - started
    assert result.exit_code == 0, result.output[-2000:]
    assert f"Indexed {expected} documents" in result.output, result.output[-500:]
    with app.app_context():
        indexed = current_engine().count()
    assert indexed == expected, (indexed, expected)
    print(f"reindexed {expected} documents in {reindex_s:.1f} s", flush=True)

    result = {
        "documents": expected,
        "comments": DOCS,
        "engine": "whoosh",
        "reindex_s": round(reindex_s, 1),
        "read_documents_s": round(read_s, 1),
        "target_s": TARGET_S,
        "meets_target": reindex_s <= TARGET_S * expected / 100_000,
        "analyzer": analysis.VOIKKO.backend,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
