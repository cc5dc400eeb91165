"""An independent computation of MRR and ARR per organisation and month, and of NRR and GRR.

Apart from the warehouse on purpose: Polars reads of the ERP extracts, Python decimals for the
money, the generator's ground truth for which ERP records are one organisation, and the rules of
docs/metrics.md restated in a few lines: a subscription line (credit notes negative, cancelled
invoices left out) is recognised evenly over TERM_MONTHS months from its invoice month; MRR is
that month's share, floored at zero and rounded half up to the cent; ARR = 12 x MRR.
"""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import polars as pl

from tests.integration.oracle import CENT, _date, _dec, _latest, _month, _rates, _read_erp

TERM_MONTHS = 1  # the default term: the sample company bills subscriptions monthly


def _add_months(month: dt.date, n: int) -> dt.date:
    year, index = divmod(month.year * 12 + month.month - 1 + n, 12)
    return dt.date(year, index + 1, 1)


def _subscription_skus(landing: Path) -> set[str]:
    frames = [
        pl.read_csv(path.read_bytes().decode("cp1252").encode(), separator=";", infer_schema=False)
        for path in sorted((landing / "erp").glob("*/products*.csv"))
    ]
    products = pl.concat(frames, how="diagonal")
    return set(products.filter(pl.col("kind") == "subscription")["sku"].to_list())


def _billed(landing: Path, truth: Path) -> tuple[dict[tuple[str, dt.date], Decimal], list]:
    """({(organisation, invoice month): subscription revenue}, the calendar of invoice months)."""
    orgs = pl.read_parquet(truth / "organisations.parquet")
    org_of = {
        n: o for o, ns in orgs.select("org_id", "erp_customer_numbers").iter_rows() for n in ns
    }
    invoices = {
        r["invoice_number"]: r
        for r in _latest(_read_erp(landing, "invoices"), ["invoice_number"]).iter_rows(named=True)
    }
    rates = _rates(landing)
    subscriptions = _subscription_skus(landing)
    billed: dict[tuple[str, dt.date], Decimal] = defaultdict(Decimal)
    months = set()
    lines = _latest(_read_erp(landing, "invoice_lines"), ["invoice_number", "line_number"])
    for line in lines.iter_rows(named=True):
        invoice = invoices[line["invoice_number"]]
        if invoice["status"] == "cancelled":
            continue
        month = _month(_date(invoice["invoice_date"]))
        months.add(month)
        if line["sku"] not in subscriptions or not invoice["customer_number"]:
            continue
        sign = -1 if invoice["kind"] == "credit_note" else 1
        revenue = sign * _dec(line["net_amount"]) * rates[(month, invoice["currency"])]
        billed[(org_of[invoice["customer_number"]], month)] += revenue.quantize(CENT, ROUND_HALF_UP)
    first, last = min(months), max(months)
    calendar = [first]
    while calendar[-1] < last:
        calendar.append(_add_months(calendar[-1], 1))
    return dict(billed), calendar


def arr_by_organisation_and_month(
    landing: Path, truth: Path
) -> tuple[dict[tuple[str, dt.date], tuple[Decimal, Decimal]], list[dt.date]]:
    """({(organisation, month): (MRR, ARR)} from each one's first subscription month to the
    last month of the calendar, the calendar)."""
    billed, calendar = _billed(landing, truth)
    first: dict[str, dt.date] = {}
    for org, month in billed:
        first[org] = min(month, first.get(org, month))
    result = {}
    for org, start in first.items():
        for month in (m for m in calendar if m >= start):
            term = sum(
                (billed.get((org, _add_months(month, -k)), Decimal(0)) for k in range(TERM_MONTHS)),
                Decimal(0),
            )
            mrr = (max(term, Decimal(0)) / TERM_MONTHS).quantize(CENT, ROUND_HALF_UP)
            result[(org, month)] = (mrr, 12 * mrr)
    return result, calendar


def arr_retention(
    arr: dict[tuple[str, dt.date], tuple[Decimal, Decimal]], calendar: list[dt.date]
) -> dict[dt.date, tuple[Decimal, Decimal]]:
    """{month: (NRR, GRR)} on ARR, from month 12 + TERM_MONTHS of the calendar on."""
    result = {}
    for month in calendar[12 + TERM_MONTHS - 1 :]:
        year_before = _add_months(month, -12)
        base = retained = capped = Decimal(0)
        for (org, m), (_, then) in arr.items():
            if m != year_before or then <= 0:
                continue
            now = arr.get((org, month), (Decimal(0), Decimal(0)))[1]
            base, retained, capped = base + then, retained + now, capped + min(now, then)
        if base > 0:
            result[month] = (retained / base, capped / base)
    return result
