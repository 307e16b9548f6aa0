"""`flask search reindex`, `flask search sync` and `flask search verify [--repair]`."""
from __future__ import annotations

import click
from flask import Flask

from app.command_group import CommandGroup
from app.extensions import db
from comments.rendering import misrendered_comment_ids, rerender
from search import documents as docs
from search import outbox
from search.engine import SearchDocument, current_engine, parse_key

search_cli = CommandGroup("search", help="Build and check the search index.")


def expected_fingerprints(session) -> dict[str, SearchDocument]:
    return {document.key: document for document in docs.all_documents(session)}


@search_cli.command("reindex")
def reindex_command():
    """Rebuild the search index from the database."""
    engine = current_engine()
    covered = outbox.last_id()  # changes recorded before the rebuild reads the database
    total = docs.count_documents(db.session)
    with click.progressbar(docs.all_documents(db.session), length=total, label="Indexing",
                           show_pos=True) as documents:
        count = engine.rebuild(documents)
    outbox.forget_up_to(covered)
    click.echo(f"Indexed {count} documents ({engine.name}).")


@search_cli.command("sync")
def sync_command():
    """Apply the changes waiting in the search outbox (safe to run from cron)."""
    engine = current_engine()
    total = 0
    while applied := outbox.drain(engine):
        total += applied
    click.echo(f"Applied {total} waiting changes ({engine.name}).")


@search_cli.command("verify")
@click.option("--repair", is_flag=True, help="Render again what was rendered wrong, add what is missing, "
              "refresh what is stale, remove the rest.")
def verify_command(repair: bool):
    """Compare the index with its source in the database (text, visibility, publication)."""
    engine = current_engine()
    misrendered = list(misrendered_comment_ids(db.session))
    waiting = outbox.pending_count()
    if misrendered:
        click.echo(f"{len(misrendered)} comments whose stored HTML differs from their source: "
                   + ", ".join(map(str, misrendered[:20])))
    if waiting:
        click.echo(f"{waiting} changes wait in the search outbox (`flask search sync` applies them).")
    if repair and misrendered:
        rerender(db.session, misrendered)
        db.session.commit()  # the outbox takes the new texts to the index
        misrendered = []
    expected = expected_fingerprints(db.session)
    indexed = engine.fingerprints()
    missing = [key for key in expected if key not in indexed]
    stale = [key for key in expected if key in indexed and indexed[key] != expected[key].fingerprint]
    extra = [key for key in indexed if key not in expected]
    click.echo(
        f"{len(expected)} expected, {len(indexed)} indexed: "
        f"{len(missing)} missing, {len(stale)} stale, {len(extra)} extra."
    )
    for label, keys in (("missing", missing), ("stale", stale), ("extra", extra)):
        for key in keys[:20]:
            kind, object_id = parse_key(key)
            click.echo(f"  {label}: {kind} {object_id}")
    if not (missing or stale or extra or misrendered):
        click.echo("The index is in step with the database.")
        return
    if not repair:
        raise click.ClickException("the index differs from the database; run `flask search verify --repair`")
    engine.update([expected[key] for key in missing + stale], remove=extra)
    click.echo(f"Repaired: {len(missing) + len(stale)} indexed, {len(extra)} removed.")


def register(app: Flask) -> None:
    app.cli.add_command(search_cli)
