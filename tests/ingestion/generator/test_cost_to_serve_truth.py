"""The cost-to-serve and subscription truth against an independent reading of the extracts.

The oracle here counts each driver from the landed files (latest version of each record, as the
warehouse will) with plain Polars and Python dates, knowing nothing of the simulation; the
organisation behind each key comes from `organisations.parquet`.
"""

import datetime as dt
import json

import polars as pl
import pytest

from ingestion.generator.truth_cost_to_serve import DRIVER_RATES_EUR
from tests.ingestion.generator.conftest import CONTRACTS

ERP_DATE = "%d/%m/%Y"


def _number(column: str) -> pl.Expr:
    return pl.col(column).str.replace(",", ".").cast(pl.Float64)


def _keys(company) -> tuple[pl.DataFrame, pl.DataFrame]:
    organisations = pl.read_parquet(company.truth / "organisations.parquet")
    numbers = organisations.select("org_id", customer_number="erp_customer_numbers").explode(
        "customer_number"
    )
    accounts = organisations.select("org_id", account_id="crm_account_ids").explode("account_id")
    return numbers.drop_nulls(), accounts.drop_nulls()


def _end(company) -> dt.date:
    manifest = json.loads((company.truth / "manifest.json").read_text())
    return dt.date.fromisoformat(manifest["extract_dates"][-1])


def _overdue_eur_days(company, numbers: pl.DataFrame) -> pl.DataFrame:
    """Gross amount x days past due, payment by payment; what is unpaid counts up to the end."""
    end = _end(company)
    invoices = company.latest("erp.invoices").filter(
        (pl.col("kind") == "invoice") & (pl.col("status") != "cancelled")
    )
    gross = (
        company.latest("erp.invoice_lines")
        .group_by("invoice_number")
        .agg(gross=(_number("net_amount") + _number("tax_amount")).sum())
    )
    rates = company.latest("erp.fx_rates").select(
        month=pl.col("month").str.to_date(ERP_DATE), currency="currency", rate=_number("rate")
    )
    invoices = (
        invoices.join(gross, on="invoice_number")
        .with_columns(
            issued=pl.col("invoice_date").str.to_date(ERP_DATE),
            due=pl.col("due_date").str.to_date(ERP_DATE),
        )
        .with_columns(month=pl.col("issued").dt.truncate("1mo"))
        .join(rates, on=["month", "currency"])
    )
    payments = company.latest("erp.payments").select(
        "invoice_number",
        paid_on=pl.col("payment_date").str.to_date(ERP_DATE),
        amount=_number("amount"),
    )
    paid = payments.join(invoices, on="invoice_number").select(
        "customer_number",
        "rate",
        amount="amount",
        days=(pl.min_horizontal("paid_on", pl.lit(end)) - pl.col("due")).dt.total_days(),
    )
    settled = payments.group_by("invoice_number").agg(pl.col("amount").sum())
    unpaid = (
        invoices.join(settled, on="invoice_number", how="left")
        .with_columns(pl.col("amount").fill_null(0.0))
        .select(
            "customer_number",
            "rate",
            amount=pl.col("gross") - pl.col("amount"),
            days=(pl.lit(end) - pl.col("due")).dt.total_days(),
        )
        .filter(pl.col("amount") > 0.005)
    )
    owed = pl.concat([paid, unpaid]).filter(pl.col("days") > 0)
    return owed.join(numbers, on="customer_number").select(
        "org_id",
        driver=pl.lit("overdue_eur_days"),
        volume=pl.col("amount") * pl.col("rate") * pl.col("days"),
    )


def _oracle(company) -> pl.DataFrame:
    """Driver volumes per organisation over the whole history, from the extracts."""
    numbers, accounts = _keys(company)
    orders = company.latest("erp.sales_orders")
    lines = company.latest("erp.sales_order_lines").join(
        orders.select("order_number", "customer_number"), on="order_number"
    )
    documents = company.latest("erp.invoices").filter(pl.col("status") != "cancelled")
    cases = company.latest("crm.cases").filter(pl.col("status") == "Closed")
    touches = company.latest("crm.activities").filter(pl.col("type").is_in(["Call", "Meeting"]))
    projects = company.latest("erp.projects").select("project_id", "customer_number")
    false_values = CONTRACTS["erp"].format.false_values
    sheets = company.latest("erp.timesheets").filter(pl.col("is_billable").is_in(false_values))
    ledger = company.latest("erp.gl_entries").filter(pl.col("customer_number").is_not_null())
    by_customer = pl.concat(
        [
            orders.select("customer_number", driver=pl.lit("orders"), volume=pl.lit(1.0)),
            lines.select("customer_number", driver=pl.lit("goods_lines"), volume=pl.lit(1.0)),
            documents.select(
                "customer_number",
                driver=pl.when(pl.col("kind") == "invoice")
                .then(pl.lit("invoices"))
                .otherwise(pl.lit("credit_notes")),
                volume=pl.lit(1.0),
            ),
            sheets.join(projects, on="project_id").select(
                "customer_number", driver=pl.lit("non_billable_hours"), volume=_number("hours")
            ),
            ledger.select(
                "customer_number", driver=pl.lit("direct_gl_eur"), volume=_number("amount")
            ),
        ]
    ).join(numbers, on="customer_number")
    by_account = pl.concat(
        [
            cases.select(
                "account_id",
                driver=pl.lit("support_hours"),
                volume=pl.col("handle_minutes").cast(pl.Float64) / 60.0,
            ),
            touches.select(
                "account_id",
                driver=pl.when(pl.col("type") == "Call")
                .then(pl.lit("crm_calls"))
                .otherwise(pl.lit("crm_meetings")),
                volume=pl.lit(1.0),
            ),
        ]
    ).join(accounts, on="account_id")
    customers = numbers["org_id"].unique().implode()
    volumes = pl.concat(
        [
            by_customer.select("org_id", "driver", "volume"),
            by_account.filter(pl.col("org_id").is_in(customers)).select(
                "org_id", "driver", "volume"
            ),
            _overdue_eur_days(company, numbers),
        ]
    )
    return volumes.group_by("org_id", "driver").agg(pl.col("volume").sum())


def test_cost_to_serve_truth_matches_the_drivers_counted_in_the_extracts(company):
    truth = (
        pl.read_parquet(company.truth / "cost_to_serve.parquet")
        .group_by("org_id", "driver")
        .agg(pl.col("volume").sum())
    )
    expected = _oracle(company)
    joined = expected.join(truth, on=["org_id", "driver"], how="full", coalesce=True)
    assert set(joined["driver"]) == set(DRIVER_RATES_EUR)
    for row in joined.iter_rows(named=True):
        assert row["volume_right"] == pytest.approx(row["volume"], rel=1e-9, abs=1e-6), row


def test_each_cost_is_its_volume_at_the_assumed_rate(company):
    costs = pl.read_parquet(company.truth / "cost_to_serve.parquet")
    rates = dict(costs.select("driver", "rate_eur").unique().iter_rows())
    assert rates == DRIVER_RATES_EUR
    assert DRIVER_RATES_EUR["overdue_eur_days"] == pytest.approx(0.08 / 365)
    assert (costs["cost_eur"] - costs["volume"] * costs["rate_eur"]).abs().max() < 1e-9
    manifest = json.loads((company.truth / "manifest.json").read_text())
    assert manifest["driver_rates_eur"] == DRIVER_RATES_EUR


def test_mrr_truth_is_the_subscription_invoice_lines_of_each_month(company):
    numbers, _ = _keys(company)
    kinds = company.latest("erp.products").select("sku", "kind")
    invoices = company.latest("erp.invoices").select(
        "invoice_number",
        "customer_number",
        "kind",
        "currency",
        "order_number",
        month=pl.col("invoice_date").str.to_date(ERP_DATE).dt.truncate("1mo"),
    )
    rates = company.latest("erp.fx_rates").select(
        month=pl.col("month").str.to_date(ERP_DATE), currency="currency", rate=_number("rate")
    )
    lines = (
        company.latest("erp.invoice_lines")
        .join(kinds, on="sku")
        .filter(pl.col("kind") == "subscription")
        .join(invoices, on="invoice_number", suffix="_invoice")
    )
    # billed monthly in advance, on the 1st, without an order, and never credited
    assert lines.height > 0
    assert set(lines["kind_invoice"]) == {"invoice"}
    assert lines["order_number"].null_count() == lines.height
    expected = (
        lines.join(rates, on=["month", "currency"])
        .join(numbers, on="customer_number")
        .with_columns(eur=(_number("net_amount") * pl.col("rate") * 100).round(0) / 100)
        .group_by("org_id", "month")
        .agg(pl.col("eur").sum())
    )
    truth = pl.read_parquet(company.truth / "subscription_months.parquet").with_columns(
        pl.col("mrr_eur").cast(pl.Float64)
    )
    joined = expected.join(truth, on=["org_id", "month"], how="full", coalesce=True)
    assert joined.height == truth.height == expected.height
    assert (joined["eur"] - joined["mrr_eur"]).abs().max() < 0.005
