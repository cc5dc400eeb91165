"""Billing: the ERP's invoices, their lines and payments, as extracted, and what the truth needs.

The documents are drawn by `erp_invoice_drafts.py` (invoices), `erp_credit_notes.py` and
`erp_payments.py`; here they are cancelled (a defect), versioned as the extracts show them and
summed up for the ground truth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.generator.behaviour import Behaviour
from ingestion.generator.blocks import Block
from ingestion.generator.defect_profiles import DefectProfile
from ingestion.generator.erp_credit_notes import credit_notes
from ingestion.generator.erp_customers import ErpCustomers
from ingestion.generator.erp_invoice_drafts import FROM_ORDER, drafts
from ingestion.generator.erp_payments import PaymentHabits, draw_payments
from ingestion.generator.erp_projects import Projects
from ingestion.generator.erp_sales import Sales
from ingestion.generator.money import to_amount
from ingestion.generator.subscriptions import Subscriptions
from ingestion.generator.tags import tag
from ingestion.generator.timeline import Timeline, date_series

CANCEL_DELAY_DAYS = (2, 11)
_INVOICE_COLUMNS = [
    "invoice_number",
    "customer_number",
    "order_number",
    "kind",
    "invoice_date",
    "due_date",
    "currency",
    "status",
    "_extract_on",
]


@dataclass(frozen=True)
class Billing:
    """The `erp.invoices`, `erp.invoice_lines` and `erp.payments` rows, with `_extract_on`.

    `revenue_lines` is what the ground truth prices: one row per invoice or credit-note line
    with invoice_day, is_credit, is_cancelled, currency_idx, cust_row, net_cents, q100,
    product_row (-1 on project lines) and project_idx (-1 on order lines).
    `documents` is what it counts for cost to serve: one row per invoice or credit note with
    cust_row, invoice_day, is_credit, is_cancelled. `receivables` is one row per amount owed
    (an instalment of a payable invoice) with cust_row, currency_idx, invoice_day, due_day,
    settled_day (`NEVER_PAID` if never) and gross_cents.
    """

    invoices: pl.DataFrame
    invoice_lines: pl.DataFrame
    payments: pl.DataFrame
    revenue_lines: pl.DataFrame
    documents: pl.DataFrame
    receivables: pl.DataFrame


def build_billing(
    sales: Sales,
    projects: Projects,
    subscriptions: Subscriptions,
    customers: ErpCustomers,
    behaviour: Behaviour,
    profile: DefectProfile,
    timeline: Timeline,
    block: Block,
) -> Billing:
    """Invoice orders, project months and subscription months; credit notes; payments.

    ~3% of order and project invoices are credited; payments follow each customer's habits.
    """
    rng = block.rng("erp.billing")
    docs, lines = drafts(sales, projects, subscriptions, customers, block)
    credited, credit_docs, credit_lines = credit_notes(rng, docs, lines, block)
    cancel_day = _cancellations(docs, credited, profile, timeline, block)
    habits = PaymentHabits.of(behaviour, customers.col("org_idx")[docs["cust_row"].to_numpy()])
    payments, paid_day, receivables = draw_payments(rng, docs, lines, cancel_day < 0, habits, block)
    invoices = pl.concat(
        [
            _invoice_versions(docs, paid_day, cancel_day),
            # a credit note is settled when issued (refunded or offset): no payment rows
            credit_docs.with_columns(
                status=pl.lit("paid"), _extract_on=pl.col("invoice_date")
            ).select(_INVOICE_COLUMNS),
        ],
        how="diagonal_relaxed",
    )
    all_lines = pl.concat([_line_rows(docs, lines), _line_rows(credit_docs, credit_lines)])
    revenue = pl.concat(
        [
            _revenue_lines(docs, lines, cancel_day >= 0, is_credit=False),
            _revenue_lines(credit_docs, credit_lines, None, is_credit=True),
        ]
    )
    documents = pl.concat(
        [
            docs.select(
                "cust_row",
                "invoice_day",
                is_credit=pl.lit(False),
                is_cancelled=pl.Series(cancel_day >= 0),
            ),
            credit_docs.select(
                "cust_row", "invoice_day", is_credit=pl.lit(True), is_cancelled=pl.lit(False)
            ),
        ]
    )
    return Billing(
        invoices=invoices,
        invoice_lines=all_lines,
        payments=payments,
        revenue_lines=revenue,
        documents=documents,
        receivables=receivables,
    )


def _cancellations(
    docs: pl.DataFrame,
    credited: np.ndarray,
    profile: DefectProfile,
    timeline: Timeline,
    block: Block,
) -> np.ndarray:
    """The day each invoice is cancelled, -1 for most.

    Only order invoices nobody credited are cancelled, 2-10 days after issue (a wrong address, a
    duplicate order), and only by the last extract date.
    """
    rng = block.rng("defects.cancelled_invoices")
    n = docs.height
    day = docs["invoice_day"].to_numpy() + rng.integers(*CANCEL_DELAY_DAYS, n)
    candidate = (docs["source"].to_numpy() == FROM_ORDER) & (day <= timeline.end)
    candidate[credited] = False
    chosen = candidate & (rng.random(n) < profile.cancelled_invoice)
    return np.where(chosen, day, -1)


def _invoice_versions(
    docs: pl.DataFrame, paid_day: np.ndarray, cancel_day: np.ndarray
) -> pl.DataFrame:
    """Each invoice is extracted `open` on its date, then `paid` or `cancelled` when it is."""
    opened = docs.with_columns(status=pl.lit("open"), _extract_on=pl.col("invoice_date"))
    settled = docs.filter(pl.Series(paid_day >= 0)).with_columns(
        status=pl.lit("paid"), _extract_on=date_series(paid_day[paid_day >= 0])
    )
    cancelled = docs.filter(pl.Series(cancel_day >= 0)).with_columns(
        status=pl.lit("cancelled"), _extract_on=date_series(cancel_day[cancel_day >= 0])
    )
    cancelled = tag(
        cancelled.select(_INVOICE_COLUMNS),
        np.ones(cancelled.height, dtype=bool),
        "cancelled_invoice",
        pl.concat_str(
            pl.lit("issued "),
            pl.col("invoice_date").cast(pl.String),
            pl.lit(", re-sent cancelled "),
            pl.col("_extract_on").cast(pl.String),
        ),
    )
    return pl.concat(
        [opened.select(_INVOICE_COLUMNS), settled.select(_INVOICE_COLUMNS), cancelled],
        how="diagonal_relaxed",
    )


def _line_rows(docs: pl.DataFrame, lines: pl.DataFrame) -> pl.DataFrame:
    """`erp.invoice_lines` rows of the documents, extracted with their document."""
    joined = lines.join(
        docs.select("doc_idx", "invoice_number", "invoice_date"),
        on="doc_idx",
        maintain_order="left",
    )
    return joined.select(
        "invoice_number",
        "line_number",
        "sku",
        "project_id",
        quantity=pl.Series(to_amount(joined["q100"].to_numpy())),
        unit_price=pl.Series(to_amount(joined["price_cents"].to_numpy())),
        net_amount=pl.Series(to_amount(joined["net_cents"].to_numpy())),
        tax_amount=pl.Series(to_amount(joined["tax_cents"].to_numpy())),
        _extract_on="invoice_date",
    )


def _revenue_lines(
    docs: pl.DataFrame, lines: pl.DataFrame, cancelled: np.ndarray | None, *, is_credit: bool
) -> pl.DataFrame:
    doc = lines["doc_idx"].to_numpy()
    is_cancelled = np.zeros(doc.size, bool) if cancelled is None else cancelled[doc]
    return pl.DataFrame(
        {
            "invoice_day": docs["invoice_day"].to_numpy()[doc],
            "is_credit": np.full(doc.size, is_credit),
            "is_cancelled": is_cancelled,
            "currency_idx": docs["currency_idx"].to_numpy()[doc],
            "cust_row": docs["cust_row"].to_numpy()[doc],
            "net_cents": lines["net_cents"].to_numpy(),
            "q100": lines["q100"].to_numpy(),
            "product_row": lines["product_row"].to_numpy(),
            "project_idx": lines["project_idx"].to_numpy(),
        }
    )
