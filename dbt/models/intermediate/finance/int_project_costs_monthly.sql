{#- Timesheet cost of each project per calendar month, at the employee's cost rate, which the ERP
    keeps in the company currency: every hour (billable or not: the project's own margin) and
    the billable hours alone (the COGS of the invoice that bills the month; a non-billable hour
    on a customer's project is cost to serve, its `non_billable_hours` driver, and is costed
    there once). -#}
with

timesheets as (

    select * from {{ ref('stg_erp__timesheets') }}

),

employees as (

    select * from {{ ref('stg_erp__employees') }}

),

final as (

    select
        timesheets.project_id,
        {{ month_of('timesheets.work_date') }} as work_month,
        sum(timesheets.hours) as hours,
        sum(
            {{ wide_decimal('timesheets.hours') }} * employees.cost_rate_per_hour
        ) as timesheet_cost,
        sum(
            case
                when timesheets.is_billable
                    then {{ wide_decimal('timesheets.hours') }} * employees.cost_rate_per_hour
                else 0
            end
        ) as billable_timesheet_cost
    from timesheets
    inner join employees
        on timesheets.employee_id = employees.employee_id
    where timesheets.project_id is not null
    group by
        timesheets.project_id,
        {{ month_of('timesheets.work_date') }}

)

select * from final
