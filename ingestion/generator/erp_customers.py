"""ERP customer accounts: opened when an organisation places its first order, some twice."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.generator.blocks import Block
from ingestion.generator.countries import COUNTRIES
from ingestion.generator.fx import CURRENCIES
from ingestion.generator.org_defects import NAME_IN_ERP, OrgDefects
from ingestion.generator.organisations import Organisations, draw_addresses
from ingestion.generator.timeline import date_series

VAT_KNOWN_SHARE = 0.8
# Payment terms offered by segment, and how often: large accounts negotiate longer terms.
PAYMENT_TERMS: tuple[tuple[int, ...], ...] = ((30, 30, 30, 45), (30, 45, 60), (45, 60, 60))
CREDIT_LIMIT_RANGE: tuple[tuple[float, float], ...] = (
    (10_000.0, 50_000.0),
    (50_000.0, 250_000.0),
    (250_000.0, 2_000_000.0),
)
_COLUMNS = [
    "org_idx",
    "currency_idx",
    "segment_idx",
    "first_order_day",
    "payment_terms_days",
    "is_duplicate",
    "customer_number",
    "legal_name",
    "trading_name",
    "vat_number",
    "address",
    "postal_code",
    "city",
    "country_code",
    "currency",
    "credit_limit",
    "segment",
    "created_on",
    "updated_on",
    "is_blocked",
    "_defect",
    "_defect_detail",
]


@dataclass(frozen=True)
class ErpCustomers:
    """ERP customer records: the primary ones, then the duplicates opened later.

    Rows `0 .. n_primary - 1` hold one record per customer organisation in customer-number
    order; the duplicates follow, also in number order. Internal columns: org_idx, currency_idx,
    segment_idx, first_order_day (the day the record was opened), payment_terms_days,
    is_duplicate; the rest are the `erp.customers` columns.
    """

    frame: pl.DataFrame
    n_primary: int

    def col(self, name: str) -> np.ndarray:
        """A column as a NumPy array."""
        return self.frame[name].to_numpy()

    @property
    def size(self) -> int:
        """Number of ERP customer records, duplicates included."""
        return self.frame.height

    def primary_rows(self, rows: np.ndarray) -> np.ndarray:
        """The primary record's row of each given record's organisation."""
        if self.size == self.n_primary:
            return rows
        primary = np.empty(int(self.col("org_idx").max()) + 1, dtype=np.int64)
        primary[self.col("org_idx")[: self.n_primary]] = np.arange(self.n_primary)
        return primary[self.col("org_idx")[rows]]

    def duplicate_rows(self, n_orgs: int) -> np.ndarray:
        """Per organisation, the row of its duplicate record, -1 if it has none."""
        rows = np.full(n_orgs, -1, dtype=np.int64)
        dup = np.arange(self.n_primary, self.size)
        rows[self.col("org_idx")[dup]] = dup
        return rows


def build_erp_customers(orgs: Organisations, defects: OrgDefects, block: Block) -> ErpCustomers:
    """Open one ERP customer per customer organisation, and the duplicates of `defects`.

    Numbers are handed out in the order records were opened, duplicates included.
    """
    rng = block.rng("erp.customers")
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
    org_idx = cust["org_idx"].to_numpy()
    trading = defects.erp_name.gather(org_idx)
    in_erp = pl.Series(defects.name_side[org_idx] == NAME_IN_ERP)
    variant = pl.select(pl.when(in_erp).then(defects.name_variant.gather(org_idx))).to_series()
    primary = cust.select(
        "org_idx",
        "currency_idx",
        "segment_idx",
        "first_order_day",
        payment_terms_days=pl.Series(terms),
        is_duplicate=pl.lit(False),
        legal_name=pl.concat_str(trading, pl.Series(suffixes, dtype=pl.String), separator=" "),
        trading_name=trading,
        vat_number=pl.when(pl.Series(vat_known)).then("vat_number"),
        address="street",
        postal_code="postal_code",
        city="city",
        country_code="country",
        currency="currency",
        credit_limit=pl.Series(limit),
        segment="segment",
        created_on=date_series(first_order),
        updated_on=date_series(first_order),
        is_blocked=pl.lit(False),
        _defect=pl.when(variant.is_not_null()).then(pl.lit("name_variant")),
        _defect_detail=pl.when(variant.is_not_null()).then(
            pl.concat_str(
                pl.lit("ERP name '"), trading, pl.lit("' is a variant ("), variant,
                pl.lit(") of the name '"), "name", pl.lit("' used in the CRM"),
            )
        ),
    )  # fmt: skip
    duplicates = _duplicates(rng, primary, defects.duplicate_customers)
    both = pl.concat([primary, duplicates], how="vertical_relaxed")
    number = block.ids(
        "C",
        6,
        both["first_order_day"].to_numpy(),
        both["is_duplicate"].to_numpy().astype(np.int64),
        both["org_idx"].to_numpy(),
    )
    both = both.with_columns(customer_number=number)
    frame = pl.concat(
        [
            both.head(n).sort("customer_number"),
            both.tail(both.height - n).sort("customer_number"),
        ]
    ).select(_COLUMNS)
    return ErpCustomers(frame, n_primary=n)


def _duplicates(
    rng: np.random.Generator, primary: pl.DataFrame, planned: pl.DataFrame
) -> pl.DataFrame:
    """Second records copying the first, opened later with another currency or address."""
    rows = primary.join(
        planned.rename({"created_day": "dup_day"}), on="org_idx", maintain_order="left"
    )
    k = rows.height
    if k == 0:
        return primary.clear()
    second_currency = (rows["reason"] == "second currency").to_numpy()
    own = rows["currency_idx"].to_numpy()
    other = np.where(own == 0, 1 + rng.integers(0, 2, k), 0)  # EUR buys in USD/GBP, others in EUR
    currency_idx = np.where(second_currency, other, own)
    codes = [c.code for c in COUNTRIES]
    country = np.array([codes.index(c) for c in rows["country_code"].to_list()], dtype=np.int64)
    moved = draw_addresses(rng, country)
    day = rows["dup_day"].to_numpy()
    detail = pl.concat_str(
        pl.lit("second ERP record of the customer ("), rows["reason"], pl.lit(")")
    )
    return rows.select(
        "org_idx",
        currency_idx=pl.Series(currency_idx),
        segment_idx="segment_idx",
        first_order_day=pl.Series(day),
        payment_terms_days="payment_terms_days",
        is_duplicate=pl.lit(True),
        legal_name="legal_name",
        trading_name="trading_name",
        vat_number="vat_number",
        address=pl.when(pl.Series(second_currency)).then("address").otherwise(moved["street"]),
        postal_code=pl.when(pl.Series(second_currency))
        .then("postal_code")
        .otherwise(moved["postal_code"]),
        city=pl.when(pl.Series(second_currency)).then("city").otherwise(moved["city"]),
        country_code="country_code",
        currency=pl.Series(CURRENCIES).gather(currency_idx),
        credit_limit="credit_limit",
        segment="segment",
        created_on=date_series(day),
        updated_on=date_series(day),
        is_blocked=pl.lit(False),
        _defect=pl.lit("duplicate_customer"),
        _defect_detail=pl.select(detail).to_series(),
    )


def customers_table(customers: ErpCustomers) -> pl.DataFrame:
    """The `erp.customers` rows, each extracted on the day the customer was opened."""
    return customers.frame.with_columns(_extract_on=pl.col("created_on")).drop(
        "org_idx", "currency_idx", "segment_idx", "first_order_day", "is_duplicate"
    )  # fmt: skip
