{#- Every invoice and credit-note line in document and reporting currency, with its COGS.

    Choices (see the column docs):
    - credit notes carry positive amounts in the ERP; here they are negated, and carry no COGS
      (they are price adjustments: no goods come back);
    - amounts are converted at the rate of the invoice's month and rounded to the cent per line;
    - goods and subscriptions cost quantity x the standard cost valid at the invoice date;
    - a line billing a project costs that project's billable timesheet hours of the calendar
      month before the invoice date (the period it bills), shared by quantity when several
      lines bill it; non-billable hours are cost to serve (once, there);
    - a line whose cost the data cannot give (no standard cost for its SKU, no timesheets for its
      project-month: a company without product costs) has a null cogs and gross margin, never
      a zero cost that would show a 100 % margin (has_known_cost);
    - an invoice without a customer number (a guest or cash sale) belongs to the one
      "unidentified customers" member (is_unidentified_customer), so its revenue counts in
      every total while customer counts leave it out.

    Incremental: a build recomputes only the documents whose source fingerprint
    (int_invoice_fingerprints: the document, its lines, customer, rate, costs, project-month
    cost and sharing) differs from the one stored with their lines, or that are new. The
    pre-hook first deletes the stored lines of every changed or vanished document, so a
    cancellation removes them; the model then inserts the documents that have no lines stored
    (delete+insert on invoice_number). `--full-refresh` rebuilds everything the same way.
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

invoice_lines as (

    select * from {{ ref('stg_erp__invoice_lines') }}

),

invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

products as (

    select * from {{ ref('stg_erp__products') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

product_costs as (

    select * from {{ ref('int_product_costs_ranged') }}

),

project_costs as (

    select * from {{ ref('int_project_costs_monthly') }}

),

customer_keys as (

    select * from {{ ref('int_customer_keys_by_erp_number') }}

),

fingerprints as (

    select * from {{ ref('int_invoice_fingerprints') }}

),

cost_data as (

    select * from {{ ref('int_cost_data_coverage') }}

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

lines as (

    select
        invoice_lines.invoice_number,
        invoice_lines.line_number,
        invoices.kind as invoice_kind,
        invoices.status as invoice_status,
        invoices.invoice_date,
        {{ month_of('invoices.invoice_date') }} as invoice_month,
        invoices.customer_number,
        invoices.currency as document_currency,
        invoice_lines.sku,
        products.kind as product_kind,
        invoice_lines.project_id,
        invoice_lines.quantity,
        case
            when invoices.kind = 'credit_note' then -invoice_lines.net_amount
            else invoice_lines.net_amount
        end as net_amount_document,
        to_build.source_fingerprint
    from invoice_lines
    inner join invoices
        on invoice_lines.invoice_number = invoices.invoice_number
    inner join to_build
        on invoices.invoice_number = to_build.invoice_number
    left join products
        on invoice_lines.sku = products.sku
    where coalesce(invoices.status, '') != 'cancelled'

),

project_shares as (

    select
        invoice_number,
        line_number,
        count(*) over (partition by project_id, invoice_month) as lines_billing_period,
        sum(quantity) over (partition by project_id, invoice_month) as quantity_billing_period
    from lines
    where
        project_id is not null
        and invoice_kind = 'invoice'

),

costed as (

    select
        lines.*,
        fx_rates.rate as fx_rate,
        cast(
            round({{ wide_decimal('lines.net_amount_document') }} * fx_rates.rate, 2)
            as decimal(18, 2)
        ) as net_revenue,
        case
            when lines.invoice_kind != 'invoice' then 'credit_note'
            when lines.project_id is not null then 'timesheet'
            when product_costs.sku is not null then 'standard_cost'
            else 'none'
        end as cogs_method,
        case
            -- A credit note costs nothing, when the company has costs at all (else: unknown).
            when lines.invoice_kind != 'invoice' and cost_data.has_cost_data then 0
            when lines.invoice_kind != 'invoice' then null
            -- A project-month with no timesheets costs 0 if the company delivers timesheets.
            when lines.project_id is not null and project_costs.project_id is null
                then case when cost_data.has_timesheets then 0 end
            when lines.project_id is not null and project_shares.lines_billing_period = 1
                then project_costs.billable_timesheet_cost
            when lines.project_id is not null
                -- Division yields a double on DuckDB: bring it back to a decimal, or the whole
                -- case becomes a double and costs round wrongly at half cents.
                then {{ wide_decimal(
                    'project_costs.billable_timesheet_cost * lines.quantity'
                    ~ ' / nullif(project_shares.quantity_billing_period, 0)'
                ) }}
            else
                {{ wide_decimal('lines.quantity') }}
                * product_costs.standard_unit_cost
                * cost_fx.rate
        end as cogs_unrounded
    from lines
    cross join cost_data
    left join fx_rates
        on
            lines.invoice_month = fx_rates.month
            and lines.document_currency = fx_rates.currency
    left join product_costs
        on
            lines.sku = product_costs.sku
            and lines.invoice_date >= product_costs.valid_from
            and (product_costs.valid_to is null or lines.invoice_date < product_costs.valid_to)
    left join fx_rates as cost_fx
        on
            lines.invoice_month = cost_fx.month
            and product_costs.cost_currency = cost_fx.currency
    left join project_shares
        on
            lines.invoice_number = project_shares.invoice_number
            and lines.line_number = project_shares.line_number
    left join project_costs
        on
            lines.project_id = project_costs.project_id
            and {{ add_months('lines.invoice_month', -1) }} = project_costs.work_month

),

final as (

    select
        {{ dbt.concat([
            'costed.invoice_number',
            "'-'",
            dbt.cast('costed.line_number', dbt.type_string()),
        ]) }} as invoice_line_id,
        costed.invoice_number,
        cast(costed.line_number as integer) as line_number,
        costed.invoice_kind,
        costed.invoice_status,
        costed.invoice_date,
        costed.invoice_month,
        coalesce(
            customer_keys.customer_key,
            case when costed.customer_number is null then {{ unidentified_customer_key() }} end
        ) as customer_key,
        costed.customer_number as erp_customer_number,
        costed.sku,
        costed.product_kind,
        costed.project_id,
        costed.quantity,
        costed.document_currency,
        costed.net_amount_document,
        costed.fx_rate,
        '{{ var("reporting_currency") }}' as reporting_currency,
        costed.net_revenue,
        cast(round(costed.cogs_unrounded, 2) as decimal(18, 2)) as cogs,
        cast(costed.net_revenue - round(costed.cogs_unrounded, 2) as decimal(18, 2))
            as gross_margin,
        costed.cogs_method,
        costed.source_fingerprint,
        costed.cogs_unrounded is not null as has_known_cost,
        costed.customer_number is null as is_unidentified_customer
    from costed
    left join customer_keys
        on costed.customer_number = customer_keys.customer_number

)

select * from final
