# Kuulo: `make run` serves the demo site, `make test` runs the whole suite; `make help` lists the rest.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_INSTALLED := $(VENV)/.dev-installed
# `make run PORT=5001` when 5000 is taken. Set on the command line only: an address in the
# environment should not decide where the development server listens.
HOST = 127.0.0.1
PORT = 5000
KUULO_TEST_POSTGRES_URL ?= postgresql+psycopg://kuulo:kuulo@127.0.0.1:5432/kuulo_test
export FLASK_APP := wsgi

.PHONY: run test test-postgres install install-dev translations extract-messages db demo bench-% clean help

$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(BIN)/activate

# Tests and benchmarks need more than the site; a second stamp keeps `make run` lean.
$(DEV_INSTALLED): $(BIN)/activate requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(DEV_INSTALLED)

install: $(BIN)/activate ## create .venv with what runs the site

install-dev: $(DEV_INSTALLED) ## add the test and benchmark tools to .venv

# Compiled catalogs are build output, never committed.
translations: install ## compile the translations
	$(BIN)/pybabel --quiet compile -d app/translations

extract-messages: install ## extract new messages into the catalogs
	$(BIN)/pybabel --quiet extract -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot --ignore-dirs=".* _* migrations tests bench instance" .
	$(BIN)/pybabel --quiet update -i app/translations/messages.pot -d app/translations

db: translations ## migrate the database (instance/kuulo.sqlite by default)
	$(BIN)/flask db upgrade

# The repair also refills a search index that an older Kuulo wrote in another format.
demo: db ## load the demo data (safe to run again)
	$(BIN)/flask demo
	$(BIN)/flask search verify --repair

run: demo ## serve the demo site on http://127.0.0.1:5000 (make run PORT=5001 HOST=...)
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# Two worker processes (pytest-xdist), a test file each at a time: the machine's two cores.
# `make test TEST_WORKERS=0` runs in this one process (a debugger, a print to read).
TEST_WORKERS = 2
test: translations $(DEV_INSTALLED) ## run the test suite (PYTEST_ARGS="tests/search -x", TEST_WORKERS=0 for one process)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Starts the local cluster where Debian's pg_ctlcluster exists; elsewhere point
# KUULO_TEST_POSTGRES_URL at a server of your own.
test-postgres: ## run the test suite with the PostgreSQL tests required, not skipped
	@if command -v pg_ctlcluster >/dev/null 2>&1; then .ci/postgres; \
	else echo "pg_ctlcluster not found: using the server at $(KUULO_TEST_POSTGRES_URL)"; fi
	KUULO_TEST_POSTGRES_URL='$(KUULO_TEST_POSTGRES_URL)' KUULO_REQUIRE_POSTGRES=1 $(MAKE) test

bench-%: translations $(DEV_INSTALLED) ## run bench/%.py (make bench-search); results in bench/results/
	$(BIN)/python bench/$*.py

clean: ## remove .venv, instance/ and the pytest cache
	rm -rf $(VENV) instance .pytest_cache

help: ## list the targets
	@awk 'BEGIN { FS = ":.*## " } /^[a-z%-]+:.*## / { printf "  make %-18s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)
