{#- Hours per employee and month: capacity, billable and non-billable hours worked, and the
    hours billed for that work.

    Capacity = weekly_capacity_hours / 5 x the month's weekdays (public holidays are not in the
    ERP). Billed hours follow the arrears convention of fct_invoice_lines: a project's invoice
    lines of month m + 1 bill its work of month m, and are shared among the employees by their
    billable hours on the project that month (credit notes subtract). -#}
with

timesheets as (

    select * from {{ ref('stg_erp__timesheets') }}

),

employees as (

    select * from {{ ref('stg_erp__employees') }}

),

invoice_lines as (

    select * from {{ ref('int_invoice_lines_costed') }}

),

worked as (

    select
        employee_id,
        project_id,
        {{ month_of('work_date') }} as month,
        sum(case when is_billable then hours else 0 end) as billable_hours,
        sum(case when is_billable then 0 else hours end) as non_billable_hours
    from timesheets
    group by
        employee_id,
        project_id,
        {{ month_of('work_date') }}

),

project_billable as (

    select
        project_id,
        month,
        sum(billable_hours) as billable_hours
    from worked
    where project_id is not null
    group by
        project_id,
        month

),

project_billed as (

    select
        project_id,
        {{ add_months('invoice_month', -1) }} as work_month,
        sum(case when invoice_kind = 'invoice' then quantity else -quantity end) as billed_hours
    from invoice_lines
    where project_id is not null
    group by
        project_id,
        {{ add_months('invoice_month', -1) }}

),

employee_worked as (

    select
        worked.employee_id,
        worked.month,
        sum(worked.billable_hours) as billable_hours,
        sum(worked.non_billable_hours) as non_billable_hours,
        -- Each share is a double (a division); summed as doubles in parallel their total
        -- varied in the last bits from one build to the next. Fixed to 10 decimals, the sum is
        -- exact and every build gives the same figure (kept as a decimal, so the utilisation
        -- report's department totals are exact too).
        sum(
            cast(
                case
                    when project_billable.billable_hours > 0
                        then
                            {{ wide_decimal('project_billed.billed_hours') }}
                            * worked.billable_hours
                            / project_billable.billable_hours
                    else 0
                end
                as decimal(38, 10)
            )
        ) as billed_hours
    from worked
    left join project_billable
        on
            worked.project_id = project_billable.project_id
            and worked.month = project_billable.month
    left join project_billed
        on
            worked.project_id = project_billed.project_id
            and worked.month = project_billed.work_month
    group by
        worked.employee_id,
        worked.month

),

months as (

    select distinct
        month,
        {{ add_months('month', 1) }} as next_month,
        cast('2001-01-01' as date) as a_monday
    from worked

),

calendar as (

    -- noqa: the adapter's datediff renders past the line limit.
    select
        month,
        {{ dbt.datediff('month', 'next_month', 'day') }} as days_in_month,  -- noqa: LT05
        {{ dbt.datediff('a_monday', 'month', 'day') }} as days_since_a_monday  -- noqa: LT05
    from months

),

weekdays as (

    -- Four whole weeks hold 20 weekdays; the 0-3 days left start on the month's first weekday.
    -- days_since_a_monday mod 7 is the weekday of the month's first day, 0 = Monday.
    select
        month,
        20
        + case when days_in_month > 28 and mod(days_since_a_monday, 7) < 5 then 1 else 0 end
        + case when days_in_month > 29 and mod(days_since_a_monday + 1, 7) < 5 then 1 else 0 end
        + case when days_in_month > 30 and mod(days_since_a_monday + 2, 7) < 5 then 1 else 0 end
            as weekdays
    from calendar

),

final as (

    select
        employees.employee_id,
        employees.name as employee_name,
        employees.department,
        weekdays.month,
        weekdays.weekdays,
        -- A decimal (the division alone gives a double), so that sums over employees are
        -- exact whatever order the rows come in.
        {{ wide_decimal(
            wide_decimal('employees.weekly_capacity_hours') ~ ' * weekdays.weekdays / 5'
        ) }} as capacity_hours,
        coalesce(employee_worked.billable_hours, 0) as billable_hours,
        coalesce(employee_worked.non_billable_hours, 0) as non_billable_hours,
        coalesce(employee_worked.billed_hours, 0) as billed_hours
    from employees
    cross join weekdays
    left join employee_worked
        on
            employees.employee_id = employee_worked.employee_id
            and weekdays.month = employee_worked.month
    where employees.is_present or employee_worked.employee_id is not null

)

select * from final
