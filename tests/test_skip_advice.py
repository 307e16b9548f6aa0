"""The line at the end of a run that says how to run the tests skipped for want of
PostgreSQL or Chromium, fed with the skip reasons those fixtures really give."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.browser import conftest as browser_conftest
from tests.conftest import missing_services_line, pytest_terminal_summary, skip_forbidden
from tests.search import conftest as search_conftest


def _skip_report(function, *args):
    with pytest.raises(pytest.skip.Exception) as skipped:
        function(*args)
    return SimpleNamespace(longrepr=("tests/somewhere.py", 1, f"Skipped: {skipped.value.msg}"))


@pytest.fixture
def reports(monkeypatch):
    """Skip reports as PostgreSQL and the browser give them on a machine without either."""
    monkeypatch.delenv("KUULO_REQUIRE_POSTGRES", raising=False)
    monkeypatch.delenv("KUULO_REQUIRE_BROWSER", raising=False)
    monkeypatch.setattr(search_conftest, "POSTGRES_URL", "postgresql+psycopg://kuulo:kuulo@127.0.0.1:1/none")
    problem = search_conftest.postgres_problem.__wrapped__()  # the real message, not the cached answer
    monkeypatch.setattr(search_conftest, "postgres_problem", lambda: problem)
    postgres = _skip_report(search_conftest.require_postgres)
    browser = _skip_report(browser_conftest._browser_unavailable, "/usr/bin/chromium not found")
    other = SimpleNamespace(longrepr=("tests/somewhere.py", 1, "Skipped: seed texts not found"))
    return postgres, browser, other


def test_one_line_tells_how_to_run_what_skipped_for_want_of_a_service(reports):
    postgres, browser, other = reports
    assert missing_services_line([postgres, other, postgres, browser, postgres]) == (
        "3 PostgreSQL tests skipped: run them with `make test-postgres`; "
        "1 browser test skipped: install Chromium (apt-get install chromium), then `make test`."
    )
    assert missing_services_line([postgres]).endswith("`make test-postgres`.")
    assert missing_services_line([other]) is None
    assert missing_services_line([]) is None


def _run_hook(reporter) -> None:
    """Runs the wrapper as pytest does: up to its yield, then (the other summaries) the rest."""
    wrapper = pytest_terminal_summary(reporter)
    next(wrapper)
    with pytest.raises(StopIteration):
        wrapper.send(None)


def test_the_line_is_written_at_the_end_of_the_run(reports):
    postgres, _, other = reports
    lines = []
    reporter = SimpleNamespace(
        stats={"skipped": [postgres, other], "passed": [object()]},
        write_line=lambda line, **markup: lines.append(line),
    )
    _run_hook(reporter)
    assert lines == ["1 PostgreSQL test skipped: run them with `make test-postgres`."]

    lines.clear()
    _run_hook(SimpleNamespace(stats={"passed": [object()]}, write_line=lines.append))
    assert lines == []


def test_ci_fails_every_skip_but_the_machine_bound_ones(monkeypatch):
    monkeypatch.delenv("KUULO_REQUIRE_NO_SKIPS", raising=False)
    assert not skip_forbidden("Skipped: /api/v1/x is not registered")
    monkeypatch.setenv("KUULO_REQUIRE_NO_SKIPS", "1")
    for reason in ("Skipped: /api/v1/x is not registered", "could not import 'schemathesis'",
                   "seed texts not found", "PostgreSQL not reachable at ..."):
        assert skip_forbidden(reason), reason
    assert not skip_forbidden("Skipped: running as root without mount: a folder's permissions do not stop root")
    assert not skip_forbidden("a full disk needs a small tmpfs, and mounting is not allowed here")
