# Kuulo: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test install translations extract-messages db demo bench-% clean

$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(BIN)/activate

install: $(BIN)/activate

# Compiled catalogs are build output, never committed.
translations: install
	$(BIN)/pybabel --quiet compile -d app/translations

extract-messages: install
	$(BIN)/pybabel --quiet extract -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot --ignore-dirs=".* _* migrations tests bench instance" .
	$(BIN)/pybabel --quiet update -i app/translations/messages.pot -d app/translations

db: translations
	$(BIN)/flask db upgrade

# The repair also refills a search index that an older Kuulo wrote in another format.
demo: db
	$(BIN)/flask demo
	$(BIN)/flask search verify --repair

run: demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: translations
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench-%: translations
	$(BIN)/python bench/$*.py

clean:
	rm -rf $(VENV) instance .pytest_cache
