{#- Utilisation and realisation per month, for each employee (grain = 'employee') and for each
    department, the team (grain = 'department', employee columns null).

    utilisation_rate = billable hours / capacity hours; realisation_rate = billed hours /
    billable hours (int_employee_hours_monthly says how capacity and billed hours are counted).
    Department rates are ratios of the summed hours, not means of the employees' rates. -#}
with

hours as (

    select * from {{ ref('int_employee_hours_monthly') }}

),

by_employee as (

    select
        month,
        'employee' as grain,
        department,
        employee_id,
        employee_name,
        cast(1 as integer) as employees,
        capacity_hours,
        billable_hours,
        non_billable_hours,
        billed_hours
    from hours

),

by_department as (

    select
        month,
        'department' as grain,
        department,
        null as employee_id,
        null as employee_name,
        cast(count(*) as integer) as employees,
        sum(capacity_hours) as capacity_hours,
        sum(billable_hours) as billable_hours,
        sum(non_billable_hours) as non_billable_hours,
        sum(billed_hours) as billed_hours
    from hours
    group by
        month,
        department

),

combined as (

    select * from by_employee
    union all
    select * from by_department

),

final as (

    select
        month,
        grain,
        department,
        employee_id,
        employee_name,
        employees,
        cast(round(capacity_hours, 2) as decimal(18, 2)) as capacity_hours,
        cast(billable_hours as decimal(18, 2)) as billable_hours,
        cast(non_billable_hours as decimal(18, 2)) as non_billable_hours,
        cast(round(billed_hours, 2) as decimal(18, 2)) as billed_hours,
        case
            when capacity_hours > 0
                then cast(billable_hours as double) / cast(capacity_hours as double)
        end as utilisation_rate,
        case
            when billable_hours > 0
                -- of the published (cent-rounded) hours: the engines' unrounded shares differ
                then cast(round(billed_hours, 2) as double) / cast(billable_hours as double)
        end as realisation_rate
    from combined

)

select * from final
