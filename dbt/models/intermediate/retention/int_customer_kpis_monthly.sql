{#- The customer figures of rpt_kpi_monthly, one row per calendar month: new, active and churned
    customers, blended CAC, and 12-month net and gross revenue retention. -#}
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

final as (

    select
        months.month,
        coalesce(cac.new_customers, 0) as new_customers,
        cast(coalesce(counts.active_customers, 0) as integer) as active_customers,
        cast(coalesce(counts.churned_customers, 0) as integer) as churned_customers,
        cac.spend as sales_marketing_spend,
        {{ money_ratio('cac.spend', 'cac.new_customers') }} as blended_cac,
        -- NRR and GRR need a full 12-month base window 12 months back: from the 24th month on.
        case
            when months.month_number >= 24 and counts.retention_base_revenue > 0
                then
                    cast(counts.retained_revenue as double)
                    / cast(counts.retention_base_revenue as double)
        end as nrr_12m,
        case
            when months.month_number >= 24 and counts.retention_base_revenue > 0
                then
                    cast(counts.retained_revenue_capped as double)
                    / cast(counts.retention_base_revenue as double)
        end as grr_12m
    from months
    left join counts
        on months.month = counts.month
    left join cac
        on
            months.month = cac.month
            and cac.is_blended

)

select * from final
