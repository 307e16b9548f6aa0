"""`flask consultations import`: a draft from a Markdown or plain-text file."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db
from app.timeutil import as_utc
from consultations.services import ConsultationError, add_document, create_consultation, source_format_for

consultations_cli = AppGroup("consultations", help="Manage consultations.")


def parse_moment(value: str, option: str) -> datetime:
    try:
        return as_utc(datetime.fromisoformat(value))
    except ValueError:
        raise click.ClickException(f"{option}: not an ISO date or date-time: {value!r}") from None


def read_draft(path: str) -> tuple[str, str]:
    file = Path(path)
    if not file.is_file():
        raise click.ClickException(f"file not found: {path}")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: not UTF-8 text") from None
    if not text.strip():
        raise click.ClickException(f"{path}: the file is empty")
    return text, source_format_for(file.name)


@consultations_cli.command("import")
@click.argument("file")
@click.option("--slug", required=True)
@click.option("--title", required=True)
@click.option("--organizer", required=True, help="Slug of the organizing organization.")
@click.option("--opens", required=True, help="ISO date-time; Helsinki time unless it has an offset.")
@click.option("--closes", required=True)
@click.option("--language", default="fi", type=click.Choice(["fi", "sv"]))
@click.option("--commenters", default="organizations", type=click.Choice(["organizations", "registered"]))
@click.option("--unpublished", is_flag=True, help="Import as an unpublished draft.")
def import_command(file, slug, title, organizer, opens, closes, language, commenters, unpublished):
    """Import FILE (.md or .txt) as a new consultation."""
    opens_at, closes_at = parse_moment(opens, "--opens"), parse_moment(closes, "--closes")
    try:
        text, source_format = read_draft(file)
        consultation = create_consultation(
            slug=slug, title=title, organizer_slug=organizer, opens_at=opens_at,
            closes_at=closes_at, language=language, commenters=commenters, published=not unpublished,
        )
        document = add_document(consultation, title, text, source_format)
    except ConsultationError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    count = len(document.latest_version.paragraphs)
    click.echo(f"Imported {slug}: {count} paragraphs.")


def register(app: Flask) -> None:
    app.cli.add_command(consultations_cli)
