{#- Recurring revenue per customer and month (int_customer_arr_monthly): every month the customer
    has ARR, and the month it churned to none. The history Customer 360 shows; the ARR bridge
    (rpt_arr_bridge) adds up its movements. -#}
with

customer_arr as (

    select * from {{ ref('int_customer_arr_monthly') }}

),

final as (

    select
        customer_key,
        month,
        is_complete_month,
        '{{ var("reporting_currency") }}' as reporting_currency,
        mrr,
        arr,
        arr_previous_month,
        cast(arr - arr_previous_month as decimal(18, 2)) as arr_change,
        arr_movement
    from customer_arr
    where
        arr > 0
        or arr_previous_month > 0

)

select * from final
