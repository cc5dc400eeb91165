"""dbt's compiled SQL rerun directly: dependency order, what is left out, a real DuckDB run."""

import json

import duckdb
import pytest

from bench.direct import direct_statements, excluded_seconds, run_direct


def _node(kind, sql, deps=(), materialized="table", language="sql", relation=None):
    return {
        "resource_type": kind,
        "compiled_code": sql,
        "depends_on": {"nodes": list(deps)},
        "config": {"materialized": materialized},
        "language": language,
        "relation_name": relation,
    }


MANIFEST = {
    "nodes": {
        # listed children first: the order must come from the dependencies
        "test.p.not_null_b": _node("test", "select * from main.b where x is null", ["model.p.b"]),
        "model.p.b": _node(
            "model", "select x * 2 as x from main.a;", ["model.p.a"], relation="main.b"
        ),
        "model.p.a": _node(
            "model", "select 1 as x union all select 2", materialized="view", relation="main.a"
        ),
        "model.p.eph": _node("model", "select 1", materialized="ephemeral"),
        "model.p.py": _node(
            "model", "def model(dbt, s): ...", language="python", relation="main.py"
        ),
        "seed.p.s": _node("seed", "", relation="main.s"),
    }
}


def test_statements_follow_the_dag_and_leave_out_python_ephemeral_and_seeds():
    statements = direct_statements(MANIFEST)
    assert [uid for uid, _ in statements] == ["model.p.a", "model.p.b", "test.p.not_null_b"]
    assert statements[0][1] == "create or replace view main.a as select 1 as x union all select 2"
    assert statements[1][1] == "create or replace table main.b as select x * 2 as x from main.a"


def test_excluded_seconds_are_dbts_time_on_python_models_and_seeds():
    run_results = {
        "results": [
            {"unique_id": "model.p.py", "execution_time": 12.5},
            {"unique_id": "seed.p.s", "execution_time": 0.5},
            {"unique_id": "model.p.b", "execution_time": 3.0},
        ]
    }
    assert excluded_seconds(run_results, MANIFEST) == 13.0


def test_run_direct_executes_on_copies_and_leaves_the_built_databases_untouched(tmp_path):
    built = tmp_path / "warehouse" / "build.duckdb"
    built.parent.mkdir()
    with duckdb.connect(str(built)) as con:
        con.execute("create table main.b as select 0 as x")
        con.execute(f"attach '{built.with_name('public.duckdb')}' as public_marts")
        con.execute("create table public_marts.main.c as select 0 as x")
    # A public model, built into the public file as the dbt profile attaches it.
    public = _node("model", "select x from main.b", ["model.p.b"], relation="public_marts.main.c")
    manifest = tmp_path / "target" / "manifest.json"
    manifest.parent.mkdir()
    manifest.write_text(json.dumps({"nodes": MANIFEST["nodes"] | {"model.p.c": public}}))

    result = run_direct(manifest, built)

    assert result["statements"] == 4
    with duckdb.connect(str(built), read_only=True) as con:
        con.execute(f"attach '{built.with_name('public.duckdb')}' as public_marts (read_only)")
        assert con.execute(
            "select x from main.b union all select x from public_marts.main.c"
        ).fetchall() == [
            (0,),
            (0,),
        ]
    assert not list((tmp_path / "target" / "direct").iterdir())


def test_run_direct_really_runs_the_sql_a_broken_model_fails(tmp_path):
    built = tmp_path / "build.duckdb"
    duckdb.connect(str(built)).close()
    duckdb.connect(str(tmp_path / "public.duckdb")).close()
    manifest = tmp_path / "target" / "manifest.json"
    manifest.parent.mkdir()
    broken = {"model.p.x": _node("model", "select * from main.missing", relation="main.x")}
    manifest.write_text(json.dumps({"nodes": broken}))

    with pytest.raises(duckdb.CatalogException, match="missing"):
        run_direct(manifest, built)


def test_the_harness_runs_it_in_the_data_root_whose_raw_folder_the_sources_name(tmp_path):
    """The compiled sources read `raw/...` relative to the data root (DuckDB's file_search_path)."""
    from bench.harness import direct_sql_baseline

    home = tmp_path / "stages"
    rates = home / "raw" / "erp" / "fx_rates"
    rates.mkdir(parents=True)
    (home / "warehouse").mkdir()
    with duckdb.connect(str(home / "warehouse" / "build.duckdb")) as con:
        con.execute(f"copy (select 'USD' as currency) to '{rates / 'a.parquet'}'")
    duckdb.connect(str(home / "warehouse" / "public.duckdb")).close()
    target = home / "dbt-target"
    target.mkdir()
    source = "select * from read_parquet('raw/erp/fx_rates/*.parquet')"
    nodes = {"model.p.rates": _node("model", source, relation="main.rates")}
    (target / "manifest.json").write_text(json.dumps({"nodes": nodes}))
    results = [{"unique_id": "model.p.rates", "execution_time": 0.1}]
    (target / "run_results.json").write_text(json.dumps({"results": results}))

    measured = direct_sql_baseline(home, target)

    assert (measured["statements"], measured["excluded_s"]) == (1, 0.0)
