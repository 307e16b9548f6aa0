"""`flask consultations import`: a draft from a Markdown or plain-text file."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import Flask

from app.command_group import CommandGroup
from app.extensions import db
from app.timeutil import as_utc
from consultations.models import Consultation
from consultations.services import (
    ConsultationError,
    add_document,
    add_version,
    create_consultation,
    read_source,
)
from consultations.original_files import Upload

consultations_cli = CommandGroup("consultations", help="Manage consultations.")


def parse_moment(value: str, option: str) -> datetime:
    try:
        return as_utc(datetime.fromisoformat(value))
    except ValueError:
        raise click.ClickException(f"{option}: not an ISO date or date-time: {value!r}") from None


def read_draft(path: str):
    """Blocks, source text, format and the file itself (kept for download), or a one-line error."""
    file = Path(path)
    if not file.is_file():
        raise click.ClickException(f"file not found: {path}")
    data = file.read_bytes()
    if not data.strip():
        raise click.ClickException(f"{path}: the file is empty")
    try:
        return (*read_source(file.name, data), Upload(file.name, data))
    except ConsultationError as error:
        raise click.ClickException(f"{path}: {error}") from None


def _require(**options) -> None:
    missing = [f"--{name}" for name, value in options.items() if not value]
    if missing:
        raise click.ClickException(f"missing option(s): {', '.join(missing)}")


@consultations_cli.command("import")
@click.argument("file")
@click.option("--slug")
@click.option("--title")
@click.option("--organizer", help="Slug of the organizing organization.")
@click.option("--opens", help="ISO date-time; Helsinki time unless it has an offset.")
@click.option("--closes")
@click.option("--language", default="fi", type=click.Choice(["fi", "sv"]))
@click.option("--commenters", default="organizations", type=click.Choice(["organizations", "registered"]))
@click.option("--unpublished", is_flag=True, help="Import as an unpublished consultation or version.")
@click.option("--version-of", "version_of", metavar="SLUG", help="Add FILE as a new version of SLUG.")
@click.option("--part", default=1, type=int, help="With --version-of: which part of the draft (1 = first).")
@click.option("--note", default="", help="With --version-of: what changed.")
def import_command(file, slug, title, organizer, opens, closes, language, commenters, unpublished,
                   version_of, part, note):
    """Import FILE (.md, .txt or .docx) as a new consultation, or as a new version."""
    if version_of:
        _import_version(file, version_of, part, note, publish=not unpublished)
        return
    _require(slug=slug, title=title, organizer=organizer, opens=opens, closes=closes)
    opens_at, closes_at = parse_moment(opens, "--opens"), parse_moment(closes, "--closes")
    blocks, source, source_format, original = read_draft(file)
    try:
        consultation = create_consultation(
            slug=slug, title=title, organizer_slug=organizer, opens_at=opens_at,
            closes_at=closes_at, language=language, commenters=commenters, published=not unpublished,
        )
        document = add_document(consultation, title, source, source_format, blocks=blocks, original=original)
    except ConsultationError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Imported {slug}: {len(document.latest_version.paragraphs)} paragraphs.")


def _import_version(file: str, slug: str, part: int, note: str, publish: bool) -> None:
    consultation = Consultation.by_slug(slug)
    if consultation is None:
        raise click.ClickException(f"unknown consultation: {slug}")
    document = next((d for d in consultation.documents if d.ordinal == part), None)
    if document is None:
        raise click.ClickException(f"{slug} has no part {part}")
    blocks, source, source_format, original = read_draft(file)
    version = add_version(document, blocks, source, source_format, note, publish=publish, original=original)
    db.session.commit()
    kept = sum(1 for p in version.paragraphs if p.anchor in document.versions[-2].by_anchor())
    click.echo(
        f"Added version {version.number} of {slug}: {len(version.paragraphs)} paragraphs, "
        f"{kept} kept their anchors."
    )


def register(app: Flask) -> None:
    app.cli.add_command(consultations_cli)
