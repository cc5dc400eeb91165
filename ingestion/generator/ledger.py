"""General-ledger expense postings: marketing, salaries, shipping, rent and hosting.

Expenses are positive amounts. Marketing is posted per campaign and month with the campaign id
as `campaign_code`, so marketing spend can be attributed; as in a real ledger, some marketing
carries no campaign: trade-show fees booked on the events cost centre (attributable through it)
and an agency retainer on the general marketing cost centre (not attributable). Shipping carries
the customer number, so it can be charged to the customer's margin, and so do bad debts: an
invoice never paid is written off, net of VAT, `WRITE_OFF_AFTER_DAYS` after its due date.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from ingestion.generator.arrays import parent_index, position_in_parent
from ingestion.generator.blocks import Block, Numbering
from ingestion.generator.crm_campaigns import Campaigns
from ingestion.generator.crm_team import MONTHLY_SALARY_EUR, Team
from ingestion.generator.erp_billing import Billing
from ingestion.generator.erp_customers import ErpCustomers
from ingestion.generator.erp_payments import NEVER_PAID
from ingestion.generator.erp_sales import Sales
from ingestion.generator.fx import FxRates
from ingestion.generator.money import VAT_PERCENT
from ingestion.generator.randomness import rng_for
from ingestion.generator.timeline import Timeline, date_series, first_day, last_day, month_of

WEEKS_PER_MONTH = 52.0 / 12.0
# (account code, account name, cost centre, currency, monthly amount for 40 staff, description);
# rent is paid locally by each office, hence in GBP and USD for London and New York. Amounts
# scale with headcount so a 100,000-customer company does not run from a 40-person office.
STAFF_PER_OFFICE_SET = 40
FIXED_MONTHLY: tuple[tuple[str, str, str, str, float, str], ...] = (
    ("6132", "Rent", "ADMIN", "EUR", 18_500.0, "Rent Paris office"),
    ("6132", "Rent", "ADMIN", "GBP", 9_800.0, "Rent London office"),
    ("6132", "Rent", "ADMIN", "USD", 12_000.0, "Rent New York office"),
    ("6260", "Software subscriptions", "IT", "EUR", 4_200.0, "SaaS tools"),
)
# Marketing without a campaign code, monthly for 40 staff: (account code, account name, cost
# centre, amount, description, months of the year it is booked in, 1-12).
MARKETING_OVERHEADS: tuple[tuple[str, str, str, float, str, tuple[int, ...]], ...] = (
    ("6231", "Marketing agencies and fees", "MKT", 2_500.0, "Agency retainer", tuple(range(1, 13))),
    ("6233", "Trade shows and events", "MKT-EVENTS", 6_000.0, "Trade show fees", (3, 6, 10)),
)
HOSTING_BASE_EUR = 1_500.0
HOSTING_PER_CUSTOMER_EUR = 6.0
WRITE_OFF_AFTER_DAYS = 120
_COLUMNS = [
    "posting_day",
    "account_code",
    "account_name",
    "cost_centre",
    "amount_cents",
    "currency",
    "campaign_code",
    "customer_number",
    "description",
]


def served_customers(first_order_days: np.ndarray, timeline: Timeline) -> np.ndarray:
    """Customers with a first order by the end of each month of the history."""
    months = np.arange(timeline.first_month, timeline.last_month + 1)
    return np.searchsorted(np.sort(first_order_days), last_day(months), side="right")


def customer_entries(
    sales: Sales, billing: Billing, customers: ErpCustomers, fx: FxRates, block: Block
) -> pl.DataFrame:
    """The block's postings with a customer number (shipping, bad debts), as `erp.gl_entries`."""
    entries = pl.concat(
        [_shipping(block.rng("erp.gl_entries"), sales), _bad_debts(billing, customers, fx)]
    )
    return _numbered(entries, block.ids)


def _bad_debts(billing: Billing, customers: ErpCustomers, fx: FxRates) -> pl.DataFrame:
    """Invoices never paid, written off net of VAT in EUR (at the invoice month's rate)."""
    unpaid = billing.receivables.filter(pl.col("settled_day") == NEVER_PAID)
    gross = unpaid["gross_cents"].to_numpy()
    net = np.round(gross * 100 / (100 + VAT_PERCENT))
    rate = fx.rate(unpaid["currency_idx"].to_numpy(), month_of(unpaid["invoice_day"].to_numpy()))
    return _entries(
        unpaid["due_day"].to_numpy() + WRITE_OFF_AFTER_DAYS,
        "6541",
        "Bad debts written off",
        "FIN",
        np.round(net * rate),
        "EUR",
        "Bad debt write-off",
        customer=customers.frame["customer_number"].gather(unpaid["cust_row"]),
    )


def company_entries(
    campaigns: Campaigns,
    team: Team,
    employees: pl.DataFrame,
    served: np.ndarray,
    timeline: Timeline,
    seed: int,
    numbering: Numbering,
) -> pl.DataFrame:
    """Company-wide `erp.gl_entries`: marketing, payroll, rent, software and hosting.

    `served` is the number of customers with a first order by the end of each month.
    """
    rng = rng_for(seed, "erp.gl_entries.company")
    months = np.arange(timeline.first_month, timeline.last_month + 1)
    entries = pl.concat(
        [
            _marketing(campaigns),
            _salaries(rng, team, employees, months, _growth(served)),
            _fixed_costs(months, (team.frame.height + employees.height) / STAFF_PER_OFFICE_SET),
            _marketing_overheads(
                months, (team.frame.height + employees.height) / STAFF_PER_OFFICE_SET
            ),
            _hosting(served, months),
        ]
    )
    return _numbered(entries, numbering.ids)


def _numbered(entries: pl.DataFrame, ids: Callable[..., pl.Series]) -> pl.DataFrame:
    day = entries["posting_day"].to_numpy()
    code = entries["account_code"].cast(pl.Int64).to_numpy()
    return entries.select(
        entry_id=ids("GL", 9, day, code, np.arange(entries.height)),
        posting_date=date_series(day),
        account_code="account_code",
        account_name="account_name",
        cost_centre="cost_centre",
        amount=pl.col("amount_cents").cast(pl.Float64) / 100.0,
        currency="currency",
        campaign_code="campaign_code",
        customer_number="customer_number",
        description="description",
        _extract_on=date_series(day),
    )


def _entries(
    day: np.ndarray,
    code: str,
    name: str,
    centre: str,
    cents: np.ndarray,
    currency: str | pl.Series,
    description: pl.Series | str,
    campaign: pl.Series | None = None,
    customer: pl.Series | None = None,
) -> pl.DataFrame:
    n = day.size
    none = pl.Series([None] * n, dtype=pl.String)
    return pl.DataFrame(
        {
            "posting_day": day.astype(np.int64),
            "account_code": [code] * n,
            "account_name": [name] * n,
            "cost_centre": [centre] * n,
            "amount_cents": cents.astype(np.int64),
            "currency": currency if isinstance(currency, pl.Series) else [currency] * n,
            "campaign_code": campaign if campaign is not None else none,
            "customer_number": customer if customer is not None else none,
            "description": description if isinstance(description, pl.Series) else [description] * n,
        },
        schema_overrides={"currency": pl.String, "description": pl.String},
    ).select(_COLUMNS)


def _marketing(campaigns: Campaigns) -> pl.DataFrame:
    """Each campaign's actual cost spread evenly over its months, posted at each month end."""
    frame = campaigns.frame
    start_month = month_of(frame["start_day"].to_numpy())
    n_months = month_of(frame["end_day"].to_numpy()) - start_month + 1
    total = np.round(frame["actual_cost"].to_numpy() * 100).astype(np.int64)
    row = parent_index(n_months)
    position = position_in_parent(n_months)
    share = total[row] // n_months[row]
    cents = np.where(position == n_months[row] - 1, total[row] - share * (n_months[row] - 1), share)
    return _entries(
        last_day(start_month[row] + position),
        "6230",
        "Advertising",
        "MKT",
        cents,
        "EUR",
        frame["name"].gather(row),
        campaign=frame["campaign_id"].gather(row),
    )


def _growth(served: np.ndarray) -> np.ndarray:
    """Headcount as a share of today's team: half of it at the start, growing with customers.

    The team of `Team` is sized for the final customer base; paying all of it from the first
    month would make every early month a heavy loss.
    """
    return 0.5 + 0.5 * served / max(int(served[-1]), 1)


def _salaries(
    rng: np.random.Generator,
    team: Team,
    employees: pl.DataFrame,
    months: np.ndarray,
    growth: np.ndarray,
) -> pl.DataFrame:
    """Monthly payroll per department, posted on the last day of the month."""
    roles = team.frame["role"].to_numpy()
    sales_payroll = sum(MONTHLY_SALARY_EUR[r] for r in roles if r != "CSM")
    success_payroll = sum(MONTHLY_SALARY_EUR[r] for r in roles if r == "CSM")
    delivery_payroll = float(
        (employees["cost_rate_per_hour"] * employees["weekly_capacity_hours"]).sum()
        * WEEKS_PER_MONTH
    )
    parts = []
    for code, name, centre, payroll in (
        ("6410", "Salaries - Sales", "SALES", sales_payroll),
        ("6411", "Salaries - Customer Success", "CS", success_payroll),
        ("6412", "Salaries - Consultants", "DELIVERY", delivery_payroll),
    ):
        cents = np.round(payroll * growth * rng.uniform(0.98, 1.02, months.size) * 100)
        parts.append(
            _entries(last_day(months), code, name, centre, cents, "EUR", "Monthly payroll")
        )
    return pl.concat(parts)


def _shipping(rng: np.random.Generator, sales: Sales) -> pl.DataFrame:
    """Carrier invoice per order with goods, 1-3 days after the order, charged to the customer."""
    orders = sales.orders.filter(pl.col("goods_net_eur") > 0)
    n = orders.height
    goods = orders["goods_net_eur"].to_numpy()
    cents = np.round((12.0 + 0.015 * goods + rng.uniform(0.0, 8.0, n)) * 100)
    return _entries(
        orders["order_day"].to_numpy() + rng.integers(1, 4, n),
        "6241",
        "Transport on sales",
        "OPS",
        cents,
        "EUR",
        pl.select(pl.concat_str(pl.lit("Shipping "), orders["order_number"])).to_series(),
        customer=orders["customer_number"],
    )


def _fixed_costs(months: np.ndarray, scale: float) -> pl.DataFrame:
    """Rent and software, invoiced on the first of each month, sized to the headcount."""
    return pl.concat(
        [
            _entries(
                first_day(months),
                code,
                name,
                centre,
                np.full(months.size, np.round(amount * scale) * 100),
                currency,
                description,
            )
            for code, name, centre, currency, amount, description in FIXED_MONTHLY
        ]
    )


def _marketing_overheads(months: np.ndarray, scale: float) -> pl.DataFrame:
    """Marketing booked without a campaign code, at each month end, sized to the headcount."""
    parts = []
    for code, name, centre, amount, description, in_months in MARKETING_OVERHEADS:
        booked = months[np.isin(months % 12 + 1, in_months)]
        cents = np.full(booked.size, np.round(amount * scale) * 100)
        parts.append(_entries(last_day(booked), code, name, centre, cents, "EUR", description))
    return pl.concat(parts)


def _hosting(served: np.ndarray, months: np.ndarray) -> pl.DataFrame:
    """Cloud hosting, growing with the number of customers served that month."""
    cents = np.round((HOSTING_BASE_EUR + HOSTING_PER_CUSTOMER_EUR * served) * 100)
    return _entries(last_day(months), "6150", "Cloud hosting", "OPS", cents, "EUR", "Hosting")
