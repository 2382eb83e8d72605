# khabar — the only two commands a newcomer needs are `make demo` and `make test`.
# Both create .venv and install the locked dependencies when missing or out of date.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
UV_VERSION := 0.13.8
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_HOME := $(CURDIR)/data/prefect
export KHABAR_DB ?= $(CURDIR)/data/khabar.duckdb
export PREFECT_LOGGING_EXTRA_LOGGERS := khabar
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 180

.PHONY: install demo test test-browser browser lint bench soak serve lock clean pg pg-up pg-down

install: $(STAMP)

# --compile-bytecode: where PYTHONDONTWRITEBYTECODE is set (as on our build machines), every process (each CLI call,
# each test subprocess) would otherwise compile hazm/prefect/sklearn afresh: 7.6 s -> 3.6 s to import the CLI.
$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "khabar needs Python >= 3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q "uv==$(UV_VERSION)"
	$(VENV)/bin/uv pip install -q --compile-bytecode --python $(PY) -r requirements.lock
	$(VENV)/bin/uv pip install -q --python $(PY) --no-deps -e .
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/khabar demo

test: $(STAMP) browser pg
	$(PY) -m pytest -q -n 2 --dist loadfile

# The report's browser test (tests/report/test_browser.py) needs Debian's chromium: installed here when missing and
# we are root with apt (as in CI); otherwise the test skips with the reason, except under CI=true where it fails.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing and this user cannot install it: the browser test will skip"; fi; }

test-browser: $(STAMP) browser
	$(PY) -m pytest -q -s tests/report/test_browser.py

# PostgreSQL for the lake's catalog (issue 21; README «Storage»): Debian's server, installed here when missing and we
# are root with apt (as in CI), like chromium above. `pg-up` initialises a cluster in $(PG_DIR) (once) and starts it on
# 127.0.0.1:$(PG_PORT) with scram-sha-256 and the password in $$KHABAR_LAKE_PASSWORD (never stored in the repository);
# as root the cluster belongs to Debian's `postgres` user, since initdb refuses root. `pg-down` stops it.
PG_DIR  ?= $(CURDIR)/data/pg
PG_PORT ?= 55432
pg:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's postgresql for the lake's catalog"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "PostgreSQL is missing and this user cannot install it: the lake tests will skip"; fi; }

pg-up: $(STAMP) pg
	@test -n "$$KHABAR_LAKE_PASSWORD" || { echo "set KHABAR_LAKE_PASSWORD first (the catalog's password)"; exit 2; }
	$(PY) -m tools.pg up --dir $(PG_DIR) --port $(PG_PORT)

pg-down: $(STAMP)
	$(PY) -m tools.pg down --dir $(PG_DIR)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) tools/typecheck.py  # mypy over khabar/, extractors/, flows/, config/ as installed (see the script)
	$(PY) tools/typecheck.py --tree build/import-tree && cd build/import-tree && $(CURDIR)/$(VENV)/bin/lint-imports --no-cache --config $(CURDIR)/pyproject.toml

# A local Prefect server (UI on http://127.0.0.1:4200) serving the daily, backfill and reprocess deployments.
serve: $(STAMP)
	$(VENV)/bin/khabar serve

bench: $(STAMP)
	$(PY) -m bench

# Randomised crash and fault soak (issue 8): longer than the tests, run on demand.
soak: $(STAMP)
	$(PY) -m bench.soak

# Regenerate the lock after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(VENV)/bin/uv pip compile --python-version 3.11 pyproject.toml --extra dev -o requirements.lock

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache

# Issue 21: the cluster on one machine, on loopback (tools/cluster.py): a Prefect server (a free port in 4310-4330,
# PREFECT_HOME under data/cluster/), the process work pool `khabar`, two `prefect worker start --pool khabar`, the
# prefect.yaml deployments, the simulated web; a 3-day backfill across two shards, the report tables, and everything
# stopped on the way out. The warehouse is data/cluster/khabar.duckdb, or the lake when KHABAR_LAKE is set, or with
# `make cluster-demo LAKE=1` a DuckLake on a PostgreSQL started for the demo (make pg: Debian's postgresql).
.PHONY: cluster-demo test-cluster
cluster-demo: $(STAMP) $(if $(LAKE),pg)
	$(PY) -m tools.cluster demo --dir $(CURDIR)/data/cluster --workers 2 --days 3 --shards 2 $(if $(LAKE),--lake)

# The two-worker run equals the single-machine run; a worker SIGKILLed mid-run leaves whole batches (tests/cluster).
test-cluster: $(STAMP)
	$(PY) -m pytest -q -m cluster -p no:cacheprovider tests/cluster
