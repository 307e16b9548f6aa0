"""Every string enum has a CHECK constraint, built by the migrations on SQLite and on
PostgreSQL with the same values as the model's tuple; a value outside it is refused by
the database itself (IntegrityError naming the constraint), not only by the services."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import CheckConstraint, Table, inspect
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from tests.apps import new_app
from tests.search.conftest import own_postgres_schema

new_app("sqlite://")  # every package's models in the metadata
ENUMS = sorted(
    (table.name, check.info["column"], check.info["values"], check.name)
    for table in db.metadata.tables.values()
    for check in table.constraints
    if isinstance(check, CheckConstraint) and "values" in check.info
)
IDS = [f"{table}.{column}" for table, column, _, _ in ENUMS]


def migrated(url: str):
    app = new_app(url)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture(scope="module")
def sqlite_app(tmp_path_factory):
    app = migrated(f"sqlite:///{tmp_path_factory.mktemp('enums') / 'kuulo.sqlite'}")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def postgres_app():
    with own_postgres_schema("kuulo_string_enums") as url:
        app = migrated(url)
        yield app
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def migrated_app(request):
    return request.getfixturevalue(f"{request.param}_app")


def a_row(table: Table, column: str, value: str) -> dict:
    """Every NOT NULL column filled with an allowed value (other enums: their first value),
    so that the only rule the row breaks is the one under test. Foreign keys are checked
    after CHECK constraints on both databases."""
    allowed = {check.info["column"]: check.info["values"][0]
               for check in table.constraints if isinstance(check, CheckConstraint) and "values" in check.info}
    row = {}
    for c in table.columns:
        if c.name == column:
            row[c.name] = value
        elif c.nullable or c.default is not None or c.server_default is not None or c.autoincrement is True:
            continue
        elif c.primary_key and c.type.python_type is int:
            continue
        elif c.name in allowed:
            row[c.name] = allowed[c.name]
        else:
            kind = getattr(c.type, "impl_instance", c.type).python_type  # UTCDateTime: a datetime
            row[c.name] = {int: 1, bool: False, str: "x", datetime: datetime.now(timezone.utc)}[kind]
    return row


def test_every_string_enum_has_a_check():
    """The tuples the services check against are the ones the database checks."""
    assert len(ENUMS) >= 20
    named = {(table, column) for table, column, _, _ in ENUMS}
    for required in [("comment", "visibility"), ("report", "status"), ("moderation_event", "action"),
                     ("response", "decision"), ("paragraph", "kind"), ("organization", "kind"), ("user", "role")]:
        assert required in named


@pytest.mark.parametrize(("table", "column", "values", "name"), ENUMS, ids=IDS)
def test_the_database_holds_the_models_values(migrated_app, table, column, values, name):
    with migrated_app.app_context():
        checks = {c["name"]: c["sqltext"] for c in inspect(db.engine).get_check_constraints(table)}
    assert name in checks, f"no {name} in the migrated database"
    assert set(re.findall(r"'([^']*)'", checks[name])) == set(values)


@pytest.mark.parametrize(("table", "column", "values", "name"), ENUMS, ids=IDS)
def test_a_value_outside_the_enum_is_refused(migrated_app, table, column, values, name):
    with migrated_app.app_context():
        metadata_table = db.metadata.tables[table]
        with pytest.raises(IntegrityError) as refused, db.engine.begin() as connection:
            bad = "bogus"[: metadata_table.c[column].type.length]  # fits the column: only the CHECK refuses it
            assert bad not in values
            connection.execute(metadata_table.insert().values(a_row(metadata_table, column, bad)))
    assert name in str(refused.value.orig), refused.value.orig
