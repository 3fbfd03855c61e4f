# The README's two commands: `make run` and `make test`. Each makes the virtual environment it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard app/translations/*/LC_MESSAGES/messages.po))
HOST ?= 127.0.0.1
PORT ?= 5000
# Links in mail point where `make run` serves (`make run PORT=5101`), unless BASE_URL is given
# (environment or `make run BASE_URL=…`; a BASE_URL in .env is overridden by this one).
BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test test-sqlite coverage install translations extract-messages update-messages lock lint bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP) translations

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

translations: $(CATALOGUES)

## make run: the app on SQLite with demo data at http://127.0.0.1:5000 (mail is printed to this terminal)
run: export BASE_URL := $(BASE_URL)
run: install
	mkdir -p instance/uploads  # the default UPLOAD_FOLDER: /readyz checks it exists and is writable
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) worker --interval 3 & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

## make test: the whole suite, on SQLite and (when reachable) PostgreSQL, with browser tests, on every core
## (pytest-xdist; the browser tests stay together on one worker). PYTEST_ARGS="-n0" runs it in one process.
PARALLEL ?= -n auto --dist loadgroup
test: install
	$(BIN)/python -m pytest $(PARALLEL) $(PYTEST_ARGS)

## make test-sqlite: only the SQLite half (and the tests without a database), for the inner loop
test-sqlite: install
	TEST_BACKENDS=sqlite $(BIN)/python -m pytest $(PARALLEL) $(PYTEST_ARGS)

## make coverage: the whole suite, then line and branch coverage of app/ (modules not fully covered, least first;
## every line in htmlcov/index.html)
coverage: install
	$(BIN)/python -m pytest $(PARALLEL) --cov --cov-report=term:skip-covered --cov-report=html $(PYTEST_ARGS)

## make lint: what CI checks before the tests (ruff's rules, and the code formatted as `ruff format .` leaves it)
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Translations: after changing user-facing text, extract and update, translate in the .po, commit.
extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --ignore-dirs='.* .venv' -k _l -k lazy_gettext -k _lp:1c,2 -k lazy_pgettext:1c,2 --no-location --sort-output -o app/translations/messages.pot .

update-messages: extract-messages
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --ignore-obsolete

## Re-pin every dependency after editing requirements*.in.
lock:
	rm -rf /tmp/kopiena-lock && $(PYTHON) -m venv /tmp/kopiena-lock
	/tmp/kopiena-lock/bin/pip install --quiet -r requirements.in
	(echo "# Generated from requirements.in with 'make lock'; do not edit by hand."; /tmp/kopiena-lock/bin/pip freeze) > requirements.txt
	/tmp/kopiena-lock/bin/pip install --quiet -r requirements-dev.in
	(echo "# Generated from requirements-dev.in with 'make lock'; do not edit by hand."; echo "-r requirements.txt"; \
	 /tmp/kopiena-lock/bin/pip freeze | grep -vxF -f requirements.txt) > requirements-dev.txt

## make bench: 100,000 made-up ideas on SQLite behind gunicorn; prints throughput, latency and search ratios (~2 min)
bench: install
	benchmarks/run.sh

clean:
	rm -rf $(VENV) instance/*.db .pytest_cache .coverage htmlcov
