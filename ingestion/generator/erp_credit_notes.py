"""Credit notes: part of a line of a few order and project invoices, credited weeks later."""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.generator.arrays import group_offsets, pick_in_groups
from ingestion.generator.blocks import Block
from ingestion.generator.erp_invoice_drafts import FROM_ORDER, FROM_SUBSCRIPTION, LINE_COLUMNS
from ingestion.generator.money import net_cents, tax_cents
from ingestion.generator.timeline import date_series

CREDIT_NOTE_SHARE = 0.03
CREDIT_DELAY_DAYS = (3, 45)


def credit_notes(
    rng: np.random.Generator, docs: pl.DataFrame, lines: pl.DataFrame, block: Block
) -> tuple[np.ndarray, pl.DataFrame, pl.DataFrame]:
    """Credit ~3% of order and project invoices 3-45 days later, for 10-100% of one line.

    Subscription invoices are not credited: a disputed seat leaves the next month's invoice.

    The credit-note line copies the original line's SKU, project, unit price and line number, so
    that (order_number, line_number) still finds the order line and its discount; quantity and
    net amount are positive (the warehouse negates credit notes). Goods are credited in whole
    units, hours in half hours, rounding up so the credited share is at least the drawn one.
    Returns the credited documents' rows too.
    """
    n = docs.height
    credited = np.flatnonzero(
        (rng.random(n) < CREDIT_NOTE_SHARE) & (docs["source"].to_numpy() != FROM_SUBSCRIPTION)
    )
    offsets, counts = group_offsets(lines["doc_idx"].to_numpy(), n)
    line_row = pick_in_groups(rng, offsets, counts, credited)
    original = lines[line_row]
    step = np.where(docs["source"].to_numpy()[credited] == FROM_ORDER, 100, 50)
    q100 = original["q100"].to_numpy()
    share = rng.uniform(0.1, 1.0, credited.size)
    credit_q100 = np.minimum(q100, np.ceil(share * q100 / step).astype(np.int64) * step)
    price = original["price_cents"].to_numpy()
    discount = original["discount_pct"].to_numpy()
    net = net_cents(credit_q100, price, discount)
    credit_day = docs["invoice_day"].to_numpy()[credited] + rng.integers(
        CREDIT_DELAY_DAYS[0], CREDIT_DELAY_DAYS[1] + 1, credited.size
    )
    k = credited.size
    credit_docs = docs[credited].select(
        doc_idx=pl.Series(np.arange(k, dtype=np.int64)),
        cust_row="cust_row",
        currency_idx="currency_idx",
        invoice_number=block.ids("CN", 7, credit_day, credited),
        customer_number="customer_number",
        order_number="order_number",
        kind=pl.lit("credit_note"),
        invoice_day=pl.Series(credit_day),
        invoice_date=date_series(credit_day),
        due_date=date_series(credit_day),
        currency="currency",
    )
    credit_lines = original.with_columns(
        doc_idx=pl.Series(np.arange(k, dtype=np.int64)),
        q100=pl.Series(credit_q100),
        net_cents=pl.Series(net),
        tax_cents=pl.Series(tax_cents(net)),
    ).select(LINE_COLUMNS)
    return credited, credit_docs, credit_lines
