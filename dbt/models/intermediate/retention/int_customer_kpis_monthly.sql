{#- The customer figures of rpt_kpi_monthly, one row per calendar month: new, active and churned
    customers, blended CAC, ARR, 12-month net and gross revenue retention on ARR (NRR, GRR) and
    the all-revenue variant ("revenue retention, all revenue"). -#}
{%- set term = subscription_term_months() %}

with

months as (

    select * from {{ ref('int_reporting_months') }}

),

customer_months as (

    select * from {{ ref('int_customer_months') }}

),

cac as (

    select * from {{ ref('int_cac_monthly') }}

),

customer_arr as (

    select * from {{ ref('int_customer_arr_monthly') }}

),

counts as (

    select
        month,
        count(*) filter (where is_active) as active_customers,
        count(*) filter (where is_churned) as churned_customers,
        -- Base of NRR/GRR: the customers active 12 months earlier, with their revenue of the
        -- 12 months ending then and of the 12 months ending now (GRR: capped at the former).
        count(*) filter (where net_revenue_12m_year_before > 0) as retention_base_customers,
        sum(net_revenue_12m_year_before) filter (
            where net_revenue_12m_year_before > 0
        ) as retention_base_revenue,
        sum(net_revenue_12m) filter (where net_revenue_12m_year_before > 0) as retained_revenue,
        sum(least(net_revenue_12m, net_revenue_12m_year_before)) filter (
            where net_revenue_12m_year_before > 0
        ) as retained_revenue_capped
    from customer_months
    group by month

),

arr_retention as (

    -- Base of NRR/GRR: the customers with ARR 12 months earlier, their ARR then and now (GRR:
    -- each customer's ARR now capped at its ARR then).
    select
        month,
        sum(arr) as arr,
        sum(arr_12_months_before) filter (
            where arr_12_months_before > 0
        ) as retention_base_arr,
        sum(arr) filter (where arr_12_months_before > 0) as retained_arr,
        sum(least(arr, arr_12_months_before)) filter (
            where arr_12_months_before > 0
        ) as retained_arr_capped
    from customer_arr
    group by month

),

final as (

    select
        months.month,
        coalesce(cac.new_customers, 0) as new_customers,
        cast(coalesce(counts.active_customers, 0) as integer) as active_customers,
        cast(coalesce(counts.churned_customers, 0) as integer) as churned_customers,
        cac.spend as sales_marketing_spend,
        {{ money_ratio('cac.spend', 'cac.new_customers') }} as blended_cac,
        cast(coalesce(arr_retention.arr, 0) as decimal(18, 2)) as arr,
        -- NRR and GRR on ARR need the ARR of 12 months back complete: every line that can
        -- cover that month billed within the history, from month 12 + term on.
        case
            when months.month_number >= {{ 12 + term }} and arr_retention.retention_base_arr > 0
                then
                    cast(arr_retention.retained_arr as double)
                    / cast(arr_retention.retention_base_arr as double)
        end as nrr_12m,
        case
            when months.month_number >= {{ 12 + term }} and arr_retention.retention_base_arr > 0
                then
                    cast(arr_retention.retained_arr_capped as double)
                    / cast(arr_retention.retention_base_arr as double)
        end as grr_12m,
        -- Revenue retention, all revenue: a full 12-month base window 12 months back, from the
        -- 24th month on.
        case
            when months.month_number >= 24 and counts.retention_base_revenue > 0
                then
                    cast(counts.retained_revenue as double)
                    / cast(counts.retention_base_revenue as double)
        end as nrr_all_revenue_12m,
        case
            when months.month_number >= 24 and counts.retention_base_revenue > 0
                then
                    cast(counts.retained_revenue_capped as double)
                    / cast(counts.retention_base_revenue as double)
        end as grr_all_revenue_12m
    from months
    left join counts
        on months.month = counts.month
    left join arr_retention
        on months.month = arr_retention.month
    left join cac
        on
            months.month = cac.month
            and cac.is_blended

)

select * from final
