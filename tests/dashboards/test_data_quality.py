"""The data-quality page: on a hand-made warehouse with known defects, and on the integration
company against its quality marts and its landing folder."""

import datetime as dt

import duckdb

from c360.personal_data import create_declarations
from c360.publish import publish
from dashboards.formatting import percent
from tests.conftest import settings_for
from tests.dashboards.app import mart, run_page, tiles

LOAD_LOG = [
    # source, entity, file, extract date, status, read, loaded, quarantined
    ("crm", "accounts", "crm/2026-09-03/accounts.csv", "2026-09-03", "loaded", 10, 10, 0),
    ("erp", "invoices", "erp/2026-09-02/invoices.csv", "2026-09-02", "loaded", 20, 17, 3),
    ("erp", "invoices", "erp/2026-09-02/invoices_again.csv", "2026-09-02", "duplicate", 0, 0, 0),
    ("erp", "payments", "erp/2026-09-01/payments.csv", "2026-09-01", "loaded", 9, 7, 1),
]


def publish_quality(settings) -> None:
    """A build database with the quality marts holding known defects, published."""
    settings.public_db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.public_db))
    con.execute("create schema marts; create schema quality")
    create_declarations(con)
    con.execute("create table marts.dim_customers as select 'K1' as customer_key")
    con.execute(
        "create table quality.load_log (load_id varchar, source_system varchar, entity varchar, "
        "source_file varchar, extract_date date, status varchar, rows_read bigint, "
        "rows_loaded bigint, rows_quarantined bigint, is_reconciled boolean, message varchar, "
        "loaded_at timestamptz)"
    )
    con.executemany(
        "insert into quality.load_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', now())",
        [
            (f"L{i}", s, e, f, d, st, r, ld, q, r == ld + q)
            for i, (s, e, f, d, st, r, ld, q) in enumerate(LOAD_LOG)
        ],
    )
    con.execute(
        "create table quality.quarantine as select * from (values "
        "('L1', 'erp', 'invoices', 'erp/2026-09-02/invoices.csv', date '2026-09-02', 4, 'x;y', "
        "'net_amount: cannot read ''1O0,00'' as decimal'), "
        "('L1', 'erp', 'invoices', 'erp/2026-09-02/invoices.csv', date '2026-09-02', 9, 'x;z', "
        "'net_amount: cannot read ''1O0,00'' as decimal'), "
        "('L1', 'erp', 'invoices', 'erp/2026-09-02/invoices.csv', date '2026-09-02', 12, ';', "
        "'invoice_number: required value missing'), "
        "('L3', 'erp', 'payments', 'erp/2026-09-01/payments.csv', date '2026-09-01', 2, ';', "
        "'amount: required value missing')) as t(load_id, source_system, entity, source_file, "
        "extract_date, source_row_number, raw_line, reason)"
    )
    con.execute(
        "create table quality.sync_errors as select 'invoice_unknown_customer' as error_type, "
        "'erp' as source_system, 'invoices' as entity, 'INV1' as record_id, 'C9 unknown' as detail"
    )
    con.execute(
        "create table quality.identity_match_rates as select * from (values "
        "('erp_customers_matched_to_crm_by_count', 0.9), "
        "('erp_customers_matched_to_crm_by_revenue', 0.875)) as t(metric, metric_value)"
    )
    con.execute(
        "create table quality.identity_review_queue as select 'crm:A1' as record_a, "
        "'erp:C1' as record_b, 0.7 as probability, 'uncertain' as reason"
    )
    con.close()
    publish(settings)


def test_the_page_counts_each_defect_of_a_warehouse_whose_defects_are_known(tmp_path, monkeypatch):
    publish_quality(settings_for(tmp_path, monkeypatch))
    app = run_page("data_quality")
    shown = tiles(app)
    assert shown["Files loaded"] == "3"
    assert shown["Rows quarantined"] == "4"
    assert shown["Files not reconciled"] == "1"  # payments: 9 read, 7 loaded, 1 quarantined
    assert shown["Sync errors"] == "1"
    assert shown["Match rate (revenue)"] == "87.5 %"
    assert shown["Review queue"] == "1"
    # No quality.source_coverage in this warehouse: the page claims nothing about deliveries.
    captions = [caption.value for caption in app.caption]
    assert "This version holds no record of what the sources delivered." in captions
    assert not any("were delivered" in caption for caption in captions)


def test_freshness_gives_each_sources_newest_loaded_extract(tmp_path, monkeypatch):
    publish_quality(settings_for(tmp_path, monkeypatch))
    freshness = run_page("data_quality").dataframe[0].value
    newest = dict(zip(freshness["source"], freshness["newest_extract"], strict=True))
    assert {k: v.date() if hasattr(v, "date") else v for k, v in newest.items()} == {
        "crm": dt.date(2026, 9, 3),
        "erp": dt.date(2026, 9, 2),
    }
    assert freshness["files_loaded"].tolist() == [1, 2]
    assert freshness["duplicates"].tolist() == [0, 1]


def test_quarantined_rows_are_grouped_by_reason_most_frequent_first(tmp_path, monkeypatch):
    publish_quality(settings_for(tmp_path, monkeypatch))
    app = run_page("data_quality")
    reasons = next(f.value for f in app.dataframe if "rows" in f.value.columns)
    assert list(zip(reasons["reason"], reasons["rows"], strict=True)) == [
        ("net_amount: cannot read '1O0,00' as decimal", 2),
        ("invoice_number: required value missing", 1),  # ties: by source, entity
        ("amount: required value missing", 1),
    ]
    unreconciled = next(
        f.value for f in app.dataframe if "is_reconciled" in f.value.columns and len(f.value) == 1
    )
    assert unreconciled["source_file"].tolist() == ["erp/2026-09-01/payments.csv"]


def test_the_integration_companys_quality_equals_its_marts_and_landing_folder(published):
    rates = dict(mart(published, "select * from quality.identity_match_rates").iter_rows())
    version = mart(published, "select version from meta.publication")["version"][0]
    app = run_page("data_quality")
    shown = tiles(app)
    landed = [p for p in published.landing_dir.rglob("*") if p.is_file() and p.name != "_SUCCESS"]
    assert shown["Files loaded"] == f"{len(landed):,}"
    assert shown["Files not reconciled"] == "0"
    assert app.success[0].value == f"All {len(landed):,} files reconcile."
    assert shown["Match rate (revenue)"] == percent(
        rates["erp_customers_matched_to_crm_by_revenue"]
    )
    assert version in app.caption[0].value
    entities = mart(published, "select count(*) as n from quality.source_coverage")["n"][0]
    absent = mart(published, "select count(*) as n from quality.source_coverage where is_absent")
    assert absent["n"][0] == 0  # the integration company delivers every entity
    assert (
        f":material/check_circle: All {entities} entities the marts read were delivered "
        "(Source coverage, below)."
    ) in [caption.value for caption in app.caption]
