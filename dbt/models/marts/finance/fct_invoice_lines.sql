{#- Every invoice and credit-note line in document and reporting currency, with its COGS: the
    lines int_invoice_lines_costed costs (its description holds the rules), with the
    fingerprint of the inputs each document was computed from.

    Incremental: a build recomputes only the documents whose source fingerprint
    (int_invoice_fingerprints: the document, its lines, customer, rate, costs, project-month
    cost and sharing) differs from the one stored with their lines, or that are new. The
    pre-hook first deletes the stored lines of every changed or vanished document, so a
    cancellation removes them; the model then inserts the documents that have no lines stored
    (delete+insert on invoice_number). `--full-refresh` rebuilds everything the same way.
    The costed lines are computed over every document, so a project-month's cost is shared
    among all the lines billing it, not only those of the documents rebuilt.
    On Spark the table is Parquet, which cannot delete rows: it is rebuilt whole each run
    (a Delta table on Databricks would take a merge instead). -#}
{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    incremental_strategy='delete+insert',
    unique_key='invoice_number',
    on_schema_change='fail',
    pre_hook=[
        "{% if is_incremental() %}
        delete from {{ this }}
        where invoice_number in (
            select stored.invoice_number
            from {{ this }} as stored
            left join {{ ref('int_invoice_fingerprints') }} as current_inputs
                on stored.invoice_number = current_inputs.invoice_number
            where
                current_inputs.invoice_number is null
                or current_inputs.source_fingerprint != stored.source_fingerprint
        )
        {% endif %}"
    ],
) }}

with

costed_lines as (

    select * from {{ ref('int_invoice_lines_costed') }}

),

fingerprints as (

    select * from {{ ref('int_invoice_fingerprints') }}

),

to_build as (

    -- Documents with no lines stored: all of them on a full build; after the pre-hook, the new
    -- and changed ones on an incremental build.
    select
        fingerprints.invoice_number,
        fingerprints.source_fingerprint
    from fingerprints
    {%- if is_incremental() %}
    where not exists (
        select 1
        from {{ this }} as stored
        where stored.invoice_number = fingerprints.invoice_number
    )
    {%- endif %}

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
        to_build.source_fingerprint,
        costed_lines.has_known_cost,
        costed_lines.is_unidentified_customer
    from costed_lines
    inner join to_build
        on costed_lines.invoice_number = to_build.invoice_number

)

select * from final
