"""The true organisations behind the CRM accounts and ERP customers, and their sales timeline.

Both systems are views of the same organisations: drawing the organisations first (name,
address, segment, when they were first approached, won and first invoiced) and deriving each
system's records from them is what makes the ground truth exact and the two extracts coherent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.generator.blocks import Block
from ingestion.generator.countries import COUNTRIES, Country
from ingestion.generator.fx import CURRENCIES
from ingestion.generator.identifiers import format_ids
from ingestion.generator.pools import (
    COMPANY_ACTIVITIES,
    COMPANY_AREAS,
    COMPANY_FAMILIES,
    FIRST_NAMES,
    INDUSTRIES,
    LAST_NAMES,
    SEGMENT_WEIGHTS,
    SEGMENTS,
    SPECIAL_ORGANISATIONS,
    slug,
)
from ingestion.generator.randomness import pick_weighted, rng_for
from ingestion.generator.timeline import NO_DAY, Timeline, office_seconds

PROSPECTS_PER_CUSTOMER = 0.8
CUSTOMER_LEAD_SHARE = 0.7  # customers whose first contact came through a (converted) lead
PROSPECT_OPPORTUNITY_SHARE = 0.55
_POSTCODE_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))


@dataclass(frozen=True)
class Organisations:
    """One row per organisation: customers first (`is_customer`), then prospects."""

    frame: pl.DataFrame

    def col(self, name: str) -> np.ndarray:
        """A column as a NumPy array."""
        return self.frame[name].to_numpy()

    @property
    def size(self) -> int:
        """Number of organisations."""
        return self.frame.height


@dataclass(frozen=True)
class NameDraws:
    """Which `family activity [area]` combination each organisation of the company is named.

    Drawn once for the whole company, so names stay unique across blocks: a permutation of the
    ~290,000 combinations, repeated with a " 2", " 3" suffix only beyond that many organisations.
    """

    draws: np.ndarray
    repeat: np.ndarray

    @classmethod
    def build(cls, n_orgs: int, seed: int) -> NameDraws:
        """Names for `n_orgs` organisations (the special ones come on top, not from here)."""
        rng = rng_for(seed, "organisations.names")
        space = len(COMPANY_FAMILIES) * len(COMPANY_ACTIVITIES) * (len(COMPANY_AREAS) + 1)
        rounds = n_orgs // space + 1
        draws = np.concatenate([rng.permutation(space) for _ in range(rounds)])[:n_orgs]
        return cls(draws=draws, repeat=np.arange(n_orgs) // space)


def organisation_count(customers: int) -> int:
    """Organisations of a block of `customers`: the customers and ~0.8 prospects per customer."""
    return customers + int(np.ceil(customers * PROSPECTS_PER_CUSTOMER))


def build_organisations(block: Block, timeline: Timeline, names: NameDraws) -> Organisations:
    """Draw the block's customer organisations and ~0.8 prospects per customer."""
    rng = block.rng("organisations")
    customers = block.customers
    n = organisation_count(customers)
    is_customer = np.arange(n) < customers
    n_special = min(len(SPECIAL_ORGANISATIONS), customers) if block.index == 0 else 0
    drawn = slice(block.org_offset, block.org_offset + n - n_special)
    org_names = _names(SPECIAL_ORGANISATIONS[:n_special], names.draws[drawn], names.repeat[drawn])
    country_idx = pick_weighted(rng, tuple(c.weight for c in COUNTRIES), n)
    codes = [c.code for c in COUNTRIES]
    for i, (_, code) in enumerate(SPECIAL_ORGANISATIONS[:n_special]):
        country_idx[i] = codes.index(code)
    segment_idx = pick_weighted(rng, SEGMENT_WEIGHTS, n)
    low = np.array([10, 200, 2_000])[segment_idx]
    high = np.array([200, 2_000, 50_000])[segment_idx]
    employees = np.exp(rng.uniform(np.log(low), np.log(high))).astype(np.int64)
    revenue = np.round(employees * rng.uniform(80.0, 250.0, n)) * 1_000.0
    currency_idx = np.array([CURRENCIES.index(c.currency) for c in COUNTRIES])[country_idx]
    frame = pl.DataFrame(
        {
            "org_idx": np.arange(n, dtype=np.int64),
            "org_id": format_ids("O", np.arange(1, n + 1) + block.org_offset, 6),
            "is_customer": is_customer,
            "name": org_names["name"],
            "slug": org_names["slug"],
            "country_idx": country_idx,
            "country": pl.Series(codes).gather(country_idx),
            "region": pl.Series([c.region for c in COUNTRIES]).gather(country_idx),
            "currency_idx": currency_idx,
            "currency": pl.Series(CURRENCIES).gather(currency_idx),
            "segment_idx": segment_idx,
            "segment": pl.Series(SEGMENTS).gather(segment_idx),
            "industry": pl.Series(INDUSTRIES).gather(rng.integers(0, len(INDUSTRIES), n)),
            "employee_count": employees,
            "annual_revenue": revenue,
            "person_first": rng.integers(0, len(FIRST_NAMES), n),
            "person_last": rng.integers(0, len(LAST_NAMES), n),
        }
    )
    frame = frame.join(draw_addresses(rng, country_idx), on="org_idx", how="left")
    frame = frame.with_columns(
        website=pl.concat_str(pl.lit("https://www."), "slug", pl.lit("."), "tld"),
    )
    return Organisations(frame.hstack(_timelines(rng, is_customer, timeline)))


def _names(
    specials: tuple[tuple[str, str], ...], draws: np.ndarray, repeat: np.ndarray
) -> pl.DataFrame:
    """Organisation names and web slugs: the special ones, then the drawn combinations."""
    n_a, n_r = len(COMPANY_ACTIVITIES), len(COMPANY_AREAS) + 1
    f, rest = np.divmod(draws, n_a * n_r)
    a, r = np.divmod(rest, n_r)
    area = pl.Series([None, *COMPANY_AREAS], dtype=pl.String).gather(r)
    area_slug = pl.Series([None, *(slug(x) for x in COMPANY_AREAS)], dtype=pl.String).gather(r)
    repeats = pl.Series(repeat, dtype=pl.Int64)
    suffix = pl.select(pl.when(repeats > 0).then((repeats + 1).cast(pl.String))).to_series()
    tokens = pl.DataFrame(
        {
            "f": pl.Series(COMPANY_FAMILIES).gather(f),
            "a": pl.Series(COMPANY_ACTIVITIES).gather(a),
            "r": area,
            "sf": pl.Series([slug(x) for x in COMPANY_FAMILIES]).gather(f),
            "sa": pl.Series([slug(x) for x in COMPANY_ACTIVITIES]).gather(a),
            "sr": area_slug,
            "n": suffix,
        }
    )
    drawn = tokens.select(
        name=pl.concat_str("f", "a", "r", "n", separator=" ", ignore_nulls=True),
        slug=pl.concat_str("sf", "sa", "sr", "n", separator="-", ignore_nulls=True),
    )
    names = [name for name, _ in specials]
    special = pl.DataFrame(
        {"name": names, "slug": [slug(s) for s in names]},
        schema={"name": pl.String, "slug": pl.String},
    )
    return pl.concat([special, drawn])


def draw_addresses(rng: np.random.Generator, country_idx: np.ndarray) -> pl.DataFrame:
    """Street, postcode, city, phone and VAT number in each organisation's country format."""
    parts = []
    for i, country in enumerate(COUNTRIES):
        rows = np.flatnonzero(country_idx == i)
        if rows.size:
            parts.append(_country_addresses(rng, country, rows))
    return pl.concat(parts).sort("org_idx")


def _country_addresses(
    rng: np.random.Generator, country: Country, rows: np.ndarray
) -> pl.DataFrame:
    k = rows.size
    city_idx = rng.integers(0, len(country.cities), k)
    prefixes = pl.Series([p for _, p in country.cities]).gather(city_idx)
    street = pl.Series(country.streets).gather(rng.integers(0, len(country.streets), k))
    number = pl.Series(rng.integers(1, 180, k)).cast(pl.String)
    letters = _POSTCODE_LETTERS[rng.integers(0, _POSTCODE_LETTERS.size, (k, 2))]
    pair = pl.Series(np.char.add(letters[:, 0], letters[:, 1]))
    if country.code == "GB":
        postcode = pl.concat_str(
            prefixes,
            pl.Series(rng.integers(1, 20, k)).cast(pl.String),
            pl.lit(" "),
            pl.Series(rng.integers(1, 10, k)).cast(pl.String),
            pair,
        )
    else:
        # the city prefix ("75", "201") completed with random digits to the country's length
        tail = pl.Series(rng.integers(0, 1_000, k)).cast(pl.String).str.zfill(3)
        fill = country.postal_digits - prefixes.str.len_chars().cast(pl.Int64)
        postcode = pl.select(
            pl.concat_str(prefixes, tail.str.slice(pl.lit(3, dtype=pl.Int64) - fill))
        ).to_series()
        if country.code == "NL":
            postcode = pl.select(pl.concat_str(postcode, pl.lit(" "), pair)).to_series()
    address = (
        pl.concat_str(number, street, separator=" ")
        if country.number_first
        else pl.concat_str(street, number, separator=" ")
    )
    phone = pl.concat_str(
        pl.lit(country.phone_prefix + " "),
        pl.Series(rng.integers(100_000_000, 999_999_999, k)).cast(pl.String),
    )
    if country.vat_digits:
        digits = rng.integers(0, 10**country.vat_digits, k, dtype=np.int64)
        vat = pl.concat_str(
            pl.lit(country.vat_prefix),
            pl.Series(digits).cast(pl.String).str.zfill(country.vat_digits),
        )
    else:
        vat = pl.lit(None, dtype=pl.String)
    return pl.select(
        org_idx=pl.Series(rows, dtype=pl.Int64),
        street=address,
        postal_code=postcode,
        city=pl.Series([c for c, _ in country.cities]).gather(city_idx),
        phone=phone,
        vat_number=vat,
        tld=pl.lit(country.tld),
    )


def _timelines(
    rng: np.random.Generator, is_customer: np.ndarray, timeline: Timeline
) -> pl.DataFrame:
    """When each organisation was approached, won and first ordered (days and timestamps).

    Customers are won at a rate that triples over the history (a growing company); the won
    opportunity was opened 2 weeks to 4 months before, and the first order follows within a week.
    A customer that came through a lead has its account created when the lead was converted, i.e.
    together with the opportunity; the others had an account up to six months earlier.
    """
    n = is_customer.size
    hs, end = timeline.history_start, timeline.end
    won = np.where(is_customer, timeline.growing_days(rng, n, hs + 30, end), NO_DAY)
    cust_opp = np.maximum(hs, won - rng.integers(14, 121, n))
    has_lead = rng.random(n) < CUSTOMER_LEAD_SHARE
    cust_account = np.where(has_lead, cust_opp, np.maximum(hs, cust_opp - rng.integers(0, 181, n)))

    prospect_account = timeline.growing_days(rng, n, hs, end)
    has_opp = is_customer | (rng.random(n) < PROSPECT_OPPORTUNITY_SHARE)
    prospect_opp = np.where(has_lead, prospect_account, prospect_account + rng.integers(0, 61, n))

    account_day = np.where(is_customer, cust_account, prospect_account)
    opp_day = np.where(is_customer, cust_opp, np.where(has_opp, prospect_opp, NO_DAY))
    has_lead &= has_opp
    account_sec = office_seconds(account_day, rng)
    opp_sec = np.where(
        opp_day == account_day, account_sec + rng.integers(60, 900, n), office_seconds(opp_day, rng)
    )
    first_order = np.where(is_customer, won + rng.integers(0, 8, n), NO_DAY)
    return pl.DataFrame(
        {
            "account_day": account_day,
            "account_sec": account_sec,
            "has_opp": has_opp,
            "has_lead": has_lead,
            "opp_day": opp_day,
            "opp_sec": np.where(has_opp, opp_sec, NO_DAY),
            "won_day": won,
            "first_order_day": first_order,
        }
    )
