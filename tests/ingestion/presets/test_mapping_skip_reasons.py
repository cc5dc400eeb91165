"""Skip rules of a preset that share one reason: every rule's rows are skipped."""

import polars as pl

from ingestion.contracts import load_contracts
from ingestion.presets import parse_preset
from ingestion.presets.mapping import NATIVE_ID, native_id, run_mapping


def test_rules_with_the_same_reason_in_two_tables_skip_the_rows_of_both() -> None:
    crm = load_contracts()["crm"]
    reason = "past version"
    preset = parse_preset(
        {
            "source": "crm",
            "tables": {
                "a": {"file": "a.csv", "columns": {"Id": {}, "old": {}}},
                "b": {"file": "b.csv", "columns": {"Id": {}, "old": {}}},
            },
            "skip": [
                {"table": "a", "where": "old = 'y'", "reason": reason},
                {"table": "b", "where": "old = 'y'", "reason": reason},
            ],
            "entities": {
                "users": [
                    {"from": "a", "columns": {"user_id": "Id"}},
                    {"from": "b", "columns": {"user_id": "Id"}},
                ]
            },
        },
        crm,
        "test",
    )
    tables = {
        name: pl.DataFrame({"Id": ids, "old": ["y", "n"], "_row_number": [2, 3]}).with_columns(
            native_id(index, pl.col("_row_number"))
        )
        for index, (name, ids) in enumerate({"a": ["a1", "a2"], "b": ["b1", "b2"]}.items())
    }

    result = run_mapping(preset, crm.entities, tables)

    skipped = set(result.skipped[reason][NATIVE_ID].to_list())
    assert skipped == {tables["a"][NATIVE_ID][0], tables["b"][NATIVE_ID][0]}
    users = pl.concat([m.frame for m in result.entities])
    assert sorted(users["user_id"].to_list()) == ["a2", "b2"]
