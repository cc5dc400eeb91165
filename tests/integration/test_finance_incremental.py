"""The incremental build after one more day of extracts equals a full rebuild.

A copy of the shared clean company (already refreshed with four days) receives a fifth ERP
extract written by hand, so that it holds the late corrections the incremental build must
handle: a new invoice, a partial payment, an invoice paid more than two years before re-sent
cancelled, a timesheet booked late on a month already billed, and an invoice and a standard
cost in a currency nobody quotes; a fifth CRM extract that
deletes an opportunity, corrects an activity and moves another to another customer's account;
and a steward's decision that merges two customers. Customers the day
does not touch still age by a day. After the normal refresh, the incremental staging tables
and the marts must equal those of `dbt run --full-refresh`. The warehouse also holds what an
upgrade leaves: tables of models that no longer exist, which that refresh drops.
"""

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from c360.build_files import connect_build
from c360.settings import Settings
from dagster_project.run_refresh import run_refresh
from tests.conftest import dbt_full_refresh, settings_for

STAGING = tuple(
    f"staging.stg_{entity}"
    for entity in (
        "crm__accounts",
        "crm__activities",
        "crm__campaigns",
        "crm__cases",
        "crm__contacts",
        "crm__leads",
        "crm__opportunities",
        "crm__users",
        "erp__fx_rates",
        "erp__gl_entries",
        "erp__invoice_lines",
        "erp__invoices",
        "erp__payments",
        "erp__product_costs",
        "erp__projects",
        "erp__sales_order_lines",
        "erp__sales_orders",
        "erp__timesheets",
    )
)
"""Every staging model built incrementally (the snapshot entities stay views)."""
COMPARED = (
    *STAGING,
    "marts.fct_invoice_lines",
    "marts.fct_receivables",
    "marts.rpt_receivables_monthly",
    "marts.rpt_kpi_monthly",
    "marts.rpt_customer_profitability",
    "marts.rpt_customer_profitability_lifetime",
    "marts.rpt_cost_to_serve",
    "marts.rpt_cost_drivers",
    "marts.rpt_margin_monthly",
    "marts.rpt_project_economics",
    "marts.rpt_utilisation_monthly",
    "marts.rpt_pipeline",
    "marts.rpt_pipeline_outcomes",
    "marts.fct_customer_activity_timeline",
    "marts.rpt_arr_monthly",
    "marts.rpt_arr_bridge",
    "intermediate.int_customer_bridge",
    "marts.dim_customers",
)
NEW_DAY = "2026-09-05"
NO_RATE = "INV9999002"
"""The fifth day's invoice in a currency nobody quotes (AED)."""
DAYS_BEFORE_NEW_DAY = "date '2026-09-05' - invoice_date"


def fetch(settings: Settings, sql: str) -> list[tuple]:
    con = connect_build(settings)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def snapshot(settings: Settings) -> dict[str, list[tuple]]:
    return {table: fetch(settings, f"select * from {table} order by all") for table in COMPARED}


def write_extract(folder: Path, entity: str, header: str, rows: list[str]) -> None:
    """An ERP delta file in the ERP's format (semicolons, Windows-1252, decimal comma)."""
    text = "\n".join([header, *rows]) + "\n"
    (folder / f"{entity}.csv").write_bytes(text.encode("cp1252"))


def delete_an_opportunity(settings: Settings) -> str:
    """A fifth CRM extract that re-sends the first opportunity flagged deleted; returns its id."""
    first_day = sorted((settings.landing_dir / "crm").iterdir())[0]
    header, first, *_ = (first_day / "opportunities.csv").read_text().splitlines()
    fields = first.split(",")
    fields[-2:] = ["2026-09-05T09:00:00Z", "true"]  # last_modified_at, is_deleted
    folder = settings.landing_dir / "crm" / NEW_DAY
    folder.mkdir(parents=True)
    (folder / "opportunities.csv").write_text("\n".join([header, ",".join(fields)]) + "\n")
    (folder / "_SUCCESS").touch()
    return fields[0]


def correct_two_activities(settings: Settings) -> dict[str, str]:
    """The fifth CRM extract also re-sends two activities: one with its subject corrected, one
    moved to an account of another customer. Returns their ids and the account moved to."""
    first_day = sorted((settings.landing_dir / "crm").iterdir())[0]
    corrected, moved, *_ = (
        json.loads(line) for line in (first_day / "activities.jsonl").read_text().splitlines()
    )
    [(account,)] = fetch(
        settings,
        "select min(source_record_id) from intermediate.int_customer_bridge "
        "where source_system = 'crm' and customer_key <> (select customer_key "
        "from intermediate.int_customer_bridge where source_system = 'crm' "
        f"and source_record_id = '{moved['account_id']}')",
    )
    corrected["subject"] = "Sent proposal (corrected)"
    moved["account_id"] = account
    lines = [json.dumps(record) + "\n" for record in (corrected, moved)]
    (settings.landing_dir / "crm" / NEW_DAY / "activities.jsonl").write_text("".join(lines))
    return {
        "corrected_activity": corrected["activity_id"],
        "moved_activity": moved["activity_id"],
        "moved_to": account,
    }


def merge_two_customers(settings: Settings) -> dict[str, str]:
    """A steward's `same` decision joining the ERP records of two customers: record -> old key."""
    [(key_a, record_a), (key_b, record_b)] = fetch(
        settings,
        "select customer_key, min(source_record_id) from intermediate.int_customer_bridge "
        "where source_system = 'erp' group by customer_key order by customer_key limit 2",
    )
    settings.identity_overrides.parent.mkdir(parents=True, exist_ok=True)
    settings.identity_overrides.write_text(
        f"record_a,record_b,decision\nerp:{record_a},erp:{record_b},same\n"
    )
    return {record_a: key_a, record_b: key_b}


RETIRED = (
    "build.intermediate.int_invoice_fingerprints",
    "public_marts.marts.rpt_retired",
    "build.main.int_clv_fits__dbt_tmp20261101060000123456",
)
"""Tables no model builds any more, as an upgrade that removed their models leaves them, and
the new rows of an incremental Python model as dbt-duckdb leaves them in the default schema."""
NOT_DBTS = ("build.main.analyst_scratch", "public_marts.main.analyst_scratch")
"""Tables in schemas no model builds into: not the build's to drop."""


def plant_leftovers(settings: Settings) -> None:
    """Write the `RETIRED` and `NOT_DBTS` tables into the build and public files."""
    con = connect_build(settings, read_only=False)
    try:
        for table in (*RETIRED, *NOT_DBTS):
            con.execute(f"create table {table} as select 1 as stale")
    finally:
        con.close()


def write_fifth_day(settings: Settings) -> dict[str, str]:
    """The hand-made fifth ERP extract; returns the documents it touches."""
    [(cancelled, cancelled_customer, order, issued, due, currency)] = fetch(
        settings,
        "select invoice_number, customer_number, order_number, strftime(invoice_date, "
        "'%d/%m/%Y'), strftime(due_date, '%d/%m/%Y'), currency from staging.stg_erp__invoices "
        "where status = 'paid' and kind = 'invoice' and order_number is not null "
        "order by invoice_date limit 1",
    )
    [(recosted, project, employee, late_day)] = fetch(
        settings,
        """
        select lines.invoice_number, lines.project_id, timesheets.employee_id,
            strftime(lines.invoice_month - interval 1 month + interval 14 day, '%d/%m/%Y')
        from marts.fct_invoice_lines as lines
        inner join staging.stg_erp__timesheets as timesheets
            on lines.project_id = timesheets.project_id
        where lines.invoice_kind = 'invoice'
        order by lines.invoice_date desc, timesheets.timesheet_id
        limit 1
        """,
    )
    [(part_paid, part_customer, part_currency)] = fetch(
        settings,
        "select invoice_number, erp_customer_number, document_currency from marts.fct_receivables "
        "where open_amount_document > 10 order by invoice_number limit 1",
    )
    [(sku,)] = fetch(
        settings, "select sku from staging.stg_erp__products where kind = 'goods' limit 1"
    )
    [(subscription,)] = fetch(
        settings,
        "select sku from staging.stg_erp__products where kind = 'subscription' "
        "order by sku limit 1",
    )
    folder = settings.landing_dir / "erp" / NEW_DAY
    folder.mkdir(parents=True)
    write_extract(
        folder,
        "invoices",
        "invoice_number;customer_number;order_number;kind;invoice_date;due_date;currency;status",
        [
            f"{cancelled};{cancelled_customer};{order};invoice;{issued};{due};{currency};cancelled",
            f"INV9999001;{part_customer};;invoice;05/09/2026;05/10/2026;{part_currency};open",
            # A currency neither the ERP's fx_rates nor the ECB quote: left out, and said.
            f"{NO_RATE};{part_customer};;invoice;05/09/2026;05/10/2026;AED;open",
        ],
    )
    write_extract(
        folder,
        "invoice_lines",
        "invoice_number;line_number;sku;project_id;quantity;unit_price;net_amount;tax_amount",
        [
            f"INV9999001;1;{sku};;3,0000;100,0000;300,00;60,00",
            # A new subscription line moves the customer's ARR (rpt_arr_monthly, the bridge).
            f"INV9999001;2;{subscription};;2,0000;600,0000;1200,00;240,00",
            f"{NO_RATE};1;{sku};;1,0000;5000,0000;5000,00;0,00",
        ],
    )
    write_extract(
        folder,
        "payments",
        "payment_id;customer_number;invoice_number;payment_date;amount;currency;method",
        [f"PAY99999001;{part_customer};{part_paid};05/09/2026;10,00;{part_currency};transfer"],
    )
    # A standard cost in that currency, from the next day (so it costs no line yet).
    write_extract(
        folder,
        "product_costs",
        "sku;valid_from;standard_unit_cost;currency",
        [f"{sku};06/09/2026;12,5000;AED"],
    )
    write_extract(
        folder,
        "timesheets",
        "timesheet_id;employee_id;project_id;work_date;hours;is_billable",
        [f"TS999999001;{employee};{project};{late_day};6,00;1"],
    )
    (folder / "_SUCCESS").touch()
    return {"cancelled": cancelled, "recosted": recosted, "part_paid": part_paid}


@pytest.fixture(scope="module")
def incremental(built: Path, tmp_path_factory: pytest.TempPathFactory):
    """(settings, marts after the incremental refresh, documents touched, figures before)."""
    home = tmp_path_factory.mktemp("incremental") / "c360"
    shutil.copytree(built, home, symlinks=True)
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings = settings_for(home, monkeypatch)
        touched = write_fifth_day(settings) | {"deleted": delete_an_opportunity(settings)}
        touched |= correct_two_activities(settings)
        merged = merge_two_customers(settings)
        assert fetch(
            settings,
            "select count(*) from staging.stg_crm__opportunities "
            f"where opportunity_id = '{touched['deleted']}'",
        ) == [(1,)]
        before = fetch(
            settings,
            "select sum(cogs), (select open_amount_document from marts.fct_receivables "
            f"where invoice_number = '{touched['part_paid']}') from marts.fct_invoice_lines "
            f"where invoice_number = '{touched['recosted']}'",
        )[0]
        overdue_before = dict(fetch(settings, OVERDUE_UNTOUCHED))
        plant_leftovers(settings)
        summary = run_refresh(settings)
        assert summary.success, summary.failures + summary.checks_failed
        assert summary.files_loaded == 7
        yield settings, snapshot(settings), touched, before, merged, overdue_before


# Open invoices already overdue: a day later each is a day more overdue, whoever the day touched.
OVERDUE_UNTOUCHED = (
    "select invoice_number, days_past_due from marts.fct_receivables "
    "where is_overdue and invoice_status = 'open' order by invoice_number"
)


def test_the_fifth_days_corrections_reach_the_invoice_fact(incremental):
    settings, _, touched, (cogs_before, open_before), _, _ = incremental
    [(days_back,)] = fetch(
        settings,
        f"select {DAYS_BEFORE_NEW_DAY} from staging.stg_erp__invoices "
        f"where invoice_number = '{touched['cancelled']}'",
    )
    assert days_back > 2 * 365  # the correction reaches more than two years back
    [(cancelled_lines, new_lines, cogs_after)] = fetch(
        settings,
        "select count(*) filter (where invoice_number = "
        f"'{touched['cancelled']}'), count(*) filter (where invoice_number = 'INV9999001'), "
        f"sum(cogs) filter (where invoice_number = '{touched['recosted']}') "
        "from marts.fct_invoice_lines",
    )
    assert (cancelled_lines, new_lines) == (0, 2)
    assert cogs_after > cogs_before
    # Paid long ago, then cancelled: nothing open, the payment is the customer's credit.
    assert fetch(
        settings,
        "select invoice_number, invoice_status, open_amount_document, unapplied_amount > 0 "
        "from marts.fct_receivables where invoice_number in "
        f"('{touched['cancelled']}', '{touched['part_paid']}') order by invoice_status",
    ) == [
        (touched["cancelled"], "cancelled", Decimal("0.00"), True),
        (touched["part_paid"], "open", open_before - 10, False),
    ]


def test_an_invoice_in_a_currency_nobody_quotes_is_left_out_and_named(incremental):
    """Its null amount stopped every refresh on the not-null contracts; now the refresh
    succeeded (the fixture), the invoice counts nowhere, and warnings name it and the standard
    cost in the same currency."""
    settings = incremental[0]
    [(staged, lines, receivables, without_rate)] = fetch(
        settings,
        f"select (select count(*) from staging.stg_erp__invoices where invoice_number = "
        f"'{NO_RATE}'), (select count(*) from marts.fct_invoice_lines where invoice_number = "
        f"'{NO_RATE}'), (select count(*) from marts.fct_receivables where invoice_number = "
        f"'{NO_RATE}'), (select list(invoice_number || ' ' || currency) "
        "from intermediate.int_invoices_without_rate)",
    )
    assert (staged, lines, receivables, without_rate) == (1, 0, 0, [f"{NO_RATE} AED"])
    warned = json.loads(settings.last_refresh.read_text())["checks_warned"]
    for check in ("every_invoice_has_an_exchange_rate", "every_product_cost_has_an_exchange_rate"):
        assert any(check in warning for warning in warned), (check, warned)


def test_a_deleted_opportunity_leaves_the_incremental_staging_table(incremental):
    settings, _, touched, _, _, _ = incremental
    assert fetch(
        settings,
        "select count(*) from staging.stg_crm__opportunities "
        f"where opportunity_id = '{touched['deleted']}'",
    ) == [(0,)]


def test_the_stewards_merge_leaves_one_customer_of_the_two(incremental):
    settings, _, _, _, merged, _ = incremental
    records = ", ".join(f"'{record}'" for record in merged)
    keys = fetch(
        settings,
        "select distinct customer_key from intermediate.int_customer_bridge "
        f"where source_system = 'erp' and source_record_id in ({records})",
    )
    assert len(merged) == 2 and len(keys) == 1
    assert keys[0][0] in merged.values()  # the merged customer keeps one of the two keys


def test_a_corrected_and_a_moved_activity_reach_the_timeline(incremental):
    settings, _, touched, _, _, _ = incremental
    [(moved_to_key,)] = fetch(
        settings,
        "select customer_key from intermediate.int_customer_bridge "
        f"where source_system = 'crm' and source_record_id = '{touched['moved_to']}'",
    )
    events = fetch(
        settings,
        "select source_record_id, customer_key, detail "
        "from marts.fct_customer_activity_timeline where event_type = 'activity' "
        f"and source_record_id in ('{touched['corrected_activity']}', "
        f"'{touched['moved_activity']}')",
    )
    by_id = {record: row for record, *row in events}
    assert by_id[touched["corrected_activity"]][1] == "Sent proposal (corrected)"
    assert by_id[touched["moved_activity"]][0] == moved_to_key


def test_the_refresh_built_incrementally_not_from_scratch(incremental):
    """The steward's decision changes the code fingerprint (a full plan) but not the logic, so
    dbt ran without `--full-refresh` and the staging tables re-ranked only the touched keys:
    the comparison with a full refresh below is not two full builds."""
    settings = incremental[0]
    results = json.loads((settings.dbt_target_dir / "run_results.json").read_text())
    assert not results["args"].get("full_refresh")
    [staging] = [
        result["compiled_code"]
        for result in results["results"]
        if result["unique_id"] == "model.c360.stg_crm__activities"
    ]
    assert "semi join" in staging


def test_tables_of_retired_models_are_dropped_and_the_rest_is_left(incremental):
    settings = incremental[0]
    found = fetch(
        settings,
        "select database_name || '.' || schema_name || '.' || table_name from duckdb_tables() "
        "where table_name in ('int_invoice_fingerprints', 'rpt_retired', 'analyst_scratch') "
        "or contains(table_name, '__dbt_tmp') order by all",
    )
    assert [table for (table,) in found] == sorted(NOT_DBTS)


def test_open_overdue_invoices_age_by_exactly_one_day(incremental):
    settings, _, _, _, _, overdue_before = incremental
    overdue_after = dict(fetch(settings, OVERDUE_UNTOUCHED))
    assert overdue_before  # the company has overdue invoices to age
    assert {number: overdue_after.get(number) for number in overdue_before} == {
        number: days + 1 for number, days in overdue_before.items()
    }


def test_an_incremental_build_after_one_more_day_equals_a_full_refresh(incremental):
    settings, incremental_marts, _, _, _, _ = incremental
    dbt_full_refresh(settings, ("run",))
    rebuilt = snapshot(settings)
    for table in COMPARED:
        assert incremental_marts[table] == rebuilt[table], table
