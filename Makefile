# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
QM := $(BIN)/qm
export GX_ANALYTICS_ENABLED := false
export DAGSTER_HOME ?= $(CURDIR)/data/dagster_home
export DO_NOT_TRACK := 1

.PHONY: install demo test lint e2e-deps docs bench clean

$(STAMP): pyproject.toml setup.py constraints.txt vendor/data_docs/package-lock.json
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,spark]"
	@# Data Docs' scripts, styles and fonts, so they render offline (skipped without npm).
	@if command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund --prefix vendor/data_docs; \
	  else echo "npm not found: Great Expectations Data Docs will load their assets from CDNs"; fi
	touch $(STAMP)

install: $(STAMP)

data/landing/.generated: $(STAMP)
	$(QM) generate --out data/landing
	touch $@

demo: install data/landing/.generated
	$(QM) run
	$(QM) dashboard

## Debian chromium for the browser end-to-end tests (CI runs as root).
e2e-deps:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

lint: install
	$(BIN)/ruff check orchestration dashboards tests benchmarks
	$(BIN)/ruff format --check orchestration dashboards tests benchmarks

## The suite in parallel processes (pytest-xdist), each test module whole in one of them.
TEST_WORKERS ?= 2
test: install e2e-deps lint
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadscope

docs: install
	$(QM) docs

bench: install
	$(BIN)/python benchmarks/run_all.py $(BENCH_ARGS)

clean:
	rm -rf data/warehouse data/validation data/dagster_home data/dbt data/logs build dbt_project/target dbt_project/logs
