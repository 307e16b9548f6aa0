"""The PostgreSQL session schema is shared by the search tests and the bad-input tests
(tests/input/conftest.py imports the search tests' fixtures): a run that meets both must
keep the tables the first one made. Before, the second made the schema anew and every
later PostgreSQL search test failed with "relation login_attempt does not exist" — only in
runs of the whole suite, which is why it is run here as a pytest of its own."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.search.conftest import require_postgres

ROOT = Path(__file__).resolve().parents[2]
ONE_OF_EACH = (
    "tests/input/test_nul_characters.py::test_comment_with_nul_is_published_without_it[postgres]",
    "tests/search/test_search_pages.py::test_query_operators[postgres]",
)


def test_input_and_search_tests_share_one_schema_in_one_run():
    require_postgres()
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", *ONE_OF_EACH],
        cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "2 passed" in run.stdout
