"""The migrations build the schema the models describe, on SQLite and on PostgreSQL, and
survive a round trip down and up again with data in the tables."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from app.extensions import db
from comments.responses.demo import load_demo
from tests.apps import new_app as migrated_app  # the app on a URL; the tests migrate it
from tests.search.conftest import own_postgres_schema

FIRST_REVISION = "64cf9b5e98a3"


def flask_db(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def assert_schema_matches_models(app) -> None:
    flask_db(app, "check")  # exits non-zero when the models and the database differ
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables


def test_check_notices_a_database_behind_the_models(tmp_path):
    app = migrated_app(f"sqlite:///{tmp_path / 'kuulo.sqlite'}")
    flask_db(app, "upgrade", FIRST_REVISION)
    assert app.test_cli_runner().invoke(args=["db", "check"]).exit_code != 0


def test_sqlite_upgrade_downgrade_upgrade_with_demo_data(tmp_path):
    app = migrated_app(f"sqlite:///{tmp_path / 'kuulo.sqlite'}")
    flask_db(app, "upgrade")
    assert_schema_matches_models(app)
    with app.app_context():
        load_demo()
        db.session.commit()
        versions = db.session.execute(text("SELECT count(*) FROM document_version")).scalar_one()
    assert versions > 0

    flask_db(app, "downgrade", FIRST_REVISION)
    flask_db(app, "upgrade")
    assert_schema_matches_models(app)
    with app.app_context():
        rows = db.session.execute(
            text("SELECT count(*), count(created_at) FROM document_version")
        ).one()
        broken = db.session.execute(text("PRAGMA foreign_key_check")).all()
    assert rows == (versions, versions)
    assert broken == []


def test_emails_stored_with_capitals_are_lowercased_once_unless_another_account_holds_it(tmp_path):
    app = migrated_app(f"sqlite:///{tmp_path / 'kuulo.sqlite'}")
    flask_db(app, "upgrade", "c4f1a9d2e7b3")
    columns = "email, display_name, password_hash, locale, role, active, session_version, notification_mode, created_at"
    with app.app_context():
        for n, email in enumerate(("Äijälä@Esimerkki.fi", "ÖRÖ@example.org", "örö@example.org", "tavallinen@example.org")):
            db.session.execute(text(f"INSERT INTO user ({columns}) VALUES "
                                    f"(:email, 'Nimi {n}', 'x', 'fi', 'member', 1, 1, 'daily', '2026-01-01')"),
                               {"email": email})
        db.session.commit()
    flask_db(app, "upgrade")
    with app.app_context():
        emails = db.session.execute(text("SELECT email FROM user ORDER BY id")).scalars().all()
    # The second Örö keeps its capitals: its lowered form is the third account's.
    assert emails == ["äijälä@esimerkki.fi", "ÖRÖ@example.org", "örö@example.org", "tavallinen@example.org"]


@pytest.fixture
def postgres_schema_url():
    with own_postgres_schema("kuulo_migrations") as url:
        yield url


def test_postgres_upgrade_builds_the_model_schema_with_the_gin_index(postgres_schema_url):
    app = migrated_app(postgres_schema_url)
    flask_db(app, "upgrade")
    assert_schema_matches_models(app)
    with app.app_context():
        indexes = {index["name"] for index in inspect(db.engine).get_indexes("search_document")}
        flask_db(app, "downgrade", "base")
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    assert "ix_search_document_terms" in indexes
    assert remaining == set()
