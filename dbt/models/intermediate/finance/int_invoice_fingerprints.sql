{#- A fingerprint of everything fct_invoice_lines computes an invoice's lines from, one row per
    document (cancelled ones included): the document and its lines as last extracted, the
    customer it resolves to, the month's exchange rate, the standard cost valid for each line
    and, for lines billing a project, the project-month's timesheet cost and how its billing is
    shared. The incremental build of fct_invoice_lines recomputes exactly the documents whose
    fingerprint changed (late corrections, cancellations, a late timesheet, a re-keyed
    customer, a revised rate or cost), so it stays equal to a full rebuild. -#}
with

invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

invoice_lines as (

    select * from {{ ref('stg_erp__invoice_lines') }}

),

products as (

    select * from {{ ref('stg_erp__products') }}

),

cost_data as (

    -- A credit note's cost is 0 or unknown depending on it (fct_invoice_lines).
    select * from {{ ref('int_cost_data_coverage') }}

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

lines as (

    select
        invoice_lines.invoice_number,
        invoice_lines.line_number,
        invoice_lines.sku,
        invoice_lines.project_id,
        invoice_lines.quantity,
        invoice_lines.net_amount,
        invoices.invoice_date,
        invoices.kind,
        invoices.status,
        {{ month_of('invoices.invoice_date') }} as invoice_month
    from invoice_lines
    inner join invoices
        on invoice_lines.invoice_number = invoices.invoice_number

),

project_billing as (

    -- How a project-month's cost is shared: the same figures fct_invoice_lines uses.
    select
        project_id,
        invoice_month,
        count(*) as lines_billing_period,
        sum(quantity) as quantity_billing_period
    from lines
    where
        project_id is not null
        and kind = 'invoice'
        and coalesce(status, '') != 'cancelled'
    group by
        project_id,
        invoice_month

),

line_inputs as (

    select
        lines.invoice_number,
        {{ dbt.concat([
            dbt.cast('lines.line_number', dbt.type_string()), "'|'",
            "coalesce(lines.sku, '')", "'|'",
            "coalesce(lines.project_id, '')", "'|'",
            "coalesce(" ~ dbt.cast('lines.quantity', dbt.type_string()) ~ ", '')", "'|'",
            "coalesce(" ~ dbt.cast('lines.net_amount', dbt.type_string()) ~ ", '')", "'|'",
            "coalesce(products.kind, '')", "'|'",
            "coalesce(" ~ dbt.cast('product_costs.valid_from', dbt.type_string()) ~ ", '')",
            "'|'",
            "coalesce("
            ~ dbt.cast('product_costs.standard_unit_cost', dbt.type_string()) ~ ", '')",
            "'|'",
            "coalesce(product_costs.cost_currency, '')", "'|'",
            "coalesce(" ~ dbt.cast('cost_fx.rate', dbt.type_string()) ~ ", '')", "'|'",
            "coalesce(" ~ dbt.cast('project_costs.billable_timesheet_cost', dbt.type_string()) ~ ", '')",
            "'|'",
            "coalesce("
            ~ dbt.cast('project_billing.lines_billing_period', dbt.type_string()) ~ ", '')",
            "'|'",
            "coalesce("
            ~ dbt.cast('project_billing.quantity_billing_period', dbt.type_string()) ~ ", '')",
        ]) }} as line_input
    from lines
    left join products
        on lines.sku = products.sku
    left join product_costs
        on
            lines.sku = product_costs.sku
            and lines.invoice_date >= product_costs.valid_from
            and (product_costs.valid_to is null or lines.invoice_date < product_costs.valid_to)
    left join fx_rates as cost_fx
        on
            lines.invoice_month = cost_fx.month
            and product_costs.cost_currency = cost_fx.currency
    left join project_costs
        on
            lines.project_id = project_costs.project_id
            and {{ add_months('lines.invoice_month', -1) }} = project_costs.work_month
    left join project_billing
        on
            lines.project_id = project_billing.project_id
            and lines.invoice_month = project_billing.invoice_month

),

invoice_inputs as (

    select
        invoice_number,
        {{ sorted_listagg('line_input', "';'") }} as lines_input
    from line_inputs
    group by invoice_number

),

final as (

    select
        invoices.invoice_number,
        {{ dbt.hash(dbt.concat([
            "coalesce(customer_keys.customer_key, '')", "'|'",
            "coalesce(invoices.customer_number, '')", "'|'",
            "coalesce(invoices.kind, '')", "'|'",
            "coalesce(invoices.status, '')", "'|'",
            "coalesce(" ~ dbt.cast('invoices.invoice_date', dbt.type_string()) ~ ", '')", "'|'",
            "coalesce(invoices.currency, '')", "'|'",
            "coalesce(" ~ dbt.cast('fx_rates.rate', dbt.type_string()) ~ ", '')", "'|'",
            "coalesce(invoice_inputs.lines_input, '')", "'|'",
            dbt.cast('cost_data.has_cost_data', dbt.type_string()), "'|'",
            dbt.cast('cost_data.has_timesheets', dbt.type_string()),
        ])) }} as source_fingerprint
    from invoices
    cross join cost_data
    left join invoice_inputs
        on invoices.invoice_number = invoice_inputs.invoice_number
    left join customer_keys
        on invoices.customer_number = customer_keys.customer_number
    left join fx_rates
        on
            {{ month_of('invoices.invoice_date') }} = fx_rates.month
            and invoices.currency = fx_rates.currency

)

select * from final
