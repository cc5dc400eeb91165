"""Defect profiles: what each injects, where the ground truth says it is, and nothing more."""

import datetime as dt
import json
import math
from dataclasses import fields

import polars as pl
import pytest

from ingestion.generator import generate_company
from ingestion.generator.defect_profiles import PROFILES
from ingestion.generator.row_defects import MALFORMED_TARGETS
from ingestion.generator.truth_accumulator import SALES_AND_MARKETING_ACCOUNTS
from tests.ingestion.generator.conftest import START, Company
from tests.ingestion.generator.contract_check import bad_lines, entity_of

QUARANTINED = "quarantined"


def _make(root, **arguments) -> Company:
    summary = generate_company(root / "landing", root / "truth", **arguments)
    return Company(summary=summary, landing=root / "landing", truth=root / "truth")


@pytest.fixture(scope="module")
def heavy(tmp_path_factory) -> Company:
    """A heavy-defect company big enough for every kind of defect to show up."""
    root = tmp_path_factory.mktemp("heavy")
    return _make(
        root, customers=400, seed=5, start=START, days=10, history_months=12, defects="heavy"
    )


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Company:
    root = tmp_path_factory.mktemp("clean")
    return _make(
        root, customers=150, seed=5, start=START, days=10, history_months=12, defects="none"
    )


def _defects(company: Company) -> pl.DataFrame:
    return pl.read_parquet(company.truth / "defects.parquet")


def _data_files(company: Company):
    for path in sorted(company.landing.rglob("*")):
        if path.is_file() and path.name != "_SUCCESS" and path.suffix != ".parquet":
            yield path


def _unparseable(company: Company) -> set[tuple[str, int]]:
    found = set()
    for path in _data_files(company):
        entity = entity_of(path.parts[-3], path.name.replace("_resent", ""))
        assert entity is not None, path
        relative = path.relative_to(company.landing).as_posix()
        found |= {(relative, line) for line in bad_lines(path, entity)}
    return found


def test_profiles_get_messier_from_none_to_typical_to_heavy():
    for field in fields(PROFILES["none"]):
        if field.name in ("name", "duplicate_account_merged", "malformed_corrected"):
            continue
        none, typical, heavy = (getattr(PROFILES[p], field.name) for p in PROFILES)
        assert none == 0 < typical <= heavy, field.name
    assert PROFILES["none"].is_clean
    assert not PROFILES["typical"].is_clean


def test_an_unknown_profile_is_refused(tmp_path):
    with pytest.raises(ValueError, match="defects must be one of"):
        generate_company(tmp_path / "landing", tmp_path / "truth", customers=5, defects="some")


def test_clean_profile_injects_no_defect_and_every_row_parses(clean):
    assert _defects(clean).height == 0
    manifest = json.loads((clean.truth / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["defects"] == {"profile": "none", "counts": {}}
    files = list(_data_files(clean))
    assert not [p for p in files if "_resent" in p.name]
    assert not [p for p in files if p.suffix == ".csv" and p.stat().st_size == 0]
    assert all(p.read_bytes().endswith(b"\n") for p in files if p.stat().st_size)
    assert _unparseable(clean) == set()


def test_every_quarantined_defect_is_an_unparseable_line_and_nothing_else_is(heavy):
    defects = _defects(heavy)
    expected = {
        (r["file"], r["row_number"])
        for r in defects.filter(pl.col("expected_outcome") == QUARANTINED).iter_rows(named=True)
    }
    assert {"bad_date", "bad_number", "missing_key", "negative_quantity", "truncated_line"} <= set(
        defects["defect"]
    )
    assert _unparseable(heavy) == expected


def test_every_defect_row_number_points_at_its_record(heavy):
    rows = _defects(heavy).filter(pl.col("row_number").is_not_null())
    assert rows.height > 100
    lines: dict[str, list[str]] = {}
    for row in rows.iter_rows(named=True):
        entity = entity_of(row["source"], row["file"].split("/")[-1])
        if row["file"] not in lines:
            text = (heavy.landing / row["file"]).read_bytes().decode(entity.format.encoding)
            lines[row["file"]] = text.split("\n")
        line = lines[row["file"]][row["row_number"] - 1]
        keys = row["record_key"].split("|")
        if row["defect"] == "missing_key":
            assert any(k in line for k in keys) or not line.startswith(keys[0]), row
        elif row["defect"] == "truncated_line":
            assert line and row["row_number"] == len(lines[row["file"]]), row
        else:
            assert all(k in line for k in keys), (row, line)


def test_malformed_rows_are_lost_unless_resent_clean_the_next_day(heavy):
    malformed = _defects(heavy).filter(
        pl.col("defect").is_in(["bad_date", "bad_number", "missing_key", "negative_quantity"])
    )
    for name in MALFORMED_TARGETS:
        entity_name = name.split(".")[1]
        mine = malformed.filter(pl.col("entity") == entity_name)
        rows = heavy.rows(name)
        key = [c for c in rows.columns if c in ("payment_id", "timesheet_id", "activity_id")]
        if not key or mine.height == 0:
            continue
        clean = rows.filter(pl.col(key[0]).is_not_null() & (pl.col(key[0]) != ""))
        for defect in mine.iter_rows(named=True):
            twins = clean.filter(pl.col(key[0]) == defect["record_key"])
            corrected = defect["detail"].endswith("re-sent clean in the next extract")
            if defect["defect"] == "missing_key":
                assert twins.height == (1 if corrected else 0), defect
            else:
                assert twins.height == (2 if corrected else 1), defect


def test_file_level_defects_are_where_the_truth_says(heavy):
    defects = _defects(heavy)
    for row in defects.filter(pl.col("defect") == "duplicate_file").iter_rows(named=True):
        original = row["detail"].removeprefix("same bytes as ")
        resent = heavy.landing / row["file"]
        assert resent.read_bytes() == (heavy.landing / original).read_bytes()
        assert resent.parent.name > original.split("/")[1]
    for row in defects.filter(pl.col("defect") == "empty_file").iter_rows(named=True):
        assert (heavy.landing / row["file"]).stat().st_size == 0
    for row in defects.filter(pl.col("defect") == "truncated_line").iter_rows(named=True):
        assert not (heavy.landing / row["file"]).read_bytes().endswith(b"\n")
    for row in defects.filter(pl.col("defect") == "added_column").iter_rows(named=True):
        header = (heavy.landing / row["file"]).read_text(encoding="utf-8").split("\n")[0]
        assert header.split(",")[-1] == row["detail"].split()[1]
    for row in defects.filter(pl.col("defect") == "renamed_column").iter_rows(named=True):
        header = (heavy.landing / row["file"]).read_bytes().decode("cp1252").split("\n")[0]
        _, old, _, new, *_ = row["detail"].split()
        assert new in header.split(";") and old not in header.split(";")


def _within(observed: int, rate: float, trials: int) -> bool:
    """Within four standard deviations of a binomial count, plus one for tiny samples."""
    expected = rate * trials
    return abs(observed - expected) <= 4 * math.sqrt(expected * (1 - rate)) + 1


def test_defect_rates_are_within_tolerance_of_the_profile(heavy):
    profile = PROFILES["heavy"]
    counts = json.loads((heavy.truth / "manifest.json").read_text("utf-8"))["defects"]["counts"]
    rows = heavy.summary.rows_by_entity
    malformed = sum(counts.get(c, 0) for c in ("bad_date", "bad_number", "missing_key"))
    malformed += counts.get("negative_quantity", 0)
    assert _within(malformed, profile.malformed_row, sum(rows[n] for n in MALFORMED_TARGETS))
    truth = pl.read_parquet(heavy.truth / "organisations.parquet")
    customers = truth.filter(pl.col("is_customer")).height
    assert _within(counts["name_variant"], profile.name_variant, customers)
    assert _within(counts["erp_number_missing"], profile.erp_number_missing, customers)
    # duplicates opened in the last weeks of the history fall after the last extract: a few less
    assert 0.5 <= counts["duplicate_account"] / (profile.duplicate_account * truth.height) <= 1.2
    assert 0.5 <= counts["duplicate_customer"] / (profile.duplicate_customer * customers) <= 1.2
    assert counts["duplicate_file"] == profile.resent_files
    assert counts["empty_file"] == profile.empty_files
    assert counts["truncated_line"] == profile.truncated_files
    assert counts["renamed_column"] == profile.renamed_column_files
    added = _defects(heavy).filter(pl.col("defect") == "added_column")
    assert added["entity"].n_unique() == profile.added_column_files
    assert {"cancelled_invoice", "repeated_row", "unknown_sku", "unknown_customer"} <= set(counts)


def test_every_account_and_customer_maps_to_exactly_one_organisation(heavy):
    truth = pl.read_parquet(heavy.truth / "organisations.parquet")
    accounts = truth.explode("crm_account_ids")["crm_account_ids"].drop_nulls()
    numbers = truth.explode("erp_customer_numbers")["erp_customer_numbers"].drop_nulls()
    assert accounts.is_unique().all() and numbers.is_unique().all()
    assert set(accounts) == set(heavy.rows("crm.accounts")["account_id"])
    assert set(numbers) == set(heavy.rows("erp.customers")["customer_number"])
    assert truth.filter(pl.col("crm_account_ids").list.len() > 1).height > 0
    assert truth.filter(pl.col("erp_customer_numbers").list.len() > 1).height > 0


def test_a_second_erp_customer_record_gets_invoices_of_its_own(heavy):
    truth = pl.read_parquet(heavy.truth / "organisations.parquet")
    seconds = truth.filter(pl.col("erp_customer_numbers").list.len() > 1)
    invoiced = set(heavy.rows("erp.invoices")["customer_number"])
    second_numbers = seconds["erp_customer_numbers"].list.get(1)
    assert any(n in invoiced for n in second_numbers)


@pytest.mark.parametrize("profile", ["clean", "heavy"])
def test_a_deleted_crm_record_is_sent_once_deleted_and_never_again(request, profile):
    company: Company = request.getfixturevalue(profile)
    deleted_entities = set()
    for name, key in (
        ("crm.accounts", "account_id"),
        ("crm.contacts", "contact_id"),
        ("crm.opportunities", "opportunity_id"),
    ):
        rows = company.rows(name)
        deleted = rows.filter(pl.col("is_deleted") == "true")
        if deleted.height:
            deleted_entities.add(name)
        assert deleted[key].is_unique().all(), name
        after = rows.join(deleted.select(key, deleted_on=pl.col("extract_date")), on=key).filter(
            pl.col("extract_date") > pl.col("deleted_on")
        )
        assert after.height == 0, name
    assert {"crm.contacts", "crm.opportunities"} <= deleted_entities
    if profile == "heavy":
        assert "crm.accounts" in deleted_entities  # duplicates merged into their first account


def test_monthly_truth_counts_each_organisation_once_and_the_ledger_spend(heavy):
    monthly = pl.read_parquet(heavy.truth / "monthly_truth.parquet")
    months = monthly["month"].to_list()
    assert months[0] == dt.date(2025, 9, 1) and months[-1] == dt.date(2026, 9, 1)
    organisations = heavy.rows("erp.invoices").height and pl.read_parquet(
        heavy.truth / "customer_months.parquet"
    )
    assert monthly["new_customers"].sum() == organisations["org_id"].n_unique()
    ledger = heavy.latest("erp.gl_entries").filter(
        pl.col("account_code").is_in(SALES_AND_MARKETING_ACCOUNTS)
    )
    spend = ledger["amount"].cast(pl.Decimal(18, 2)).sum()
    assert monthly["sales_marketing_spend_eur"].sum() == spend


def test_records_of_consecutive_empty_files_move_to_the_next_file_that_is_not_empty(tmp_path):
    # seed 42 with 7 days and heavy defects plans timesheets empty on two days in a row
    summary = generate_company(
        tmp_path / "landing", tmp_path / "truth", customers=150, seed=42, days=7, defects="heavy"
    )
    defects = pl.read_parquet(tmp_path / "truth" / "defects.parquet")
    empty = defects.filter(pl.col("defect") == "empty_file")["file"].to_list()
    assert len(empty) == summary.defect_counts["empty_file"] > 1
    assert all((tmp_path / "landing" / f).stat().st_size == 0 for f in empty)
