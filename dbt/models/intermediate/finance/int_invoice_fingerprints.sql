{#- A fingerprint of everything fct_invoice_lines computes an invoice's lines from, one row per
    document (cancelled ones included): the document and its lines as last extracted, the
    customer it resolves to, the month's exchange rate, the standard cost valid for each line
    and, for lines billing a project, the project-month's timesheet cost and how its billing is
    shared. The incremental build of fct_invoice_lines recomputes exactly the documents whose
    fingerprint changed (late corrections, cancellations, a late timesheet, a re-keyed
    customer, a revised rate or cost), so it stays equal to a full rebuild.

    The line inputs are the ones int_invoice_lines_costed joined to cost the line, so the
    fingerprint cannot drift from the costing. A cancelled document has no costed lines: its
    fingerprint is its header's (its status is in it), and no lines of it are ever stored. -#}
with

invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

costed_lines as (

    select * from {{ ref('int_invoice_lines_costed') }}

),

cost_data as (

    -- A credit note's cost is 0 or unknown depending on it (int_invoice_lines_costed).
    select * from {{ ref('int_cost_data_coverage') }}

),

line_inputs as (

    select
        invoice_number,
        resolved_customer_key,
        fx_rate,
        {{ dbt.concat([
            dbt.cast('extracted_line_number', dbt.type_string()), "'|'",
            "coalesce(sku, '')", "'|'",
            "coalesce(project_id, '')", "'|'",
            "coalesce(" ~ dbt.cast('quantity', dbt.type_string()) ~ ", '')", "'|'",
            "coalesce(" ~ dbt.cast('extracted_net_amount', dbt.type_string()) ~ ", '')", "'|'",
            "coalesce(product_kind, '')", "'|'",
            "coalesce(" ~ dbt.cast('standard_cost_valid_from', dbt.type_string()) ~ ", '')",
            "'|'",
            "coalesce(" ~ dbt.cast('standard_unit_cost', dbt.type_string()) ~ ", '')",
            "'|'",
            "coalesce(standard_cost_currency, '')", "'|'",
            "coalesce(" ~ dbt.cast('standard_cost_fx_rate', dbt.type_string()) ~ ", '')", "'|'",
            "coalesce(" ~ dbt.cast('project_timesheet_cost', dbt.type_string()) ~ ", '')",
            "'|'",
            "coalesce("
            ~ dbt.cast('project_lines_billing_period', dbt.type_string()) ~ ", '')",
            "'|'",
            "coalesce("
            ~ dbt.cast('project_quantity_billing_period', dbt.type_string()) ~ ", '')",
        ]) }} as line_input
    from costed_lines

),

invoice_inputs as (

    -- Every line of a document resolves the same customer and rate (the document's).
    select
        invoice_number,
        max(resolved_customer_key) as resolved_customer_key,
        max(fx_rate) as fx_rate,
        {{ sorted_listagg('line_input', "';'") }} as lines_input
    from line_inputs
    group by invoice_number

),

final as (

    select
        invoices.invoice_number,
        {{ dbt.hash(dbt.concat([
            "coalesce(invoice_inputs.resolved_customer_key, '')", "'|'",
            "coalesce(invoices.customer_number, '')", "'|'",
            "coalesce(invoices.kind, '')", "'|'",
            "coalesce(invoices.status, '')", "'|'",
            "coalesce(" ~ dbt.cast('invoices.invoice_date', dbt.type_string()) ~ ", '')", "'|'",
            "coalesce(invoices.currency, '')", "'|'",
            "coalesce(" ~ dbt.cast('invoice_inputs.fx_rate', dbt.type_string()) ~ ", '')", "'|'",
            "coalesce(invoice_inputs.lines_input, '')", "'|'",
            dbt.cast('cost_data.has_cost_data', dbt.type_string()), "'|'",
            dbt.cast('cost_data.has_timesheets', dbt.type_string()),
        ])) }} as source_fingerprint
    from invoices
    cross join cost_data
    left join invoice_inputs
        on invoices.invoice_number = invoice_inputs.invoice_number

)

select * from final
