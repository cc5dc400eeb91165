"""Activity-based cost to serve by construction: driver volumes per organisation and month.

The drivers are those of the cost-to-serve row of the project's KPI definitions (docs/metrics.md):
orders processed, invoices issued, goods lines shipped, credit notes, support handle hours, CRM
calls and meetings, non-billable hours on the customer's projects, overdue amount x days late, and
direct costs booked in the ledger with the customer's number (shipping). The volumes are counted
from the simulation before any defect, up to the last extract date, exactly as the extracts
state them; each is priced at `DRIVER_RATES_EUR`.

`DRIVER_RATES_EUR` is the one place the generator states the rates it assumes; they are the
default rates the warehouse's cost-to-serve configuration is expected to ship. Change them in
both places together.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.generator.erp_billing import Billing
from ingestion.generator.erp_customers import ErpCustomers
from ingestion.generator.erp_projects import Projects
from ingestion.generator.erp_sales import Sales
from ingestion.generator.fx import FxRates
from ingestion.generator.timeline import Timeline, first_day, month_of

# EUR per unit of each driver's volume. `overdue_eur_days` is priced at the annual cost of
# capital / 365 (8 % a year); `direct_gl_eur` is already money.
COST_OF_CAPITAL_PER_YEAR = 0.08
DRIVER_RATES_EUR: dict[str, float] = {
    "orders": 25.0,
    "invoices": 8.0,
    "goods_lines": 3.0,
    "credit_notes": 40.0,
    "support_hours": 45.0,
    "crm_calls": 30.0,
    "crm_meetings": 150.0,
    "non_billable_hours": 70.0,
    "overdue_eur_days": COST_OF_CAPITAL_PER_YEAR / 365.0,
    "direct_gl_eur": 1.0,
}
_VOLUME_SCHEMA = {"org_idx": pl.Int64, "month": pl.Int64, "driver": pl.String, "volume": pl.Float64}


def driver_volumes(
    tables: dict[str, pl.DataFrame],
    account_ids: pl.Series,
    customers: ErpCustomers,
    sales: Sales,
    billing: Billing,
    projects: Projects,
    fx: FxRates,
    timeline: Timeline,
) -> pl.DataFrame:
    """One block's driver volumes of customer organisations: org_idx, month number, driver, volume.

    `tables` are the block's entity tables before defects (activities, cases and the shipping
    entries are read there); `account_ids` is the primary CRM account of each organisation.
    """
    org_of_row = customers.col("org_idx")
    end = timeline.end
    parts = [
        _counted(sales.orders["org_idx"], sales.orders["order_day"], "orders", end),
        _goods_lines(sales, end),
        _documents(billing.documents, org_of_row, end),
        _crm(tables["crm.activities"], tables["crm.cases"], account_ids, end),
        _non_billable_hours(projects, org_of_row),
        _overdue(billing.receivables, org_of_row, fx, timeline),
        _direct_gl(tables["erp.gl_entries"], customers, end),
    ]
    volumes = pl.concat([p.select(_VOLUME_SCHEMA.keys()).cast(_VOLUME_SCHEMA) for p in parts])
    # prospects' calls and meetings are selling, not serving: only customers are costed
    volumes = volumes.filter(pl.col("org_idx").is_in(pl.Series(np.unique(org_of_row)).implode()))
    return _summed(volumes)


def _summed(volumes: pl.DataFrame) -> pl.DataFrame:
    """Volumes added up per organisation, month and driver, in a fixed order.

    NumPy adds in row order; a parallel group-by may add floats in another order from one run
    to the next and change the last bit, and the truth files must be byte-identical per seed.
    """
    if volumes.height == 0:
        return volumes
    drivers = sorted(DRIVER_RATES_EUR)
    code = volumes["driver"].replace_strict(drivers, list(range(len(drivers)))).to_numpy()
    month = volumes["month"].to_numpy()
    first, span = int(month.min()), int(month.max() - month.min()) + 1
    # one integer per (organisation, month, driver): a 1-D unique is ten times faster
    key = (volumes["org_idx"].to_numpy() * span + month - first) * len(drivers) + code
    unique, inverse = np.unique(key, return_inverse=True)
    total = np.bincount(inverse, weights=volumes["volume"].to_numpy())
    org_month, code = np.divmod(unique, len(drivers))
    org, month = np.divmod(org_month, span)
    return pl.DataFrame(
        {
            "org_idx": org,
            "month": month + first,
            "driver": pl.Series(drivers).gather(code),
            "volume": total,
        }
    )


def _counted(org: pl.Series, day: pl.Series, driver: str, end: int) -> pl.DataFrame:
    frame = pl.DataFrame({"org_idx": org, "day": day}).filter(pl.col("day") <= end)
    return frame.select(
        "org_idx",
        month=pl.Series(month_of(frame["day"].to_numpy())),
        driver=pl.lit(driver),
        volume=pl.lit(1.0),
    )


def _goods_lines(sales: Sales, end: int) -> pl.DataFrame:
    lines = sales.lines.join(
        sales.orders.select("order_idx", "org_idx", "order_day"), on="order_idx"
    )
    return _counted(lines["org_idx"], lines["order_day"], "goods_lines", end)


def _documents(documents: pl.DataFrame, org_of_row: np.ndarray, end: int) -> pl.DataFrame:
    """Invoices issued (cancelled ones excluded) and credit notes, by document month."""
    issued = documents.filter(~pl.col("is_cancelled"))
    org = pl.Series(org_of_row[issued["cust_row"].to_numpy()])
    invoices = _counted(
        org.filter(~issued["is_credit"]),
        issued["invoice_day"].filter(~issued["is_credit"]),
        "invoices",
        end,
    )
    credits = _counted(
        org.filter(issued["is_credit"]),
        issued["invoice_day"].filter(issued["is_credit"]),
        "credit_notes",
        end,
    )
    return pl.concat([invoices, credits])


def _crm(
    activities: pl.DataFrame, cases: pl.DataFrame, account_ids: pl.Series, end: int
) -> pl.DataFrame:
    """Calls and meetings by activity month; support handle hours by the month a case closed."""
    accounts = pl.DataFrame(
        {"account_id": account_ids, "org_idx": np.arange(account_ids.len(), dtype=np.int64)}
    )
    kinds = {"Call": "crm_calls", "Meeting": "crm_meetings"}
    touch = activities.filter(pl.col("type").is_in(list(kinds))).join(accounts, on="account_id")
    touch = touch.with_columns(day=pl.col("activity_at").dt.date().cast(pl.Int64))
    calls_meetings = touch.filter(pl.col("day") <= end).select(
        "org_idx",
        month=pl.Series(month_of(touch.filter(pl.col("day") <= end)["day"].to_numpy())),
        driver=pl.col("type").replace_strict(kinds),
        volume=pl.lit(1.0),
    )
    closed = cases.filter(pl.col("status") == "Closed").join(accounts, on="account_id")
    closed = closed.with_columns(day=pl.col("closed_at").dt.date().cast(pl.Int64)).filter(
        pl.col("day") <= end
    )
    support = closed.select(
        "org_idx",
        month=pl.Series(month_of(closed["day"].to_numpy())),
        driver=pl.lit("support_hours"),
        volume=pl.col("handle_minutes") / 60.0,
    )
    return pl.concat([calls_meetings, support])


def _non_billable_hours(projects: Projects, org_of_row: np.ndarray) -> pl.DataFrame:
    sheets = projects.timesheets.filter(~pl.col("is_billable"))
    cust_row = projects.projects["cust_row"].to_numpy()[sheets["project_idx"].to_numpy()]
    return pl.DataFrame(
        {
            "org_idx": org_of_row[cust_row],
            "month": month_of(sheets["work_day"].to_numpy()),
            "driver": "non_billable_hours",
            "volume": sheets["half_hours"].to_numpy() / 2.0,
        }
    )


def _overdue(
    receivables: pl.DataFrame, org_of_row: np.ndarray, fx: FxRates, timeline: Timeline
) -> pl.DataFrame:
    """Overdue amount (gross, EUR at the invoice month's rate) x days past due, per month.

    An amount is overdue from the day after its due date until the day it is paid, or until the
    last extract date if it is not paid by then; its days fall in the months they belong to.
    """
    due = receivables["due_day"].to_numpy()
    stop = np.minimum(receivables["settled_day"].to_numpy(), timeline.end)
    late = np.flatnonzero(stop > due)
    due, stop = due[late], stop[late]
    eur = (
        receivables["gross_cents"].to_numpy()[late]
        * fx.rate(
            receivables["currency_idx"].to_numpy()[late],
            month_of(receivables["invoice_day"].to_numpy()[late]),
        )
        / 100.0
    )
    org = org_of_row[receivables["cust_row"].to_numpy()[late]]
    parts = []
    for month in range(timeline.first_month, timeline.last_month + 1):
        low, high = first_day(np.array([month]))[0], first_day(np.array([month + 1]))[0]
        days = np.minimum(stop, high) - np.maximum(due, low)
        inside = days > 0
        if inside.any():
            parts.append(
                pl.DataFrame(
                    {
                        "org_idx": org[inside],
                        "month": np.full(inside.sum(), month, dtype=np.int64),
                        "driver": "overdue_eur_days",
                        "volume": eur[inside] * days[inside],
                    }
                )
            )
    return pl.concat(parts) if parts else pl.DataFrame(schema=_VOLUME_SCHEMA)


def _direct_gl(entries: pl.DataFrame, customers: ErpCustomers, end: int) -> pl.DataFrame:
    """Ledger costs booked with a customer number (carriers' shipping invoices), in EUR."""
    numbers = customers.frame.select("customer_number", "org_idx")
    booked = (
        entries.filter(pl.col("customer_number").is_not_null())
        .join(numbers, on="customer_number")
        .with_columns(day=pl.col("posting_date").cast(pl.Int64))
        .filter(pl.col("day") <= end)
    )
    if (booked["currency"] != "EUR").any():
        raise ValueError("customer costs in the ledger are expected in EUR")
    return booked.select(
        "org_idx",
        month=pl.Series(month_of(booked["day"].to_numpy())),
        driver=pl.lit("direct_gl_eur"),
        volume=pl.col("amount"),
    )


def priced(volumes: pl.DataFrame) -> pl.DataFrame:
    """Volumes with their rate and cost (EUR)."""
    rates = pl.DataFrame(
        {"driver": list(DRIVER_RATES_EUR), "rate_eur": list(DRIVER_RATES_EUR.values())}
    )
    return volumes.join(rates, on="driver", how="left").with_columns(
        cost_eur=pl.col("volume") * pl.col("rate_eur")
    )
