"""A version uploaded without publishing it: its text never reaches the index, and the
index commands keep working (issue 12, defect 6). Runs on Whoosh and on PostgreSQL."""
from __future__ import annotations

import pytest

from app.extensions import db
from consultations.services import publish_version
from tests.search.conftest import search_html

MARKER = "Salaattijuhlaluonnos"  # a word found only in the unpublished version
V1 = ["Kyläkoulujen tulevaisuus.", "Kirjastoautojen reitit."]
V2 = "Kyläkoulujen tulevaisuus.\n\nKirjastoautojen reitit.\n\n" + MARKER + " on vasta valmisteilla.\n"


@pytest.fixture
def unpublished_version(app, make_archive, tmp_path):
    consultation = make_archive(V1)
    path = tmp_path / "v2.txt"
    path.write_text(V2, encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["consultations", "import", str(path), "--version-of", consultation.slug, "--unpublished"]
    )
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return consultation


def _cli(app, *args):
    result = app.test_cli_runner().invoke(args=["search", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def test_unpublished_version_is_not_found_and_the_index_keeps_updating(app, client, unpublished_version, caplog):
    failures = [r for r in caplog.get_records("setup") if r.name == "search.sync" and r.levelname == "ERROR"]
    assert failures == [], "the upload broke the index update"
    assert unpublished_version.slug not in search_html(client, q=MARKER)
    # The index still takes changes after the upload: the published text is found.
    assert unpublished_version.slug in search_html(client, q="kirjastoauto")


def test_reindex_and_repair_succeed_and_leave_the_unpublished_text_out(app, client, unpublished_version):
    _cli(app, "reindex")
    assert unpublished_version.slug not in search_html(client, q=MARKER)
    _cli(app, "verify", "--repair")
    assert "in step" in _cli(app, "verify")
    assert unpublished_version.slug not in search_html(client, q=MARKER)
    assert unpublished_version.slug in search_html(client, q="kyläkoulu")


def test_publishing_the_version_makes_it_searchable(app, client, unpublished_version):
    publish_version(unpublished_version.documents[0].versions[-1])
    db.session.commit()
    assert unpublished_version.slug in search_html(client, q=MARKER)
    assert "in step" in _cli(app, "verify")
