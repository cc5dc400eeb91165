"""Customer 360 queries: search, the golden record, its sources, money over time, the timeline."""

from __future__ import annotations

import polars as pl

from dashboards.data import has_table, query
from dashboards.filters import Filters

SEARCH_LIMIT = 200


def search(version: str, text: str, filters: Filters) -> pl.DataFrame:
    """Customers matching `text`, biggest lifetime revenue first.

    A customer matches when its name in use or legal name contains the text, or when its key or
    any of its source records (CRM account id, ERP customer number) equals it: searching by an
    ERP number that was merged into another record still finds the customer.
    """
    clause, params = filters.customer_clause("d")
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
        ){clause}
        order by d.lifetime_net_revenue desc nulls last, d.customer_name
        limit {SEARCH_LIMIT}
        """,
        version,
        (needle, needle, needle, needle, needle, *params),
    )


def golden_record(version: str, customer_key: str) -> dict[str, object]:
    """The customer's row of dim_customers (empty when the key is not a customer)."""
    rows = query(
        "select * from marts.dim_customers where customer_key = ?", version, (customer_key,)
    )
    return rows.row(0, named=True) if rows.height else {}


def source_records(version: str, customer_key: str) -> pl.DataFrame:
    """The CRM accounts and ERP records behind the customer and the rule that linked each."""
    return query(
        """
        select source_system, source_record_id, match_rule, match_probability
        from marts.bridge_customer_sources
        where customer_key = ?
        order by source_system desc, source_record_id
        """,
        version,
        (customer_key,),
    )


def monthly(version: str, customer_key: str) -> pl.DataFrame:
    """Net revenue, COGS and gross margin per month (rpt_customer_monthly), oldest first."""
    return query(
        """
        select month, net_revenue, cogs, gross_margin, documents, reporting_currency
        from marts.rpt_customer_monthly
        where customer_key = ?
        order by month
        """,
        version,
        (customer_key,),
    )


def arr_history(version: str, customer_key: str) -> pl.DataFrame:
    """MRR, ARR and the month's movement (rpt_arr_monthly), oldest first.

    Empty for a customer without subscriptions, or on a warehouse published before the mart.
    """
    if not has_table(version, "marts", "rpt_arr_monthly"):
        return pl.DataFrame()
    return query(
        """
        select month, mrr, arr, arr_change, arr_movement, reporting_currency
        from marts.rpt_arr_monthly
        where customer_key = ?
        order by month
        """,
        version,
        (customer_key,),
    )


def timeline(version: str, customer_key: str) -> pl.DataFrame:
    """Every event of the customer (fct_customer_activity_timeline), newest first."""
    return query(
        """
        select event_at, event_date, event_type, source_system, source_record_id, status,
            detail, amount, currency
        from marts.fct_customer_activity_timeline
        where customer_key = ?
        order by event_at desc, source_record_id
        """,
        version,
        (customer_key,),
    )


def clv(version: str, customer_key: str) -> dict[str, object]:
    """The customer's row of fct_customer_clv (empty when the model did not score it)."""
    rows = query(
        "select * from marts.fct_customer_clv where customer_key = ?", version, (customer_key,)
    )
    return rows.row(0, named=True) if rows.height else {}


def satisfaction(version: str, customer_key: str) -> dict[str, object]:
    """The customer's CSAT figures (rpt_customer_satisfaction).

    Empty when the customer has no case, or on a warehouse published before the mart existed.
    """
    if not has_table(version, "marts", "rpt_customer_satisfaction"):
        return {}
    rows = query(
        "select * from marts.rpt_customer_satisfaction where customer_key = ?",
        version,
        (customer_key,),
    )
    return rows.row(0, named=True) if rows.height else {}


def receivables(version: str, customer_key: str) -> pl.DataFrame:
    """The customer's invoices and credit notes with what is paid and still open, newest first."""
    return query(
        """
        select invoice_number, invoice_kind, invoice_status, invoice_date, due_date,
            gross_amount, paid_amount, open_amount, reporting_currency, is_overdue,
            days_past_due, paid_in_full_date, payments
        from marts.fct_receivables
        where customer_key = ?
        order by invoice_date desc, invoice_number
        """,
        version,
        (customer_key,),
    )


def run_all(version: str, filters: Filters, customer_key: str, text: str = "") -> None:
    """Every query the page runs for one search and one customer (the benchmark's unit)."""
    search(version, text, filters)
    golden_record(version, customer_key)
    source_records(version, customer_key)
    monthly(version, customer_key)
    arr_history(version, customer_key)
    timeline(version, customer_key)
    clv(version, customer_key)
    receivables(version, customer_key)
    satisfaction(version, customer_key)
