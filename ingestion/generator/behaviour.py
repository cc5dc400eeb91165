"""How costly each customer organisation is to serve: one latent factor plus segment effects.

Activity-based costing studies find that what makes a customer unprofitable is not one habit
but a cluster of them: the customer who orders little and often also opens more support cases,
asks for more meetings, negotiates deeper discounts and pays later (docs/generator.md, "Cost to
serve"). A single latent "difficulty" per organisation, N(0, 1), shifts every habit in the same
direction, each with its own noise, so the habits are correlated as in a real customer base
without one being a copy of another. Segment effects come on top: small customers order in
smaller baskets and pay later, large ones get more account-management attention in absolute
terms (but less per euro of revenue): the segment's own rates live where each habit is
simulated (`crm_engagement.py`, `erp_sales.py`).

Each habit is a multiplier around 1 for a typical customer of its segment; the modules that
simulate orders, payments, CRM activities, cases and timesheets apply them.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from ingestion.generator.blocks import Block

# Per segment (SMB, Mid-Market, Enterprise). Order style > 0 means more, smaller orders.
ORDER_STYLE_BY_SEGMENT: tuple[float, ...] = (0.3, 0.0, -0.3)
# Larger customers have more sites, devices and users, hence more support cases.
SUPPORT_BY_SEGMENT: tuple[float, ...] = (0.14, 7.0, 10.5)
LATE_SHARE_BY_SEGMENT: tuple[float, ...] = (0.30, 0.22, 0.18)
# How strongly the latent difficulty moves each habit (log scale), and each habit's own noise.
ORDER_STYLE_LOADING, ORDER_STYLE_NOISE = 0.45, 0.5
SUPPORT_LOADING, SUPPORT_NOISE = 1.3, 0.3
ATTENTION_LOADING, ATTENTION_NOISE = 1.3, 0.3
# Difficult customers are often big buyers: large accounts are the most or the least profitable.
VOLUME_LOADING, VOLUME_NOISE = 0.3, 0.3
DISCOUNT_LOADING, DISCOUNT_NOISE = 1.3, 0.25
LATE_LOADING, LATE_NOISE = 0.9, 0.4
LATENESS_DAYS_LOADING = 0.45
HANDLE_TIME_LOADING = 0.6
NON_BILLABLE_BASE, NON_BILLABLE_LOADING = 0.12, 0.8
NON_BILLABLE_RANGE = (0.04, 0.6)
NEVER_PAID_LOADING = 1.5
# No habit drawn for a customer exceeds this many times the typical customer's.
MAX_HABIT = 40.0
# Support and attention grow with what a customer has to serve: sites, devices, users. However
# difficult, a small customer cannot need as much as a large one, so each segment has its own
# ceiling, a multiple of its typical customer's (SMB, Mid-Market, Enterprise): at most about
# 0.45 cases and 1.2 calls or meetings a month for an SMB customer, 14 and 28 for a Mid-Market
# one, 17 and 36 for an Enterprise one (docs/generator.md, "Cost-to-serve behaviour").
MAX_SUPPORT_BY_SEGMENT: tuple[float, ...] = (8.0, 5.0, 4.0)
MAX_ATTENTION_BY_SEGMENT: tuple[float, ...] = (8.0, 4.0, 3.0)
# A difficult customer's cases take longer, up to 3 times the typical 4 hours.
MAX_HANDLE_TIME = 3.0


@dataclass(frozen=True)
class Behaviour:
    """Per organisation (index = `org_idx`): the latent difficulty and the habits it drives.

    order_style: log-shift of ordering; orders come `exp(style)` times as often and are
    `exp(style)` times smaller, so the yearly volume is unchanged by it.
    volume: multiplier of the quantities bought (difficult customers tend to buy more than
    their segment's typical customer, and to get the deepest discounts).
    support: multiplier of the case rate; handle_time: multiplier of minutes per case.
    attention: multiplier of account-management touchpoints (calls, meetings) once a customer.
    discount: multiplier of the segment's maximum discount and of the chance to get one.
    late_share: probability that an invoice is paid after its due date.
    lateness: multiplier of how many days late a late payment is.
    never_paid: multiplier of the chance an invoice is never paid.
    non_billable_share: share of consultants' hours on the customer's projects not billed.
    """

    difficulty: np.ndarray
    order_style: np.ndarray
    volume: np.ndarray
    support: np.ndarray
    handle_time: np.ndarray
    attention: np.ndarray
    discount: np.ndarray
    late_share: np.ndarray
    lateness: np.ndarray
    never_paid: np.ndarray
    non_billable_share: np.ndarray


def _stratified_normal(rng: np.random.Generator, groups: np.ndarray) -> np.ndarray:
    """N(0, 1) draws spread evenly over the quantiles within each group, in random order.

    A few very difficult customers decide a whale curve; with plain draws a 500-customer
    company may get none among its 50 Enterprise accounts and the next seed three. One draw per
    quantile stratum gives every company its share of the tail, whatever its size.
    """
    z = np.empty(groups.size)
    inverse = np.vectorize(NormalDist().inv_cdf)
    for group in np.unique(groups):
        rows = np.flatnonzero(groups == group)
        strata = rng.permutation(rows.size) + rng.random(rows.size)
        z[rows] = inverse(strata / rows.size)
    return z


def draw_behaviour(segment_idx: np.ndarray, block: Block) -> Behaviour:
    """Draw every organisation's habits from its segment and one latent difficulty."""
    rng = block.rng("customers.behaviour")
    n = segment_idx.size
    z = _stratified_normal(rng, segment_idx)
    noise = rng.standard_normal((9, n))

    def habit(loading: float, spread: float, row: int) -> np.ndarray:
        """Log-normal with mean 1 before the cap: `exp(loading z + spread e)`, normalised."""
        value = np.exp(loading * z + spread * noise[row] - (loading**2 + spread**2) / 2)
        return np.minimum(value, MAX_HABIT)

    late_logit = np.log(
        np.asarray(LATE_SHARE_BY_SEGMENT)[segment_idx]
        / (1 - np.asarray(LATE_SHARE_BY_SEGMENT)[segment_idx])
    )
    late_share = 1 / (1 + np.exp(-(late_logit + LATE_LOADING * z + LATE_NOISE * noise[4])))
    non_billable = np.clip(
        NON_BILLABLE_BASE * np.exp(NON_BILLABLE_LOADING * z + 0.3 * noise[6]), *NON_BILLABLE_RANGE
    )
    return Behaviour(
        difficulty=z,
        order_style=np.asarray(ORDER_STYLE_BY_SEGMENT)[segment_idx]
        + ORDER_STYLE_LOADING * z
        + ORDER_STYLE_NOISE * noise[0],
        volume=habit(VOLUME_LOADING, VOLUME_NOISE, 8),
        support=np.asarray(SUPPORT_BY_SEGMENT)[segment_idx]
        * np.minimum(
            habit(SUPPORT_LOADING, SUPPORT_NOISE, 1),
            np.asarray(MAX_SUPPORT_BY_SEGMENT)[segment_idx],
        ),
        handle_time=np.minimum(habit(HANDLE_TIME_LOADING, 0.2, 7), MAX_HANDLE_TIME),
        attention=np.minimum(
            habit(ATTENTION_LOADING, ATTENTION_NOISE, 2),
            np.asarray(MAX_ATTENTION_BY_SEGMENT)[segment_idx],
        ),
        discount=habit(DISCOUNT_LOADING, DISCOUNT_NOISE, 3),
        late_share=late_share,
        lateness=habit(LATENESS_DAYS_LOADING, 0.3, 5),
        never_paid=np.exp(NEVER_PAID_LOADING * z - NEVER_PAID_LOADING**2 / 2),
        non_billable_share=non_billable,
    )
