import datetime as dt

import polars as pl
import pytest

from ingestion.contracts import load_contracts
from tests.ingestion.generator.conftest import read_file

CONTRACTS = load_contracts()


def _all_bytes(root):
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("defects", ["none", "typical", "heavy"])
def test_same_seed_gives_identical_files(make_company, defects):
    first, second = make_company(defects=defects), make_company(defects=defects)
    assert _all_bytes(first.landing) == _all_bytes(second.landing)
    assert _all_bytes(first.truth) == _all_bytes(second.truth)


def test_another_seed_gives_another_company(make_company):
    first, second = make_company(seed=1), make_company(seed=2)
    path = "erp/2026-09-01/invoices.csv"
    assert (first.landing / path).read_bytes() != (second.landing / path).read_bytes()


def test_one_folder_per_extract_date_from_start(company):
    expected = [dt.date(2026, 9, 1) + dt.timedelta(days=i) for i in range(8)]
    assert company.summary.extract_dates == expected
    for source in ("crm", "erp"):
        names = [p.name for p in company.folders(source)]
        assert names == [d.isoformat() for d in expected]


def test_every_entity_file_is_in_every_folder_with_a_success_marker_and_nothing_else(company):
    for source, contract in CONTRACTS.items():
        expected = {e.file_pattern for e in contract.entities.values()} | {"_SUCCESS"}
        for folder in company.folders(source):
            snapshots = set()
            if source == "erp" and dt.date.fromisoformat(folder.name).weekday() == 0:
                snapshots = {"customers_full.csv", "products_full.csv", "employees_full.csv"}
            assert {p.name for p in folder.iterdir()} == expected | snapshots, folder
            assert (folder / "_SUCCESS").read_bytes() == b""


def test_monday_snapshots_hold_every_master_record_present_that_day(company):
    monday = "2026-09-07"
    for name in ("customers", "products", "employees"):
        contract_entity = CONTRACTS["erp"].entities[name]
        path = company.landing / "erp" / monday / str(contract_entity.snapshot_file)
        snapshot = read_file(path, contract_entity)
        key = contract_entity.key[0]
        latest = company.latest(f"erp.{name}").filter(
            pl.col("extract_date") <= dt.date.fromisoformat(monday)
        )
        assert sorted(snapshot[key]) == sorted(latest[key]), name
        assert snapshot.columns == contract_entity.column_names
        assert snapshot.sort(key).equals(latest.select(contract_entity.column_names).sort(key)), (
            name
        )


def test_a_day_without_changes_still_gets_a_header_only_file(company):
    products = (company.landing / "erp/2026-09-03/products.csv").read_bytes().decode("cp1252")
    assert products == "sku;name;category;product_line;kind;list_price;currency;is_active\n"
    users = company.landing / "crm/2026-09-03/users.csv"
    assert users.read_text(encoding="utf-8") == "user_id,name,role,team,region,is_active\n"
    assert (company.landing / "crm/2026-09-03/activities.jsonl").exists()


def test_summary_counts_the_files_and_rows_written(company):
    summary = company.summary
    assert summary.files_written == 8 * (8 + 13) + 3  # and one Monday's 3 snapshots
    for name, rows in summary.rows_by_entity.items():
        assert company.rows(name).height == rows, name
    assert set(summary.rows_by_entity) == {
        f"{s}.{e}" for s, c in CONTRACTS.items() for e in c.entities
    }
