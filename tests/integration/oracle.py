"""An independent computation of revenue, margin, contribution and receivables, straight from the
landing extracts.

Written apart from the warehouse on purpose: plain Polars reads of the ERP files (not the raw
Parquet, not dbt), Python decimals for the money, and the KPI definitions of docs/metrics.md.
If the SQL and this disagree by a cent, one of them is wrong.
"""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import polars as pl

CENT = Decimal("0.01")


def _read_erp(landing: Path, entity: str) -> pl.DataFrame:
    """Every version of an ERP entity's rows, with the extract date and position in the file."""
    frames = []
    for path in sorted((landing / "erp").glob(f"*/{entity}.csv")):
        text = path.read_bytes().decode("cp1252")
        frame = pl.read_csv(text.encode(), separator=";", infer_schema=False)
        frames.append(
            frame.with_columns(
                pl.lit(dt.date.fromisoformat(path.parent.name)).alias("extract_date"),
                pl.int_range(pl.len()).alias("position"),
            )
        )
    return pl.concat(frames, how="diagonal")


def _latest(frame: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """The latest version of each key: newest extract, then the later row."""
    return frame.sort(["extract_date", "position"]).unique(subset=key, keep="last")


def _dec(value: str | None) -> Decimal:
    return Decimal(value.replace(",", ".")) if value else Decimal(0)


def _date(value: str) -> dt.date:
    return dt.datetime.strptime(value, "%d/%m/%Y").date()


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _previous_month(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


def _rates(landing: Path) -> dict[tuple[dt.date, str], Decimal]:
    return {
        (_date(r["month"]), r["currency"]): _dec(r["rate"])
        for r in _latest(_read_erp(landing, "fx_rates"), ["month", "currency"]).iter_rows(
            named=True
        )
    }


def priced_lines(landing: Path) -> list[dict]:
    """Every invoice and credit-note line not cancelled, with its EUR revenue and COGS.

    Keys: customer_number, month, revenue, cogs (each rounded to the cent, per the KPI
    definitions).
    """
    invoices = {
        r["invoice_number"]: r
        for r in _latest(_read_erp(landing, "invoices"), ["invoice_number"]).iter_rows(named=True)
    }
    lines = _latest(_read_erp(landing, "invoice_lines"), ["invoice_number", "line_number"])
    rates = _rates(landing)
    costs: dict[str, list[tuple[dt.date, Decimal, str]]] = defaultdict(list)
    for r in _latest(_read_erp(landing, "product_costs"), ["sku", "valid_from"]).iter_rows(
        named=True
    ):
        costs[r["sku"]].append(
            (_date(r["valid_from"]), _dec(r["standard_unit_cost"]), r["currency"])
        )
    cost_rates = {
        r["employee_id"]: _dec(r["cost_rate_per_hour"])
        for r in _latest(_read_erp(landing, "employees"), ["employee_id"]).iter_rows(named=True)
    }
    project_month_cost: dict[tuple[str, dt.date], Decimal] = defaultdict(Decimal)
    for r in _latest(_read_erp(landing, "timesheets"), ["timesheet_id"]).iter_rows(named=True):
        # COGS costs the billable hours; non-billable ones are cost to serve
        if r["project_id"] and r["is_billable"] != "0":
            month = _month(_date(r["work_date"]))
            project_month_cost[(r["project_id"], month)] += (
                _dec(r["hours"]) * cost_rates[r["employee_id"]]
            )

    billed: list[dict] = []
    for line in lines.iter_rows(named=True):
        invoice = invoices[line["invoice_number"]]
        if invoice["status"] == "cancelled":
            continue
        day = _date(invoice["invoice_date"])
        billed.append(
            {
                **line,
                "kind": invoice["kind"],
                "day": day,
                "month": _month(day),
                "currency": invoice["currency"],
                "customer_number": invoice["customer_number"],
            }
        )
    project_quantities: dict[tuple[str, dt.date], list[Decimal]] = defaultdict(list)
    for line in billed:
        if line["project_id"] and line["kind"] == "invoice":
            project_quantities[(line["project_id"], line["month"])].append(_dec(line["quantity"]))

    priced = []
    for line in billed:
        sign = -1 if line["kind"] == "credit_note" else 1
        rate = rates[(line["month"], line["currency"])]
        revenue = (sign * _dec(line["net_amount"]) * rate).quantize(CENT, ROUND_HALF_UP)
        cogs = Decimal(0)
        if line["kind"] == "invoice" and line["project_id"]:
            period_cost = project_month_cost[(line["project_id"], _previous_month(line["month"]))]
            quantities = project_quantities[(line["project_id"], line["month"])]
            share = Decimal(1) if len(quantities) == 1 else _dec(line["quantity"]) / sum(quantities)
            cogs = (period_cost * share).quantize(CENT, ROUND_HALF_UP)
        elif line["kind"] == "invoice" and line["sku"] in costs:
            valid = [c for c in costs[line["sku"]] if c[0] <= line["day"]]
            if valid:
                _, unit_cost, cost_currency = max(valid)
                cogs = _dec(line["quantity"]) * unit_cost * rates[(line["month"], cost_currency)]
                cogs = cogs.quantize(CENT, ROUND_HALF_UP)
        priced.append(
            {
                "customer_number": line["customer_number"],
                "month": line["month"],
                "revenue": revenue,
                "cogs": cogs,
            }
        )
    return priced


def monthly_revenue_and_margin(landing: Path) -> dict[dt.date, tuple[Decimal, Decimal]]:
    """{month: (net revenue, gross margin)} in EUR, per the KPI definitions."""
    totals: dict[dt.date, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for line in priced_lines(landing):
        totals[line["month"]][0] += line["revenue"]
        totals[line["month"]][1] += line["revenue"] - line["cogs"]
    return {month: (rev, margin) for month, (rev, margin) in sorted(totals.items())}


def _organisation_of(truth_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The true organisation of every ERP customer number and of every CRM account."""
    organisations = pl.read_parquet(truth_dir / "organisations.parquet")
    by_number = {
        number: row["org_id"]
        for row in organisations.iter_rows(named=True)
        for number in row["erp_customer_numbers"]
    }
    by_account = {
        account: row["org_id"]
        for row in organisations.iter_rows(named=True)
        for account in row["crm_account_ids"]
    }
    return by_number, by_account


def _support_minutes(landing: Path) -> dict[tuple[str, dt.date], int]:
    """Handle minutes per CRM account and month the case was opened (UTC), latest versions."""
    frames = [
        pl.read_csv(path, infer_schema=False).with_columns(
            pl.lit(path.parent.name).alias("extract_date"), pl.int_range(pl.len()).alias("position")
        )
        for path in sorted((landing / "crm").glob("*/cases.csv"))
    ]
    cases = _latest(pl.concat(frames, how="diagonal"), ["case_id"])
    minutes: dict[tuple[str, dt.date], int] = defaultdict(int)
    for case in cases.iter_rows(named=True):
        month = dt.date.fromisoformat(case["created_at"][:7] + "-01")
        minutes[(case["account_id"], month)] += int(case["handle_minutes"] or 0)
    return minutes


def open_invoices(landing: Path) -> dict[str, Decimal]:
    """{invoice number: gross amount still owed, document currency} for invoices not yet
    settled: neither paid, cancelled nor a credit note, less the payments received."""
    invoices = _latest(_read_erp(landing, "invoices"), ["invoice_number"])
    lines = _latest(_read_erp(landing, "invoice_lines"), ["invoice_number", "line_number"])
    payments = _latest(_read_erp(landing, "payments"), ["payment_id"])
    owed: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines.iter_rows(named=True):
        owed[line["invoice_number"]] += _dec(line["net_amount"]) + _dec(line["tax_amount"])
    for payment in payments.iter_rows(named=True):
        owed[payment["invoice_number"]] -= _dec(payment["amount"])
    return {
        r["invoice_number"]: owed[r["invoice_number"]]
        for r in invoices.iter_rows(named=True)
        if r["kind"] == "invoice" and r["status"] not in ("paid", "cancelled")
    }
