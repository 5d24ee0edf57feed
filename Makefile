# pinlake: `make demo` runs the whole pipeline locally, `make test` runs the tests.
# Every install step lives here, so a fresh clone needs nothing but Python 3.11+, Java 17 and Maven.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test test-slowest test-fast lint format bench docs browser databases clean

setup: $(STAMP) profiles.yml
	$(BIN)/pinlake setup-jvm

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev,airflow,thrift,postgres,mysql]'
	touch $(STAMP)

# dbt reads profiles.yml from the project folder first; the example works unedited.
# When the example changes, a profiles.yml still as copied follows it; one with edits of
# its own is never overwritten (make says so). The copy it was made from is kept here:
PROFILE_BASE := .cache/profiles.yml.copied
profiles.yml: profiles.yml.example
	@if [ ! -f profiles.yml ] || cmp -s profiles.yml $(PROFILE_BASE); then \
		cp profiles.yml.example profiles.yml && mkdir -p .cache && \
		cp profiles.yml.example $(PROFILE_BASE) && echo "profiles.yml: copied from profiles.yml.example"; \
	else \
		touch profiles.yml; \
		echo "note: profiles.yml.example changed; your profiles.yml has edits of its own and is left as it is (see: diff profiles.yml profiles.yml.example)"; \
	fi

demo: setup
	$(BIN)/pinlake demo

# One pytest process per test folder (each its own Spark JVM), in two lanes side by side;
# tests/run_groups.py says which folders share a lane, and adds the reports up.
# `make test` leaves out the slowest end-to-end tests (marker `slowest`: the streamed day
# against a batch load, the Airflow DAG's day, the streaming job submitted to a
# standalone Spark cluster, the continuous job killed and restarted, incremental dbt
# builds against a full refresh, a plain `dbt build` from a shell, the `thrift` target);
# `make test-slowest` runs them, and CI (.ci/run) runs both.
PYTEST_ARGS ?=

test: setup browser databases
	@rm -rf test-artifacts
	$(BIN)/python tests/run_groups.py test-artifacts -- -m "not slowest" $(PYTEST_ARGS)

test-slowest: setup
	@rm -rf test-artifacts/slowest
	$(BIN)/python tests/run_groups.py test-artifacts/slowest -- -m slowest $(PYTEST_ARGS)

test-fast:
	$(MAKE) test PYTEST_ARGS='-m "not slow"'

# Headless Chromium for the docs-site test (tests/docs), from Debian's `chromium` package.
browser:
	@test -x /usr/bin/chromium || { sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$sudo apt-get update && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y chromium; }

# PostgreSQL and MariaDB servers for the source-database test (tests/ingestion), from
# Debian's packages; the test starts its own throwaway servers on free ports.
databases:
	@{ ls /usr/lib/postgresql/*/bin/initdb && test -x /usr/sbin/mariadbd; } >/dev/null 2>&1 || \
		{ sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); $$sudo apt-get update && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y postgresql mariadb-server-core; }

# dbt docs for the local lakehouse, served on 127.0.0.1 (PINLAKE_DOCS_PORT, default 8080).
docs: setup
	$(BIN)/pinlake docs

# Python (ruff, mypy), SQL (sqlfluff: models and macros) and dbt metadata (dbt-score on the
# manifest `dbt parse` writes, no Spark needed; rules in dbt_score_rules/). mypy checks each
# test folder alone, as pytest imports it: a folder's own conftest.py, if any, is `conftest`,
# otherwise `from conftest import ...` reads tests/conftest.py (hence MYPYPATH).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	for folder in $(sort $(dir $(wildcard tests/*/*.py))); do \
		MYPYPATH=tests $(BIN)/mypy $$folder*.py || exit 1; done
	$(BIN)/sqlfluff lint --processes 0 models macros
	$(BIN)/dbt parse --quiet
	$(BIN)/dbt-score lint --manifest target/manifest.json

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python bench/bench_generate.py
	$(BIN)/python bench/bench_api.py
	$(BIN)/python bench/bench_foundation.py
	$(BIN)/python bench/bench_stream.py
	$(BIN)/python bench/bench_incremental.py

clean:
	rm -rf lakehouse target logs .pytest_cache
