"""`flask consultations import`: bad input exits non-zero with one line and writes nothing."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from app.extensions import db
from consultations.models import Consultation, Document, DocumentVersion, Paragraph

GOOD_TEXT = "Otsikko\n\nEnsimmäinen kappale.\n\n• kohta yksi\n• kohta kaksi\n"


def t(msgid: str, **params) -> str:
    """A message as the CLI prints it (the default locale, Finnish, once translated)."""
    with force_locale("fi"):
        return gettext(msgid, **params)


def committed_rows() -> tuple[int, ...]:
    """Rows that reached the database, counted on a connection of their own."""
    with db.engine.connect() as connection:
        return tuple(
            connection.execute(select(func.count()).select_from(model.__table__)).scalar_one()
            for model in (Consultation, Document, DocumentVersion, Paragraph)
        )


@pytest.fixture
def organizer(make_org):
    return make_org(name="Järvilaakson hyvinvointialue", slug="jarvilaakso", kind="authority")


@pytest.fixture
def draft(tmp_path):
    path = tmp_path / "luonnos.txt"
    path.write_text(GOOD_TEXT, encoding="utf-8")
    return path


def run_import(app, path, **overrides):
    options = {
        "--slug": "luonnos",
        "--title": "Luonnos",
        "--organizer": "jarvilaakso",
        "--opens": "2030-01-01T09:00",
        "--closes": "2030-02-01T16:00",
    }
    options.update(overrides)
    args = ["consultations", "import", str(path)]
    for key, value in options.items():
        args += [key, value]
    return app.test_cli_runner().invoke(args=args)


def assert_fails_cleanly(result, before, *fragments):
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: "), result.output
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert "Traceback" not in result.output
    assert committed_rows() == before


def test_import_succeeds_and_commits(app, organizer, draft):
    before = committed_rows()
    result = run_import(app, draft)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Imported luonnos: 4 paragraphs."
    assert committed_rows() == (before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 4)
    consultation = Consultation.by_slug("luonnos")
    assert consultation.organizer.slug == "jarvilaakso"
    assert consultation.language == "fi"
    assert [p.kind for p in consultation.documents[0].latest_version.paragraphs] == [
        "heading", "paragraph", "list_item", "list_item",
    ]


def test_naive_times_are_helsinki_and_offsets_are_respected(app, organizer, draft):
    # Summer time in Helsinki is UTC+3; an explicit offset wins.
    result = run_import(app, draft, **{"--opens": "2030-06-01T09:00", "--closes": "2030-06-30T12:00+00:00"})
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    consultation = Consultation.by_slug("luonnos")
    assert consultation.opens_at == datetime(2030, 6, 1, 6, 0, tzinfo=timezone.utc)
    assert consultation.closes_at == datetime(2030, 6, 30, 12, 0, tzinfo=timezone.utc)


def test_swedish_unpublished_import(app, organizer, draft):
    args = ["consultations", "import", str(draft), "--slug", "utkast", "--title", "Utkast",
            "--organizer", "jarvilaakso", "--opens", "2030-01-01", "--closes", "2030-02-01",
            "--language", "sv", "--unpublished"]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    consultation = Consultation.by_slug("utkast")
    assert consultation.language == "sv"
    assert consultation.published is False
    assert consultation.status == "draft"


def test_missing_file(app, organizer, tmp_path):
    before = committed_rows()
    missing = tmp_path / "ei-ole.txt"
    result = run_import(app, missing)
    assert_fails_cleanly(result, before, str(missing))


def test_directory_is_not_a_file(app, organizer, tmp_path):
    before = committed_rows()
    result = run_import(app, tmp_path)
    assert_fails_cleanly(result, before)


def test_empty_file(app, organizer, tmp_path):
    before = committed_rows()
    path = tmp_path / "tyhja.txt"
    path.write_text("", encoding="utf-8")
    assert_fails_cleanly(run_import(app, path), before, str(path))


def test_whitespace_only_file(app, organizer, tmp_path):
    before = committed_rows()
    path = tmp_path / "valilyonnit.md"
    path.write_text(" \n\n\t \r\n\u00a0\n", encoding="utf-8")
    assert_fails_cleanly(run_import(app, path), before)


def test_markdown_without_any_block(app, organizer, tmp_path):
    """A file with content but no blocks is an empty draft."""
    before = committed_rows()
    path = tmp_path / "viiva.md"
    path.write_text("---\n\n***\n", encoding="utf-8")
    assert_fails_cleanly(run_import(app, path), before, t("The draft is empty."))
    assert Consultation.by_slug("luonnos") is None


def test_not_utf8(app, organizer, tmp_path):
    before = committed_rows()
    path = tmp_path / "latin1.txt"
    path.write_bytes("Järjestöt ja yhteistyö.\n".encode("latin-1"))
    assert_fails_cleanly(run_import(app, path), before)


def test_unknown_organizer(app, organizer, draft):
    before = committed_rows()
    result = run_import(app, draft, **{"--organizer": "ei-tunnettu"})
    assert_fails_cleanly(result, before, t("Unknown organizer: %(slug)s", slug="ei-tunnettu"))


def test_closes_before_opens(app, organizer, draft):
    before = committed_rows()
    result = run_import(app, draft, **{"--opens": "2030-02-01T09:00", "--closes": "2030-01-01T09:00"})
    assert_fails_cleanly(result, before, t("The closing time must be after the opening time."))


def test_closes_equal_to_opens(app, organizer, draft):
    before = committed_rows()
    result = run_import(app, draft, **{"--opens": "2030-02-01T09:00", "--closes": "2030-02-01T09:00"})
    assert_fails_cleanly(result, before, t("The closing time must be after the opening time."))


def test_closes_equal_to_opens_written_in_different_offsets(app, organizer, draft):
    before = committed_rows()
    result = run_import(app, draft, **{"--opens": "2030-02-01T09:00+02:00", "--closes": "2030-02-01T07:00Z"})
    assert_fails_cleanly(result, before, t("The closing time must be after the opening time."))


def test_duplicate_slug(app, organizer, draft):
    assert run_import(app, draft).exit_code == 0
    before = committed_rows()
    result = run_import(app, draft, **{"--title": "Toinen"})
    assert_fails_cleanly(result, before, t("A consultation with the slug %(slug)s already exists.", slug="luonnos"))
    assert Consultation.by_slug("luonnos").title == "Luonnos"


@pytest.mark.parametrize("value", ["1.2.2030", "2030-13-01", "huomenna", "2030-02-30T10:00"])
def test_bad_iso_date(app, organizer, draft, value):
    before = committed_rows()
    assert_fails_cleanly(run_import(app, draft, **{"--opens": value}), before, "--opens", value)
    assert_fails_cleanly(run_import(app, draft, **{"--closes": value}), before, "--closes", value)


@pytest.mark.parametrize("slug", ["Isot-Kirjaimet", "väli lyönti", "-alkuviiva", "loppuviiva-", "ä", "a" * 81, "a--b"])
def test_bad_slug(app, organizer, draft, slug):
    before = committed_rows()
    result = run_import(app, draft, **{"--slug": slug})
    assert_fails_cleanly(result, before, t("The slug may contain only a-z, 0-9 and hyphens."))


def test_blank_title(app, organizer, draft):
    before = committed_rows()
    assert_fails_cleanly(run_import(app, draft, **{"--title": "   "}), before, t("The title is required."))


@pytest.mark.parametrize("name", ["luonnos.pdf", "luonnos.odt", "luonnos", "luonnos.txt.html"])
def test_unsupported_extension(app, organizer, tmp_path, name):
    before = committed_rows()
    path = tmp_path / name
    path.write_text(GOOD_TEXT, encoding="utf-8")
    assert_fails_cleanly(run_import(app, path), before, t("Unsupported file type: use .md, .txt or .docx."))


def test_docx_that_is_not_a_word_document(app, organizer, tmp_path):
    before = committed_rows()
    path = tmp_path / "luonnos.docx"
    path.write_text(GOOD_TEXT, encoding="utf-8")
    assert_fails_cleanly(
        run_import(app, path), before,
        t("The file is not a readable Word document (it may be damaged or encrypted)."),
    )


@pytest.mark.parametrize("option", ["--slug", "--title", "--organizer", "--opens", "--closes"])
def test_missing_or_empty_required_option(app, organizer, draft, option):
    before = committed_rows()
    assert_fails_cleanly(run_import(app, draft, **{option: ""}), before, option)
    args = ["consultations", "import", str(draft), "--slug", "luonnos", "--title", "Luonnos",
            "--organizer", "jarvilaakso", "--opens", "2030-01-01", "--closes", "2030-02-01"]
    index = args.index(option)
    del args[index:index + 2]
    assert_fails_cleanly(app.test_cli_runner().invoke(args=args), before, option)


def test_uppercase_extensions_are_accepted(app, organizer, tmp_path):
    path = tmp_path / "LUONNOS.MD"
    path.write_text("# Otsikko\n\nKappale.\n", encoding="utf-8")
    result = run_import(app, path)
    assert result.exit_code == 0, result.output
    assert Consultation.by_slug("luonnos").documents[0].latest_version.source_format == "markdown"


def test_failed_import_leaves_session_usable(app, organizer, draft):
    """After an error the same process can import again (nothing half-written remains)."""
    before = committed_rows()
    assert run_import(app, draft, **{"--organizer": "ei-tunnettu"}).exit_code != 0
    assert committed_rows() == before
    result = run_import(app, draft)
    assert result.exit_code == 0, result.output
    assert committed_rows()[0] == before[0] + 1
