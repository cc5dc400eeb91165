"""Identity resolution inside the refresh, on a company with typical defects: clusters against the
generator's ground truth, stable keys from one refresh to the next, stewards' overrides."""

import shutil

import duckdb
import polars as pl
import pytest

from c360.serving import connect_readonly
from dagster_project.run_refresh import run_refresh
from identity.evaluate import pairwise_scores
from tests.conftest import generate_and_refresh, settings_for


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    return generate_and_refresh(
        tmp_path_factory.mktemp("messy"), customers=150, seed=5, defects="typical"
    )


def bridge(settings) -> pl.DataFrame:
    con = connect_readonly(settings)
    try:
        return con.sql("select * from marts.bridge_customer_sources").pl()
    finally:
        con.close()


def test_customers_match_the_true_organisations(messy, monkeypatch):
    settings = settings_for(messy, monkeypatch)
    truth = pl.read_parquet(settings.truth_dir / "organisations.parquet")
    scores = pairwise_scores(bridge(settings), truth)
    assert scores.true_pairs > 0
    assert scores.f1 >= 0.98, scores


def test_every_pair_the_sql_rules_matched_is_one_customer_and_stale_numbers_await_review(
    messy, monkeypatch
):
    settings = settings_for(messy, monkeypatch)
    con = duckdb.connect(str(settings.build_db), read_only=True)
    try:
        split = con.sql(
            "with keys as (select source_system || ':' || source_record_id as record_id,"
            " customer_key from intermediate.int_customer_bridge)"
            " select pairs.match_rule, count(*) as pairs,"
            " count(*) filter (where a.customer_key != b.customer_key) as split"
            " from intermediate.int_identity_rule_pairs as pairs"
            " join keys as a on pairs.record_a = a.record_id"
            " join keys as b on pairs.record_b = b.record_id group by 1 order by 1"
        ).pl()
        stale = con.sql(
            "select record_a, record_b from intermediate.int_identity_erp_number_pairs"
            " where is_stale order by all"
        ).pl()
        queued = con.sql(
            "select record_a, record_b from intermediate.int_identity_review_queue"
            " where reason = 'stale_erp_number' order by all"
        ).pl()
    finally:
        con.close()
    assert set(split["match_rule"]) >= {"erp_number", "vat", "name_country"}
    assert split["split"].sum() == 0, split
    assert stale.height > 0, "seed 5 puts a wrong ERP number in the CRM"
    assert queued.equals(stale)


def test_keys_stay_the_same_on_the_next_refresh(messy, tmp_path, monkeypatch):
    home = tmp_path / "again"
    shutil.copytree(messy, home, symlinks=True)
    settings = settings_for(home, monkeypatch)
    before = bridge(settings).select("source_system", "source_record_id", "customer_key")
    assert run_refresh(settings).success
    after = bridge(settings).select("source_system", "source_record_id", "customer_key")
    assert after.sort(pl.all()).equals(before.sort(pl.all()))


def test_a_stewards_never_same_decision_splits_a_customer_and_survives_refreshes(
    messy, tmp_path, monkeypatch
):
    home = tmp_path / "override"
    shutil.copytree(messy, home, symlinks=True)
    settings = settings_for(home, monkeypatch)
    linked = bridge(settings)
    pair = (
        linked.group_by("customer_key")
        .agg(pl.col("source_system"), pl.col("source_record_id"))
        .filter(pl.col("source_system").list.len() == 2)
        .row(0, named=True)
    )
    a, b = (
        f"{s}:{r}" for s, r in zip(pair["source_system"], pair["source_record_id"], strict=True)
    )
    settings.identity_overrides.parent.mkdir(parents=True, exist_ok=True)
    settings.identity_overrides.write_text(f"record_a,record_b,decision\n{a},{b},never_same\n")
    for _ in range(2):
        assert run_refresh(settings).success
        keys = dict(
            bridge(settings)
            .select(pl.concat_str("source_system", pl.lit(":"), "source_record_id"), "customer_key")
            .iter_rows()
        )
        assert keys[a] != keys[b]


def test_an_organisation_with_two_erp_records_is_one_customer_with_both(messy, monkeypatch):
    settings = settings_for(messy, monkeypatch)
    truth = pl.read_parquet(settings.truth_dir / "organisations.parquet")
    twice = truth.filter(pl.col("erp_customer_numbers").list.len() == 2)
    assert twice.height > 0, "the typical profile opens some customers twice in the ERP"
    con = connect_readonly(settings)
    try:
        customers = con.sql(
            "select c.customer_key, c.erp_customer_number, c.erp_records, b.source_record_id "
            "from marts.dim_customers c join marts.bridge_customer_sources b "
            "using (customer_key) where b.source_system = 'erp'"
        ).pl()
    finally:
        con.close()
    for numbers in twice["erp_customer_numbers"].to_list():
        rows = customers.filter(pl.col("source_record_id").is_in(numbers))
        assert rows["customer_key"].n_unique() == 1
        assert rows["erp_records"].to_list() == [2, 2]
        assert rows["erp_customer_number"][0] in numbers
