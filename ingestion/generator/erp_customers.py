"""ERP customer accounts: opened when an organisation places its first order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.generator.identifiers import sequence_ids
from ingestion.generator.organisations import Organisations
from ingestion.generator.pools import COUNTRIES
from ingestion.generator.randomness import rng_for
from ingestion.generator.timeline import date_series

VAT_KNOWN_SHARE = 0.8
# Payment terms offered by segment, and how often: large accounts negotiate longer terms.
PAYMENT_TERMS: tuple[tuple[int, ...], ...] = ((30, 30, 30, 45), (30, 45, 60), (45, 60, 60))
CREDIT_LIMIT_RANGE: tuple[tuple[float, float], ...] = (
    (10_000.0, 50_000.0),
    (50_000.0, 250_000.0),
    (250_000.0, 2_000_000.0),
)


@dataclass(frozen=True)
class ErpCustomers:
    """One row per customer organisation, in customer-number order.

    Internal columns: org_idx, currency_idx, segment_idx, first_order_day, payment_terms_days;
    the rest are the `erp.customers` columns.
    """

    frame: pl.DataFrame

    def col(self, name: str) -> np.ndarray:
        """A column as a NumPy array."""
        return self.frame[name].to_numpy()

    @property
    def size(self) -> int:
        """Number of ERP customers."""
        return self.frame.height


def build_erp_customers(orgs: Organisations, seed: int) -> ErpCustomers:
    """Open one ERP customer per customer organisation, numbered by first-order date."""
    rng = rng_for(seed, "erp.customers")
    cust = orgs.frame.filter(pl.col("is_customer"))
    n = cust.height
    segment = cust["segment_idx"].to_numpy()
    country = cust["country_idx"].to_numpy()
    suffix_choice = rng.random(n)
    suffixes = np.empty(n, dtype=object)
    for i, c in enumerate(COUNTRIES):
        rows = country == i
        pick = np.floor(suffix_choice[rows] * len(c.legal_suffixes)).astype(np.int64)
        suffixes[rows] = np.asarray(c.legal_suffixes, dtype=object)[pick]
    terms = np.empty(n, dtype=np.int64)
    limit = np.empty(n, dtype=np.float64)
    for s, options in enumerate(PAYMENT_TERMS):
        rows = segment == s
        terms[rows] = np.asarray(options)[rng.integers(0, len(options), rows.sum())]
        low, high = CREDIT_LIMIT_RANGE[s]
        limit[rows] = np.round(rng.uniform(low, high, rows.sum()) / 5_000.0) * 5_000.0
    first_order = cust["first_order_day"].to_numpy()
    vat_known = rng.random(n) < VAT_KNOWN_SHARE
    frame = cust.select(
        "org_idx",
        "currency_idx",
        "segment_idx",
        "first_order_day",
        customer_number=sequence_ids("C", 6, first_order, cust["org_idx"].to_numpy()),
        legal_name=pl.concat_str("name", pl.Series(suffixes, dtype=pl.String), separator=" "),
        trading_name="name",
        vat_number=pl.when(pl.Series(vat_known)).then("vat_number"),
        address="street",
        postal_code="postal_code",
        city="city",
        country_code="country",
        currency="currency",
        payment_terms_days=pl.Series(terms),
        credit_limit=pl.Series(limit),
        segment="segment",
        created_on=date_series(first_order),
        updated_on=date_series(first_order),
        is_blocked=pl.lit(False),
    ).sort("customer_number")
    return ErpCustomers(frame)


def customers_table(customers: ErpCustomers) -> pl.DataFrame:
    """The `erp.customers` rows, each extracted on the day the customer was opened."""
    return customers.frame.with_columns(_extract_on=pl.col("created_on"))
