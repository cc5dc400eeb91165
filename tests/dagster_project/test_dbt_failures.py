"""A failed dbt build's one line: the database's reason for each node, and memory's setting."""

from c360.settings import Settings
from dagster_project.dbt_failures import build_failure, node_reason
from dagster_project.defs.step_failures import DbtBuildError, StepError, is_transient

HEADER = "Runtime Error in model stg_crm__accounts (models/staging/crm/stg_crm__accounts.sql)"
OUT_OF_MEMORY = (
    "Out of Memory Error: failed to allocate data of size 64.0 KiB (1.9 MiB/1.9 MiB used)"
)


def result(unique_id: str, status: str, message: str | None) -> dict:
    return {"unique_id": unique_id, "status": status, "message": message}


def test_the_reason_is_the_line_after_dbt_s_header():
    message = f"{HEADER}\n  {OUT_OF_MEMORY}\n  \n  Possible solutions:\n  * Reducing the threads"
    assert node_reason(message, "error") == OUT_OF_MEMORY


def test_a_message_without_dbt_s_header_is_kept_as_it_is():
    assert node_reason("Got 3 results, configured to fail if != 0", "fail") == (
        "Got 3 results, configured to fail if != 0"
    )
    assert node_reason(HEADER, "error") == HEADER  # nothing after the header: keep it
    assert node_reason(None, "error") == "error"


def test_only_errored_and_failed_nodes_are_named_in_run_order():
    results = [
        result("model.c360.stg_crm__users", "success", None),
        result("model.c360.fct_invoice_lines", "error", "Database Error in model x\n  Binder"),
        result("test.c360.unique_x.abc123", "fail", "Got 2 results"),
        result("test.c360.not_null_y.def456", "warn", "Got 1 result"),
    ]
    assert build_failure(results, Settings.from_env({})) == (
        "dbt build failed: model fct_invoice_lines: Binder; test unique_x: Got 2 results"
    )


def test_past_five_nodes_the_rest_are_counted_and_memory_names_its_settings():
    message = f"{HEADER}\n  {OUT_OF_MEMORY}"
    results = [result(f"model.c360.m{i}", "error", message) for i in range(8)]
    settings = Settings.from_env({"C360_BUILD_MEMORY_LIMIT": "64MB", "C360_BUILD_THREADS": "2"})
    text = build_failure(results, settings)
    assert text.startswith(f"dbt build failed: model m0: {OUT_OF_MEMORY}; model m1: ")
    assert "model m4: " in text and "model m5" not in text
    assert "; and 3 more (dbt's run_results.json). " in text
    assert text.endswith(
        "The build's DuckDB ran out of memory under C360_BUILD_MEMORY_LIMIT=64MB with "
        "C360_BUILD_THREADS=2: raise the limit or lower the threads "
        '(docs/operations.md, "The build\'s memory")'
    )


def test_a_failed_build_is_retried_for_a_lock_only_not_for_its_own_full_disk():
    lock = 'IO Error: Could not set lock on file "build.duckdb": Conflicting lock is held'
    full = 'IO Error: Could not write file "spill/duckdb_temp_1.tmp": No space left on device'
    settings = Settings.from_env({})

    def failure(line: str) -> str:
        return build_failure([result("model.c360.m", "error", f"{HEADER}\n  {line}")], settings)

    assert is_transient(DbtBuildError(failure(lock)))
    assert not is_transient(DbtBuildError(failure(full)))
    assert is_transient(StepError(failure(full)))  # another step's full disk can pass


def test_a_build_that_names_no_failed_node_points_at_the_log():
    assert build_failure([], Settings.from_env({})) == "dbt build failed: see the dbt log"


def test_a_python_model_s_reason_is_the_exception_its_traceback_ends_with():
    message = (
        "Runtime Error in model int_identity_resolution (models/intermediate/identity/x.py)\n"
        "  Python model failed:\n"
        "  Traceback (most recent call last):\n"
        '    File "/tmp/tmp1b_yub2q.py", line 34, in model\n'
        "      result = resolve_staged_records(\n"
        "  ValueError: max() arg is an empty sequence\n  "
    )
    assert node_reason(message, "error") == (
        "Python model failed: ValueError: max() arg is an empty sequence"
    )
    assert node_reason("Traceback (most recent call last):\n  x\nKeyError: 'a'", "error") == (
        "KeyError: 'a'"
    )


def test_with_no_failed_node_dbt_s_own_error_is_the_reason_and_a_lock_is_retried():
    # dagster-dbt's error when dbt could not open the build file (a killed refresh's dbt still
    # held it), as get_error() words it
    error = RuntimeError(
        "The dbt CLI process with command\n\n`dbt build`\n\nfailed with exit code `2`. Check "
        "the stdout in the Dagster compute logs for the full information about the error.\n\n"
        "Errors parsed from dbt logs:\n\nEncountered an error:\nIO Error: Could not set lock "
        'on file "build.duckdb": Conflicting lock is held in python3.11 (PID 3712).'
    )
    text = build_failure([], Settings.from_env({}), error)
    assert text == (
        'dbt build failed: IO Error: Could not set lock on file "build.duckdb": Conflicting '
        "lock is held in python3.11 (PID 3712)."
    )
    assert is_transient(DbtBuildError(text))
    assert build_failure([], Settings.from_env({}), RuntimeError("exit code 2")) == (
        "dbt build failed: see the dbt log"
    )
