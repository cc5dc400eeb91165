{#- Every churn event: one row per customer and month it churned (int_customer_months.is_churned,
    the customers counted in rpt_kpi_monthly.churned_customers), with what the customer was worth:
    its net revenue of the 12 months before the churn month and its lifetime revenue and margin
    through that month. A reactivated customer that churns again has a second row. -#}
with

customer_months as (

    select * from {{ ref('int_customer_months') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

valued as (

    select
        *,
        lag(net_revenue_12m) over (
            partition by customer_key order by month
        ) as net_revenue_12m_before,
        sum(net_revenue) over (
            partition by customer_key order by month
            rows between unbounded preceding and current row
        ) as lifetime_net_revenue,
        sum(gross_margin) over (
            partition by customer_key order by month
            rows between unbounded preceding and current row
        ) as lifetime_gross_margin
    from customer_months

),

final as (

    select
        valued.customer_key,
        valued.month as churn_month,
        valued.is_complete_month,
        case
            when valued.is_former_customer then 'Former Customer in the CRM'
            else 'No revenue in 12 months'
        end as churn_reason,
        customers.customer_name,
        customers.erp_customer_number,
        customers.segment,
        customers.country_code,
        valued.acquisition_channel,
        valued.acquisition_month,
        '{{ var("reporting_currency") }}' as reporting_currency,
        cast(coalesce(valued.net_revenue_12m_before, 0) as decimal(18, 2))
            as net_revenue_12m_before,
        cast(valued.lifetime_net_revenue as decimal(18, 2)) as lifetime_net_revenue,
        cast(valued.lifetime_gross_margin as decimal(18, 2)) as lifetime_gross_margin
    from valued
    left join customers
        on valued.customer_key = customers.customer_key
    where valued.is_churned

)

select * from final
