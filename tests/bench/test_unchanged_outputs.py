"""The early-cutoff reading: table fingerprints, and a refresh's nodes split by them."""

import duckdb

from bench.unchanged_outputs import compare, fingerprints
from c360.settings import Settings


def _settings(tmp_path, statements: list[str]) -> Settings:
    settings = Settings.from_env({"C360_HOME": str(tmp_path)})
    settings.build_db.parent.mkdir(parents=True, exist_ok=True)
    for path in (settings.build_db, settings.public_db):
        with duckdb.connect(str(path)) as con:
            for statement in statements:
                con.execute(statement)
    return settings


def test_a_fingerprint_ignores_the_rows_order_and_sees_one_value_change(tmp_path) -> None:
    rows = "create table t as select * from (values (1, 'a'), (2, 'b')) v(k, x)"
    first = fingerprints(_settings(tmp_path / "a", [rows]))
    reordered = fingerprints(_settings(tmp_path / "b", [rows + " order by k desc"]))
    edited = fingerprints(_settings(tmp_path / "c", [rows, "update t set x = 'c' where k = 2"]))
    assert first == reordered
    assert first["main.t"][0] == edited["main.t"][0] == 2
    assert first["main.t"] != edited["main.t"]


def test_the_nodes_built_are_split_by_whether_their_table_ended_as_it_was() -> None:
    before = {"staging.stg_a": [2, "1"], "marts.m": [5, "7"], "marts.n": [1, "3"]}
    after = {"staging.stg_a": [2, "9"], "marts.m": [5, "7"], "marts.n": [1, "3"]}
    results = [
        ("model.c360.stg_a", "success", 2.0),
        ("model.c360.m", "success", 3.0),
        ("test.c360.not_null_m_k", "pass", 1.0),
        ("model.c360.n", "error", 4.0),
        ("model.c360.stg_view", "success", 0.5),
    ]
    run_results = {
        "results": [
            {"unique_id": uid, "status": status, "execution_time": seconds}
            for uid, status, seconds in results
        ]
    }
    assert compare(before, after, run_results) == {
        "built": 3,
        "built_node_s": 5.5,
        "unchanged": 1,
        "unchanged_node_s": 3.0,
        "changed": [{"model": "stg_a", "node_s": 2.0}],
        "not_tables": ["stg_view"],
        "tables_changed": ["staging.stg_a"],
    }
