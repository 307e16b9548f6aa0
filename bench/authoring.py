"""The officials' pages in `make bench-pages` (issue 16):

- the dashboard /manage/ of an authority with 200 consultations and 20,000 comments: the
  query count (target: at most 15, the same as with a handful) and the time;
- the preview of a 300-paragraph .docx on /manage/consultations/new: server time (target
  under a second);
- reminders to 500 invited organizations: queued by one `flask outbox send` run, and a
  second run queues none (idempotent).

`make bench-authoring` runs these alone on a database of their own and writes
bench/results/authoring.json.
"""
from __future__ import annotations

import io
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import docx
from sqlalchemy import func, insert, select

from app.auth.services import create_user
from app.extensions import db
from app.markup import render_comment
from app.models import Membership, Organization, User
from app.outbox import OutboxMessage
from app.timeutil import utcnow
from bench.queries import counted_queries
from comments.models import Comment
from consultations.authoring.models import Invitation
from consultations.models import Consultation
from consultations.services import add_document, create_consultation

CONSULTATIONS = 200
COMMENTS = 20_000
PREVIEW_PARAGRAPHS = 300
INVITED = 500
QUERY_TARGET = 15
PREVIEW_TARGET_S = 1.0
PASSWORD = "bench-password-123"


def _authority(rng: random.Random):
    now = utcnow()
    authority = Organization(name="Dashboard-alue", slug="dashboard-alue", kind="authority")
    associations = [Organization(name=f"Seura {n} ry", slug=f"seura-{n}") for n in range(100)]
    authors = [User(email=f"d{n}@example.org", display_name=f"Jäsen {n}", password_hash="-") for n in range(100)]
    db.session.add_all([authority, *associations, *authors])
    db.session.flush()
    official = create_user("dash@example.org", PASSWORD, "Virkailija", "official", ["dashboard-alue"])
    offsets = {0: (5, 30, False), 1: (5, 30, True), 2: (-5, 20, True), 3: (-40, -5, True)}
    consultations = []
    for n in range(CONSULTATIONS):
        opens, closes, published = offsets[n % 4]
        consultation = create_consultation(
            slug=f"dash-{n}", title=f"Kuuleminen {n}", organizer_slug="dashboard-alue",
            opens_at=now + timedelta(days=opens), closes_at=now + timedelta(days=closes), published=published)
        consultations.append(consultation)
    db.session.flush()
    add_document(consultations[0], "Luonnos", "# Otsikko\n\nTeksti.\n", "markdown")
    rows = [{"consultation_id": rng.choice(consultations).id, "author_id": rng.choice(authors).id,
             "organization_id": rng.choice(associations).id, "body_source": "Kommentti.",
             "body_html": render_comment("Kommentti."), "created_at": now - timedelta(days=rng.randint(0, 30)),
             "visibility": "visible"} for _ in range(COMMENTS)]
    db.session.execute(insert(Comment), rows)
    db.session.execute(insert(Invitation), [
        {"consultation_id": c.id, "organization_id": a.id, "created_at": now}
        for c in consultations for a in rng.sample(associations, 5)])
    db.session.commit()
    return official


def _login(client, email: str) -> None:
    html = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.status_code


def _timed_get(app, client, url: str, rounds: int) -> tuple[float, int]:
    client.get(url)
    times = []
    for n in range(rounds):
        with app.app_context(), counted_queries(n == 0) as statements:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        if n == 0:
            queries = len(statements)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), queries


def _docx(paragraphs: int) -> bytes:
    document = docx.Document()
    for n in range(paragraphs):
        if n % 10 == 0:
            document.add_heading(f"Luku {n // 10 + 1}", level=1)
        elif n % 10 in (4, 5):
            document.add_paragraph(f"Luettelon kohta {n}", style="List Bullet")
        else:
            document.add_paragraph(f"Kappale {n}: yhdistysten avustukset jaetaan hakemusten perusteella, "
                                   "ja päätökset perustellaan kirjallisesti kaikille hakijoille.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _preview(app, client, rounds: int) -> float:
    data = _docx(PREVIEW_PARAGRAPHS)
    html = client.get("/manage/consultations/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    times = []
    for _ in range(rounds):
        form = {"csrf_token": token, "title": "Esikatselu", "organizer": "dashboard-alue", "language": "fi",
                "opens_at": "2030-01-01T09:00", "closes_at": "2030-02-01T16:00", "commenters": "organizations",
                "parts-0-title": "Luonnos", "parts-0-source": "", "action": "preview",
                "parts-0-file": (io.BytesIO(data), "luonnos.docx")}
        start = time.perf_counter()
        response = client.post("/manage/consultations/new", data=form, content_type="multipart/form-data")
        body = response.get_data(as_text=True)
        times.append(time.perf_counter() - start)
        # Every block of the one part, numbered (headings carry their number in the heading).
        assert response.status_code == 200 and body.count('id="preview-1-') >= PREVIEW_PARAGRAPHS, response.status_code
    return statistics.median(times)


def _reminders(app) -> dict:
    now = utcnow()
    with app.app_context():
        consultation = create_consultation(
            slug="muistutukset", title="Muistutukset", organizer_slug="dashboard-alue",
            opens_at=now - timedelta(days=20), closes_at=now + timedelta(days=2))
        organizations = [Organization(name=f"Kutsuttu {n} ry", slug=f"kutsuttu-{n}") for n in range(INVITED)]
        members = [User(email=f"k{n}@example.org", display_name=f"Edustaja {n}", password_hash="-")
                   for n in range(INVITED)]
        db.session.add_all(organizations + members)
        db.session.flush()
        db.session.add_all(Membership(user=u, organization=o) for u, o in zip(members, organizations))
        db.session.execute(insert(Invitation), [  # told when it opened, weeks ago
            {"consultation_id": consultation.id, "organization_id": o.id, "created_at": now - timedelta(days=30),
             "opening_notified_at": now - timedelta(days=20)} for o in organizations])
        db.session.commit()
    runner = app.test_cli_runner()
    runs = []
    for _ in range(2):
        start = time.perf_counter()
        result = runner.invoke(args=["outbox", "send"])
        runs.append(time.perf_counter() - start)
        assert result.exit_code == 0, result.output
        with app.app_context():
            runs.append(db.session.scalar(select(func.count(OutboxMessage.id))
                                          .where(OutboxMessage.kind == "invitation_reminder")))
    return {"invited_organizations": INVITED, "first_run_s": round(runs[0], 2), "queued_by_first_run": runs[1],
            "second_run_s": round(runs[2], 2), "reminders_in_outbox_after_second_run": runs[3],
            "meets_target": runs[1] == INVITED and runs[3] == INVITED}


def run(app, rounds: int) -> dict:
    rng = random.Random(16)
    with app.app_context():
        official = _authority(rng)
        email = official.email
    client = app.test_client()
    _login(client, email)
    median, queries = _timed_get(app, client, "/manage/", rounds)
    with app.app_context():
        consultations = db.session.scalar(select(func.count(Consultation.id)).where(
            Consultation.slug.like("dash-%")))
        comments = db.session.scalar(select(func.count(Comment.id)))
    results = {"dashboard": {"consultations": consultations, "comments": comments, "queries": queries,
                             "median_ms": round(median * 1000, 1), "query_target": QUERY_TARGET,
                             "meets_target": queries <= QUERY_TARGET}}
    print(f"/manage/: {results['dashboard']}")
    preview = _preview(app, client, max(3, rounds // 2))
    results["docx_preview"] = {"paragraphs": PREVIEW_PARAGRAPHS, "median_ms": round(preview * 1000, 1),
                               "target_ms": PREVIEW_TARGET_S * 1000, "meets_target": preview < PREVIEW_TARGET_S}
    print(f"preview of a {PREVIEW_PARAGRAPHS}-paragraph .docx: {results['docx_preview']}")
    results["invitation_reminders"] = _reminders(app)
    print(f"reminders: {results['invitation_reminders']}")
    return results


def main() -> None:
    from app import create_app
    from config import TestConfig

    settings = TestConfig()
    settings.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    app = create_app(settings)
    with app.app_context():
        db.create_all()
    results = run(app, int(os.environ.get("BENCH_ROUNDS", "7")))
    target = Path(__file__).resolve().parent / "results" / "authoring.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {target}")


if __name__ == "__main__":
    main()
