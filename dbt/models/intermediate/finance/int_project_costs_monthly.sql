{#- Timesheet cost of each project per calendar month: every hour (billable or not) costed at
    the employee's cost rate, which the ERP keeps in the company currency. -#}
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
        ) as timesheet_cost
    from timesheets
    inner join employees
        on timesheets.employee_id = employees.employee_id
    where timesheets.project_id is not null
    group by
        timesheets.project_id,
        {{ month_of('timesheets.work_date') }}

)

select * from final
