"""`flask search reindex` / `verify [--repair]`, a process killed between commit and index
write, and several processes writing one Whoosh index."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text

from app.extensions import db
from app.markup import render_comment
from app.timeutil import utcnow
from comments.models import Comment
from search.engine import SearchDocument
from tests.search.conftest import search_html

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def archive_with_comments(make_archive, make_comment, make_org, make_user):
    org = make_org(name="Kyläyhdistys ry", slug="kylayhdistys")
    member = make_user(orgs=[org])
    consultation = make_archive(["Kyläkoulujen tulevaisuus.", "Kirjastoautojen reitit."])
    comments = [
        make_comment(consultation, member, org, body="Kyläkoulut ovat tärkeitä."),
        make_comment(consultation, member, org, body="Kirjastoautot palvelevat kyliä."),
    ]
    return consultation, comments


def test_reindex_rebuilds_from_the_database(app, engine, client, archive_with_comments):
    consultation, comments = archive_with_comments
    engine.rebuild([])
    assert engine.count() == 0
    assert consultation.slug not in search_html(client, q="kyläkoulu")
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 4 documents" in result.output
    html = search_html(client, q="kyläkoulu")
    assert f"/comments/{comments[0].id}" in html and consultation.slug in html


def test_verify_finds_and_repairs_drift(app, engine, client, archive_with_comments, make_user):
    consultation, (first, second) = archive_with_comments
    runner = app.test_cli_runner()
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code == 0 and "in step" in result.output, result.output

    # Drift of every kind, behind the sync's back: a missing entry, a stale text and an extra one.
    engine.update(remove=[f"c{first.id}"])
    db.session.execute(text("UPDATE comment SET body_source = 'Vesihuolto on kunnossa.', "
                            "body_html = '<p>Vesihuolto on kunnossa.</p>\n' WHERE id = :id"), {"id": second.id})
    db.session.execute(text("UPDATE comment SET visibility = 'hidden' WHERE id = :id"), {"id": first.id})
    db.session.commit()
    engine.update(remove=[f"c{first.id}"])
    ghost = SearchDocument("comment", 9999, consultation.id, None, utcnow(), consultation.opens_at,
                           consultation.closes_at, "fi", "Kummituskommentti kyläkouluista.")
    engine.update([ghost])

    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code != 0
    assert "0 missing, 1 stale, 1 extra" in result.output, result.output
    result = runner.invoke(args=["search", "verify", "--repair"])
    assert result.exit_code == 0 and "Repaired" in result.output, result.output
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code == 0 and "in step" in result.output, result.output
    assert "c9999" not in engine.fingerprints()
    assert f"/comments/{second.id}" in search_html(client, q="vesihuolto")


def test_verify_compares_with_the_source_not_the_stored_html(app, engine, client, archive_with_comments):
    """The thread-unsafe linkifier once stored `<p></p>` for a comment with text, and
    verify, which fingerprinted the stored HTML, called that index "in step"."""
    consultation, (first, _second) = archive_with_comments
    runner = app.test_cli_runner()
    db.session.execute(text("UPDATE comment SET body_html = '<p></p>' WHERE id = :id"), {"id": first.id})
    db.session.commit()
    engine.update(remove=[f"c{first.id}"])  # as the broken render had left it: no words to find

    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code != 0, result.output
    assert f"1 comments whose stored HTML differs from their source: {first.id}" in result.output
    result = runner.invoke(args=["search", "verify", "--repair"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Comment, first.id).body_html == render_comment(first.body_source)
    assert runner.invoke(args=["search", "verify"]).exit_code == 0
    assert f"/comments/{first.id}" in search_html(client, q="kyläkoulu")


KILL_AFTER_COMMIT = textwrap.dedent(
    """
    import os, sys
    sys.path.insert(0, {root!r})
    from flask_sqlalchemy.session import Session
    from sqlalchemy import event
    from app import create_app
    from app.extensions import db
    from comments.models import Comment

    app = create_app()
    # Dies right after the database commit, before the index is written.
    event.listen(Session, "after_commit", lambda session: os._exit(17), insert=True)
    with app.app_context():
        hidden = db.session.get(Comment, {hide_id})
        hidden.visibility = "hidden"
        hidden.hide_reason = "spam"
        db.session.add(Comment(consultation_id=hidden.consultation_id, author_id=hidden.author_id,
                               organization_id=hidden.organization_id, body_source="Lumitöiden aikataulu.",
                               body_html="<p>Lumitöiden aikataulu.</p>\\n"))
        db.session.commit()
    os._exit(0)
    """
)


def _environment(settings) -> dict:
    env = dict(os.environ, KUULO_ENV="test", TEST_DATABASE_URL=settings.SQLALCHEMY_DATABASE_URI,
               SEARCH_BACKEND=settings.SEARCH_BACKEND, PYTHONPATH=str(ROOT))
    if settings.SEARCH_INDEX_DIR not in (None, ":memory:"):
        env["TEST_SEARCH_INDEX_DIR"] = settings.SEARCH_INDEX_DIR
    return env


@pytest.mark.parametrize("catch_up", ["flask search sync", "first request of a new process"])
def test_a_process_killed_between_commit_and_index_write_catches_up_by_itself(
    app, make_app, settings, engine, client, archive_with_comments, catch_up
):
    _consultation, (first, _second) = archive_with_comments
    first_id = first.id
    db.session.remove()  # the other process changes the rows
    script = KILL_AFTER_COMMIT.format(root=str(ROOT), hide_id=first_id)
    process = subprocess.run([sys.executable, "-c", script], env=_environment(settings), cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
    assert process.returncode == 17, process.stderr[-2000:]

    assert f"/comments/{first_id}" not in search_html(client, q="kyläkoulu")  # the page checks the database
    assert f"c{first_id}" in engine.fingerprints()  # but the index drifted
    runner = app.test_cli_runner()
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code != 0 and "1 missing, 0 stale, 1 extra" in result.output, result.output
    assert "2 changes wait in the search outbox" in result.output

    if catch_up == "flask search sync":
        assert "Applied 2 waiting changes" in runner.invoke(args=["search", "sync"]).output
    else:  # a restarted worker: its first request applies what the outbox holds
        restarted = make_app(database=settings.SQLALCHEMY_DATABASE_URI, **vars(settings))
        restarted.extensions["kuulo_search"] = engine  # the same index (in memory in some runs)
        with restarted.test_request_context():
            restarted.test_client().get("/")
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code == 0 and "in step" in result.output, result.output
    assert f"c{first_id}" not in engine.fingerprints()
    assert "Lumitöiden" in search_html(client, q="lumityö")


WRITER = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timezone
    sys.path.insert(0, {root!r})
    from search.engine import SearchDocument
    from search.whoosh_engine import WhooshEngine

    engine = WhooshEngine({directory!r}, lock_timeout=30)
    now = datetime.now(timezone.utc)
    for n in range({count}):
        engine.update([SearchDocument("comment", {base} + n, 1, None, now, now, now, "fi",
                                      "Prosessi {base} kirjoittaa kommentin " + str(n))])
    """
)


@pytest.mark.parametrize("backend", ["whoosh"], indirect=True)
def test_two_processes_write_one_whoosh_index(engine, settings):
    processes = [
        subprocess.Popen([sys.executable, "-c", WRITER.format(root=str(ROOT), directory=settings.SEARCH_INDEX_DIR,
                                                              count=25, base=base)], cwd=ROOT,
                         stderr=subprocess.PIPE, text=True)
        for base in (1000, 2000)
    ]
    for process in processes:
        assert process.wait(timeout=120) == 0, process.stderr.read()[-2000:]
    keys = engine.fingerprints()
    assert len([k for k in keys if k.startswith("c1")]) == 25
    assert len([k for k in keys if k.startswith("c2")]) == 25


def test_verify_repair_brings_the_index_to_a_new_analysis(app, engine, client, make_archive, monkeypatch):
    """After the analysis changes (ANALYSIS_VERSION), every entry is stale until `verify
    --repair` (run by `make demo`) writes it again with today's terms."""
    from search import analysis

    consultation = make_archive(["Föreningslivet i kommunen är rikt."], language="sv")
    runner = app.test_cli_runner()
    assert "in step" in runner.invoke(args=["search", "verify"]).output
    monkeypatch.setattr(analysis, "ANALYSIS_VERSION", analysis.ANALYSIS_VERSION + 1)
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code == 1 and "1 stale" in result.output, result.output
    result = runner.invoke(args=["search", "verify", "--repair"])
    assert result.exit_code == 0 and "Repaired: 1 indexed" in result.output, result.output
    assert "in step" in runner.invoke(args=["search", "verify"]).output
    assert consultation.slug in search_html(client, q="förening")
