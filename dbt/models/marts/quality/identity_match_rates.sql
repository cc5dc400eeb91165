{#- How well the two systems are joined: match rate of ERP customers to CRM (by count and by
    revenue), duplicates inside each system, and records linked by each rule. One row per
    metric, so the data-quality page and `c360 sql` read it the same way. -#}
with

bridge as (

    select * from {{ ref('int_customer_bridge') }}

),

invoice_lines as (

    select * from {{ ref('fct_invoice_lines') }}
    -- Guest sales have no customer to match: they are in quality.unidentified_sales instead.
    where not is_unidentified_customer

),

customers_with_crm as (

    select
        customer_key,
        max(case when source_system = 'crm' then 1 else 0 end) as has_crm,
        max(case when source_system = 'erp' then 1 else 0 end) as has_erp,
        sum(case when source_system = 'crm' then 1 else 0 end) as crm_records,
        sum(case when source_system = 'erp' then 1 else 0 end) as erp_records
    from bridge
    group by customer_key

),

erp_revenue as (

    select
        customers_with_crm.has_crm,
        sum(invoice_lines.net_revenue) as net_revenue
    from invoice_lines
    inner join customers_with_crm
        on invoice_lines.customer_key = customers_with_crm.customer_key
    group by customers_with_crm.has_crm

),

crm_delivered as (

    -- Without any CRM record (an ERP-only company) a match rate is unknown, not 0 %: null.
    select max(has_crm) = 1 as has_crm_records
    from customers_with_crm

),

rates as (

    select
        'erp_customers_matched_to_crm_by_count' as metric,
        case
            when max(crm_delivered.has_crm_records)
                then cast(sum(customers_with_crm.has_crm) as double) / nullif(count(*), 0)
        end as metric_value
    from customers_with_crm
    cross join crm_delivered
    where customers_with_crm.has_erp = 1

    union all

    select
        'erp_customers_matched_to_crm_by_revenue' as metric,
        case
            when max(crm_delivered.has_crm_records)
                then
                    cast(
                        sum(
                            case
                                when erp_revenue.has_crm = 1 then erp_revenue.net_revenue else 0
                            end
                        ) as double
                    )
                    / nullif(cast(sum(erp_revenue.net_revenue) as double), 0)
        end as metric_value
    from erp_revenue
    cross join crm_delivered

    union all

    select
        'crm_duplicate_rate' as metric,
        cast(sum(crm_records) - count(*) as double) / nullif(sum(crm_records), 0) as metric_value
    from customers_with_crm
    where has_crm = 1

    union all

    select
        'erp_duplicate_rate' as metric,
        cast(sum(erp_records) - count(*) as double) / nullif(sum(erp_records), 0) as metric_value
    from customers_with_crm
    where has_erp = 1

),

rules as (

    select
        {{ dbt.concat(["'records_matched_by_'", 'match_rule']) }} as metric,
        cast(count(*) as double) as metric_value
    from bridge
    group by match_rule

),

final as (

    select * from rates
    union all
    select * from rules

)

select * from final
