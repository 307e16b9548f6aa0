"""Benchmark: re-anchoring a 500-paragraph draft after 50 edits, and the diff page.

Writes bench/results/versions.json. The issue's target: re-anchoring (matching the new
version to the old one and storing it: `add_version`, flushed) under 1 s. The commit is
timed apart because it also feeds the search index. The yardstick in the same run is
parsing and hashing the same text, work every import does anyway.
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

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.organizations import create_organization  # noqa: E402
from app.timeutil import utcnow  # noqa: E402
from config import TestConfig  # noqa: E402
from consultations.importer import parse_text  # noqa: E402
from consultations.services import add_document, add_version, create_consultation  # noqa: E402
from consultations.versioning import match_paragraphs  # noqa: E402

PARAGRAPHS = int(os.environ.get("BENCH_PARAGRAPHS", "500"))
EDITS = int(os.environ.get("BENCH_EDITS", "50"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
WORDS = ("järjestö avustus alue kunta palvelu yhteistyö asukas neuvosto tila haku päätös raportti "
         "kehittäminen osallisuus vapaaehtoinen hyvinvointi toiminta tavoite arviointi kumppanuus").split()


def draft(rng: random.Random) -> list[str]:
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40))).capitalize() + "." for _ in range(PARAGRAPHS)]


def edit(paragraphs: list[str], rng: random.Random) -> list[str]:
    result = list(paragraphs)
    for _ in range(EDITS):
        op = rng.choice(["insert", "delete", "move", "reword", "split", "merge"])
        k = rng.randrange(len(result))
        if op == "insert":
            result.insert(k, "Uusi kappale " + " ".join(rng.choice(WORDS) for _ in range(20)) + ".")
        elif op == "delete" and len(result) > 2:
            result.pop(k)
        elif op == "move":
            result.insert(rng.randrange(len(result)), result.pop(k))
        elif op == "reword":
            words = result[k].split()
            words[rng.randrange(len(words))] = rng.choice(WORDS)
            result[k] = " ".join(words)
        elif op == "split":
            words = result[k].split()
            half = len(words) // 2
            result[k : k + 1] = [" ".join(words[:half]) + ".", " ".join(words[half:])]
        elif op == "merge" and k + 1 < len(result):
            result[k : k + 2] = [result[k] + " " + result[k + 1]]
    return result


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    rng = random.Random(2026)
    tmp = tempfile.mkdtemp()
    settings = TestConfig()
    settings.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp}/bench.sqlite"
    app = create_app(settings)
    match_s, version_s, commit_s, parse_s, diff_ms, diff_queries = [], [], [], [], [], []
    with app.app_context():
        db.create_all()
        create_organization("Bench", "bench", kind="authority")
        for round_ in range(ROUNDS):
            base = draft(rng)
            text = "\n\n".join(base) + "\n"
            now = utcnow()
            consultation = create_consultation(
                slug=f"bench-{round_}", title="Bench", organizer_slug="bench",
                opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1),
            )
            document = add_document(consultation, "Luonnos", text, "text")
            db.session.commit()
            edited_text = "\n\n".join(edit(base, rng)) + "\n"

            started = time.perf_counter()
            blocks = parse_text(edited_text)
            hashes = [b.content_hash for b in blocks]
            parse_s.append(time.perf_counter() - started)

            previous = document.versions[-1].paragraphs
            started = time.perf_counter()
            match_paragraphs(previous, hashes, [b.text for b in blocks])
            match_s.append(time.perf_counter() - started)

            started = time.perf_counter()
            add_version(document, blocks, edited_text, "text", "bench")  # matches and flushes
            version_s.append(time.perf_counter() - started)
            started = time.perf_counter()
            db.session.commit()  # includes the search index update after commit
            commit_s.append(time.perf_counter() - started)

            client = app.test_client()
            from sqlalchemy import event

            count = []
            listener = lambda *a: count.append(1)  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            started = time.perf_counter()
            response = client.get(f"/consultations/{consultation.slug}/versions/1...2/")
            diff_ms.append((time.perf_counter() - started) * 1000)
            event.remove(db.engine, "before_cursor_execute", listener)
            assert response.status_code == 200
            diff_queries.append(len(count))

    result = {
        "paragraphs": PARAGRAPHS,
        "edits": EDITS,
        "rounds": ROUNDS,
        "match_s": {"p50": statistics.median(match_s), "max": max(match_s)},
        "add_version_s": {"p50": statistics.median(version_s), "max": max(version_s)},
        "commit_with_search_indexing_s": {"p50": statistics.median(commit_s), "max": max(commit_s)},
        "yardstick_parse_and_hash_s": {"p50": statistics.median(parse_s), "max": max(parse_s)},
        "diff_page_ms": {"p50": statistics.median(diff_ms), "p95": percentile(diff_ms, 0.95)},
        "diff_page_queries": sorted(set(diff_queries)),
        "target_add_version_under_s": 1.0,
        "meets_target": max(version_s) < 1.0,
    }
    out = Path(__file__).parent / "results" / "versions.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
