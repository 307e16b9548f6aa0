"""Benchmark: the daily digests of 5,000 followers of 50 consultations (issue 17 §5).

Writes bench/results/follow_digest.json. Each follower follows FOLLOWS_EACH of the
consultations; every consultation has news in the window (opened, about to close, and a
new version for every fifth). The target: a bounded number of queries (not one per
follower × event), and the time of one run. The yardstick in the same run is the number
of (follower, event) pairs a per-follower implementation would have queried.
"""
from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import User  # noqa: E402
from app.organizations import create_organization  # noqa: E402
from app.outbox import OutboxMessage  # noqa: E402
from app.timeutil import utcnow  # noqa: E402
from config import TestConfig  # noqa: E402
from consultations.following.models import Follow  # noqa: E402
from consultations.following.notifications import build_notifications  # noqa: E402
from consultations.importer import parse_markdown_source  # noqa: E402
from consultations.services import add_document, add_version, create_consultation  # noqa: E402

FOLLOWERS = int(os.environ.get("BENCH_FOLLOWERS", "5000"))
CONSULTATIONS = int(os.environ.get("BENCH_CONSULTATIONS", "50"))
FOLLOWS_EACH = int(os.environ.get("BENCH_FOLLOWS_EACH", "5"))
DRAFT = "# Luku\n\nEnsimmäinen kappale.\n\nToinen kappale.\n"


def main() -> None:
    rng = random.Random(2026)
    tmp = tempfile.mkdtemp()
    settings = TestConfig()
    settings.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp}/bench.sqlite"
    app = create_app(settings)
    with app.app_context():
        db.create_all()
        create_organization("Bench", "bench", kind="authority")
        now = utcnow()
        ids, events = [], 0
        for n in range(CONSULTATIONS):
            consultation = create_consultation(
                slug=f"bench-{n}", title=f"Kuuleminen {n}", organizer_slug="bench",
                opens_at=now - timedelta(hours=1 + n % 20), closes_at=now + timedelta(days=3, hours=-2 - n % 20),
            )
            document = add_document(consultation, "Luonnos", DRAFT, "markdown")
            events += 2
            if n % 5 == 0:
                source = DRAFT + "\nKolmas kappale.\n"
                version = add_version(document, parse_markdown_source(source), source, "markdown")
                version.published_at = now - timedelta(minutes=30)
                events += 1
            ids.append(consultation.id)
        db.session.execute(insert(User), [
            {"email": f"seuraaja{i}@example.org", "display_name": f"Seuraaja {i}", "password_hash": "!",
             "locale": ("fi", "sv", "en")[i % 3], "role": "member", "session_version": 1, "active": True,
             "notification_mode": "daily", "created_at": now}
            for i in range(FOLLOWERS)
        ])
        user_ids = db.session.scalars(select(User.id)).all()
        follows = [{"user_id": u, "consultation_id": c, "created_at": now}
                   for u in user_ids for c in rng.sample(ids, FOLLOWS_EACH)]
        db.session.execute(insert(Follow), follows)
        db.session.commit()

        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        started = time.perf_counter()
        mails = build_notifications("daily", now + timedelta(seconds=1))
        built = time.perf_counter() - started
        db.session.commit()
        total = time.perf_counter() - started
        event.remove(db.engine, "before_cursor_execute", listener)
        stored = db.session.scalar(select(func.count(OutboxMessage.id)))
        pairs = len(follows) * (events / CONSULTATIONS)

    result = {
        "benchmark": "follow_digest",
        "followers": FOLLOWERS, "consultations": CONSULTATIONS, "follows": len(follows),
        "events": events, "mails": mails, "mails_stored": stored,
        "queries": len(statements), "build_seconds": round(built, 3), "build_and_commit_seconds": round(total, 3),
        "yardstick_follower_event_pairs": int(pairs),
        "target": "queries bounded (independent of followers and events); one mail per follower",
        "passed": mails == FOLLOWERS == stored and len(statements) <= 10,
    }
    out = Path(__file__).resolve().parent / "results" / "follow_digest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    sys.exit(0 if result["passed"] else 1)


if __name__ == "__main__":
    main()
