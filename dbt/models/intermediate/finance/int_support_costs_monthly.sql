{#- Support cost per customer and month: CRM case handle time costed at the support cost rate.

    A case belongs to the month it was opened (UTC) and to the customer its CRM account resolves
    to through the identity bridge; a case whose account the bridge does not know keeps a null
    customer_key, so its cost stays in the company totals instead of disappearing. -#}
with

cases as (

    select * from {{ ref('stg_crm__cases') }}

),

bridge as (

    select * from {{ ref('int_customer_bridge') }}

),

crm_keys as (

    select
        source_record_id as account_id,
        customer_key
    from bridge
    where source_system = 'crm'

),

final as (

    select
        crm_keys.customer_key,
        {{ month_of(dbt.cast('cases.created_at', 'date')) }} as month,
        count(*) as cases,
        sum(coalesce(cases.handle_minutes, 0)) as handle_minutes,
        cast(
            round(
                {{ wide_decimal('sum(coalesce(cases.handle_minutes, 0))') }}
                * {{ wide_decimal(var('support_cost_per_hour')) }} / 60,
                2
            ) as decimal(18, 2)
        ) as support_cost
    from cases
    left join crm_keys
        on cases.account_id = crm_keys.account_id
    group by
        crm_keys.customer_key,
        {{ month_of(dbt.cast('cases.created_at', 'date')) }}

)

select * from final
