"""The invoices to issue and their lines: one per order, project month and subscription month."""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.generator.blocks import Block
from ingestion.generator.erp_customers import ErpCustomers
from ingestion.generator.erp_projects import Projects
from ingestion.generator.erp_sales import Sales
from ingestion.generator.fx import CURRENCIES
from ingestion.generator.money import net_cents, tax_cents
from ingestion.generator.subscriptions import Subscriptions
from ingestion.generator.timeline import date_series

# Where a document comes from (`source` of the drafts).
FROM_ORDER, FROM_PROJECT, FROM_SUBSCRIPTION = 0, 1, 2
LINE_COLUMNS = [
    "doc_idx",
    "line_number",
    "sku",
    "project_id",
    "q100",
    "price_cents",
    "discount_pct",
    "net_cents",
    "tax_cents",
    "product_row",
    "project_idx",
]


def drafts(
    sales: Sales,
    projects: Projects,
    subscriptions: Subscriptions,
    customers: ErpCustomers,
    block: Block,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The invoices to issue and their lines.

    One document per order (doc_idx = order_idx), then one per project month, then one per
    subscriber and month.
    """
    orders = sales.orders
    billing = projects.billing
    months = subscriptions.lines.select("cust_row", "month", "invoice_day").unique(
        maintain_order=True
    )
    n_orders = orders.height
    n_projects = n_orders + billing.height
    cust_row = np.concatenate(
        [
            orders["cust_row"].to_numpy(),
            billing["cust_row"].to_numpy(),
            months["cust_row"].to_numpy(),
        ]
    )
    invoice_day = np.concatenate(
        [
            orders["invoice_day"].to_numpy(),
            billing["invoice_day"].to_numpy(),
            months["invoice_day"].to_numpy(),
        ]
    )
    source = np.concatenate(
        [
            np.full(n_orders, FROM_ORDER, np.int64),
            np.full(billing.height, FROM_PROJECT, np.int64),
            np.full(months.height, FROM_SUBSCRIPTION, np.int64),
        ]
    )
    n = cust_row.size
    terms = customers.col("payment_terms_days")[cust_row]
    currency_idx = customers.col("currency_idx")[cust_row]
    docs = pl.DataFrame(
        {
            "doc_idx": np.arange(n, dtype=np.int64),
            "source": source,
            "cust_row": cust_row,
            "currency_idx": currency_idx,
            "invoice_number": block.ids("INV", 7, invoice_day, source, np.arange(n)),
            "customer_number": customers.frame["customer_number"].gather(cust_row),
            "order_number": pl.concat(
                [orders["order_number"], pl.Series([None] * (n - n_orders), dtype=pl.String)]
            ),
            "kind": ["invoice"] * n,
            "invoice_day": invoice_day,
            "terms": terms,
            "invoice_date": date_series(invoice_day),
            "due_date": date_series(invoice_day + terms),
            "currency": pl.Series(CURRENCIES).gather(currency_idx),
        }
    )
    q100 = billing["q100"].to_numpy()
    price = billing["price_cents"].to_numpy()
    project_net = net_cents(q100, price, np.zeros(q100.size, np.int64))
    project_lines = pl.DataFrame(
        {
            "doc_idx": np.arange(n_orders, n_projects, dtype=np.int64),
            "line_number": np.ones(billing.height, np.int64),
            "sku": billing["sku"],
            "project_id": billing["project_id"],
            "q100": q100,
            "price_cents": price,
            "discount_pct": np.zeros(billing.height, np.int64),
            "net_cents": project_net,
            "tax_cents": tax_cents(project_net),
            "product_row": np.full(billing.height, -1, np.int64),
            "project_idx": billing["project_idx"].to_numpy(),
        }
    )
    order_lines = sales.lines.with_columns(
        doc_idx=pl.col("order_idx"),
        project_id=pl.lit(None, dtype=pl.String),
        project_idx=pl.lit(-1, dtype=pl.Int64),
    ).select(LINE_COLUMNS)
    subscription_lines = _subscription_lines(subscriptions.lines, months, n_projects)
    return docs, pl.concat([order_lines, project_lines.select(LINE_COLUMNS), subscription_lines])


def _subscription_lines(lines: pl.DataFrame, months: pl.DataFrame, first_doc: int) -> pl.DataFrame:
    """The subscription invoices' lines: one per SKU held, numbered within the invoice."""
    doc = months.select("cust_row", "month").with_columns(
        doc_idx=pl.int_range(first_doc, first_doc + pl.len(), dtype=pl.Int64)
    )
    joined = lines.join(doc, on=["cust_row", "month"], maintain_order="left")
    q100 = joined["q100"].to_numpy()
    price = joined["price_cents"].to_numpy()
    net = net_cents(q100, price, np.zeros(q100.size, np.int64))
    return joined.select(
        "doc_idx",
        line_number=pl.int_range(1, pl.len() + 1).over("doc_idx").cast(pl.Int64),
        sku="sku",
        project_id=pl.lit(None, dtype=pl.String),
        q100="q100",
        price_cents="price_cents",
        discount_pct=pl.lit(0, dtype=pl.Int64),
        net_cents=pl.Series(net),
        tax_cents=pl.Series(tax_cents(net)),
        product_row="product_row",
        project_idx=pl.lit(-1, dtype=pl.Int64),
    ).select(LINE_COLUMNS)
