# The project's commands. `make demo` and `make test` are the README's two set-up commands: both
# work on a fresh machine with only Python 3.11 and pip (uv is bootstrapped through pip).
PYTHON ?= python3
TOOLS := .tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
VENV := .venv
RUN := $(UV) run --frozen --no-sync
# Never download a Python: use the one this machine has.
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)
export C360_HOME ?= $(CURDIR)/data
export DO_NOT_TRACK := 1
# Compile every installed module to bytecode once, at install. Where PYTHONDONTWRITEBYTECODE is
# set (this CI's machines set it), Python otherwise compiles dagster, dbt and pandas from source
# in every process: 9 s more to import the Dagster definitions, 5 s more for each dbt command.
export UV_COMPILE_BYTECODE := 1

.PHONY: help install spark-install spark-parity demo test durations fuzz lint format browser manifest dagster refresh status bench soak clean postgres postgres-stop

help:  ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv>=0.9,<1"

# Once the spark extra is installed, later syncs keep it (a plain sync would remove it).
$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen $(if $(wildcard $(VENV)/.synced-spark),--extra spark)
	@touch $@

$(VENV)/.synced-spark: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --extra spark
	@touch $@ $(VENV)/.synced

install: $(VENV)/.synced  ## Create the environment from the lock file

demo: install  ## Generate the sample company, refresh the warehouse, serve the dashboards on :8501
	$(RUN) c360 demo

refresh: install  ## Ingest new extracts, build, test and publish the warehouse
	$(RUN) c360 refresh

status: install  ## Show the published version, freshness and row counts
	$(RUN) c360 status

# SQLFluff's dbt templater lints a file a process, one per core (`--processes 0`): 114 s on one,
# 59 s on two here.
lint: install  ## ruff and SQLFluff
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	cd dbt && C360_BUILD_DB=$$(mktemp -d)/lint.duckdb ../$(VENV)/bin/sqlfluff lint models --processes 0

format: install  ## Fix what ruff and SQLFluff can fix
	$(RUN) ruff check --fix .
	$(RUN) ruff format .
	cd dbt && C360_BUILD_DB=$$(mktemp -d)/lint.duckdb ../$(VENV)/bin/sqlfluff fix models --processes 0

spark-install: $(VENV)/.synced-spark  ## Add the spark extra (dbt-spark, pyspark ~560 MB; needs Java 17)

spark-parity: spark-install  ## Build the small company on DuckDB and Spark, compare every mart
	SPARK_LOCAL_IP=127.0.0.1 C360_SPARK_DATA_TESTS=all $(RUN) pytest tests/spark -q

# The whole suite includes the Spark build, parity and unit tests (~4-5 minutes), so CI proves
# them on every run. It runs on both cores (pytest-xdist; serially it took 15 min 38 s), a test
# file per worker so module fixtures are built once, longest files first by the seconds in
# tests/durations.json (tests/suite_order.py; `make durations` measures them again). The dbt
# manifest is parsed first: two workers parsing it at once would write the same target folder.
# spark-install comes first so the environment is synced (and compiled) once, not twice.
# `--durations` lists the ten slowest tests of every run, so the suite's time is measured where
# it is spent.
# The linters run beside the tests, at the lowest priority (`nice`): on two busy cores they take
# the moments the test workers leave a core idle (starting, waiting on a subprocess, the last
# file) instead of ~40 s of their own before the tests. Their report follows the tests'; either
# failing fails `make test`.
PYTEST_PARALLEL := pytest -n 2 --dist loadfile --no-loadscope-reorder

test: spark-install install browser manifest  ## Linters and the whole test suite
	@lint_log=$$(mktemp); \
	nice -n 19 $(MAKE) --no-print-directory lint > $$lint_log 2>&1 & lint=$$!; \
	$(RUN) $(PYTEST_PARALLEL) --durations=10; tests=$$?; \
	wait $$lint; linted=$$?; cat $$lint_log; rm -f $$lint_log; \
	if [ $$linted -ne 0 ]; then echo "make lint failed: its report is above"; fi; \
	exit $$(( tests != 0 || linted != 0 ))

durations: spark-install install browser manifest  ## The whole suite, writing each test file's seconds to tests/durations.json
	$(RUN) $(PYTEST_PARALLEL) --durations=10 --record-durations tests/durations.json

manifest: install
	$(RUN) python -c "from c360.settings import Settings; from dagster_project.defs.dbt_assets import project_manifest; project_manifest(Settings.from_env().dbt_project_dir)"

# `make test` runs the fuzz tests with a few dozen examples each; this runs 1,500 per format.
fuzz: install  ## Fuzzed extracts: a long property-based run of ingestion (tests/ingestion/fuzz)
	C360_FUZZ_PROFILE=fuzz $(RUN) pytest tests/ingestion/fuzz -q -p no:randomly

browser:  ## Debian's chromium for the browser tests (installed with apt-get when run as root)
	@if command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get install -y -q chromium >/dev/null 2>&1 || \
		 (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null)) && \
		echo "installed chromium for the browser tests"; \
	else echo "chromium missing and not root: the browser tests will be skipped"; fi

postgres: install  ## Start the local PostgreSQL for analysts' tools (apt-get installs it as root; docs/analysts.md)
	$(RUN) c360 postgres start

postgres-stop: install  ## Stop the local PostgreSQL
	$(RUN) c360 postgres stop

dagster: install  ## Start the Dagster UI on http://localhost:3000
	$(RUN) python -c "from c360.settings import Settings; from dagster_project.run_refresh import prepare_dagster_home; prepare_dagster_home(Settings.from_env())"
	DAGSTER_HOME=$(C360_HOME)/dagster $(RUN) dagster dev -m dagster_project.definitions -h 127.0.0.1 -p 3000

bench: install  ## Every refresh stage with baselines at 10k and 100k customers (docs/benchmarks.md)
	$(RUN) c360 bench --customers 10000 100000

soak: install  ## A month of messy days: 30 damaged daily deliveries, a refresh each (docs/benchmarks.md)
	$(RUN) c360 soak --customers 1000 --days 30

clean:  ## Remove the environment, the data root and dbt's build products
	rm -rf $(VENV) $(TOOLS) dbt/target dbt/logs data
