{#- Recurring revenue per customer and calendar month: MRR, ARR = 12 x MRR, and the month's ARR
    movement (new, expansion, contraction, churn, reactivation), on a dense grid from the
    customer's first subscription month to the last month of the calendar.

    The ERP's invoice lines carry no service period, so a subscription line (credit notes
    negative) is recognised evenly over subscription_term_months() months from its invoice
    month: MRR of m = the customer's subscription revenue invoiced in the term ending with m /
    the term, floored at zero (a credit larger than what is recognised leaves no negative ARR)
    and rounded to the cent. -#}
{%- set term = subscription_term_months() %}

with

invoice_lines as (

    select * from {{ ref('int_invoice_lines_costed') }}

),

months as (

    select * from {{ ref('int_reporting_months') }}

),

subscription_revenue as (

    -- Guest sales are no customer: they have no ARR to retain.
    select
        customer_key,
        invoice_month as month,
        sum(net_revenue) as net_revenue
    from invoice_lines
    where
        product_kind = 'subscription'
        and not is_unidentified_customer
    group by
        customer_key,
        invoice_month

),

first_months as (

    select
        customer_key,
        min(month) as first_month
    from subscription_revenue
    group by customer_key

),

grid as (

    select
        first_months.customer_key,
        months.month,
        months.month_number,
        months.is_complete_month,
        coalesce(subscription_revenue.net_revenue, 0) as billed_revenue
    from first_months
    inner join months
        on first_months.first_month <= months.month
    left join subscription_revenue
        on
            first_months.customer_key = subscription_revenue.customer_key
            and months.month = subscription_revenue.month

),

in_term as (

    -- The grid has every month, so the last `term` rows are the lines whose term covers m.
    select
        *,
        sum(billed_revenue) over (
            partition by customer_key order by month_number
            rows between {{ term - 1 }} preceding and current row
        ) as term_revenue
    from grid

),

recurring as (

    select
        customer_key,
        month,
        month_number,
        is_complete_month,
        {{ money_ratio('greatest(term_revenue, 0)', term) }} as mrr
    from in_term

),

annualised as (

    select
        customer_key,
        month,
        month_number,
        is_complete_month,
        mrr,
        cast(12 * mrr as decimal(18, 2)) as arr
    from recurring

),

compared as (

    select
        *,
        coalesce(
            lag(arr) over (partition by customer_key order by month_number), 0
        ) as arr_previous_month,
        coalesce(
            lag(arr, 12) over (partition by customer_key order by month_number), 0
        ) as arr_12_months_before,
        -- Any ARR in an earlier month: a return after a gap is a reactivation, not new.
        coalesce(
            max(arr) over (
                partition by customer_key order by month_number
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) > 0 as had_arr_before
    from annualised

),

classified as (

    select
        *,
        case
            when arr_previous_month = 0 and arr > 0 and not had_arr_before then 'new'
            when arr_previous_month = 0 and arr > 0 then 'reactivation'
            when arr_previous_month > 0 and arr = 0 then 'churn'
            when arr > arr_previous_month then 'expansion'
            when arr < arr_previous_month then 'contraction'
            when arr > 0 then 'unchanged'
            else 'inactive'
        end as arr_movement
    from compared

),

final as (

    select
        customer_key,
        month,
        month_number,
        is_complete_month,
        mrr,
        arr,
        cast(arr_previous_month as decimal(18, 2)) as arr_previous_month,
        cast(arr_12_months_before as decimal(18, 2)) as arr_12_months_before,
        arr_movement,
        cast(case when arr_movement = 'new' then arr else 0 end as decimal(18, 2)) as new_arr,
        cast(
            case when arr_movement = 'expansion' then arr - arr_previous_month else 0 end
            as decimal(18, 2)
        ) as expansion_arr,
        cast(
            case when arr_movement = 'contraction' then arr_previous_month - arr else 0 end
            as decimal(18, 2)
        ) as contraction_arr,
        cast(
            case when arr_movement = 'churn' then arr_previous_month else 0 end
            as decimal(18, 2)
        ) as churned_arr,
        cast(
            case when arr_movement = 'reactivation' then arr else 0 end as decimal(18, 2)
        ) as reactivation_arr
    from classified

)

select * from final
