"""An independent computation of activity-based cost to serve, straight from the landing
extracts and the configured driver rates.

Written apart from the warehouse on purpose, like `oracle.py` (whose readers it shares): the ERP
and CRM files read with Polars, amounts as Python decimals, each driver's volume counted the way
docs/metrics.md words it, costs per (true organisation, month, driver) rounded once to the
cent. Guest documents and records of no organisation are left out: they belong to no customer.
"""

import csv
import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import polars as pl

from c360.settings import REPO_ROOT
from tests.integration.oracle import (
    CENT,
    _date,
    _dec,
    _latest,
    _month,
    _organisation_of,
    _rates,
    _read_erp,
    _support_minutes,
    priced_lines,
)

SEEDS = REPO_ROOT / "dbt" / "seeds"
# Quantities per unit of rate: support is counted in minutes and costed per hour, payment
# behaviour in amount x days and costed per amount-year.
PER_UNIT = {"support_hours": Decimal(60), "overdue_amount_years": Decimal(365)}
Key = tuple[str, dt.date, str]


def configured_rates() -> dict[str, Decimal]:
    """driver -> rate, from the seed the warehouse reads; the oracle knows no GL pools."""
    with (SEEDS / "cost_pool_drivers.csv").open() as pools:
        mapped = list(csv.DictReader(pools))
    if mapped:
        raise ValueError(
            f"{SEEDS / 'cost_pool_drivers.csv'} maps {len(mapped)} account(s) to drivers: this "
            "oracle checks configured rates only"
        )
    with (SEEDS / "cost_driver_rates.csv").open() as rates:
        return {row["driver"]: Decimal(row["rate"]) for row in csv.DictReader(rates)}


def _read_crm(landing: Path, entity: str, suffix: str = "csv") -> pl.DataFrame:
    """Every version of a CRM entity's rows, with the extract date and position in the file."""
    frames = []
    for path in sorted((landing / "crm").glob(f"*/{entity}.{suffix}")):
        frame = (
            pl.read_csv(path, infer_schema=False)
            if suffix == "csv"
            else pl.read_ndjson(path, infer_schema_length=None)
        )
        frames.append(
            frame.with_columns(
                pl.lit(path.parent.name).alias("extract_date"),
                pl.int_range(pl.len()).alias("position"),
            )
        )
    return pl.concat(frames, how="diagonal")


def _invoices(landing: Path) -> dict[str, dict]:
    """Latest version of every invoice and credit note, with its lines and gross amount."""
    invoices = {
        r["invoice_number"]: {**r, "gross": Decimal(0), "lines": []}
        for r in _latest(_read_erp(landing, "invoices"), ["invoice_number"]).iter_rows(named=True)
    }
    lines = _latest(_read_erp(landing, "invoice_lines"), ["invoice_number", "line_number"])
    for line in lines.iter_rows(named=True):
        invoice = invoices.get(line["invoice_number"])
        if invoice is not None:
            invoice["gross"] += _dec(line["net_amount"]) + _dec(line["tax_amount"])
            invoice["lines"].append(line)
    return invoices


def _order_to_cash(landing: Path, invoices: dict[str, dict]) -> list[tuple[str, dt.date, str]]:
    """(customer number, month, driver) once per order, invoice, credit note and goods line."""
    events = [
        (r["customer_number"], _month(_date(r["order_date"])), "orders")
        for r in _latest(_read_erp(landing, "sales_orders"), ["order_number"]).iter_rows(named=True)
        if r["status"] != "cancelled"
    ]
    goods = {
        r["sku"]
        for r in _latest(_read_erp(landing, "products"), ["sku"]).iter_rows(named=True)
        if r["kind"] == "goods"
    }
    for invoice in invoices.values():
        if invoice["status"] == "cancelled":
            continue
        month = _month(_date(invoice["invoice_date"]))
        number = invoice["customer_number"]
        if invoice["kind"] == "credit_note":
            events.append((number, month, "credit_notes"))
            continue
        events.append((number, month, "invoices"))
        events += [(number, month, "goods_lines") for li in invoice["lines"] if li["sku"] in goods]
    return events


def _acquisition_months(invoices: dict[str, dict], by_number: dict[str, str]) -> dict:
    """Organisation -> month of its first invoice (not a credit note, not cancelled)."""
    first: dict[str, dt.date] = {}
    for invoice in invoices.values():
        org = by_number.get(invoice["customer_number"] or "")
        if org and invoice["kind"] == "invoice" and invoice["status"] != "cancelled":
            day = _date(invoice["invoice_date"])
            first[org] = min(first.get(org, day), day)
    return {org: _month(day) for org, day in first.items()}


def _calls_and_meetings(landing: Path, by_account: dict[str, str], acquired: dict) -> list:
    """(organisation, month, driver) per CRM call or meeting from the first invoice's month."""
    activities = _latest(_read_crm(landing, "activities", "jsonl"), ["activity_id"])
    found = []
    for r in activities.iter_rows(named=True):
        org = by_account.get(r["account_id"] or "")
        month = dt.date.fromisoformat(r["activity_at"][:7] + "-01")
        if r["type"] in ("Call", "Meeting") and org and org in acquired and month >= acquired[org]:
            found.append((org, month, "crm_calls" if r["type"] == "Call" else "crm_meetings"))
    return found


def _non_billable_hours(landing: Path) -> list[tuple[str, dt.date, Decimal]]:
    """(customer number, month, hours) of every non-billable hour on a customer's project."""
    projects = {
        r["project_id"]: r["customer_number"]
        for r in _latest(_read_erp(landing, "projects"), ["project_id"]).iter_rows(named=True)
    }
    return [
        (projects[r["project_id"]], _month(_date(r["work_date"])), _dec(r["hours"]))
        for r in _latest(_read_erp(landing, "timesheets"), ["timesheet_id"]).iter_rows(named=True)
        if r["is_billable"] == "0" and r["project_id"] in projects
    ]


def _overdue_amount_days(landing: Path, invoices: dict[str, dict]) -> dict:
    """(customer number, month) -> EUR amount x days late, walking every late day.

    Late from the day after the due date until the day the invoice was settled (paid in full,
    or marked paid, or cancelled), or through the newest extract while open; each day counts
    what is still owed after that day's payments, at the invoice month's rate.
    """
    payments: dict[str, list[tuple[dt.date, str, Decimal]]] = defaultdict(list)
    for r in _latest(_read_erp(landing, "payments"), ["payment_id"]).iter_rows(named=True):
        payments[r["invoice_number"]].append(
            (_date(r["payment_date"]), r["payment_id"], _dec(r["amount"]))
        )
    # Receivables are documents with lines; the newest extract of one is the data's as-of date.
    documents = {number: r for number, r in invoices.items() if r["lines"]}
    as_of = max(r["extract_date"] for r in documents.values())
    rates = _rates(landing)
    owed: dict[tuple[str, dt.date], Decimal] = defaultdict(Decimal)
    for number, invoice in documents.items():
        if invoice["kind"] != "invoice" or invoice["gross"] <= 0:
            continue
        paid = sorted(payments[number])
        running, paid_in_full = Decimal(0), None
        for day, _, amount in paid:
            running += amount
            if paid_in_full is None and running >= invoice["gross"]:
                paid_in_full = day
        if invoice["status"] == "cancelled":
            settled = invoice["extract_date"]
        elif paid_in_full is not None:
            settled = paid_in_full
        elif invoice["status"] == "paid":
            settled = paid[-1][0] if paid else invoice["extract_date"]
        else:
            settled = as_of + dt.timedelta(days=1)
        due = _date(invoice["due_date"]) if invoice["due_date"] else _date(invoice["invoice_date"])
        rate = rates[(_month(_date(invoice["invoice_date"])), invoice["currency"])]
        day = due + dt.timedelta(days=1)
        while day < settled:
            balance = invoice["gross"] - sum(a for d, _, a in paid if d <= day)
            owed[(invoice["customer_number"], _month(day))] += balance * rate
            day += dt.timedelta(days=1)
    return owed


def _direct_gl_costs(landing: Path) -> list[tuple[str, dt.date, Decimal]]:
    """(customer number, posting month, EUR amount rounded per entry) of GL entries naming one."""
    entries = pl.concat(
        [
            pl.read_parquet(path).with_columns(
                pl.lit(dt.date.fromisoformat(path.parent.name)).alias("extract_date"),
                pl.int_range(pl.len()).alias("position"),
            )
            for path in sorted((landing / "erp").glob("*/gl_entries.parquet"))
        ]
    )
    rates = _rates(landing)
    return [
        (
            e["customer_number"],
            _month(e["posting_date"]),
            (Decimal(e["amount"]) * rates[(_month(e["posting_date"]), e["currency"])]).quantize(
                CENT, ROUND_HALF_UP
            ),
        )
        for e in _latest(entries, ["entry_id"]).iter_rows(named=True)
        if e["customer_number"]
    ]


def organisation_costs(landing: Path, truth_dir: Path) -> dict[Key, Decimal]:
    """{(true organisation, month, driver): cost to serve} at the configured rates."""
    rates = configured_rates()
    by_number, by_account = _organisation_of(truth_dir)
    invoices = {
        number: {**r, "extract_date": dt.date.fromisoformat(str(r["extract_date"]))}
        for number, r in _invoices(landing).items()
    }
    quantities: dict[Key, Decimal] = defaultdict(Decimal)

    def add(org: str | None, month: dt.date, driver: str, quantity: Decimal) -> None:
        if org:
            quantities[(org, month, driver)] += quantity

    for number, month, driver in _order_to_cash(landing, invoices):
        add(by_number.get(number or ""), month, driver, Decimal(1))
    acquired = _acquisition_months(invoices, by_number)
    for org, month, driver in _calls_and_meetings(landing, by_account, acquired):
        add(org, month, driver, Decimal(1))
    for (account, month), minutes in _support_minutes(landing).items():
        add(by_account.get(account or ""), month, "support_hours", Decimal(minutes))
    for number, month, hours in _non_billable_hours(landing):
        add(by_number.get(number or ""), month, "non_billable_hours", hours)
    for (number, month), amount_days in _overdue_amount_days(landing, invoices).items():
        add(by_number.get(number or ""), month, "overdue_amount_years", amount_days)
    for number, month, amount in _direct_gl_costs(landing):
        add(by_number.get(number), month, "direct_gl", amount)
    return {
        key: (quantity * rates[key[2]] / PER_UNIT.get(key[2], Decimal(1))).quantize(
            CENT, ROUND_HALF_UP
        )
        for key, quantity in quantities.items()
        if quantity != 0
    }


def organisation_profitability(
    landing: Path, truth_dir: Path
) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    """{true organisation: (net revenue, gross margin, contribution margin)} over the history.

    Customers are the generator's true organisations (not the warehouse's identity
    resolution); contribution is gross margin less every driver's cost (organisation_costs).
    """
    by_number, _ = _organisation_of(truth_dir)
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for line in priced_lines(landing):
        org = totals[by_number[line["customer_number"]]]
        margin = line["revenue"] - line["cogs"]
        org[0] += line["revenue"]
        org[1] += margin
        org[2] += margin
    for (org, _, _), cost in organisation_costs(landing, truth_dir).items():
        totals[org][2] -= cost
    return {org: (rev, margin, contribution) for org, (rev, margin, contribution) in totals.items()}
