"""Sales and success touchpoints (activities) and customer support cases."""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.generator.arrays import group_offsets, parent_index
from ingestion.generator.behaviour import Behaviour
from ingestion.generator.blocks import Block
from ingestion.generator.crm_team import Team, pick_csm
from ingestion.generator.organisations import Organisations
from ingestion.generator.pools import (
    ACTIVITY_SUBJECTS,
    ACTIVITY_TYPE_WEIGHTS,
    ACTIVITY_TYPES,
    CASE_ORIGINS,
    CASE_PRIORITIES,
    CASE_PRIORITY_WEIGHTS,
)
from ingestion.generator.randomness import pick_weighted
from ingestion.generator.timeline import (
    SECONDS_PER_DAY,
    Timeline,
    datetime_series,
    office_seconds,
    with_nulls,
)

DAYS_PER_MONTH = 30.4
# Activities per account: a base plus a monthly rate while the account exists; customers are
# worked far more than prospects, and each customer as much as its `behaviour.attention` asks.
ACTIVITY_BASE = (1.0, 2.0)  # (prospect, customer)
PROSPECT_ACTIVITIES_PER_MONTH = 0.15
CUSTOMER_ACTIVITIES_PER_MONTH: tuple[float, ...] = (0.15, 7.0, 12.0)  # SMB, MM, Enterprise
CSM_SHARE = 0.5  # activities on existing customers logged by customer success
# Serving a customer is calls and meetings (reviews, escalations, on-site visits) more than
# e-mails and demos: type weights (ACTIVITY_TYPES order) of activities after the first order.
SERVICE_TYPE_WEIGHTS: tuple[float, ...] = (0.13, 0.01, 0.85, 0.01)
CASES_PER_CUSTOMER_MONTH = 0.4
MEAN_HANDLE_MINUTES = 240.0  # beyond the first 5, for a typical customer
MEAN_RESOLUTION_HOURS: tuple[float, ...] = (72.0, 36.0, 12.0, 4.0)  # by CASE_PRIORITIES
CSAT_ANSWERED_SHARE = 0.35
CSAT_WEIGHTS: tuple[float, ...] = (0.05, 0.07, 0.13, 0.35, 0.40)  # scores 1..5


def _pick_contacts(
    rng: np.random.Generator, contacts: pl.DataFrame, n_orgs: int, org: np.ndarray, at: np.ndarray
) -> np.ndarray:
    """A contact row of each organisation who existed at `at`; else its first contact."""
    offsets, counts = group_offsets(contacts["org_idx"].to_numpy(), n_orgs)
    chosen = offsets[org] + np.floor(rng.random(org.size) * counts[org]).astype(np.int64)
    created = contacts["created_sec"].to_numpy()
    return np.where(created[chosen] <= at, chosen, offsets[org])


def _serving_span(orgs: Organisations, served_until: np.ndarray, timeline: Timeline) -> np.ndarray:
    """Days from each customer's first order to the day it stops being served (or the end)."""
    first_order = orgs.col("first_order_day")
    last = np.minimum(served_until, timeline.end)
    return np.where(orgs.col("is_customer"), np.maximum(0, last - first_order + 1), 0)


def activities_table(
    orgs: Organisations,
    account_ids: pl.Series,
    owners: np.ndarray,
    team: Team,
    contacts: pl.DataFrame,
    behaviour: Behaviour,
    served_until: np.ndarray,
    timeline: Timeline,
    block: Block,
) -> pl.DataFrame:
    """`crm.activities` (JSON Lines): calls, e-mails, meetings and demos on each account.

    Selling activities run from the account's creation to the first order (or the end, for a
    prospect); serving activities from the first order to `served_until`, as many as the
    customer's segment and `behaviour.attention` ask for.
    """
    rng = block.rng("crm.activities")
    is_customer = orgs.col("is_customer").astype(np.int64)
    account_day = orgs.col("account_day")
    first_order = orgs.col("first_order_day")
    selling_end = np.where(
        is_customer == 1, np.minimum(first_order, timeline.end + 1), timeline.end + 1
    )
    sell_span = np.maximum(0, selling_end - account_day)
    exists = account_day <= timeline.end
    sell_rate = np.asarray(ACTIVITY_BASE)[is_customer] + PROSPECT_ACTIVITIES_PER_MONTH * (
        sell_span / DAYS_PER_MONTH
    )
    serve_span = _serving_span(orgs, served_until, timeline)
    serve_rate = (
        np.asarray(CUSTOMER_ACTIVITIES_PER_MONTH)[orgs.col("segment_idx")]
        * behaviour.attention
        * serve_span
        / DAYS_PER_MONTH
    )
    selling = parent_index(np.where(exists, rng.poisson(sell_rate), 0))
    serving = parent_index(rng.poisson(serve_rate))
    org = np.concatenate([selling, serving])
    k = org.size
    offset = np.floor(
        rng.random(k) * np.concatenate([np.maximum(sell_span[selling], 1), serve_span[serving]])
    ).astype(np.int64)
    day = np.concatenate([account_day[selling], first_order[serving]]) + offset
    first_contact_sec = contacts["created_sec"].to_numpy()[
        group_offsets(contacts["org_idx"].to_numpy(), orgs.size)[0][org]
    ]
    at = np.maximum(office_seconds(day, rng), first_contact_sec + 60)
    contact = _pick_contacts(rng, contacts, orgs.size, org, at)
    serving = orgs.col("first_order_day")[org] <= day
    kind = np.where(
        serving,
        pick_weighted(rng, SERVICE_TYPE_WEIGHTS, k),
        pick_weighted(rng, ACTIVITY_TYPE_WEIGHTS, k),
    )
    sizes = np.array([len(s) for s in ACTIVITY_SUBJECTS])
    subject_offset = np.cumsum(sizes) - sizes
    subject = subject_offset[kind] + np.floor(rng.random(k) * sizes[kind]).astype(np.int64)
    subjects = pl.Series([s for group in ACTIVITY_SUBJECTS for s in group])
    by_csm = serving & (rng.random(k) < CSM_SHARE)
    owner = np.where(by_csm, pick_csm(team, k, rng), owners[org])
    return pl.DataFrame(
        {
            "activity_id": block.ids("00T", 12, at, org, np.arange(k)),
            "account_id": account_ids.gather(org),
            "contact_id": contacts["contact_id"].gather(contact),
            "type": pl.Series(ACTIVITY_TYPES).gather(kind),
            "subject": subjects.gather(subject),
            "activity_at": datetime_series(at),
            "owner_id": team.frame["user_id"].gather(owner),
            "_extract_on": datetime_series(at).dt.date(),
        }
    )


def cases_table(
    orgs: Organisations,
    account_ids: pl.Series,
    contacts: pl.DataFrame,
    behaviour: Behaviour,
    served_until: np.ndarray,
    timeline: Timeline,
    block: Block,
) -> pl.DataFrame:
    """`crm.cases` of customers while served: extracted `New` when opened, `Closed` when resolved.

    A case resolved on the day it was opened is only extracted closed; one still open at the
    last extract only as New. handle_minutes and csat_score are known once closed, and only a
    third of customers answer the satisfaction survey. How many cases a customer opens and how
    long each takes to handle follow its `behaviour.support` and `handle_time`.
    """
    rng = block.rng("crm.cases")
    first_order = orgs.col("first_order_day")
    span = _serving_span(orgs, served_until, timeline)
    count = rng.poisson(CASES_PER_CUSTOMER_MONTH * behaviour.support * span / DAYS_PER_MONTH)
    org = parent_index(count)
    k = org.size
    day = first_order[org] + np.floor(rng.random(k) * span[org]).astype(np.int64)
    opened = office_seconds(day, rng)
    contact = _pick_contacts(rng, contacts, orgs.size, org, opened)
    opened = np.maximum(opened, contacts["created_sec"].to_numpy()[contact] + 60)
    priority = pick_weighted(rng, CASE_PRIORITY_WEIGHTS, k)
    hours = 0.25 + rng.exponential(np.asarray(MEAN_RESOLUTION_HOURS)[priority])
    closed = opened + (hours * 3600).astype(np.int64)
    same_day = closed // SECONDS_PER_DAY == opened // SECONDS_PER_DAY
    answered = rng.random(k) < CSAT_ANSWERED_SHARE
    csat = pl.Series(pick_weighted(rng, CSAT_WEIGHTS, k) + 1, dtype=pl.Int64)
    base = pl.DataFrame(
        {
            "case_id": block.ids("500", 12, opened, np.arange(k)),
            "account_id": account_ids.gather(org),
            "contact_id": contacts["contact_id"].gather(contact),
            "origin": pl.Series(CASE_ORIGINS).gather(rng.integers(0, len(CASE_ORIGINS), k)),
            "priority": pl.Series(CASE_PRIORITIES).gather(priority),
            "created_at": datetime_series(opened),
        }
    )
    new = base.filter(pl.Series(~same_day)).with_columns(
        status=pl.lit("New"),
        closed_at=pl.lit(None, dtype=pl.Datetime("us")),
        handle_minutes=pl.lit(None, dtype=pl.Int64),
        csat_score=pl.lit(None, dtype=pl.Int64),
        _extract_on=pl.col("created_at").dt.date(),
    )
    done = base.with_columns(
        status=pl.lit("Closed"),
        closed_at=datetime_series(closed),
        handle_minutes=pl.Series(
            5 + rng.exponential(MEAN_HANDLE_MINUTES * behaviour.handle_time[org]).astype(np.int64)
        ),
        csat_score=with_nulls(csat, answered),
        _extract_on=datetime_series(closed).dt.date(),
    )
    columns = [
        "case_id",
        "account_id",
        "contact_id",
        "origin",
        "priority",
        "status",
        "created_at",
        "closed_at",
        "handle_minutes",
        "csat_score",
        "_extract_on",
    ]
    return pl.concat([new.select(columns), done.select(columns)])
