import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

CENT = Decimal("0.01")
FULL = dt.date(2026, 9, 1)


def _dec(value: str | None) -> Decimal:
    return Decimal(value.replace(",", ".")) if value else Decimal(0)


def test_invoice_lines_follow_the_net_and_tax_arithmetic(company):
    invoices = company.latest("erp.invoices").select("invoice_number", "order_number")
    order_lines = company.latest("erp.sales_order_lines").select(
        "order_number", "line_number", "discount_pct"
    )
    lines = (
        company.latest("erp.invoice_lines")
        .join(invoices, on="invoice_number")
        .join(order_lines, on=["order_number", "line_number"], how="left")
    )
    assert lines.height > 100
    for row in lines.iter_rows(named=True):
        discount = _dec(row["discount_pct"])
        net = _dec(row["quantity"]) * _dec(row["unit_price"]) * (1 - discount / 100)
        assert _dec(row["net_amount"]) == net.quantize(CENT, ROUND_HALF_UP), row
        tax = (_dec(row["net_amount"]) * Decimal("0.2")).quantize(CENT, ROUND_HALF_UP)
        assert _dec(row["tax_amount"]) == tax, row
        assert _dec(row["quantity"]) > 0


def test_every_invoice_customer_and_sku_exists_by_the_time_it_is_extracted(company):
    customers = (
        company.rows("erp.customers")
        .group_by("customer_number")
        .agg(first_seen=pl.col("extract_date").min())
    )
    invoices = company.rows("erp.invoices").join(customers, on="customer_number", how="left")
    assert invoices["first_seen"].null_count() == 0
    assert (invoices["first_seen"] <= invoices["extract_date"]).all()
    skus = set(company.rows("erp.products")["sku"])
    assert set(company.rows("erp.invoice_lines")["sku"]) <= skus
    assert set(company.rows("erp.sales_order_lines")["sku"]) <= skus
    invoice_numbers = set(invoices["invoice_number"])
    assert set(company.rows("erp.invoice_lines")["invoice_number"]) <= invoice_numbers
    assert set(company.rows("erp.payments")["invoice_number"]) <= invoice_numbers


def test_crm_keys_point_at_records_of_the_same_or_an_earlier_extract(company):
    def first_seen(name, key):
        return company.rows(name).group_by(key).agg(seen=pl.col("extract_date").min())

    accounts = first_seen("crm.accounts", "account_id")
    for child in ("crm.contacts", "crm.opportunities", "crm.activities", "crm.cases"):
        rows = company.rows(child).join(accounts, on="account_id", how="left")
        assert rows["seen"].null_count() == 0, child
        assert (rows["seen"] <= rows["extract_date"]).all(), child
    opportunities = first_seen("crm.opportunities", "opportunity_id")
    orders = company.rows("erp.sales_orders").filter(pl.col("crm_opportunity_id").is_not_null())
    linked = orders.join(
        opportunities, left_on="crm_opportunity_id", right_on="opportunity_id", how="left"
    )
    assert linked["seen"].null_count() == 0


def test_credit_notes_credit_part_of_one_line_of_an_earlier_invoice(company):
    invoices = company.latest("erp.invoices")
    credit_notes = invoices.filter(pl.col("kind") == "credit_note")
    assert credit_notes.height > 0
    lines = company.latest("erp.invoice_lines")
    originals = invoices.filter(pl.col("kind") == "invoice")
    for note in credit_notes.iter_rows(named=True):
        [credit] = lines.filter(pl.col("invoice_number") == note["invoice_number"]).to_dicts()
        candidates = originals.filter(
            (pl.col("customer_number") == note["customer_number"])
            & (pl.col("currency") == note["currency"])
        )
        if note["order_number"]:
            candidates = candidates.filter(pl.col("order_number") == note["order_number"])
        matches = lines.join(candidates.select("invoice_number"), on="invoice_number").filter(
            (pl.col("sku") == credit["sku"]) & (pl.col("line_number") == credit["line_number"])
        )
        assert matches.height >= 1, note
        # a project's monthly invoices share SKU and line number: one of them is the original
        assert any(
            0 < _dec(credit["quantity"]) <= _dec(original["quantity"])
            and 0 < _dec(credit["net_amount"]) <= _dec(original["net_amount"])
            for original in matches.iter_rows(named=True)
        ), note


def test_invoices_are_sent_open_and_resent_paid_and_payments_add_up(company):
    versions = company.rows("erp.invoices").filter(pl.col("kind") == "invoice")
    resent = versions.group_by("invoice_number").agg(
        statuses=pl.col("status").sort_by("extract_date")
    )
    assert resent.filter(pl.col("statuses") == pl.lit(["open", "paid"])).height > 0
    assert set(versions["status"]) == {"open", "paid"}
    lines = company.latest("erp.invoice_lines").with_columns(
        gross=(
            pl.col("net_amount").str.replace(",", ".").cast(pl.Decimal(18, 2))
            + pl.col("tax_amount").str.replace(",", ".").cast(pl.Decimal(18, 2))
        )
    )
    gross = lines.group_by("invoice_number").agg(pl.col("gross").sum())
    paid = (
        company.latest("erp.payments")
        .with_columns(pl.col("amount").str.replace(",", ".").cast(pl.Decimal(18, 2)))
        .group_by("invoice_number")
        .agg(pl.col("amount").sum(), payments=pl.len())
    )
    settled = (
        company.latest("erp.invoices")
        .filter((pl.col("kind") == "invoice") & (pl.col("status") == "paid"))
        .join(gross, on="invoice_number")
        .join(paid, on="invoice_number", how="left")
    )
    assert settled.height > 100
    assert (settled["amount"] == settled["gross"]).all()
    assert settled["payments"].max() == 2  # some invoices are paid in two instalments


def test_the_full_extract_holds_the_history_and_deltas_only_their_day(company):
    invoices = company.rows("erp.invoices")
    full = invoices.filter(pl.col("extract_date") == FULL)
    dates = full["invoice_date"].str.to_date("%d/%m/%Y")
    # history starts 2025-09-01; the first customer is won a month in and invoiced soon after
    assert dates.min() < dt.date(2025, 11, 1)
    assert dates.max() <= FULL
    campaigns = company.rows("crm.campaigns").filter(pl.col("extract_date") == FULL)
    assert campaigns["start_date"].min() == "2025-09-01"
    orders = company.rows("erp.sales_orders").filter(pl.col("extract_date") > FULL)
    order_dates = orders["order_date"].str.to_date("%d/%m/%Y")
    new_orders = orders.filter(pl.col("status") == "open")
    assert (order_dates <= orders["extract_date"]).all()
    assert new_orders.height > 0
    payments = company.rows("erp.payments")
    payment_dates = payments["payment_date"].str.to_date("%d/%m/%Y")
    delta = payments["extract_date"] > FULL
    assert (payment_dates.filter(delta) == payments["extract_date"].filter(delta)).all()


def test_each_customer_first_order_follows_its_won_new_business_opportunity(company):
    opportunities = company.latest("crm.opportunities")
    orders = company.latest("erp.sales_orders").with_columns(
        order_day=pl.col("order_date").str.to_date("%d/%m/%Y")
    )
    first_orders = orders.sort("order_day", "order_number").unique(
        "customer_number", keep="first", maintain_order=True
    )
    linked = first_orders.join(
        opportunities, left_on="crm_opportunity_id", right_on="opportunity_id"
    )
    assert linked.height == first_orders.height
    assert set(linked["type"]) == {"New Business"}
    assert set(linked["stage"]) == {"Closed Won"}
    close = linked["close_date"].str.to_date()
    assert (close <= linked["order_day"]).all()


def test_project_invoices_bill_the_previous_month_billable_hours(company):
    timesheets = company.latest("erp.timesheets").filter(pl.col("is_billable") == "1")
    hours = (
        timesheets.with_columns(
            month=pl.col("work_date").str.to_date("%d/%m/%Y").dt.month_start(),
            hours=pl.col("hours").str.replace(",", ".").cast(pl.Decimal(18, 2)),
        )
        .group_by("project_id", "month")
        .agg(pl.col("hours").sum())
    )
    invoices = company.latest("erp.invoices").filter(pl.col("kind") == "invoice")
    lines = (
        company.latest("erp.invoice_lines")
        .filter(pl.col("project_id").is_not_null())
        .join(invoices, on="invoice_number")
        .with_columns(
            month=pl.col("invoice_date").str.to_date("%d/%m/%Y").dt.offset_by("-1mo"),
            quantity=pl.col("quantity").str.replace(",", ".").cast(pl.Decimal(18, 2)),
        )
    )
    assert lines.height > 0
    assert (lines["invoice_date"].str.starts_with("01/")).all()
    assert lines["order_number"].null_count() == lines.height
    joined = lines.join(hours, on=["project_id", "month"], how="left")
    assert (joined["quantity"] == joined["hours"]).all()


def test_fx_rates_cover_every_month_for_every_currency(company):
    rates = company.latest("erp.fx_rates")
    months = rates.with_columns(pl.col("month").str.to_date("%d/%m/%Y"))["month"].unique()
    assert months.len() == 13  # 12 months of history and the start month
    assert rates.height == 13 * 4
    eur = rates.filter(pl.col("currency") == "EUR")
    assert set(eur["rate"]) == {"1,000000"}


def test_ground_truth_links_every_account_and_customer_to_one_organisation(company):
    truth = pl.read_parquet(company.truth / "organisations.parquet")
    accounts = truth.explode("crm_account_ids")["crm_account_ids"].drop_nulls()
    customers = truth.explode("erp_customer_numbers")["erp_customer_numbers"].drop_nulls()
    assert sorted(accounts) == sorted(company.latest("crm.accounts")["account_id"])
    assert sorted(customers) == sorted(company.latest("erp.customers")["customer_number"])
    assert truth["org_id"].is_unique().all()
    manifest = json.loads((company.truth / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["defects"] == {"profile": "none", "counts": {}}
