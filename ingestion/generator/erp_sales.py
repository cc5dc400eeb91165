"""Sales orders and their lines: a first order after the won deal, then repeat orders."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.generator.arrays import parent_index
from ingestion.generator.behaviour import Behaviour
from ingestion.generator.blocks import Block
from ingestion.generator.erp_catalogue import Catalogue
from ingestion.generator.erp_customers import ErpCustomers
from ingestion.generator.fx import FxRates
from ingestion.generator.money import net_cents, tax_cents, to_amount
from ingestion.generator.randomness import pick_weighted
from ingestion.generator.subscriptions import Subscriptions
from ingestion.generator.timeline import Timeline, date_series, month_of, seasonal_factor

# Mean days between two orders by segment (SMB, Mid-Market, Enterprise): bigger customers buy
# more often. Gaps are exponential (memoryless re-ordering) with a one-week floor. A customer's
# order style (`behaviour.py`) divides its gap and its quantities by the same factor.
MEAN_ORDER_GAP_DAYS: tuple[float, ...] = (150.0, 90.0, 50.0)
MIN_ORDER_GAP_DAYS = 7
# Tuned so the default company shows ~15-20% yearly logo churn and ~100% net revenue retention
# (docs/generator.md, "Is it plausible?").
ONE_ORDER_ONLY_SHARE = 0.08  # customers who never re-order
MEAN_BUYING_LIFETIME_DAYS = 2_000.0  # after which a customer stops buying (exponential)
EXPANSION_PER_YEAR = 0.2  # order quantities grow with the customer's tenure (land and expand)
REPEAT_ORDER_OPPORTUNITY_SHARE = 0.3  # repeat orders negotiated as an Upsell/Renewal deal
LINES_PER_ORDER_WEIGHTS: tuple[float, ...] = (0.45, 0.30, 0.15, 0.10)
GOODS_MEAN_QUANTITY: tuple[float, ...] = (3.0, 8.0, 18.0)
MAX_DISCOUNT_PCT: tuple[int, ...] = (10, 18, 30)
NO_DISCOUNT_SHARE = 0.55
DISCOUNT_CAP_PCT = 60
MAX_INVOICE_DELAY_DAYS = 5
DUPLICATE_BOOKING_SHARE = 0.6  # of orders after a second ERP record exists, booked on it


@dataclass(frozen=True)
class Sales:
    """Orders (one row per order, `order_idx` = row) and their lines, amounts in cents.

    orders: order_idx, cust_row, org_idx, order_number, customer_number, currency_idx, currency,
    order_day, invoice_day, seq (0 = first order), wants_opportunity, has_subscription,
    net_cents, goods_net_eur, sales_rep.
    lines: order_idx, line_number, product_row, sku, q100, price_cents, discount_pct, net_cents,
    tax_cents.
    """

    orders: pl.DataFrame
    lines: pl.DataFrame


def build_sales(
    customers: ErpCustomers,
    catalogue: Catalogue,
    fx: FxRates,
    sales_reps: pl.Series,
    behaviour: Behaviour,
    subscriptions: Subscriptions,
    timeline: Timeline,
    block: Block,
) -> Sales:
    """Simulate every customer's orders; `sales_reps` is the owner's name per customer row.

    Orders are drawn per customer organisation (its primary ERP record); once an organisation
    has a second ERP record, some of its orders are booked on that one instead. An order placed
    while the customer holds a subscription `has_subscription` (negotiated as a Renewal deal).
    """
    rng = block.rng("erp.sales_orders")
    cust_row, order_day, seq = _order_days(rng, customers, behaviour, timeline)
    cust_row = _book_on_duplicates(block, customers, cust_row, order_day, seq)
    n = cust_row.size
    invoice_day = order_day + rng.integers(0, MAX_INVOICE_DELAY_DAYS + 1, n)
    currency_idx = customers.col("currency_idx")[cust_row]
    segment = customers.col("segment_idx")[cust_row]
    org_first = customers.col("first_order_day")[customers.primary_rows(cust_row)]
    tenure_years = np.maximum(order_day - org_first, 0) / 365.25
    org = customers.col("org_idx")[cust_row]
    lines = _lines(
        rng, catalogue, fx, order_day, currency_idx, segment, tenure_years, behaviour, org
    )
    order_idx = lines["order_idx"].to_numpy()
    line_net = lines["net_cents"].to_numpy()
    product = lines["product_row"].to_numpy()
    rate = fx.rate(currency_idx[order_idx], month_of(order_day[order_idx]))
    goods = catalogue.is_goods[product]
    orders = pl.DataFrame(
        {
            "order_idx": np.arange(n, dtype=np.int64),
            "cust_row": cust_row,
            "org_idx": org,
            "order_number": block.ids("SO", 7, order_day, cust_row, seq),
            "customer_number": customers.frame["customer_number"].gather(cust_row),
            "currency_idx": currency_idx,
            "currency": customers.frame["currency"].gather(cust_row),
            "order_day": order_day,
            "invoice_day": invoice_day,
            "seq": seq,
            "wants_opportunity": (seq == 0) | (rng.random(n) < REPEAT_ORDER_OPPORTUNITY_SHARE),
            "has_subscription": subscriptions.active[
                customers.primary_rows(cust_row),
                np.clip(
                    month_of(order_day) - timeline.first_month,
                    0,
                    subscriptions.active.shape[1] - 1,
                ),
            ],
            "net_cents": np.bincount(order_idx, weights=line_net, minlength=n).astype(np.int64),
            "goods_net_eur": np.bincount(
                order_idx, weights=np.where(goods, line_net * rate / 100.0, 0.0), minlength=n
            ),
            "sales_rep": sales_reps.gather(cust_row),
        }
    )
    return Sales(orders=orders, lines=lines)


def _order_days(
    rng: np.random.Generator, customers: ErpCustomers, behaviour: Behaviour, timeline: Timeline
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(customer row, order day, sequence number) of every order, first orders included.

    An order falling in a slow month is postponed by 2-5 weeks with probability 1 - the month's
    seasonal factor (45% in August), which is what makes repeat business seasonal.
    """
    n = customers.n_primary
    first = customers.col("first_order_day")[:n]
    segment = customers.col("segment_idx")[:n]
    lifetime = rng.exponential(MEAN_BUYING_LIFETIME_DAYS, n).astype(np.int64)
    stop = np.minimum(
        timeline.end, first + np.where(rng.random(n) < ONE_ORDER_ONLY_SHARE, 0, lifetime)
    )
    style = behaviour.order_style[customers.col("org_idx")[:n]]
    mean_gap = np.asarray(MEAN_ORDER_GAP_DAYS)[segment] * np.exp(-style)
    rows, days, seqs = [np.arange(n)], [first], [np.zeros(n, dtype=np.int64)]
    current = first.copy()
    active = np.arange(n)
    k = 0
    while active.size:
        k += 1
        gap = np.maximum(MIN_ORDER_GAP_DAYS, rng.exponential(mean_gap[active]).astype(np.int64))
        nxt = current[active] + gap
        postpone = rng.random(active.size) > seasonal_factor(nxt)
        nxt = nxt + np.where(postpone, rng.integers(14, 36, active.size), 0)
        keep = nxt <= stop[active]
        active = active[keep]
        current[active] = nxt[keep]
        rows.append(active)
        days.append(nxt[keep])
        seqs.append(np.full(active.size, k, dtype=np.int64))
    return np.concatenate(rows), np.concatenate(days), np.concatenate(seqs)


def _book_on_duplicates(
    block: Block,
    customers: ErpCustomers,
    cust_row: np.ndarray,
    order_day: np.ndarray,
    seq: np.ndarray,
) -> np.ndarray:
    """Move repeat orders placed after an organisation's second ERP record was opened onto it."""
    if customers.size == customers.n_primary:
        return cust_row
    rng = block.rng("defects.erp_duplicates")
    org = customers.col("org_idx")
    dup_row = customers.duplicate_rows(int(org.max()) + 1)[org[cust_row]]
    opened = customers.col("first_order_day")[np.maximum(dup_row, 0)]
    moved = (dup_row >= 0) & (seq > 0) & (order_day >= opened)
    moved &= rng.random(cust_row.size) < DUPLICATE_BOOKING_SHARE
    return np.where(moved, dup_row, cust_row)


def _lines(
    rng: np.random.Generator,
    catalogue: Catalogue,
    fx: FxRates,
    order_day: np.ndarray,
    currency_idx: np.ndarray,
    segment: np.ndarray,
    tenure_years: np.ndarray,
    behaviour: Behaviour,
    org: np.ndarray,
) -> pl.DataFrame:
    """1-4 distinct goods SKUs per order, priced near list in the order currency.

    Quantities grow by `EXPANSION_PER_YEAR` per year since the customer's first order and
    shrink with the customer's order style; its discount habit scales how often and how deeply
    it is discounted.
    """
    n_lines = pick_weighted(rng, LINES_PER_ORDER_WEIGHTS, order_day.size) + 1
    order_idx = parent_index(n_lines)
    sellable = catalogue.sellable
    product = sellable[rng.integers(0, sellable.size, order_idx.size)]
    draws = pl.DataFrame({"order_idx": order_idx, "product_row": product}).unique(
        maintain_order=True
    )
    order_idx = draws["order_idx"].to_numpy()
    product = draws["product_row"].to_numpy()
    k = order_idx.size
    seg = segment[order_idx]
    line_org = org[order_idx]
    mean_qty = (
        np.asarray(GOODS_MEAN_QUANTITY)[seg]
        * (1.0 + EXPANSION_PER_YEAR * tenure_years[order_idx])
        * np.exp(-behaviour.order_style[line_org])
        * behaviour.volume[line_org]
    )
    quantity = 1 + rng.poisson(mean_qty)
    rate = fx.rate(currency_idx[order_idx], month_of(order_day[order_idx]))
    price = np.round(catalogue.list_price_eur[product] / rate * rng.uniform(0.97, 1.03, k) * 100)
    price_cents = price.astype(np.int64)
    habit = behaviour.discount[line_org]
    max_discount = np.asarray(MAX_DISCOUNT_PCT)[seg] * habit
    no_discount = NO_DISCOUNT_SHARE / np.maximum(habit, 1.0)
    discount = np.where(
        rng.random(k) < no_discount,
        0,
        np.minimum(DISCOUNT_CAP_PCT, 1 + np.floor(rng.random(k) * max_discount)),
    ).astype(np.int64)
    q100 = quantity.astype(np.int64) * 100
    net = net_cents(q100, price_cents, discount)
    return pl.DataFrame(
        {
            "order_idx": order_idx,
            "product_row": product,
            "sku": catalogue.skus.gather(product),
            "q100": q100,
            "price_cents": price_cents,
            "discount_pct": discount,
            "net_cents": net,
            "tax_cents": tax_cents(net),
        }
    ).with_columns(line_number=pl.int_range(1, pl.len() + 1).over("order_idx").cast(pl.Int64))


def sales_orders_table(sales: Sales, opportunity_ids: pl.Series) -> pl.DataFrame:
    """`erp.sales_orders`: extracted `open` on the order date, again `invoiced` when invoiced.

    `opportunity_ids` is the CRM opportunity per order row (null for most repeat orders).
    """
    orders = sales.orders.with_columns(crm_opportunity_id=opportunity_ids)
    base = orders.select(
        "order_number",
        "customer_number",
        order_date=date_series(orders["order_day"].to_numpy()),
        currency="currency",
        crm_opportunity_id="crm_opportunity_id",
        sales_rep="sales_rep",
        order_day="order_day",
        invoice_day="invoice_day",
    )
    columns = [
        "order_number",
        "customer_number",
        "order_date",
        "status",
        "currency",
        "crm_opportunity_id",
        "sales_rep",
        "_extract_on",
    ]
    opened = base.filter(pl.col("invoice_day") > pl.col("order_day")).with_columns(
        status=pl.lit("open"), _extract_on=pl.col("order_date")
    )
    invoiced = base.with_columns(
        status=pl.lit("invoiced"), _extract_on=pl.col("invoice_day").cast(pl.Int32).cast(pl.Date)
    )
    return pl.concat([opened.select(columns), invoiced.select(columns)])


def sales_order_lines_table(sales: Sales) -> pl.DataFrame:
    """`erp.sales_order_lines`, extracted with their order on the order date."""
    orders = sales.orders.select("order_idx", "order_number", "order_day")
    lines = sales.lines.join(orders, on="order_idx", how="left", maintain_order="left")
    return lines.select(
        "order_number",
        "line_number",
        "sku",
        quantity=pl.Series(to_amount(lines["q100"].to_numpy())),
        unit_price=pl.Series(to_amount(lines["price_cents"].to_numpy())),
        discount_pct=pl.col("discount_pct").cast(pl.Float64),
        _extract_on=pl.col("order_day").cast(pl.Int32).cast(pl.Date),
    )
