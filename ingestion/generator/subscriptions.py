"""Platform subscriptions: started, expanded, contracted, churned, sometimes reactivated.

Subscriptions are billed monthly in advance: on the 1st of every month a subscriber receives one
invoice (no sales order) with a line per subscription SKU it holds, quantity = seats (licences)
or 1 (add-ons and support plans), unit price = the SKU's monthly list price less the customer's
negotiated discount, converted to the customer's currency once, at the start of the contract.
The month's subscription lines are therefore its MRR, with no spreading of annual invoices.

The state moves month by month per customer: a share of each segment subscribes (most with the
first order, some adopt the platform months later); each month an active subscriber may churn,
expand (more seats, or a new add-on) or contract (fewer seats, or an add-on dropped); a churned
subscriber may come back within a year. Rates are tuned so that 12-month gross and net retention
on ARR sit where SaaS surveys put healthy B2B companies (docs/generator.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.generator.behaviour import Behaviour
from ingestion.generator.blocks import Block
from ingestion.generator.erp_catalogue import Catalogue
from ingestion.generator.erp_customers import ErpCustomers
from ingestion.generator.fx import FxRates
from ingestion.generator.products import ADD_ON_SKUS, LICENCE_SKUS
from ingestion.generator.timeline import Timeline, first_day, month_of

# By segment (SMB, Mid-Market, Enterprise).
SUBSCRIBER_SHARE: tuple[float, ...] = (0.35, 0.55, 0.75)
LICENCE_WEIGHTS: tuple[tuple[float, ...], ...] = (
    (0.7, 0.3, 0.0),
    (0.3, 0.55, 0.15),
    (0.05, 0.35, 0.6),
)
MEAN_SEATS: tuple[float, ...] = (3.0, 10.0, 25.0)
MONTHLY_CHURN: tuple[float, ...] = (0.014, 0.009, 0.005)
MONTHLY_EXPANSION: tuple[float, ...] = (0.06, 0.07, 0.08)
MONTHLY_CONTRACTION = 0.015
CHURN_DIFFICULTY_LOADING = 0.35  # difficult customers churn more often
# Contracts above their segment's mean seats churn less: churn x sqrt(mean seats / seats held).
LARGE_CONTRACT_CHURN_ELASTICITY = 0.5
INITIAL_ADD_ON_SHARE = 0.12  # chance of each add-on in the first contract
LATE_ADOPTER_SHARE = 0.3  # subscribers who start 3-18 months after their first order
REACTIVATION_MONTHS = 12
MONTHLY_REACTIVATION = 0.015
SEAT_STEP = (0.1, 0.5)  # an expansion adds 10-50 % seats, a contraction removes 10-40 %
SEAT_CUT = (0.1, 0.4)
MAX_DISCOUNT_PCT = 25


@dataclass(frozen=True)
class Subscriptions:
    """Monthly subscription lines, one row per customer record, month and SKU held.

    lines: cust_row, month, invoice_day, product_row, sku, q100 (seats x 100), price_cents
    (customer currency). `active` is True per (primary customer row, month - first month) where
    the customer held at least one subscription.
    """

    lines: pl.DataFrame
    active: np.ndarray


def build_subscriptions(
    customers: ErpCustomers,
    behaviour: Behaviour,
    catalogue: Catalogue,
    fx: FxRates,
    timeline: Timeline,
    block: Block,
) -> Subscriptions:
    """Simulate every primary customer record's subscription month by month."""
    rng = block.rng("erp.subscriptions")
    n = customers.n_primary
    org = customers.col("org_idx")[:n]
    segment = customers.col("segment_idx")[:n]
    skus = catalogue.skus.to_list()
    items = np.array([skus.index(s) for s in (*LICENCE_SKUS, *ADD_ON_SKUS)], dtype=np.int64)
    n_licences = len(LICENCE_SKUS)
    first_month = timeline.first_month
    n_months = timeline.last_month - first_month + 1

    subscribes = rng.random(n) < np.asarray(SUBSCRIBER_SHARE)[segment]
    delay = np.where(rng.random(n) < LATE_ADOPTER_SHARE, rng.integers(3, 19, n), 1)
    start = month_of(customers.col("first_order_day")[:n]) + delay
    start = np.where(subscribes, start, np.iinfo(np.int64).max)
    cumulative = np.cumsum(np.asarray(LICENCE_WEIGHTS), axis=1)[segment]
    licence = np.minimum((rng.random(n)[:, None] >= cumulative).sum(axis=1), n_licences - 1)
    mean_seats = np.asarray(MEAN_SEATS)[segment]
    discount = np.minimum(
        MAX_DISCOUNT_PCT, np.floor(rng.random(n) * 10 * behaviour.discount[org])
    ).astype(np.int64)
    churn = np.asarray(MONTHLY_CHURN)[segment] * np.exp(
        CHURN_DIFFICULTY_LOADING * behaviour.difficulty[org]
    )
    expansion = np.asarray(MONTHLY_EXPANSION)[segment]

    seats = np.zeros((n, items.size), dtype=np.int64)
    churned_at = np.full(n, -(10**6), dtype=np.int64)
    last_seats = np.ones(n, dtype=np.int64)
    active = np.zeros((n, n_months), dtype=bool)
    rows: list[np.ndarray] = []
    months: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    held: list[np.ndarray] = []
    for m in range(first_month, first_month + n_months):
        held_seats = seats[:, :n_licences].sum(axis=1)
        holding = held_seats > 0
        churn_now = churn * _large_contract_factor(held_seats, mean_seats)
        u = rng.random(n)
        leaving = holding & (u < churn_now)
        growing = holding & ~leaving & (u < churn_now + expansion)
        shrinking = (
            holding & ~leaving & ~growing & (u < churn_now + expansion + MONTHLY_CONTRACTION)
        )
        last_seats[leaving] = seats[leaving, licence[leaving]]
        seats[leaving] = 0
        churned_at[leaving] = m
        _expand(rng, seats, np.flatnonzero(growing), licence, n_licences)
        _contract(rng, seats, np.flatnonzero(shrinking), licence, n_licences)
        starting = start == m
        seats[starting, licence[starting]] = 1 + rng.poisson(mean_seats[starting] - 1)
        with_add_on = starting[:, None] & (rng.random((n, items.size)) < INITIAL_ADD_ON_SHARE)
        with_add_on[:, :n_licences] = False
        seats[with_add_on] = 1
        back = (
            ~holding
            & (m - churned_at <= REACTIVATION_MONTHS)
            & (rng.random(n) < MONTHLY_REACTIVATION)
        )
        seats[back, licence[back]] = np.maximum(
            1, np.round(last_seats[back] * rng.uniform(0.5, 1.0, back.sum()))
        ).astype(np.int64)
        r, c = np.nonzero(seats)
        active[r, m - first_month] = True
        rows.append(r)
        months.append(np.full(r.size, m, dtype=np.int64))
        cols.append(c)
        held.append(seats[r, c])
    cust_row = np.concatenate(rows)
    month = np.concatenate(months)
    product = items[np.concatenate(cols)]
    invoice_day = first_day(month)
    keep = invoice_day <= timeline.end
    cust_row, month, product = cust_row[keep], month[keep], product[keep]
    invoice_day = invoice_day[keep]
    q100 = np.concatenate(held)[keep] * 100
    # the contract's price: list less discount, converted once at the subscription's first month
    contract_month = np.where(subscribes, start, first_month)[cust_row]
    currency_idx = customers.col("currency_idx")[cust_row]
    price = catalogue.list_price_eur[product] * (100 - discount[cust_row]) / 100
    price_cents = np.round(price / fx.rate(currency_idx, contract_month) * 100).astype(np.int64)
    order = np.lexsort((product, month, cust_row))
    lines = pl.DataFrame(
        {
            "cust_row": cust_row[order],
            "month": month[order],
            "invoice_day": invoice_day[order],
            "product_row": product[order],
            "sku": catalogue.skus.gather(product[order]),
            "q100": q100[order],
            "price_cents": price_cents[order],
        }
    )
    return Subscriptions(lines=lines, active=active)


def _large_contract_factor(held_seats: np.ndarray, mean_seats: np.ndarray) -> np.ndarray:
    """Churn multiplier of each subscriber: 1 up to its segment's mean seats, lower above.

    Large contracts are embedded in more of the customer's work and are watched by an account
    manager, so they are lost less often than small ones; without this, one subscriber grown to
    a sixth of the ARR churns as easily as a three-seat one, and a 500-customer company's GRR
    swings out of its range for the twelve months after.
    """
    ratio = np.maximum(held_seats, 1) / mean_seats
    return np.minimum(1.0, ratio**-LARGE_CONTRACT_CHURN_ELASTICITY)


def _expand(
    rng: np.random.Generator,
    seats: np.ndarray,
    who: np.ndarray,
    licence: np.ndarray,
    n_licences: int,
) -> None:
    """More seats on the licence (70 %), else a new add-on (more seats when all are held)."""
    add_on = rng.random(who.size) < 0.3
    choice = n_licences + rng.integers(0, seats.shape[1] - n_licences, who.size)
    new_add_on = add_on & (seats[who, choice] == 0)
    seats[who[new_add_on], choice[new_add_on]] = 1
    more = who[~new_add_on]
    current = seats[more, licence[more]]
    step = np.ceil(current * rng.uniform(*SEAT_STEP, more.size)).astype(np.int64)
    seats[more, licence[more]] = current + np.maximum(1, step)


def _contract(
    rng: np.random.Generator,
    seats: np.ndarray,
    who: np.ndarray,
    licence: np.ndarray,
    n_licences: int,
) -> None:
    """Fewer seats (never below one), or an add-on dropped when the draw finds one held."""
    choice = n_licences + rng.integers(0, seats.shape[1] - n_licences, who.size)
    drop = (rng.random(who.size) < 0.3) & (seats[who, choice] > 0)
    seats[who[drop], choice[drop]] = 0
    fewer = who[~drop]
    current = seats[fewer, licence[fewer]]
    cut = np.floor(current * rng.uniform(*SEAT_CUT, fewer.size)).astype(np.int64)
    seats[fewer, licence[fewer]] = np.maximum(1, current - np.maximum(cut, 1))
