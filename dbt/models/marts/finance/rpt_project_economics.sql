{#- One row per project: what was billed, what the work cost, the margin and the budget used.

    billed_revenue is the project's invoice lines (credit notes negative) in the reporting
    currency; timesheet_cost is every hour booked on the project (billable or not) at the
    employee's cost rate, whenever it was billed; so a month worked and billed later counts
    once on each side. budget_consumed_pct = billed amount in the project's currency / budget
    (null without a budget). -#}
with

projects as (

    select * from {{ ref('stg_erp__projects') }}

),

invoice_lines as (

    select * from {{ ref('fct_invoice_lines') }}

),

project_costs as (

    select * from {{ ref('int_project_costs_monthly') }}

),

timesheets as (

    select * from {{ ref('stg_erp__timesheets') }}

),

customer_keys as (

    select * from {{ ref('int_customer_keys_by_erp_number') }}

),

billed as (

    select
        project_id,
        sum(case when invoice_kind = 'invoice' then quantity else -quantity end) as billed_hours,
        sum(net_revenue) as billed_revenue,
        min(invoice_date) as first_invoice_date,
        max(invoice_date) as last_invoice_date
    from invoice_lines
    where project_id is not null
    group by project_id

),

billed_in_project_currency as (

    select
        invoice_lines.project_id,
        sum(invoice_lines.net_amount_document) as billed_amount_document
    from invoice_lines
    inner join projects
        on
            invoice_lines.project_id = projects.project_id
            and invoice_lines.document_currency = projects.currency
    group by invoice_lines.project_id

),

costs as (

    select
        project_id,
        sum(hours) as hours,
        sum(timesheet_cost) as timesheet_cost,
        min(work_month) as first_work_month,
        max(work_month) as last_work_month
    from project_costs
    group by project_id

),

billable as (

    select
        project_id,
        sum(case when is_billable then hours else 0 end) as billable_hours
    from timesheets
    where project_id is not null
    group by project_id

),

final as (

    select
        projects.project_id,
        projects.name as project_name,
        customer_keys.customer_key,
        projects.customer_number as erp_customer_number,
        projects.billing_type,
        projects.start_date,
        projects.end_date,
        projects.currency as project_currency,
        cast(projects.budget as decimal(18, 2)) as budget,
        cast(coalesce(billed_in_project_currency.billed_amount_document, 0) as decimal(18, 2))
            as billed_amount_project_currency,
        case
            when projects.budget > 0
                then
                    cast(coalesce(billed_in_project_currency.billed_amount_document, 0) as double)
                    / cast(projects.budget as double)
        end as budget_consumed_pct,
        '{{ var("reporting_currency") }}' as reporting_currency,
        cast(coalesce(billed.billed_revenue, 0) as decimal(18, 2)) as billed_revenue,
        cast(round(coalesce(costs.timesheet_cost, 0), 2) as decimal(18, 2)) as timesheet_cost,
        cast(
            coalesce(billed.billed_revenue, 0) - round(coalesce(costs.timesheet_cost, 0), 2)
            as decimal(18, 2)
        ) as margin,
        case
            when coalesce(billed.billed_revenue, 0) != 0
                then
                    cast(
                        billed.billed_revenue - round(coalesce(costs.timesheet_cost, 0), 2)
                        as double
                    )
                    / cast(billed.billed_revenue as double)
        end as margin_pct,
        cast(coalesce(costs.hours, 0) as decimal(18, 2)) as hours_worked,
        cast(coalesce(billable.billable_hours, 0) as decimal(18, 2)) as billable_hours,
        cast(coalesce(billed.billed_hours, 0) as decimal(18, 4)) as billed_hours,
        costs.first_work_month,
        costs.last_work_month,
        billed.first_invoice_date,
        billed.last_invoice_date
    from projects
    left join customer_keys
        on projects.customer_number = customer_keys.customer_number
    left join billed
        on projects.project_id = billed.project_id
    left join billed_in_project_currency
        on projects.project_id = billed_in_project_currency.project_id
    left join costs
        on projects.project_id = costs.project_id
    left join billable
        on projects.project_id = billable.project_id

)

select * from final
