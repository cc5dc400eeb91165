"""The truth's prices: revenue in EUR at the published rates and the cost of goods sold.

In integer cents and millionths, rounded half away from zero, as the warehouse does, so the
truth and the marts agree to the cent.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.generator.erp_catalogue import Catalogue
from ingestion.generator.erp_projects import Projects
from ingestion.generator.fx import FxRates
from ingestion.generator.timeline import month_of

MICRO = 1_000_000


def rate_micros(fx: FxRates, currency_idx: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Published rates (6 decimals) as integer millionths."""
    return np.round(fx.rate(currency_idx, months) * MICRO).astype(np.int64)


def round_div(numerator: np.ndarray, denominator: int) -> np.ndarray:
    """Numerator / denominator rounded half away from zero, in integers (numerator >= 0)."""
    return (numerator + denominator // 2) // denominator


def goods_cogs(
    catalogue: Catalogue, fx: FxRates, lines: pl.DataFrame, day: np.ndarray, month: np.ndarray
) -> np.ndarray:
    """Quantity x standard cost valid at the invoice date x the cost currency's rate."""
    product = lines["product_row"].to_numpy()
    costs = catalogue.costs
    skus = catalogue.skus.to_list()
    row = np.array([skus.index(s) for s in costs["sku"].to_list()], dtype=np.int64)
    valid_from = costs["valid_from"].cast(pl.Int64).to_numpy()
    cost4 = np.round(costs["standard_unit_cost"].to_numpy() * 10_000).astype(np.int64)
    cost_currency = np.zeros(costs.height, dtype=np.int64)  # standard costs are in EUR
    # per costed line: the cost row of its SKU with the latest valid_from <= invoice day
    order = np.lexsort((valid_from, row))
    row, valid_from, cost4 = row[order], valid_from[order], cost4[order]
    cost_currency = cost_currency[order]
    key = row * 10**7 + valid_from
    costed = np.isin(product, row)
    position = np.searchsorted(key, product * 10**7 + day, side="right") - 1
    position = np.clip(position, 0, key.size - 1)
    valid = costed & (row[position] == product)
    rate = rate_micros(fx, cost_currency[position], month)
    exact = lines["q100"].to_numpy() * cost4[position] * rate
    return np.where(valid, round_div(exact, 10_000_000_000), 0)


def project_cogs(
    projects: Projects, employee_cost_cents: np.ndarray, lines: pl.DataFrame, month: np.ndarray
) -> np.ndarray:
    """The project's billable timesheet cost of the month before the invoice.

    Non-billable hours on a customer's project are cost to serve (their driver in
    truth_cost_to_serve), so COGS leaves them out and each hour is costed once.
    """
    sheets = projects.timesheets.filter(pl.col("is_billable"))
    project_idx = lines["project_idx"].to_numpy()
    if sheets.height == 0 or not (project_idx >= 0).any():
        return np.zeros(project_idx.size, dtype=np.int64)
    half_cents = (
        sheets["half_hours"].to_numpy() * employee_cost_cents[sheets["employee_row"].to_numpy()]
    )
    cost = (
        pl.DataFrame(
            {
                "project_idx": sheets["project_idx"].to_numpy(),
                "month": month_of(sheets["work_day"].to_numpy()),
                "half_cents": half_cents,
            }
        )
        .group_by("project_idx", "month")
        .agg(pl.col("half_cents").sum())
    )
    wanted = pl.DataFrame({"project_idx": project_idx, "month": month - 1})
    joined = wanted.join(cost, on=["project_idx", "month"], how="left", maintain_order="left")
    half = joined["half_cents"].fill_null(0).to_numpy()
    return np.where(project_idx >= 0, round_div(half, 2), 0)
