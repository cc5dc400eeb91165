{#- The ARR bridge per calendar month: opening ARR (the closing ARR of the month before) + new +
    expansion - contraction - churn + reactivation = closing ARR, the movements of
    int_customer_arr_monthly summed over customers. Every month of the calendar has a row. -#}
{%- set term = subscription_term_months() %}

with

months as (

    select * from {{ ref('int_reporting_months') }}

),

customer_arr as (

    select * from {{ ref('int_customer_arr_monthly') }}

),

movements as (

    select
        month,
        sum(arr_previous_month) as opening_arr,
        sum(new_arr) as new_arr,
        sum(expansion_arr) as expansion_arr,
        sum(contraction_arr) as contraction_arr,
        sum(churned_arr) as churned_arr,
        sum(reactivation_arr) as reactivation_arr,
        sum(arr) as closing_arr,
        count(case when arr_previous_month > 0 then 1 end) as opening_customers,
        count(case when arr_movement = 'new' then 1 end) as new_customers,
        count(case when arr_movement = 'churn' then 1 end) as churned_customers,
        count(case when arr_movement = 'reactivation' then 1 end) as reactivated_customers,
        count(case when arr > 0 then 1 end) as closing_customers
    from customer_arr
    group by month

),

final as (

    select
        months.month,
        months.is_complete_month,
        -- Before a full term of history, lines billed before the first month are missing.
        months.month_number >= {{ term }} as is_arr_history_complete,
        '{{ var("reporting_currency") }}' as reporting_currency,
        cast(coalesce(movements.opening_arr, 0) as decimal(18, 2)) as opening_arr,
        cast(coalesce(movements.new_arr, 0) as decimal(18, 2)) as new_arr,
        cast(coalesce(movements.expansion_arr, 0) as decimal(18, 2)) as expansion_arr,
        cast(coalesce(movements.contraction_arr, 0) as decimal(18, 2)) as contraction_arr,
        cast(coalesce(movements.churned_arr, 0) as decimal(18, 2)) as churned_arr,
        cast(coalesce(movements.reactivation_arr, 0) as decimal(18, 2)) as reactivation_arr,
        cast(coalesce(movements.closing_arr, 0) as decimal(18, 2)) as closing_arr,
        cast(coalesce(movements.opening_customers, 0) as integer) as opening_customers,
        cast(coalesce(movements.new_customers, 0) as integer) as new_customers,
        cast(coalesce(movements.churned_customers, 0) as integer) as churned_customers,
        cast(coalesce(movements.reactivated_customers, 0) as integer) as reactivated_customers,
        cast(coalesce(movements.closing_customers, 0) as integer) as closing_customers
    from months
    left join movements
        on months.month = movements.month

)

select * from final
