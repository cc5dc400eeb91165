"""The CDNOW data set (Fader and Hardie), copied into tests/data/cdnow (see its README)."""

from datetime import date
from pathlib import Path

import polars as pl

CDNOW = Path(__file__).parents[1] / "data" / "cdnow"
CALIBRATION_END = date(1997, 9, 30)  # 39 weeks after 1 January 1997, the paper's T


def summary() -> pl.DataFrame:
    """ID, x (repeat purchases), t_x and T in weeks, zbar (mean repeat purchase value)."""
    return pl.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv")


def sample_purchases() -> pl.DataFrame:
    """The 1/10 sample's purchases in the shape of fct_invoice_lines' purchase columns.

    Whitespace-aligned columns: master id, sample id, yyyymmdd, CDs, dollars.
    """
    fields = (CDNOW / "CDNOW_sample.txt").read_text().split()
    rows = [fields[i : i + 5] for i in range(0, len(fields), 5)]
    return pl.DataFrame(
        {
            "customer_key": [r[1] for r in rows],
            "invoice_kind": ["invoice"] * len(rows),
            "invoice_date": [date(int(r[2][:4]), int(r[2][4:6]), int(r[2][6:])) for r in rows],
            "gross_margin": [float(r[4]) for r in rows],
        }
    )
