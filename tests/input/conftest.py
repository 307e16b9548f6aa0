"""Bad input runs on SQLite and on PostgreSQL alike: `app` here is the search tests' app,
parametrized as [whoosh] (SQLite with the Whoosh index) and [postgres] (PostgreSQL with
its engine). PostgreSQL skips with a reason when no server answers, and fails instead
when KUULO_REQUIRE_POSTGRES=1 (CI)."""
from tests.search.conftest import app, backend, postgres_schema, settings  # noqa: F401
