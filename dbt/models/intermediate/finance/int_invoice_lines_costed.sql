{#- Every line of the documents not cancelled, costed: the one home of the invoice-line rules
    that fct_invoice_lines publishes. Rules (see
    fct_invoice_lines' column docs):
    - credit notes carry positive amounts in the ERP; here they are negated, and carry no COGS
      (they are price adjustments: no goods come back);
    - amounts are converted at the rate of the invoice's month and rounded to the cent per line;
    - goods and subscriptions cost quantity x the standard cost valid at the invoice date;
    - a line billing a project costs that project's billable timesheet hours of the calendar
      month before the invoice date (the period it bills), shared by quantity among every
      invoice line billing it, whichever documents a build recomputes; non-billable hours are
      cost to serve (once, there);
    - a line whose cost the data cannot give (no standard cost for its SKU, no timesheets for its
      project-month: a company without product costs) has a null cogs and gross margin, never
      a zero cost that would show a 100 % margin (has_known_cost);
    - an invoice without a customer number (a guest or cash sale) belongs to the one
      "unidentified customers" member (is_unidentified_customer), so its revenue counts in
      every total while customer counts leave it out.
    - a document in a currency nobody quotes has no revenue to give: it is left out
      (int_invoices_without_rate, which a warning test lists), never a null amount that stops
      the build.

    Intermediate models that need invoice lines read this model, not the mart. -#}
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

invoices_without_rate as (

    select * from {{ ref('int_invoices_without_rate') }}

),

customer_keys as (

    select * from {{ ref('int_customer_keys_by_erp_number') }}

),

cost_data as (

    select * from {{ ref('int_cost_data_coverage') }}

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
        end as net_amount_document
    from invoice_lines
    inner join invoices
        on invoice_lines.invoice_number = invoices.invoice_number
    left join products
        on invoice_lines.sku = products.sku
    left join invoices_without_rate
        on invoices.invoice_number = invoices_without_rate.invoice_number
    where
        coalesce(invoices.status, '') != 'cancelled'
        and invoices_without_rate.invoice_number is null

),

project_billing as (

    -- How a project-month's cost is shared: every invoice line billing it.
    select
        project_id,
        invoice_month,
        count(*) as lines_billing_period,
        sum(quantity) as quantity_billing_period
    from lines
    where
        project_id is not null
        and invoice_kind = 'invoice'
    group by
        project_id,
        invoice_month

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
            when lines.project_id is not null and project_billing.lines_billing_period = 1
                then project_costs.billable_timesheet_cost
            when lines.project_id is not null
                -- Division yields a double on DuckDB: bring it back to a decimal, or the whole
                -- case becomes a double and costs round wrongly at half cents.
                then {{ wide_decimal(
                    'project_costs.billable_timesheet_cost * lines.quantity'
                    ~ ' / nullif(project_billing.quantity_billing_period, 0)'
                ) }}
            -- A cost beyond the 16 digits money is kept in (a quantity and a unit cost that each
            -- passed the ingestion's trillion) is unknown, not an overflow that stops the build.
            when
                abs(
                    cast(lines.quantity as double)
                    * cast(product_costs.standard_unit_cost as double)
                    * cast(cost_fx.rate as double)
                ) >= 1e15
                then null
            else
                {{ wide_decimal(
                    wide_decimal('lines.quantity') ~ ' * product_costs.standard_unit_cost'
                ) }}
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
    left join project_billing
        on
            lines.project_id = project_billing.project_id
            and lines.invoice_month = project_billing.invoice_month
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
        costed.cogs_unrounded is not null as has_known_cost,
        costed.customer_number is null as is_unidentified_customer
    from costed
    left join customer_keys
        on costed.customer_number = customer_keys.customer_number

)

select * from final
