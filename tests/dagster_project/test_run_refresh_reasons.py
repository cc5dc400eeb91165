"""The one-line reasons `c360 refresh` and `c360 status` give for a warned or failed check."""

import dagster as dg

from dagster_project.run_outcome import _reason


def evaluation(metadata: dict, description: str | None = None) -> dg.AssetCheckEvaluation:
    return dg.AssetCheckEvaluation(
        asset_key=dg.AssetKey(["marts", "fct_invoice_lines"]),
        check_name="relationships_sku",
        passed=False,
        metadata=metadata,
        description=description,
    )


def test_a_dbt_test_is_reported_by_its_failing_row_count_without_run_bookkeeping():
    meta = {
        "Execution Duration": 0.04,
        "unique_id": "test.c360.relationships_sku",
        "invocation_id": "9ebf269c",
        "status": "warn",
        "dagster_dbt/failed_row_count": 2,
    }
    assert _reason(evaluation(meta)) == "2 failing rows"
    assert _reason(evaluation({**meta, "dagster_dbt/failed_row_count": 1})) == "1 failing row"


def test_a_checks_own_description_wins_over_its_metadata():
    reason = _reason(evaluation({"rows": 3}, description="2 files do not reconcile"))
    assert reason == "2 files do not reconcile"


def test_other_metadata_is_listed_when_there_is_no_description():
    assert _reason(evaluation({"hours_old": 72.5})) == "hours_old=72.5"
