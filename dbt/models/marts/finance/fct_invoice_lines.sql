{#- Every invoice and credit-note line in document and reporting currency, with its COGS: the
    lines int_invoice_lines_costed costs (its header holds the rules), published under the
    mart's contract.

    A table rebuilt whole by every build that selects it. It was incremental until 2026-12: a
    fingerprint of each document's inputs chose the documents to recompute. But the costing
    runs over every document either way (a project-month's cost is shared among all the lines
    billing it), so the increment saved only writing the lines, and hashing every document's
    inputs cost about twice that (docs/benchmarks.md, "Invoice lines without fingerprints"). -#}
with

costed_lines as (

    select * from {{ ref('int_invoice_lines_costed') }}

),

final as (

    select
        costed_lines.invoice_line_id,
        costed_lines.invoice_number,
        costed_lines.line_number,
        costed_lines.invoice_kind,
        costed_lines.invoice_status,
        costed_lines.invoice_date,
        costed_lines.invoice_month,
        costed_lines.customer_key,
        costed_lines.erp_customer_number,
        costed_lines.sku,
        costed_lines.product_kind,
        costed_lines.project_id,
        costed_lines.quantity,
        costed_lines.document_currency,
        costed_lines.net_amount_document,
        costed_lines.fx_rate,
        costed_lines.reporting_currency,
        costed_lines.net_revenue,
        costed_lines.cogs,
        costed_lines.gross_margin,
        costed_lines.cogs_method,
        costed_lines.has_known_cost,
        costed_lines.is_unidentified_customer
    from costed_lines

)

select * from final
