# Thin wrappers; see README.md. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
export BALLARD_ENV ?= development

.PHONY: install run serve-cached test lint bench bench-cold clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	scripts/ensure-graphviz
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app content load
	$(BIN)/flask --app app run --host $(HOST) --port $(PORT)

# Varnish in front of gunicorn on one machine (scripts/serve-cached; VARNISH_PORT, APP_PORT).
serve-cached: $(STAMP)
	scripts/ensure-graphviz
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app content load
	scripts/serve-cached

test: $(STAMP)
	scripts/ensure-chromium
	scripts/ensure-varnish
	scripts/ensure-graphviz
	$(BIN)/flask --app app content lint
	BALLARD_ENV=testing $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check ballard tests app.py migrations/env.py
	$(BIN)/mypy ballard
	$(BIN)/lint-imports --no-logo
	$(BIN)/flask --app app content lint
	$(BIN)/ruff format --check ballard tests app.py migrations/env.py

bench: $(STAMP)
	@command -v wrk >/dev/null || { echo "make bench needs wrk: apt-get install wrk"; exit 2; }
	$(BIN)/python -m tests.bench.run $(BENCH_ARGS)
	$(MAKE) bench-cold

bench-cold: $(STAMP)
	PYTHONPATH=. BALLARD_PAGE_CACHE_MB=0 $(BIN)/python -m tests.bench.cold

clean:
	rm -rf $(VENV) instance .pytest_cache
