"""Customer 360 queries: search, the golden record, its sources, money over time, the timeline.

Every query takes the reader's `RowScope` (c360.access) and limits its rows in SQL, so a `sales`
reader's search, tabs and CSV downloads all hold only the customers they own in the CRM, and a
customer key typed or bookmarked from outside that set returns nothing.
"""

from __future__ import annotations

import polars as pl

from c360.access import EVERY_CUSTOMER, RowScope
from dashboards.data import has_table, query
from dashboards.filters import Filters

SEARCH_LIMIT = 200


def owned(rows: RowScope, column: str) -> tuple[str, tuple[object, ...]]:
    """An `and ...` clause keeping the customers (`column`: a customer key) `rows` may see.

    The owner is `dim_customers.owner_user_id`, the CRM owner of the customer's most recently
    modified account: the one owner the marts publish per customer.
    """
    if rows.crm_owner_ids is None:
        return "", ()
    if not rows.crm_owner_ids:
        return " and false", ()
    marks = ", ".join("?" for _ in rows.crm_owner_ids)
    clause = (
        f" and {column} in (select customer_key from marts.dim_customers"
        f" where owner_user_id in ({marks}))"
    )
    return clause, rows.crm_owner_ids


def search(version: str, text: str, filters: Filters, rows: RowScope) -> pl.DataFrame:
    """Customers matching `text`, biggest lifetime revenue first.

    A customer matches when its name in use or legal name contains the text, or when its key or
    any of its source records (CRM account id, ERP customer number) equals it: searching by an
    ERP number that was merged into another record still finds the customer.
    """
    clause, params = filters.customer_clause("d")
    limit, owners = owned(rows, "d.customer_key")
    needle = text.strip()
    return query(
        f"""
        select
            d.customer_key,
            d.customer_name,
            d.erp_customer_number,
            d.crm_account_id,
            d.country_code,
            d.segment,
            d.acquisition_channel,
            d.lifetime_net_revenue
        from marts.dim_customers as d
        where (
            ? = ''
            or d.customer_name ilike '%' || ? || '%'
            or d.legal_name ilike '%' || ? || '%'
            or upper(d.customer_key) = upper(?)
            or d.customer_key in (
                select customer_key
                from marts.bridge_customer_sources
                where upper(source_record_id) = upper(?)
            )
        ){clause}{limit}
        order by d.lifetime_net_revenue desc nulls last, d.customer_name
        limit {SEARCH_LIMIT}
        """,
        version,
        (needle, needle, needle, needle, needle, *params, *owners),
    )


def golden_record(version: str, customer_key: str, rows: RowScope) -> dict[str, object]:
    """The customer's row of dim_customers (empty when the key is not a customer)."""
    limit, owners = owned(rows, "customer_key")
    found = query(
        f"select * from marts.dim_customers where customer_key = ?{limit}",
        version,
        (customer_key, *owners),
    )
    return found.row(0, named=True) if found.height else {}


def source_records(version: str, customer_key: str, rows: RowScope) -> pl.DataFrame:
    """The CRM accounts and ERP records behind the customer and the rule that linked each."""
    limit, owners = owned(rows, "customer_key")
    return query(
        f"""
        select source_system, source_record_id, match_rule, match_probability
        from marts.bridge_customer_sources
        where customer_key = ?{limit}
        order by source_system desc, source_record_id
        """,
        version,
        (customer_key, *owners),
    )


def monthly(version: str, customer_key: str, rows: RowScope) -> pl.DataFrame:
    """Net revenue, COGS and gross margin per month (rpt_customer_monthly), oldest first."""
    limit, owners = owned(rows, "customer_key")
    return query(
        f"""
        select month, net_revenue, cogs, gross_margin, documents, reporting_currency
        from marts.rpt_customer_monthly
        where customer_key = ?{limit}
        order by month
        """,
        version,
        (customer_key, *owners),
    )


def arr_history(version: str, customer_key: str, rows: RowScope) -> pl.DataFrame:
    """MRR, ARR and the month's movement (rpt_arr_monthly), oldest first.

    Empty for a customer without subscriptions, or on a warehouse published before the mart.
    """
    if not has_table(version, "marts", "rpt_arr_monthly"):
        return pl.DataFrame()
    limit, owners = owned(rows, "customer_key")
    return query(
        f"""
        select month, mrr, arr, arr_change, arr_movement, reporting_currency
        from marts.rpt_arr_monthly
        where customer_key = ?{limit}
        order by month
        """,
        version,
        (customer_key, *owners),
    )


def timeline(version: str, customer_key: str, rows: RowScope) -> pl.DataFrame:
    """Every event of the customer (fct_customer_activity_timeline), newest first."""
    limit, owners = owned(rows, "customer_key")
    return query(
        f"""
        select event_at, event_date, event_type, source_system, source_record_id, status,
            detail, amount, currency
        from marts.fct_customer_activity_timeline
        where customer_key = ?{limit}
        order by event_at desc, source_record_id
        """,
        version,
        (customer_key, *owners),
    )


def clv(version: str, customer_key: str, rows: RowScope) -> dict[str, object]:
    """The customer's row of fct_customer_clv (empty when the model did not score it)."""
    limit, owners = owned(rows, "customer_key")
    found = query(
        f"select * from marts.fct_customer_clv where customer_key = ?{limit}",
        version,
        (customer_key, *owners),
    )
    return found.row(0, named=True) if found.height else {}


def satisfaction(version: str, customer_key: str, rows: RowScope) -> dict[str, object]:
    """The customer's CSAT figures (rpt_customer_satisfaction).

    Empty when the customer has no case, or on a warehouse published before the mart existed.
    """
    if not has_table(version, "marts", "rpt_customer_satisfaction"):
        return {}
    limit, owners = owned(rows, "customer_key")
    found = query(
        f"select * from marts.rpt_customer_satisfaction where customer_key = ?{limit}",
        version,
        (customer_key, *owners),
    )
    return found.row(0, named=True) if found.height else {}


def receivables(version: str, customer_key: str, rows: RowScope) -> pl.DataFrame:
    """The customer's invoices and credit notes with what is paid and still open, newest first."""
    limit, owners = owned(rows, "customer_key")
    return query(
        f"""
        select invoice_number, invoice_kind, invoice_status, invoice_date, due_date,
            gross_amount, paid_amount, open_amount, reporting_currency, is_overdue,
            days_past_due, paid_in_full_date, payments
        from marts.fct_receivables
        where customer_key = ?{limit}
        order by invoice_date desc, invoice_number
        """,
        version,
        (customer_key, *owners),
    )


def cost_to_serve(version: str, customer_key: str, rows: RowScope) -> pl.DataFrame:
    """The customer's lifetime cost to serve per driver, costliest first (one row each)."""
    limit, owners = owned(rows, "customer_key")
    return query(
        f"""
        select driver_label, unit, volume, cost_to_serve, first_month, last_month,
            reporting_currency, driver
        from marts.rpt_cost_to_serve_lifetime
        where customer_key = ?{limit}
        order by cost_to_serve desc, driver
        """,
        version,
        (customer_key, *owners),
    )


def run_all(
    version: str,
    filters: Filters,
    customer_key: str,
    text: str = "",
    rows: RowScope = EVERY_CUSTOMER,
) -> None:
    """Every query the page runs for one search and one customer (the benchmark's unit)."""
    search(version, text, filters, rows)
    golden_record(version, customer_key, rows)
    source_records(version, customer_key, rows)
    monthly(version, customer_key, rows)
    arr_history(version, customer_key, rows)
    timeline(version, customer_key, rows)
    clv(version, customer_key, rows)
    receivables(version, customer_key, rows)
    satisfaction(version, customer_key, rows)
    cost_to_serve(version, customer_key, rows)
