# make run | make test | make lint | make worker | make bench  (CONTRACT.md, "Commands")
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test lint worker bench clean plugin translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

# make run PORT=N serves on port N; the printed links (APP_URL, unless set) use it.
PORT ?= 5000
run: $(VENV)/.runtime
	$(FLASK) db upgrade
	$(FLASK) demo seed
	APP_URL="$${APP_URL:-http://127.0.0.1:$(PORT)}" $(FLASK) demo serve --port $(PORT)

test: $(VENV)/.dev
	$(BIN)/pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy integrator connectors
	$(BIN)/lint-imports

# Models and migrations agree: `flask db upgrade` on an empty database, then `flask db check` finds no
# operation to add. The database: FRESH_DATABASE_URL (empty; .ci/run makes one on PostgreSQL) or a
# temporary SQLite file.
.PHONY: migrations-check
migrations-check: $(VENV)/.runtime
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	export DATABASE_URL="$${FRESH_DATABASE_URL:-sqlite:///$$dir/check.db}" && unset REDIS_URL && \
	$(FLASK) db upgrade 2>"$$dir/upgrade.log" || { cat "$$dir/upgrade.log" >&2; exit 1; }; \
	$(FLASK) db check

worker: $(VENV)/.runtime
	@test -n "$(REDIS_URL)" || (echo "make worker needs REDIS_URL" >&2; exit 1)
	$(FLASK) jobs scheduler & $(FLASK) jobs worker

bench: $(VENV)/.dev
	$(BIN)/python -m bench

plugin:
	$(PYTHON) connectors/woocommerce/plugin/build.py dist/setia-loyalty.zip

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Merchant-page texts: extract, merge into the catalogs, compile (the .mo files are committed).
translations: $(VENV)/.dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -o integrator/translations/messages.pot --no-location --omit-header .
	$(BIN)/pybabel update -i integrator/translations/messages.pot -d integrator/translations -l id --no-fuzzy-matching
	$(BIN)/pybabel compile -d integrator/translations
