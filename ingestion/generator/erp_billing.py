"""Invoices (orders and project months), credit notes, and the payments that settle them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.generator.arrays import group_offsets, pick_in_groups
from ingestion.generator.behaviour import Behaviour
from ingestion.generator.blocks import Block
from ingestion.generator.defect_profiles import DefectProfile
from ingestion.generator.erp_customers import ErpCustomers
from ingestion.generator.erp_projects import Projects
from ingestion.generator.erp_sales import Sales
from ingestion.generator.fx import CURRENCIES
from ingestion.generator.money import net_cents, tax_cents, to_amount
from ingestion.generator.randomness import pick_weighted
from ingestion.generator.subscriptions import Subscriptions
from ingestion.generator.tags import tag
from ingestion.generator.timeline import Timeline, date_series

CREDIT_NOTE_SHARE = 0.03
CREDIT_DELAY_DAYS = (3, 45)
NEVER_PAID_SHARE = 0.015  # on average over customers; `behaviour.never_paid` scales it
SPLIT_PAYMENT_SHARE = 0.12  # paid in two instalments
MAX_DAYS_LATE = 60  # for a typical late payer; `behaviour.lateness` scales it
NEVER_PAID = 10**7  # settlement day of an invoice never paid: after any timeline
# Where a document comes from (`source` of the drafts).
FROM_ORDER, FROM_PROJECT, FROM_SUBSCRIPTION = 0, 1, 2
CANCEL_DELAY_DAYS = (2, 11)
PAYMENT_METHODS: tuple[str, ...] = ("transfer", "direct_debit", "card", "cheque")
PAYMENT_METHOD_WEIGHTS: tuple[float, ...] = (0.7, 0.15, 0.1, 0.05)
_LINE_COLUMNS = [
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
    docs, lines = _drafts(sales, projects, subscriptions, customers, block)
    credited, credit_docs, credit_lines = _credit_notes(rng, docs, lines, block)
    cancel_day = _cancellations(docs, credited, profile, timeline, block)
    habits = _PaymentHabits.of(behaviour, customers.col("org_idx")[docs["cust_row"].to_numpy()])
    payments, paid_day, receivables = _payments(rng, docs, lines, cancel_day < 0, habits, block)
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


@dataclass(frozen=True)
class _PaymentHabits:
    """Per document: its customer's chance to pay late, how late, and to never pay."""

    late_share: np.ndarray
    lateness: np.ndarray
    never_paid: np.ndarray

    @classmethod
    def of(cls, behaviour: Behaviour, org: np.ndarray) -> _PaymentHabits:
        return cls(
            late_share=behaviour.late_share[org],
            lateness=behaviour.lateness[org],
            never_paid=NEVER_PAID_SHARE * behaviour.never_paid[org],
        )


def _drafts(
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
    ).select(_LINE_COLUMNS)
    subscription_lines = _subscription_lines(subscriptions.lines, months, n_projects)
    return docs, pl.concat([order_lines, project_lines.select(_LINE_COLUMNS), subscription_lines])


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
    ).select(_LINE_COLUMNS)


def _credit_notes(
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
    ).select(_LINE_COLUMNS)
    return credited, credit_docs, credit_lines


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


def _payments(
    rng: np.random.Generator,
    docs: pl.DataFrame,
    lines: pl.DataFrame,
    payable: np.ndarray,
    habits: _PaymentHabits,
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
