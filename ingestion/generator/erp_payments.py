"""Payments: each invoice settled by its customer's habits, late, in two instalments or never."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.generator.behaviour import Behaviour
from ingestion.generator.blocks import Block
from ingestion.generator.money import to_amount
from ingestion.generator.randomness import pick_weighted
from ingestion.generator.timeline import date_series

NEVER_PAID_SHARE = 0.015  # on average over customers; `behaviour.never_paid` scales it
SPLIT_PAYMENT_SHARE = 0.12  # paid in two instalments
MAX_DAYS_LATE = 60  # for a typical late payer; `behaviour.lateness` scales it
NEVER_PAID = 10**7  # settlement day of an invoice never paid: after any timeline
PAYMENT_METHODS: tuple[str, ...] = ("transfer", "direct_debit", "card", "cheque")
PAYMENT_METHOD_WEIGHTS: tuple[float, ...] = (0.7, 0.15, 0.1, 0.05)


@dataclass(frozen=True)
class PaymentHabits:
    """Per document: its customer's chance to pay late, how late, and to never pay."""

    late_share: np.ndarray
    lateness: np.ndarray
    never_paid: np.ndarray

    @classmethod
    def of(cls, behaviour: Behaviour, org: np.ndarray) -> PaymentHabits:
        """The habits of each document's customer (`org`: its organisation row)."""
        return cls(
            late_share=behaviour.late_share[org],
            lateness=behaviour.lateness[org],
            never_paid=NEVER_PAID_SHARE * behaviour.never_paid[org],
        )


def draw_payments(
    rng: np.random.Generator,
    docs: pl.DataFrame,
    lines: pl.DataFrame,
    payable: np.ndarray,
    habits: PaymentHabits,
    block: Block,
) -> tuple[pl.DataFrame, np.ndarray, pl.DataFrame]:
    """Payments of the gross amount, the day each invoice is fully paid, and what was owed.

    Each customer pays late with its own probability (`behaviour.late_share`, ~25% overall),
    up to `MAX_DAYS_LATE` times its lateness after the due date, else by the due date; 12% of
    invoices are paid in two instalments (the first 30-70% of the gross), about 1% never (more
    for difficult customers), and cancelled ones (not `payable`) never. The day a document is
    fully paid is -1 if it never is.
    """
    n = docs.height
    gross = np.bincount(
        lines["doc_idx"].to_numpy(),
        weights=(lines["net_cents"] + lines["tax_cents"]).to_numpy(),
        minlength=n,
    ).astype(np.int64)
    invoice_day = docs["invoice_day"].to_numpy()
    terms = docs["terms"].to_numpy()
    due = invoice_day + terms
    u = rng.random(n)
    never = u < habits.never_paid
    paid = ~never & payable
    split = paid & (u >= habits.never_paid) & (u < habits.never_paid + SPLIT_PAYMENT_SHARE)
    on_time_day = invoice_day + 1 + np.floor(rng.random(n) * terms).astype(np.int64)
    days_late = 1 + np.floor(rng.random(n) * MAX_DAYS_LATE * habits.lateness).astype(np.int64)
    late_day = due + days_late
    final_day = np.where(rng.random(n) < habits.late_share, late_day, on_time_day)
    first_day = invoice_day + 1 + np.floor(rng.random(n) * terms * 0.7).astype(np.int64)
    final_day = np.where(split, np.maximum(final_day, first_day + 7), final_day)
    first_cents = np.round(gross * rng.uniform(0.3, 0.7, n)).astype(np.int64)

    single = np.flatnonzero(paid & ~split)
    twice = np.flatnonzero(split)
    doc = np.concatenate([single, twice, twice])
    day = np.concatenate([final_day[single], first_day[twice], final_day[twice]])
    amount = np.concatenate([gross[single], first_cents[twice], gross[twice] - first_cents[twice]])
    part = np.concatenate(
        [np.zeros(single.size + twice.size, np.int64), np.ones(twice.size, np.int64)]
    )
    order = np.lexsort((part, doc))
    doc, day, amount, part = doc[order], day[order], amount[order], part[order]
    method = pick_weighted(rng, PAYMENT_METHOD_WEIGHTS, doc.size)
    payments = pl.DataFrame(
        {
            "payment_id": block.ids("PAY", 8, day, doc, part),
            "customer_number": docs["customer_number"].gather(doc),
            "invoice_number": docs["invoice_number"].gather(doc),
            "payment_date": date_series(day),
            "amount": to_amount(amount),
            "currency": docs["currency"].gather(doc),
            "method": pl.Series(PAYMENT_METHODS).gather(method),
            "_extract_on": date_series(day),
        }
    )
    unpaid = np.flatnonzero(never & payable)
    owed_doc = np.concatenate([doc, unpaid])
    receivables = pl.DataFrame(
        {
            "cust_row": docs["cust_row"].to_numpy()[owed_doc],
            "currency_idx": docs["currency_idx"].to_numpy()[owed_doc],
            "invoice_day": invoice_day[owed_doc],
            "due_day": due[owed_doc],
            "settled_day": np.concatenate([day, np.full(unpaid.size, NEVER_PAID, np.int64)]),
            "gross_cents": np.concatenate([amount, gross[unpaid]]),
        }
    )
    return payments, np.where(paid, final_day, -1), receivables
